"""The parallel book: a Table as sections of passages, drawn as (X)HTML for reading.

What the HTML and EPUB formats share. A book is what a language learner reads on a phone
or an e-reader (as Lingtrain's parallel books): the document title, a table of contents of
its headings, then the text, a section per heading. Every heading is kept, translated or not (with
the export's `untranslated="show"`, the untranslated text too). Within a section, each block of the
document (a speaker's turn, narration) is a passage: the speaker's name, then its aligned
rows, one cell per language. Side by side on a wide screen, interleaved (the source, then
each translation under it) on a narrow one; the stylesheet (book.css) decides, not the markup.

The markup carries what reading it back needs (tests hold the book to the Table it was
written from): each passage and heading has data-turn and a class bk-<kind>; each cell a
lang. Text goes in as element text, so the serializer escapes it; nothing is ever markup.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from lxml import etree

from align.formats.rows import Cell, Row, SOURCE_STATUS, Table, clean

CSS = (Path(__file__).with_name("book.css")).read_text(encoding="utf-8")

# How each language names itself (column heads); other languages show their code.
LANG_NAMES = {"de": "Deutsch", "en": "English", "zh": "中文", "fr": "Français", "es": "Español",
              "it": "Italiano", "ja": "日本語", "ko": "한국어", "ru": "Русский",
              "pt": "Português", "nl": "Nederlands"}
CONTENTS = "Contents"
# Languages written right to left: their cells get dir="rtl".
RTL_LANGS = frozenset({"ar", "he", "fa", "ur", "yi"})


def lang_name(lang: str) -> str:
    return LANG_NAMES.get(lang, lang)


@dataclass(frozen=True)
class Passage:
    """The rows of one block: a speaker's turn, narration, or (when asked for) boilerplate."""
    turn: int
    kind: str
    speaker: str | None
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Section:
    number: int                      # 0: what comes before the first heading
    heading: tuple[Row, ...]         # the heading block's rows (none for section 0)
    passages: tuple[Passage, ...]

    @property
    def anchor(self) -> str:
        return f"s{self.number}"

    @property
    def heading_turn(self) -> int:
        return self.heading[0].turn if self.heading else 0


def sections(table: Table) -> list[Section]:
    """Rows grouped by block, blocks by heading: a heading block opens a section."""
    out: list[Section] = []
    heading: tuple[Row, ...] = ()
    passages: list[Passage] = []
    current: list[Row] = []

    def close_passage() -> None:
        if current:
            first = current[0]
            passages.append(Passage(first.turn, first.kind, first.speaker, tuple(current)))
            current.clear()

    def close_section() -> None:
        close_passage()
        if heading or passages:
            # Section 0 is the opening before any heading; headings count from 1.
            number = sum(1 for s in out if s.heading) + 1 if heading else 0
            out.append(Section(number, heading, tuple(passages)))
            passages.clear()

    rows = list(table.rows)
    k = 0
    while k < len(rows):
        row = rows[k]
        if row.kind == "heading":
            close_section()
            block = [row]
            while k + 1 < len(rows) and rows[k + 1].kind == "heading" and rows[k + 1].turn == row.turn:
                k += 1
                block.append(rows[k])
            heading = tuple(block)
        else:
            if current and (row.turn != current[0].turn or row.kind != current[0].kind):
                close_passage()
            current.append(row)
        k += 1
    close_section()
    return out


