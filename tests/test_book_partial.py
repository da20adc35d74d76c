"""The book of a partly translated project (issue 23): every heading and the contents are
kept, translated or not; `--untranslated show` keeps the text not translated yet, in the
source language alone; the book's title is the document's own title; epubcheck still passes.

The project is the interview with the partial English translation of tests/partial_project.py
(a few turns linked, most sentences without English, the headings untranslated), through the
real store and the real `bitext export`.
"""
from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from lxml import etree, html

from align.cli import main
from align.formats import epub, export_table, html_book
from align.imports.source import import_text
from align.store import Project
from tests.partial_project import make_partial_project
from tests.test_book import epubcheck_command


@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    directory = tmp_path_factory.mktemp("partial-book") / "davos"
    make_partial_project(directory)
    with Project.open(directory) as p:
        headings = [" ".join(s.text for s in p.source_segments(b.id))
                    for b in p.blocks(include_excluded=False) if b.kind == "heading"]
        german = [s.text for b in p.blocks(include_excluded=False) for s in p.source_segments(b.id)]
    assert len(headings) == 4
    return directory, headings, german


def export(directory, fmt: str, out, *extra) -> bytes:
    assert main(["export", str(directory), "--format", fmt, "--langs", "de,en",
                 "--output", str(out), *extra]) == 0
    return out.read_bytes()


def german_cells(root) -> list[str]:
    return [" ".join(c.text_content().split()) for c in root.iter()
            if "bk-cell" in (c.get("class") or "") and c.get("lang") == "de"
            and c.getparent() is not None and "bk-colhead" not in (c.getparent().get("class") or "")]


@pytest.mark.parametrize("extra", [(), ("--untranslated", "skip")])
def test_the_book_keeps_every_heading_and_the_contents(partial, tmp_path, extra):
    directory, headings, _ = partial
    root = html.document_fromstring(export(directory, "html", tmp_path / "b.html", *extra))
    shown = [" ".join(h.text_content().split()) for h in root.find_class("bk-heading")]
    assert shown == headings
    toc = [" ".join(a.text_content().split()) for a in root.find_class("bk-toc")[0].iter("a")]
    assert toc == headings
    # Untranslated: an empty English cell, marked, that the stylesheet hides on a phone.
    first = root.find_class("bk-heading")[0]
    assert [c.get("class") for c in first.iter("span") if c.get("lang")] == [
        "bk-cell", "bk-cell bk-untranslated"]


def test_untranslated_show_keeps_all_the_text(partial, tmp_path, capsys):
    directory, headings, german = partial
    data = export(directory, "html", tmp_path / "b.html", "--untranslated", "show")
    out = capsys.readouterr().out
    root = html.document_fromstring(data)
    text = " ".join(german_cells(root))
    missing = [s for s in german if s not in text]
    assert not missing
    assert "left out" not in out and "units shown untranslated in some language" in out
    rows = html_book.read(data).rows
    translated = [r for r in rows if r.cells["en"].text]
    assert 0 < len(translated) < len(rows) // 5           # the project is mostly untranslated
    # Skipping keeps the headings and the translated rows only.
    skip = html_book.read(export(directory, "html", tmp_path / "s.html", "--force"))
    assert len(skip.rows) == len(translated) + sum(1 for r in rows if r.kind == "heading"
                                                   and not r.cells["en"].text)


def test_epub_of_a_partial_project_keeps_headings_and_passes_epubcheck(partial, tmp_path):
    directory, headings, german = partial
    out = tmp_path / "b.epub"
    data = export(directory, "epub", out, "--untranslated", "show")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        nav = etree.fromstring(zf.read("EPUB/nav.xhtml"))
    entries = [a.text for a in nav.iter("{*}a")]
    assert entries[1:] == headings                        # after the opening section
    assert len(epub.read(data).rows) == len(html_book.read(
        export(directory, "html", tmp_path / "b.html", "--untranslated", "show")).rows)
    result = subprocess.run([*epubcheck_command(), str(out)], capture_output=True, text=True,
                            timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "No errors or warnings detected" in report, report


def test_untranslated_is_refused_for_line_aligned_formats(partial, tmp_path, capsys):
    directory, _, _ = partial
    code = main(["export", str(directory), "--format", "tmx", "--untranslated", "show",
                 "--output", str(tmp_path / "x.tmx")])
    assert code == 2 and not (tmp_path / "x.tmx").exists()
    assert re.match(r"error: --untranslated is for the books", capsys.readouterr().err)


MARKDOWN = """# Die Reise

## Erstes Kapitel

Am Morgen fuhren wir los. Es regnete.

## Zweites Kapitel

Am Abend kamen wir an.
"""


def test_the_book_title_is_the_documents_title(tmp_path):
    directory = tmp_path / "reise"
    import_text(MARKDOWN, directory, "reise_v2_final.md")
    with Project.open(directory) as p:
        assert p.document_info()["title"] == "Die Reise"
        first = p.source_segments()[0]
        p.set_machine_translation(first.id, "en", "The journey", {"model": "typed"})
        table, data = export_table(p, "html", ["de", "en"])
    root = html.document_fromstring(data)
    assert root.findtext(".//title") == "Die Reise" and root.findtext(".//h1") == "Die Reise"
    # A text that opens with a chapter's heading has no title of its own: the file names it.
    import_text("# Kapitel 1\n\nEs regnete.\n\n# Kapitel 2\n\nEs schneite.\n", tmp_path / "k",
                "kapitel.md")
    with Project.open(tmp_path / "k") as p:
        assert p.document_info()["title"] == "kapitel"
