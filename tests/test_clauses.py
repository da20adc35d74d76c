"""Clause-boundary splitting of over-long sentences (align.text.clauses): pure string work."""
import re

import pytest

from align.text.clauses import join_pieces, split_clauses, split_to_fit
from tests.tiny_marian import interview_sentences


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("text, pieces", [
    ("Wir stellen nicht ein.", ["Wir stellen nicht ein."]),
    ("Er kam; sie ging.", ["Er kam;", "sie ging."]),
    ("Sorkin fragte: Wie kam es dazu?", ["Sorkin fragte:", "Wie kam es dazu?"]),
    ("Ich ging hin, weil er fragte, und blieb.", ["Ich ging hin,", "weil er fragte,", "und blieb."]),
    ("Sie sagte – wie immer – nichts.", ["Sie sagte", "– wie immer", "– nichts."]),
    ("我们讨论了贸易，然后离开了。", ["我们讨论了贸易，", "然后离开了。"]),
])
def test_split_clauses(text, pieces):
    assert split_clauses(text) == pieces


def test_semicolon_beats_a_comma_nearer_the_middle():
    text = "Eins; zwei drei vier fünf sechs, sieben acht neun zehn elf zwölf dreizehn vierzehn."
    pieces = split_to_fit(text, lambda s: len(s) <= len(text) - 5)
    assert pieces[0] == "Eins;"


def test_comma_before_conjunction_beats_plain_comma():
    text = ("Er sagte, ja, das sei gut, weil alle Beteiligten am Ende des Tages "
            "sehr zufrieden gewesen seien")
    pieces = split_to_fit(text, lambda s: len(s) < len(text))
    assert pieces[1].startswith("weil ")


@pytest.mark.parametrize("limit", [40, 80, 160])
def test_every_interview_sentence_survives_splitting(limit):
    """Nothing is lost or reordered, and every piece fits (the model's limit)."""
    for sentence in interview_sentences():
        pieces = split_to_fit(sentence, lambda s: len(s) <= limit)
        assert squash(" ".join(pieces)) == squash(sentence)
        assert all(len(p) <= limit for p in pieces), pieces
        if len(sentence) <= limit:
            assert pieces == [sentence.strip()]


def test_text_without_spaces_is_cut_not_truncated():
    text = "x" * 1000
    pieces = split_to_fit(text, lambda s: len(s) <= 128)
    assert "".join(pieces) == text
    assert all(len(p) <= 128 for p in pieces)


@pytest.mark.parametrize("pieces, joined", [
    (["It was late,", "and he left."], "It was late, and he left."),
    (["我们讨论了贸易，", "然后离开了。"], "我们讨论了贸易，然后离开了。"),
    (["Alibaba", "阿里巴巴"], "Alibaba阿里巴巴"),
    (["  a ", "", "b"], "a b"),
])
def test_join_pieces(pieces, joined):
    assert join_pieces(pieces) == joined