def created_utc(table: Table) -> datetime:
    """The project's creation time (exports are stamped with it, so they repeat byte for
    byte); 1980-01-01, the earliest a zip can hold, when the table has none."""
    try:
        moment = datetime.fromisoformat(table.created)
    except ValueError:
        return datetime(1980, 1, 1, tzinfo=timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(moment.astimezone(timezone.utc).replace(microsecond=0),
               datetime(1980, 1, 1, tzinfo=timezone.utc))


def book_id(table: Table) -> str:
    """The same project and languages give the same identifier (a later export is an update
    of the same book to an e-reader)."""
    key = "\n".join(["bitext", table.title, table.created, table.source_lang, *table.langs])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def title_of(table: Table) -> str:
    return clean(table.title) or "Parallel text"


# ----- drawing ---------------------------------------------------------------------------------
# `E` is an lxml ElementMaker: plain for HTML, in the XHTML namespace for EPUB.

def lang_attrs(lang: str) -> dict[str, str]:
    return {"lang": lang, "dir": "rtl"} if lang in RTL_LANGS else {"lang": lang}


def cells(E, row: Row, langs, tag: str = "p"):
    """One cell per language; a language with no text yet (a partly translated project's
    book) gets an empty cell marked bk-untranslated, which keeps the columns in place."""
    return [E(tag, {"class": "bk-cell" if row.cells[lang].text else "bk-cell bk-untranslated",
                    **lang_attrs(lang)}, row.cells[lang].text)
            for lang in langs]


def heading_element(E, section: Section, langs, level: str = "h2"):
    return E(level, {"class": "bk-heading", "id": section.anchor,
                     "data-turn": str(section.heading_turn)},
             *[E("span", {"class": "bk-row"}, *cells(E, row, langs, "span"))
               for row in section.heading])


def passage_element(E, passage: Passage, langs):
    parts = []
    if passage.speaker:
        parts.append(E("p", {"class": "bk-speaker"}, clean(passage.speaker)))
    parts += [E("div", {"class": "bk-row"}, *cells(E, row, langs)) for row in passage.rows]
    return E("div", {"class": f"bk-passage bk-{passage.kind}", "data-turn": str(passage.turn)},
             *parts)


def section_element(E, section: Section, langs):
    body = [heading_element(E, section, langs)] if section.heading else []
    body += [passage_element(E, p, langs) for p in section.passages]
    attrs = {"class": "bk-section"}
    if not section.heading:
        attrs["id"] = section.anchor
    return E("section", attrs, *body)


def toc_label(E, section: Section, langs, title: str):
    """The section's heading in every language (the title for the opening section)."""
    if not section.heading:
        return [E("span", {"class": "bk-toc-title"}, title)]
    out = []
    for lang in langs:
        text = heading_text(section, lang)
        if text:  # an untranslated heading shows in the languages it has
            out.append(E("span", {"class": "bk-toc-lang", "lang": lang}, text))
    return out


def heading_text(section: Section, lang: str) -> str:
    return " ".join(t for t in (row.cells[lang].text for row in section.heading) if t)


def toc_list(E, secs, langs, title: str, href: Callable[[Section], str]):
    return E("ol", {"class": "bk-toc-list"},
             *[E("li", E("a", {"href": href(s)}, *toc_label(E, s, langs, title))) for s in secs])


def title_block(E, table: Table):
    return E("header", {"class": "bk-title"},
             E("h1", title_of(table)),
             E("p", {"class": "bk-langs"}, " · ".join(lang_name(x) for x in table.langs)))


def column_heads(E, langs):
    return E("div", {"class": "bk-colhead", "aria-hidden": "true"},
             *[E("span", {"class": "bk-cell", "lang": lang}, lang_name(lang)) for lang in langs])


def main_style(langs) -> str:
    return f"--bk-cols: {len(langs)}"


# ----- reading back (what the tests hold the book to) --------------------------------------------

def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def rows_from(roots, source_lang: str) -> list[Row]:
    """The rows of book pages (lxml roots, HTML or XHTML), in document order."""
    rows: list[Row] = []
    for root in roots:
        for block in root.iter():
            classes = _classes(block)
            if "bk-passage" in classes or "bk-heading" in classes:
                kinds = [c[3:] for c in classes if c.startswith("bk-") and c != "bk-passage"]
                kind = kinds[0] if kinds else "turn"
                speaker = next((_text(e) for e in block if "bk-speaker" in _classes(e)), None)
                for row in block:
                    if "bk-row" not in _classes(row):
                        continue
                    rows.append(Row(
                        turn=int(block.get("data-turn") or 0), speaker=speaker, kind=kind,
                        cells={c.get("lang"): Cell(_text(c), SOURCE_STATUS if c.get("lang") ==
                                                   source_lang else "",
                                                   "source" if c.get("lang") == source_lang else "")
                               for c in row if "bk-cell" in _classes(c)}))
    return rows


def serialize_xml(element) -> bytes:
    return etree.tostring(element, encoding="UTF-8", xml_declaration=True, pretty_print=True)
