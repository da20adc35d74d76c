"""A text's sections: (heading, paragraphs), the structure chapters are paired by.

Any reader can give a translation's structure this way (an EPUB's chapters, a Word file's
heading styles); plain text and Markdown get it from `sections_from_text`:

* a Markdown heading line ("# Chapter 3", "## Über Noten") is a heading, its marks taken off;
* so is a plain line standing alone between blank lines (or at the text's start or end) that
  reads as a heading to the source segmenter (`segment._looks_like_heading`: ten words at
  most, no comma, no sentence punctuation at its end, capitalised), or that names a chapter
  ("Chapter 12", "第十二章"), which uncased scripts need.

A line inside a paragraph is never a heading: a text with one sentence per line and no blank
lines has no plain-text headings (its short lines are more often titles of lists than chapters).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from align.text.segment import _looks_like_heading

MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
CHAPTER_LINE = re.compile(
    r"^(?:(?:chapter|kapitel|chapitre|cap[ií]tulo|capitolo|hoofdstuk|глава|part|teil|partie|book|buch|livre)"
    r"\s+[\dIVXLCDM]+\b.{0,80}|第[\d一二三四五六七八九十百千零〇两]+[章节回卷部篇].{0,40})$",
    re.IGNORECASE)


@dataclass
class Section:
    """One heading and the paragraphs up to the next; heading None for what comes before the
    first heading (a preface, or the whole text when it has no headings)."""
    heading: str | None
    paragraphs: list[str] = field(default_factory=list)
    level: int = 1  # Markdown's number of "#"; 1 for other headings


def heading_of_line(line: str, standalone: bool) -> tuple[str, int] | None:
    """(heading text, level) when `line` is a heading, else None."""
    m = MARKDOWN_HEADING.match(line)
    if m:
        return m.group(2).strip(), len(m.group(1))
    text = line.strip()
    if standalone and text and (_looks_like_heading(text) or CHAPTER_LINE.match(text)):
        return text, 1
    return None


def sections_from_text(text: str) -> list[Section]:
    """The sections of a plain-text or Markdown text; lines (blank ones included) are kept as
    the paragraphs, so what reads turns and labels from lines still can."""
    lines = text.splitlines()
    out = [Section(None)]
    for k, line in enumerate(lines):
        standalone = ((k == 0 or not lines[k - 1].strip())
                      and (k + 1 == len(lines) or not lines[k + 1].strip()))
        found = heading_of_line(line, standalone)
        if found:
            out.append(Section(found[0], [], found[1]))
        else:
            out[-1].paragraphs.append(line)
    if len(out) > 1 and not any(p.strip() for p in out[0].paragraphs):
        out.pop(0)
    return out


def title_of_text(text: str) -> str:
    """The title a text gives itself: the heading it opens with, when that heading stands
    above the others (a Markdown "# Title" over "## Chapter" headings, or a heading with no
    text of its own before the next heading). "" when the text opens with a chapter's
    heading or with text (the caller then names it, e.g. after its file)."""
    secs = sections_from_text(text)
    if not secs or secs[0].heading is None:
        return ""
    first, rest = secs[0], [s for s in secs[1:] if s.heading is not None]
    if not rest or all(s.level > first.level for s in rest):
        return " ".join(first.heading.split())
    if not any(p.strip() for p in first.paragraphs) and rest[0].level >= first.level:
        return " ".join(first.heading.split())
    return ""
