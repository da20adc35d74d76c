"""Export and import formats: a registry of name -> writer/reader, and `export_project`.

Every format writes a `rows.Table` (the project's aligned text, already filtered) and, where
the format can hold it, reads one back; the round-trip tests hold every reader to what its
writer wrote.

    from align.formats import export_project
    data = export_project(project, "tmx", langs=["de", "en"], status="reviewed")
    files = export_project(project, "moses")          # {"de": b"...", "en": b"..."}
    book = export_project(project, "epub")            # a parallel book (also "html")

Sits on the store (rows are built from a `Project`) and text/ (reading user files); also holds
`xmlsafe.py`, the hardened XML parser every XML input goes through. Never imports models/.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Sequence

from align.errors import InputError


@dataclass(frozen=True)
class Format:
    name: str
    module: str              # align.formats.<module>: write(table), read(...)
    extension: str           # file name ending; Moses writes one file per language
    description: str
    multi_file: bool = False  # write() returns {lang: bytes}
    pair_only: bool = False   # exactly two languages
    readable: bool = True     # import-translation can read it (Moses needs two files)
    book: bool = False        # a book to read: text, speakers, headings (no status or score)
    timed: bool = False       # subtitles: cues timed by the source's times

    def load(self):
        return importlib.import_module(f"align.formats.{self.module}")

    def write(self, table, confidence_columns: bool = False):
        # Only TSV has optional columns; the other formats always carry the confidence.
        if confidence_columns and self.name == "tsv":
            return self.load().write(table, confidence=True)
        return self.load().write(table)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("tmx", "tmx", ".tmx", "TMX 1.4b translation memory (CAT tools)"),
    Format("tsv", "tsv", ".tsv", "tab-separated table, one row per aligned unit"),
    Format("moses", "moses", "", "one plain-text file per language, line-aligned (MT training)",
           multi_file=True, readable=False),
    Format("jsonl", "jsonl", ".jsonl", "JSON lines {\"translation\": {...}} (Hugging Face datasets)"),
    Format("xliff", "xliff", ".xlf", "XLIFF 2.1, one language pair", pair_only=True),
    Format("html", "html_book", ".html", "parallel book: one standalone HTML file, side by "
           "side or interleaved", readable=False, book=True),
    Format("epub", "epub", ".epub", "parallel book: EPUB 3 for e-readers", readable=False,
           book=True),
)}

# Subtitles need a timed source (a project imported from SRT or WebVTT), so they are kept
# apart from the formats every project can write.
TIMED_FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("srt", "subtitles", ".srt", "bilingual subtitles (SubRip), timed by a subtitle "
           "source", readable=False, timed=True),
    Format("vtt", "subtitles", ".vtt", "bilingual subtitles (WebVTT, speakers as voices), "
           "timed by a subtitle source", readable=False, timed=True),
)}

# File endings import-translation recognises as a parallel format (anything else is text).
READ_BY_EXTENSION = {".tmx": "tmx", ".tsv": "tsv", ".jsonl": "jsonl", ".xlf": "xliff",
                     ".xliff": "xliff"}


def get_format(name: str) -> Format:
    try:
        return {**FORMATS, **TIMED_FORMATS}[name.lower()]
    except KeyError:
        raise InputError(f"unknown export format {name!r}; use one of "
                         f"{', '.join([*FORMATS, *TIMED_FORMATS])}") from None


def export_table(project, fmt: str, langs: Sequence[str] | None = None, status: str = "mt",
                 include_boilerplate: bool = False, include_suggested: bool = False,
                 confidence_columns: bool = False, per_language: bool = False,
                 untranslated: str | None = None):
    """(table, data): the rows that were exported and the file contents.
    confidence_columns: TSV also gets confidence_<lang> columns.
    per_language: subtitles (srt, vtt) as one file per language ({lang: bytes}).
    untranslated: books only: "skip" (the default) leaves out text not translated yet,
    "show" shows it in the source language alone; headings are kept either way."""
    from align.formats.rows import Table, build_table

    spec = get_format(fmt)
    if untranslated is not None and not spec.book:
        raise InputError(f"--untranslated is for the books (html, epub); {spec.name} is "
                         f"line-aligned and holds only rows with text in every language")
    times = project.segment_times() if spec.timed else None
    if spec.timed:
        from align.formats.subtitles import cues
        cues(Table(project.source_lang, (), ()), times)   # refuses a source without times
    table = build_table(project, langs=langs, status=status,
                        include_boilerplate=include_boilerplate,
                        include_suggested=include_suggested,
                        untranslated=(untranslated or "skip") if spec.book else None)
    source = project.source_lang
    if source in table.langs and table.langs[0] != source:
        raise InputError(f"the source language must come first in --langs (e.g. --langs "
                         f"{','.join([source, *[x for x in table.langs if x != source]])})")
    if spec.pair_only and len(table.langs) != 2:
        raise InputError(f"{spec.name} holds one language pair; choose two languages with "
                         f"--langs (e.g. --langs {table.langs[0]},{table.langs[1]})")
    if per_language and not spec.timed:
        raise InputError("one file per language is for subtitles (--format srt or vtt)")
    if spec.timed:
        write = getattr(spec.load(), f"write_{spec.name}")
        return table, write(table, times, per_language=per_language)
    return table, spec.write(table, confidence_columns)


def export_project(project, fmt: str, langs: Sequence[str] | None = None, status: str = "mt",
                   include_boilerplate: bool = False, include_suggested: bool = False,
                   untranslated: str | None = None) -> bytes | dict[str, bytes]:
    """The project's aligned text in format `fmt`.

    langs: languages to include, source first (default: the source and every translated
    language); status: minimum status of every target sentence of a row ("mt" = all,
    "edited" = touched by a person, "reviewed"); include_boilerplate: also export blocks
    marked as boilerplate; include_suggested: also export links the aligner was unsure of
    and no person has accepted (left out by default); untranslated: books only, "skip" or
    "show" the source text not translated yet (headings are kept either way).
    Returns the file's bytes, or {lang: bytes} for Moses.
    Raises InputError (one line) for an unknown format, language or status.
    """
    return export_table(project, fmt, langs, status, include_boilerplate, include_suggested,
                        untranslated=untranslated)[1]
