"""Documents made by other tools (pandoc, LibreOffice, Calibre; hand-written Markdown and
subtitles) read as a source and as a translation: headings, speakers, boilerplate and
times against a hand-checked gold per file (tests/data/formats/gold/)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.errors import InputError
from align.imports.source import import_data, import_file
from align.store import Project
from align.text.readers import detect_format, read_document, read_translation
from align.text.readers.structure import to_document

DATA = Path(__file__).resolve().parent / "data" / "formats"
GOLDS = sorted((DATA / "gold").glob("*.json"))


def gold_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def blocks_of(document) -> list[dict]:
    out = []
    for b in document.blocks:
        d = {"kind": b.kind, "speaker": b.speaker, "sentences": list(b.sentences)}
        if b.times:
            d["times"] = [list(t) for t in b.times]
        out.append(d)
    return out


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_each_file_reads_as_its_gold(gold_path):
    gold = gold_of(gold_path)
    source = DATA / gold["file"]
    read = read_document(source.read_bytes(), source.name)
    assert read.fmt == gold["format"]
    document = to_document(read, gold["lang"], title=source.stem)
    assert document.title == gold["title"]
    assert blocks_of(document) == gold["blocks"]


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_each_file_gives_a_translation_its_lines_and_headings(gold_path):
    gold = gold_of(gold_path)
    source = DATA / gold["file"]
    text, read = read_translation(source.read_bytes(), source.name)
    assert text.splitlines() == gold["translation_lines"]
    assert [list(h) for h in read.headings()] == gold["headings"]
    # Every heading of the gold is a line of its own; no markup is left anywhere.
    assert not any(mark in text for mark in ("**", "<v ", "-->", "<p>", "# "))


@pytest.mark.parametrize("name", ["interview.de.docx", "interview-labels.de.odt",
                                  "interview.de.srt", "story.de.epub", "story.de.pdf"])
def test_importing_a_file_stores_its_structure_and_times(name, tmp_path):
    gold = gold_of(DATA / "gold" / f"{name}.json")
    report = import_file(DATA / name, tmp_path / "p", lang="de")
    assert report.created
    with Project.open(tmp_path / "p") as project:
        blocks = project.blocks(include_excluded=True)
        stored = [{"kind": b.kind, "speaker": b.speaker,
                   "sentences": [s.text for s in project.source_segments(b.id)]} for b in blocks]
        times = project.segment_times()
        stored_times = [[list(times[s.id]) for s in project.source_segments(b.id)]
                        for b in blocks if any(s.id in times for s in project.source_segments(b.id))]
    assert stored == [{k: v for k, v in b.items() if k != "times"} for b in gold["blocks"]]
    assert stored_times == [b["times"] for b in gold["blocks"] if "times" in b]


def test_a_plain_text_reimport_clears_the_times(tmp_path):
    import_file(DATA / "interview.de.srt", tmp_path / "p")
    text = "\n\n".join(f"{line}" for line in gold_of(DATA / "gold" / "interview.de.srt.json")[
        "translation_lines"]) + "\n"
    import_data(text.encode("utf-8"), tmp_path / "p", "interview.txt")
    with Project.open(tmp_path / "p") as project:
        assert project.segment_times() == {}
        assert len(project.source_segments()) == 7


@pytest.mark.parametrize("name, data, fmt", [
    ("film.txt", b"1\n00:00:01,000 --> 00:00:02,000\nHallo.\n", "srt"),
    ("untitled", b"WEBVTT\n\n00:01.000 --> 00:02.000\nHallo.\n", "vtt"),
    ("saved", b"<!DOCTYPE html><html><body><p>Hallo.</p></body></html>", "html"),
    ("notes.txt", b"Ein ganz gew\xc3\xb6hnlicher Text.\n", None),
])
def test_the_format_is_found_by_content_where_the_name_says_nothing(name, data, fmt):
    assert detect_format(name, data) == fmt


def test_the_format_is_found_by_content_under_a_wrong_name():
    pdf = (DATA / "story.de.pdf").read_bytes()
    assert detect_format("story.txt", pdf) == "pdf"
    read = read_document(pdf, "story.txt")
    assert read.fmt == "pdf" and read.parts[0].text == "Erstes Kapitel"


def test_a_name_that_promises_another_format_is_refused_in_one_line():
    with pytest.raises(InputError) as info:
        read_document((DATA / "story.de.pdf").read_bytes(), "story.docx")
    assert str(info.value) == "story.docx: not a valid DOCX file (its content is PDF)"


def test_every_reader_of_the_interview_gives_the_same_turns():
    """The shared contract: whatever the format, the same speakers and sentences."""
    def turns(name):
        gold = gold_of(DATA / "gold" / f"{name}.json")
        return [(b["speaker"], b["sentences"]) for b in gold["blocks"] if b["kind"] == "turn"]

    expected = turns("interview.de.md")
    for name in ("interview.de.docx", "interview.de.odt", "interview-labels.de.odt",
                 "interview-plain.de.html",
                 "interview.de.html", "interview.de.pdf", "interview.de.epub",
                 "interview.de.vtt", "interview.de.srt"):
        assert turns(name) == expected, name


def test_two_voices_in_one_cue_are_two_turns_sharing_its_time():
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Anna>Kommst du mit?\n<v Ben>Ja.\n\n"
           "00:00:03.000 --> 00:00:05.000\n<v Anna>Ja. Ich warte.\n\n"
           "00:00:05.000 --> 00:00:06.000\n<v Ben>Danke.\n").encode("utf-8")
    document = to_document(read_document(vtt, "dialog.vtt"), "de")
    assert blocks_of(document) == [
        {"kind": "turn", "speaker": "Anna", "sentences": ["Kommst du mit?"], "times": [[1.0, 2.647]]},
        {"kind": "turn", "speaker": "Ben", "sentences": ["Ja."], "times": [[2.647, 3.0]]},
        {"kind": "turn", "speaker": "Anna", "sentences": ["Ja.", "Ich warte."],
         "times": [[3.0, 3.429], [3.571, 5.0]]},
        {"kind": "turn", "speaker": "Ben", "sentences": ["Danke."], "times": [[5.0, 6.0]]}]


def test_a_bold_paragraph_is_a_speaker_only_when_names_recur():
    from align.text.readers.markdown import read

    parts = read("# Kapitel\n\n**Der Anfang**\n\nEs war einmal ein König.\n\n**Anna**\n\nHallo."
                 "\n\n**Ben**\n\nHi.\n\n**Anna**\n\nTschüss.\n\n**Carla**\n\nGuten Tag.\n",
                 "x.md").parts
    assert [(p.kind, p.speaker, p.text) for p in parts] == [
        ("heading", None, "Kapitel"), ("heading", None, "Der Anfang"),
        ("paragraph", None, "Es war einmal ein König."), ("paragraph", "Anna", "Hallo."),
        ("paragraph", "Ben", "Hi."), ("paragraph", "Anna", "Tschüss."),
        ("paragraph", "Carla", "Guten Tag.")]


def test_epub_front_and_back_matter_are_boilerplate_and_the_spine_gives_the_order(tmp_path):
    """A book with a copyright page (by its epub:type), a dedication (by its name), and
    acknowledgements left out of the reading order (linear="no"); chapters added to the
    package in another order than the spine's."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title("Zwei Kapitel")
    book.set_language("de")

    def page(name, body):
        item = epub.EpubHtml(title=name, file_name=f"{name}.xhtml", lang="de")
        item.content = f"<html><body>{body}</body></html>"
        book.add_item(item)
        return item

    two = page("kapitel2", "<h1>Zweites Kapitel</h1><p>Dann kam die Nacht.</p>")
    one = page("kapitel1", "<h1>Erstes Kapitel</h1><p>Es war einmal ein Turm.</p>")
    rights = page("rechte", '<section epub:type="copyright-page" '
                  'xmlns:epub="http://www.idpf.org/2007/ops"><p>Alle Rechte frei.</p></section>')
    dedication = page("dedication", "<p>Für Wiebke.</p>")
    thanks = page("dank", "<p>Danke an alle.</p>")
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", rights, dedication, one, two, (thanks, "no")]
    path = tmp_path / "buch.epub"
    epub.write_epub(str(path), book)
    parts = read_document(path.read_bytes(), path.name).parts
    assert [(p.kind, p.text) for p in parts] == [
        ("boilerplate", "Alle Rechte frei."), ("boilerplate", "Für Wiebke."),
        ("heading", "Erstes Kapitel"), ("paragraph", "Es war einmal ein Turm."),
        ("heading", "Zweites Kapitel"), ("paragraph", "Dann kam die Nacht."),
        ("boilerplate", "Danke an alle.")]


@pytest.mark.parametrize("first, second, joined", [
    ("ein alter Leucht-", "turm stand dort.", "ein alter Leuchtturm stand dort."),
    ("Ein-", "und Ausgang", "Ein- und Ausgang"),          # a conjunction follows: a real hyphen
    ("per E-", "Mail geschickt", "per E-Mail geschickt"),   # a capital follows: the compound's hyphen
    ("das Jahr 1990-", "dreißig", "das Jahr 1990- dreißig"),  # no letter before the hyphen
    ("ein Satz", "geht weiter.", "ein Satz geht weiter."),
])
def test_pdf_lines_are_joined_and_line_end_hyphenation_undone(first, second, joined):
    from align.text.readers.pdf import _join

    runs = _join([(c, False) for c in first], [(c, False) for c in second])
    assert "".join(t for t, _ in runs) == joined


def test_bitext_segment_shows_a_subtitle_files_times(capsys):
    from align.cli import main

    assert main(["segment", str(DATA / "interview.de.vtt"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    gold = gold_of(DATA / "gold" / "interview.de.vtt.json")
    assert [(b["speaker"], b["sentences"], b["times"]) for b in shown["blocks"]] == \
        [(b["speaker"], b["sentences"], b["times"]) for b in gold["blocks"]]
