"""Segmentation into blocks: the interview against its hand-checked gold, and general cases."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from align.cli import main
from align.errors import InputError
from align.text.segment import segment_document
from align.text.speakers import find_speakers

ROOT = Path(__file__).resolve().parent.parent
INTERVIEW = ROOT / "data" / "davos_interview_de.txt"
GOLD = Path(__file__).resolve().parent / "fixtures" / "interview_gold.json"


def _gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _shape(doc) -> list[tuple]:
    return [(b.kind, b.speaker, b.sentences) for b in doc.blocks]


# --- the interview ------------------------------------------------------------------

def test_cli_json_equals_gold(capsys):
    assert main(["segment", str(INTERVIEW), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == _gold()
    assert out == json.dumps(_gold(), ensure_ascii=False, indent=2) + "\n"


def test_cli_json_equals_gold_in_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "align.cli", "segment", str(INTERVIEW), "--json"],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == _gold()


def test_cli_outline(capsys):
    assert main(["segment", str(INTERVIEW)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("#1 narration: 5 sentences\n    Am frühen Morgen des 19. Januar")
    assert "#2 turn Sorkin: 4 sentences" in out
    assert "#4 turn Sorkin (written Solkin): 1 sentence\n    Was sind Ihre Erwartungen?" in out
    assert "#10 heading: 1 sentence\n    Es sind nicht andere Länder, die amerikanische" in out
    assert "#13 heading: 1 sentence\n    Globalisierung erfordert Optimierung" in out
    # The interview's four section headings: each an unpunctuated sentence before a label.
    assert out.count(" heading: ") == 4
    assert "merged speaker labels: Sorkin <- Solkin" in out


def test_cli_keep_apart_undoes_the_merge(capsys):
    assert main(["segment", str(INTERVIEW), "--json", "--keep-apart", "Solkin"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["speakers"] == {}
    speakers = [b["speaker"] for b in doc["blocks"] if b["kind"] == "turn"]
    assert speakers[:4] == ["Sorkin", "Jack Ma", "Solkin", "Jack Ma"]
    assert speakers.count("Solkin") == 8 and speakers.count("Sorkin") == 8
    # Nothing else changes: same blocks, same sentences.
    assert [b["sentences"] for b in doc["blocks"]] == [b["sentences"] for b in _gold()["blocks"]]


def test_cli_missing_file(capsys, tmp_path):
    assert main(["segment", str(tmp_path / "none.txt")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {tmp_path / 'none.txt'}: no such file"


def test_interview_keeps_labels_as_written():
    doc = segment_document(INTERVIEW.read_text(encoding="utf-8"), "de", title="Davos")
    assert doc.title == "Davos" and doc.lang == "de"
    turns = [b for b in doc.blocks if b.kind == "turn"]
    assert {(b.speaker, b.speaker_label) for b in turns} == {
        ("Sorkin", "Sorkin"), ("Sorkin", "Solkin"), ("Jack Ma", "Jack Ma"), ("Publikum", "Publikum")}
    assert all(b.excluded for b in doc.blocks if b.kind == "boilerplate")
    assert not any(b.excluded for b in turns)


def test_undo_merges_in_the_library():
    text = INTERVIEW.read_text(encoding="utf-8")
    merged = segment_document(text, "de")
    apart = segment_document(text, "de", undo_merges={"Solkin"})
    assert merged.speakers == {"Sorkin": ["Solkin"]}
    assert apart.speakers == {}
    assert {b.speaker for b in apart.blocks if b.kind == "turn"} == {"Sorkin", "Solkin", "Jack Ma", "Publikum"}


# --- speakers --------------------------------------------------------------------------

NOT_SPEAKERS = (
    "Jack Ma: Erstens: Wir sind klein. Drittens: Wir wachsen. Das Gute ist: Es klappt. "
    "Stellen Sie sich bei allen Fragen die Frage: Hilft es? Das ist mein Vorschlag: Wir reden. "
    "Sorkin: Gut. Jack Ma: Erstens: Noch einmal. Drittens: Ende. Sorkin: Danke.\n"
    ">>: Ein Link\n>>: Noch ein Link"
)


def test_phrases_with_colons_are_not_speakers():
    found = find_speakers(NOT_SPEAKERS)
    assert [t.label for t in found.turns] == ["Jack Ma", "Sorkin", "Jack Ma", "Sorkin"]


@pytest.mark.parametrize("text, labels, merges", [
    # A typo seen once is merged into the recurring label.
    ("Sorkin: Eins. Ma: Zwei. Sorkin: Drei. Ma: Vier. Sorkn: Fünf? Ma: Sechs.",
     ["Sorkin", "Ma", "Sorkin", "Ma", "Sorkn", "Ma"], {"Sorkin": ["Sorkn"]}),
    # Two similar names that talk to each other are two people.
    ("Anna: Hallo. Anne: Hi. Anna: Wie geht es? Anne: Gut.",
     ["Anna", "Anne", "Anna", "Anne"], {}),
    # Short labels are never merged (Q and A differ by one letter).
    ("Q: Why? A: Because. Q: Really? A: Yes.", ["Q", "A", "Q", "A"], {}),
    # A label mentioned in the text outweighs its typo when both start as many turns.
    ("Sorkin fragte. Sorkin: A? Jack Ma: B. Solkin: C? Jack Ma: D. Sorkin: E? Jack Ma: F. "
     "Solkin: G? Jack Ma: H.",
     ["Sorkin", "Jack Ma", "Solkin", "Jack Ma", "Sorkin", "Jack Ma", "Solkin", "Jack Ma"],
     {"Sorkin": ["Solkin"]}),
    # Three-word labels, a label at line starts, a missing period before a label.
    ("Andrew Ross Sorkin: Hallo.\nJack Ma: Hallo zurück\nAndrew Ross Sorkin: Und?\n"
     "Jack Ma: Nichts Andrew Ross Sorkin: Gut.",
     ["Andrew Ross Sorkin", "Jack Ma", "Andrew Ross Sorkin", "Jack Ma", "Andrew Ross Sorkin"], {}),
    # A label that occurs only once and resembles nothing is not a speaker.
    ("Moderator: Willkommen. Heute reden wir. Gast: Danke.", [], {}),
    # Ordinals never speak, however often they recur.
    ("Erstens: A. Zweitens: B. Erstens: C. Zweitens: D.", [], {}),
])
def test_speaker_labels_and_merges(text, labels, merges):
    found = find_speakers(text)
    assert [t.label for t in found.turns] == labels
    assert found.merges == merges


def test_undo_a_merge():
    text = "Sorkin: Eins. Ma: Zwei. Sorkin: Drei. Ma: Vier. Sorkn: Fünf? Ma: Sechs."
    found = find_speakers(text, undo_merges={"Sorkn"})
    assert found.merges == {}
    assert found.canonical["Sorkn"] == "Sorkn"


# --- headings, narration, trailing boilerplate ----------------------------------------

def test_heading_before_a_speaker_and_missing_period():
    text = ("Einleitung in zwei Sätzen. Hier ist der zweite. Sorkin: Was meinen Sie? "
            "Jack Ma: Nichts. Sorkin: Wirklich? "
            "Jack Ma: Das ist meine Meinung, ich habe sie gesagt, weil sie richtig ist und weil ich das so sehe "
            "Sorkin: Weiter. Jack Ma: Gut. Das ist es. Unterschied zu Amazon Sorkin: Und Amazon? "
            "Jack Ma: Anders.")
    doc = segment_document(text, "de")
    assert _shape(doc) == [
        ("narration", None, ["Einleitung in zwei Sätzen.", "Hier ist der zweite."]),
        ("turn", "Sorkin", ["Was meinen Sie?"]),
        ("turn", "Jack Ma", ["Nichts."]),
        ("turn", "Sorkin", ["Wirklich?"]),
        ("turn", "Jack Ma", ["Das ist meine Meinung, ich habe sie gesagt, weil sie richtig ist und "
                             "weil ich das so sehe"]),
        ("turn", "Sorkin", ["Weiter."]),
        ("turn", "Jack Ma", ["Gut.", "Das ist es."]),
        ("heading", None, ["Unterschied zu Amazon"]),
        ("turn", "Sorkin", ["Und Amazon?"]),
        ("turn", "Jack Ma", ["Anders."]),
    ]


def test_a_long_unpunctuated_sentence_before_a_label_is_a_heading():
    """Length and commas do not matter: a speaker's sentence ends with punctuation before the
    next speaker; a heading does not. A tail broken off at a comma or dash stays speech."""
    doc = segment_document(
        "Sorkin: Wie viele? Jack Ma: Keine. Sorkin: Warum? "
        "Jack Ma: Wir stellen nicht ein. Alibaba hat 45.000 Mitarbeiter. "
        "Es sind nicht andere Länder, die amerikanische Arbeitsplätze gestohlen haben, sondern "
        "die Vereinigten Staaten, die einen strategischen Fehler gemacht haben "
        "Sorkin: Und China? Jack Ma: Gut. Ich denke, dass — Sorkin: Ja? "
        "Jack Ma: Ja. Wir reden, Sorkin: Weiter.", "de")
    assert _shape(doc) == [
        ("turn", "Sorkin", ["Wie viele?"]),
        ("turn", "Jack Ma", ["Keine."]),
        ("turn", "Sorkin", ["Warum?"]),
        ("turn", "Jack Ma", ["Wir stellen nicht ein.", "Alibaba hat 45.000 Mitarbeiter."]),
        ("heading", None, ["Es sind nicht andere Länder, die amerikanische Arbeitsplätze gestohlen "
                           "haben, sondern die Vereinigten Staaten, die einen strategischen Fehler "
                           "gemacht haben"]),
        ("turn", "Sorkin", ["Und China?"]),
        ("turn", "Jack Ma", ["Gut.", "Ich denke, dass —"]),
        ("turn", "Sorkin", ["Ja?"]),
        ("turn", "Jack Ma", ["Ja.", "Wir reden,"]),
        ("turn", "Sorkin", ["Weiter."]),
    ]


def test_a_turn_keeps_its_only_sentence():
    doc = segment_document("Sorkin: Danke schön Jack Ma: Bitte. Sorkin: Gut. Jack Ma: Ja. "
                           "Sorkin: So. Jack Ma: Ende.", "de")
    assert _shape(doc)[:2] == [("turn", "Sorkin", ["Danke schön"]), ("turn", "Jack Ma", ["Bitte."])]


ENGLISH_QA = """Interview with Jane Doe

