"""A translation in any document format, imported against a German source from another
format, is aligned by the real sentence aligner: every English sentence of the gold lands
beside its German sentence, as a link or a suggestion (headings beside headings, turns
beside turns)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from align.cli import main

DATA = Path(__file__).resolve().parent / "data" / "formats"

pytestmark = pytest.mark.slow  # the real e5 sentence aligner


def sentences(name: str, kinds=("heading", "turn", "narration")) -> list[str]:
    gold = json.loads((DATA / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    return [s for b in gold["blocks"] if b["kind"] in kinds for s in b["sentences"]]


def exported_pairs(project: Path, capsys) -> list[tuple[str, str]]:
    capsys.readouterr()
    assert main(["export", str(project), "--format", "tsv", "--langs", "de,en", "--output", "-",
                 "--include-suggested"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out), delimiter="\t"))
    return [(r["de"], r["en"]) for r in rows]


@pytest.fixture(scope="module")
def docx_project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docx") / "p"
    assert main(["import", str(DATA / "interview.de.docx"), "--project", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("translation", ["interview.en.odt", "interview.en.html",
                                         "interview.en.pdf", "interview.en.md",
                                         "interview.en.epub", "interview.en.srt"])
def test_an_interview_translation_in_another_format_aligns_sentence_by_sentence(
        translation, docx_project, capsys):
    assert main(["import-translation", str(docx_project), str(DATA / translation),
                 "--lang", "en"]) == 0
    english = sentences(translation)
    if translation.endswith(".srt"):           # subtitles have no headings
        german = sentences("interview.de.docx", kinds=("turn",))
    else:
        german = sentences("interview.de.docx")
    if len(english) == len(german) - 1:      # no title in the file's text (metadata only)
        german = german[1:]
    assert exported_pairs(docx_project, capsys) == list(zip(german, english))


def test_a_book_translation_aligns_chapter_by_chapter(tmp_path, capsys):
    folder = tmp_path / "book"
    assert main(["import", str(DATA / "story.de.epub"), "--project", str(folder)]) == 0
    assert main(["import-translation", str(folder), str(DATA / "story.en.epub"), "--lang", "en"]) == 0
    assert exported_pairs(folder, capsys) == list(zip(sentences("story.de.epub"),
                                                      sentences("story.en.epub")))
