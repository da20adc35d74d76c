"""Segmentation of transcripts in layouts the interview does not have, against hand-made gold.

The texts and their gold live in tests/data/layouts/ (written for these tests, CC0). Each
gold file lists the blocks a careful person would cut: kind, speaker and sentences.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.text.segment import segment_document
from align.text.sentences import split_sentences
from align.text.speakers import find_speakers

LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts"
GOLD_FILES = sorted(LAYOUTS.glob("*.gold.json"))

def _blocks(text: str) -> list[dict]:
    return segment_document(text, "de").to_json()["blocks"]


def test_every_layout_text_has_its_gold():
    texts = sorted(p.name for p in LAYOUTS.glob("*.txt"))
    assert texts == sorted(json.loads(p.read_text(encoding="utf-8"))["text"] for p in GOLD_FILES)
    assert len(texts) >= 6


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.name.removesuffix(".gold.json"))
def test_layout_matches_gold(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert _blocks((LAYOUTS / gold["text"]).read_text(encoding="utf-8")) == gold["blocks"]


# --- speaker labels ---------------------------------------------------------------------

def test_phrases_opening_with_an_article_are_not_speakers():
    text = ("Das Problem: Es gibt zu wenige Wagen. Das kostet.\n\n"
            "Das Problem: Die Netze sind nachts gesperrt. Das dauert.")
    assert find_speakers(text).turns == []
    assert {b["kind"] for b in _blocks(text)} == {"narration"}


def test_a_paragraph_opening_with_a_phrase_is_not_a_guest():
    text = ("F: Eins?\nA: Zwei.\n\nZum Beispiel: Wir pflanzen Buchen.\n"
            "F: Drei?\nA: Vier.")
    assert [t.label for t in find_speakers(text).turns] == ["F", "A", "F", "A"]


def test_titles_do_not_count_as_label_words():
    text = ("Prof. Dr. Anna Keller: Eins. Zwei.\nMODERATOR: Drei?\n"
            "Prof. Dr. Anna Keller: Vier.\nMODERATOR: Fünf.")
    assert [t.label for t in find_speakers(text).turns] == \
        ["Prof. Dr. Anna Keller", "MODERATOR", "Prof. Dr. Anna Keller", "MODERATOR"]


@pytest.mark.parametrize("text", [
    "[12.03.24, 18:02:11] Sprecher 1: Hallo. Wie geht es?\n[12.03.24, 18:05:40] Sprecher 2: Gut.\n"
    "[12.03.24, 18:06:02] Sprecher 1: Schön.\n[12.03.24, 18:07:00] Sprecher 2: Danke.",
    "[00:00:04] Sprecher 1: Hallo. Wie geht es?\n[00:00:09] Sprecher 2: Gut.\n"
    "[00:00:12] Sprecher 1: Schön.\n[00:00:15] Sprecher 2: Danke.",
    "00:00 – Sprecher 1: Hallo. Wie geht es?\n00:09 – Sprecher 2: Gut.\n"
    "00:12 – Sprecher 1: Schön.\n00:15 – Sprecher 2: Danke.",
])
def test_timestamps_belong_to_the_numbered_label(text):
    assert [(b["speaker"], b["sentences"]) for b in _blocks(text)] == [
        ("Sprecher 1", ["Hallo.", "Wie geht es?"]), ("Sprecher 2", ["Gut."]),
        ("Sprecher 1", ["Schön."]), ("Sprecher 2", ["Danke."])]


def test_a_guest_heard_once_in_a_transcript_speaks():
    text = ("Interview: Lena Vogt\n\nF: Eins?\nA: Zwei.\nF: Drei?\nA: Vier.\n"
            "Gast: Darf ich etwas fragen?\nA: Bitte.\n"
            "Tagesordnungspunkt 5: Verschiedenes\nF: Fünf?")
    labels = [t.label for t in find_speakers(text).turns]
    assert labels == ["F", "A", "F", "A", "Gast", "A", "F"]  # not "Interview", not "Tagesordnungspunkt 5"
    assert _blocks(text)[0] == {"kind": "heading", "speaker": None, "sentences": ["Interview: Lena Vogt"]}


def test_markdown_bold_labels_and_headings():
    text = ("## „Ich wollte nie Lehrerin werden“\n\n**Frage:** Stimmt das?\n\n**Krüger**: Ja.\n\n"
            "## Über Noten\n\n**Frage:** Und?\n\n**Krüger**: Nein.")
    assert [(b["kind"], b["speaker"], b["sentences"]) for b in _blocks(text)] == [
        ("heading", None, ["„Ich wollte nie Lehrerin werden“"]), ("turn", "Frage", ["Stimmt das?"]),
        ("turn", "Krüger", ["Ja."]), ("heading", None, ["Über Noten"]),
        ("turn", "Frage", ["Und?"]), ("turn", "Krüger", ["Nein."])]


def test_an_unpunctuated_message_before_a_line_label_stays_in_its_turn():
    text = "Ben: Kein Problem. Bring Brötchen mit 😊\nCarla: Mach ich.\nBen: Gut.\nCarla: Bis dann."
    assert _blocks(text)[0]["sentences"] == ["Kein Problem.", "Bring Brötchen mit 😊"]


def test_a_line_with_a_comma_before_the_first_label_is_narration():
    text = ("Interview B07, Transkription nach vereinfachten Regeln\n\n"
            "I: Eins?\nB: Zwei.\nI: Drei?\nB: Vier.")
    assert _blocks(text)[0]["kind"] == "narration"


def test_a_label_heard_once_in_prose_is_not_a_speaker():
    text = "Moderator: Willkommen. Heute reden wir.\nGast: Danke."
    assert find_speakers(text).turns == []


def test_a_role_in_parentheses_closes_a_label():
    text = ("Präsidentin:\nDas Wort hat Petra Lang.\n\nPetra Lang (SPD):\nDanke.\n\n"
            "Präsidentin:\nWeiter.\n\nPetra Lang (SPD):\nGern.\n\nPräsidentin:\nEnde.")
    assert [b["speaker"] for b in _blocks(text)] == \
        ["Präsidentin", "Petra Lang (SPD)", "Präsidentin", "Petra Lang (SPD)", "Präsidentin"]


def test_screenplay_names_on_their_own_lines():
    text = ("JONAS\nRiecht gut.\n\nMARIE\nLinsensuppe.\n\nMarie dreht sich um.\n\n"
            "JONAS\n(setzt sich)\nWieder?\n\nMARIE\nJa.")
    assert [(b["kind"], b["speaker"], b["sentences"]) for b in _blocks(text)] == [
        ("turn", "JONAS", ["Riecht gut."]), ("turn", "MARIE", ["Linsensuppe."]),
        ("narration", None, ["Marie dreht sich um."]),
        ("turn", "JONAS", ["(setzt sich)", "Wieder?"]), ("turn", "MARIE", ["Ja."])]


def test_meeting_export_names_with_times():
    text = ("Anna Schulz   0:03\nGuten Morgen. Hört ihr mich?\n\nBen Okafor   0:09\nJa.\n\n"
            "Anna Schulz   0:15\nGut.\n\nBen Okafor   1:02\nBis dann.")
    assert [(b["speaker"], b["sentences"]) for b in _blocks(text)] == [
        ("Anna Schulz", ["Guten Morgen.", "Hört ihr mich?"]), ("Ben Okafor", ["Ja."]),
        ("Anna Schulz", ["Gut."]), ("Ben Okafor", ["Bis dann."])]


def test_a_feminine_form_is_another_speaker():
    text = ("MODERATOR: Bitte.\nANWOHNERIN: Eine Frage.\nLEHMANN: Ja.\nMODERATOR: Weiter.\n"
            "ANWOHNER: Noch eine.\nLEHMANN: Gern.")
    found = find_speakers(text)
    assert found.merges == {}
    assert [found.canonical[t.label] for t in found.turns] == \
        ["MODERATOR", "ANWOHNERIN", "LEHMANN", "MODERATOR", "ANWOHNER", "LEHMANN"]


def test_one_name_in_capitals_is_not_a_screenplay():
    text = "HINWEIS\nBitte beachten.\n\nHINWEIS\nNoch einmal."
    assert find_speakers(text).turns == []


# --- blocks: stage notes, editor's notes, headings --------------------------------------

def test_stage_note_paragraphs_are_narration_and_the_turn_goes_on():
    text = ("Lang: Erstens.\n\n(Beifall bei der SPD)\n\nZweitens.\n\n"
            "(Zuruf von der CDU/CSU: Und wer soll das bezahlen?)\n\nDrittens.\n"
            "Feld: Nein.\nLang: Doch.\nFeld: Gut.\n\nAnmerkung der Redaktion: Gekürzt.")
    assert [(b["kind"], b["speaker"], b["sentences"]) for b in _blocks(text)] == [
        ("turn", "Lang", ["Erstens."]), ("narration", None, ["(Beifall bei der SPD)"]),
        ("turn", "Lang", ["Zweitens."]),
        ("narration", None, ["(Zuruf von der CDU/CSU: Und wer soll das bezahlen?)"]),
        ("turn", "Lang", ["Drittens."]), ("turn", "Feld", ["Nein."]), ("turn", "Lang", ["Doch."]),
        ("turn", "Feld", ["Gut."]), ("narration", None, ["Anmerkung der Redaktion: Gekürzt."])]


def test_a_numbered_paragraph_is_not_a_stage_note():
    text = "A: Eins.\n\n(1)\n\nZwei.\nB: Drei.\nA: Vier.\nB: Fünf."
    assert _blocks(text)[0]["sentences"] == ["Eins.", "(1)", "Zwei."]


def test_a_quoted_title_is_a_heading_and_quoted_speech_is_not():
    text = "„Ein Streik ist kein Naturereignis“\n\nA: Eins.\nB: Zwei.\nA: Drei.\nB: Vier."
    assert _blocks(text)[0] == {"kind": "heading", "speaker": None,
                                "sentences": ["„Ein Streik ist kein Naturereignis“"]}
    assert segment_document("Er rief:\n\n'But I—'\n\nDann ging er.", "en").blocks[1].kind == "narration"


def test_no_heading_is_cut_at_an_ordinal():
    text = "Plenarprotokoll, 87. Sitzung\n\nA: Eins.\nB: Zwei.\nA: Drei.\nB: Vier."
    assert _blocks(text)[0]["sentences"] == ["Plenarprotokoll, 87. Sitzung"]


# --- sentences --------------------------------------------------------------------------

@pytest.mark.parametrize("text, sentences", [
    ("(lacht) Anstrengend. Wirklich.", ["(lacht)", "Anstrengend.", "Wirklich."]),
    ("Er hat gekocht. [unverständlich] Das gibt es nicht mehr.",
     ["Er hat gekocht.", "[unverständlich]", "Das gibt es nicht mehr."]),
    ("Es war schön. ((lacht)) Manche kenne ich.", ["Es war schön.", "((lacht))", "Manche kenne ich."]),
    # Inside a sentence, a note stays where it is; a number in parentheses is no note.
    ("Erst auf der Zeche [unverständlich], später auf Prosper.",
     ["Erst auf der Zeche [unverständlich], später auf Prosper."]),
    ("(2) Die Kote geht auf ihn zurück.", ["(2) Die Kote geht auf ihn zurück."]),
    # A footnote mark stays with the sentence it follows.
    ("Sie stieg um ca. 40 %.¹ Das ist viel.", ["Sie stieg um ca. 40 %.¹", "Das ist viel."]),
    ("Sie stieg stark.[3] Das ist viel.", ["Sie stieg stark.[3]", "Das ist viel."]),
    # An ordinal far into a long paragraph (the rule reads a window around the period).
    ("Ehrlich gesagt, noch ziemlich am Anfang. Die meisten Kanalnetze in Deutschland wurden "
     "im 19. Jahrhundert bzw. nach dem Krieg geplant. Damals regnete es weniger.",
     ["Ehrlich gesagt, noch ziemlich am Anfang.",
      "Die meisten Kanalnetze in Deutschland wurden im 19. Jahrhundert bzw. nach dem Krieg geplant.",
      "Damals regnete es weniger."]),
    ("Plenarprotokoll, 87. Sitzung", ["Plenarprotokoll, 87. Sitzung"]),
    # A year after an abbreviation ends its sentence like any other.
    ("Ich war die einzige, bis ca. 1968. Danach kamen zwei.",
     ["Ich war die einzige, bis ca. 1968.", "Danach kamen zwei."]),
    ("Landgericht Neustadt, 3. Strafkammer, Az. 3 KLs 12/23",
     ["Landgericht Neustadt, 3. Strafkammer, Az. 3 KLs 12/23"]),
])
def test_transcript_sentences(text, sentences):
    assert split_sentences(text, "de") == sentences