Jane Doe founded a small company in 1999. She spoke to us in Davos.

Q: When did you start? We want to know.
A: In 1999. Mr. Smith lent me $5,000. It was hard.
Q: Why did you go on?
A: The U.S. market was open. I had no choice... Really.
"""


def test_english_qa_transcript():
    doc = segment_document(ENGLISH_QA, "en")
    assert _shape(doc) == [
        ("heading", None, ["Interview with Jane Doe"]),
        ("narration", None, ["Jane Doe founded a small company in 1999.", "She spoke to us in Davos."]),
        ("turn", "Q", ["When did you start?", "We want to know."]),
        ("turn", "A", ["In 1999.", "Mr. Smith lent me $5,000.", "It was hard."]),
        ("turn", "Q", ["Why did you go on?"]),
        ("turn", "A", ["The U.S. market was open.", "I had no choice...", "Really."]),
    ]
    assert doc.speakers == {}


CHINESE_TRANSCRIPT = """马云在达沃斯接受了采访。
索金：欢迎马云先生。你和特朗普谈了什么？
马云：会谈很有成效，比我预想的好得多。
索金：谢谢！
注：以上内容有删节。
马云：不客气。他说：我们要合作。
"""


def test_chinese_transcript_with_full_width_colons():
    doc = segment_document(CHINESE_TRANSCRIPT, "zh")
    assert _shape(doc) == [
        ("narration", None, ["马云在达沃斯接受了采访。"]),
        ("turn", "索金", ["欢迎马云先生。", "你和特朗普谈了什么？"]),
        ("turn", "马云", ["会谈很有成效，比我预想的好得多。"]),
        ("turn", "索金", ["谢谢！", "注：以上内容有删节。"]),  # a note, not a speaker
        ("turn", "马云", ["不客气。", "他说：我们要合作。"]),  # mid-sentence colon: not a label
    ]


def test_english_interviewer_labels_with_trailer():
    text = ("Interviewer: Thank you for coming. How are you?\n"
            "Dr. Chen: Fine, thanks. We grew 3.5 percent.\n"
            "Interviewer: Good.\n"
            "Dr. Chen: Thank you.\n"
            "***\n"
            "More stories: Why markets fall\n"
            "Read next: The trade war explained\n")
    doc = segment_document(text, "en")
    assert _shape(doc) == [
        ("turn", "Interviewer", ["Thank you for coming.", "How are you?"]),
        ("turn", "Dr. Chen", ["Fine, thanks.", "We grew 3.5 percent."]),
        ("turn", "Interviewer", ["Good."]),
        ("turn", "Dr. Chen", ["Thank you."]),
        ("boilerplate", None, ["***"]),
        ("boilerplate", None, ["More stories: Why markets fall"]),
        ("boilerplate", None, ["Read next: The trade war explained"]),
    ]


PLAIN = """Die Globalisierung

