"""HTML parallel book: one standalone file to read in any browser, offline.

Everything is inside the file (the stylesheet inline; no scripts, images, fonts or links
out), so it opens from a phone's downloads folder or a USB stick as it is. Side by side on
a wide screen, interleaved on a narrow one; light or dark as the device is set. Layout and
markup: book.py and book.css.
"""
from __future__ import annotations

from lxml import etree, html
from lxml.builder import ElementMaker

from align.errors import InputError
from align.formats import book
from align.formats.rows import Table

E = ElementMaker()


def write(table: Table) -> bytes:
    langs = table.langs
    secs = book.sections(table)
    title = book.title_of(table)
    head = E("head",
             E("meta", charset="utf-8"),
             E("meta", name="viewport", content="width=device-width, initial-scale=1"),
             E("meta", name="generator", content="bitext"),
             E("meta", name="dcterms.created", content=book.created_utc(table).strftime(
                 "%Y-%m-%dT%H:%M:%SZ")),
             E("title", title),
             E("style", book.CSS))
    parts = [book.title_block(E, table)]
    if any(s.heading for s in secs):
        parts.append(E("nav", {"class": "bk-toc", "aria-label": book.CONTENTS},
                       E("h2", book.CONTENTS),
                       book.toc_list(E, [s for s in secs if s.heading], langs, title,
                                     lambda s: f"#{s.anchor}")))
    parts.append(E("main", {"class": "bk-book"}, book.column_heads(E, langs),
                   *[book.section_element(E, s, langs) for s in secs]))
    root = E("html", {"lang": table.langs[0]}, head,
             E("body", {"style": book.main_style(langs)}, *parts))
    return etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>",
                          pretty_print=True)


def read(data: bytes, name: str = "book.html") -> Table:
    """The rows of a book this module wrote (text, speakers, turns and kinds)."""
    try:
        root = html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: not an HTML book: {exc}") from None
    heads = root.find_class("bk-colhead")
    if not heads:
        raise InputError(f"{name}: not a bitext parallel book (no column heads)")
    langs = tuple(cell.get("lang") for cell in heads[0])
    title = root.findtext(".//title") or ""
    return Table(source_lang=langs[0], langs=langs, rows=tuple(book.rows_from([root], langs[0])),
                 title=title)