Die Globalisierung ist eine gute Sache. Sie muss aber optimiert werden.

Am 11. Dezember 2016 verkauften wir Waren. Das ist es, was passiert.
"""


def test_plain_text_is_narration():
    doc = segment_document(PLAIN, "de")
    assert _shape(doc) == [
        ("heading", None, ["Die Globalisierung"]),
        ("narration", None, ["Die Globalisierung ist eine gute Sache.", "Sie muss aber optimiert werden."]),
        ("narration", None, ["Am 11. Dezember 2016 verkauften wir Waren.", "Das ist es, was passiert."]),
    ]
    assert doc.speakers == {}


def test_hard_wrapped_text_is_joined():
    text = ("Die Globalisierung ist eine gute Sache, die uns die Vereinigten\n"
            "Staaten gelehrt haben. Sie muss aber optimiert werden, damit auch\n"
            "kleine Unternehmen davon profitieren. Wir glauben, dass die\n"
            "Globalisierung inklusiv sein sollte und dass junge Menschen sie\n"
            "gestalten werden. Das ist unsere Meinung.\n")
    doc = segment_document(text, "de")
    assert _shape(doc) == [("narration", None, [
        "Die Globalisierung ist eine gute Sache, die uns die Vereinigten Staaten gelehrt haben.",
        "Sie muss aber optimiert werden, damit auch kleine Unternehmen davon profitieren.",
        "Wir glauben, dass die Globalisierung inklusiv sein sollte und dass junge Menschen sie "
        "gestalten werden.",
        "Das ist unsere Meinung."])]


BIO = ("Als Autor des Jahres 2019 und Gewinner mehrerer Preise für Technologie und Kultur hat er "
       "viele Auszeichnungen gewonnen, darunter den Medienpreis 2013 und den dritten Platz 2015.")


@pytest.mark.parametrize("tail, boilerplate", [
    # Teaser lines alone (at least two) are a trailer; the bio before them goes too.
    (f" {BIO}\nHeute ist Lehrertag. Wenn Sie an Ihre...\nDies ist eine Frage, die viele…\n",
     [[BIO], ["Heute ist Lehrertag. Wenn Sie an Ihre...", "Dies ist eine Frage, die viele…"]]),
    # A separator at the end of the line, nothing after it.
    (f" {BIO} |\n", [[BIO], ["|"]]),
    # No trailer: the bio-like sentence stays in the turn.
    (f" {BIO}\n", []),
    # One line ending in "..." is the speaker trailing off, not a teaser list.
    ("\nSorkin: Und dann...\n", []),
])
def test_trailing_boilerplate(tail, boilerplate):
    text = "Sorkin: Gut? Jack Ma: Ja. Sorkin: Sicher? Jack Ma: Ja. Sorkin: Vielen Dank, Herr Ma!" + tail
    doc = segment_document(text, "de")
    assert [b.sentences for b in doc.blocks if b.kind == "boilerplate"] == boilerplate
    turns = [b for b in doc.blocks if b.kind == "turn"]
    assert turns[4].sentences[0] == "Vielen Dank, Herr Ma!"
    assert doc.blocks[-1].kind == ("boilerplate" if boilerplate else "turn")
    if not boilerplate:  # everything stayed in the turns
        assert turns[-1].sentences[-1] in (BIO, "Und dann...")


def test_dialogue_after_a_separator_is_kept_when_lines_are_long():
    long_line = "Jack Ma: " + "Wir glauben an kleine Unternehmen und an die Zukunft. " * 5
    text = "Sorkin: Frage eins? Jack Ma: Antwort.\n---\nSorkin: Frage zwei?\n" + long_line
    doc = segment_document(text, "de")
    assert not [b for b in doc.blocks if b.kind == "boilerplate"]


@pytest.mark.parametrize("text", ["", "  \n\n "])
def test_empty_text_is_refused(text):
    with pytest.raises(InputError, match="empty"):
        segment_document(text, "de", title="leer.txt")


def test_line_labels_of_a_translation():
    from align.text.speakers import line_labels

    assert line_labels("Sorkin: Hi.\nJack Ma: Hello.\n") == {"Sorkin", "Jack Ma"}
    assert line_labels("索金：你好。\n马云：你好。\n") == {"索金", "马云"}
    # one labelled line is not a transcript; a note is never a speaker; mid-line colons don't count
    assert line_labels("Hello.\nSorkin: this.\n") == set()
    assert line_labels("注：删节。\n备注：无。\n") == set()
    assert line_labels("Sorkin said: yes.\nThen Ma said: no.\n") == set()
