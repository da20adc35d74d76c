"""Markdown (markdown-it-py): headings and paragraphs, bold speaker labels; a YAML front
matter's title is the document's title. Code blocks and raw HTML are left out."""
from __future__ import annotations

import re

from align.text.readers.model import PartsBuilder, ReadDocument, Run

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def read(text: str, name: str) -> ReadDocument:
    from markdown_it import MarkdownIt

    title = ""
    front = _FRONT_MATTER.match(text)
    if front:
        found = _TITLE.search(front.group(1))
        title = found.group(1).strip("\"'") if found else ""
        text = text[front.end():]
    tokens = MarkdownIt("commonmark").parse(text)
    builder = PartsBuilder()
    heading_level = 0
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "inline":
            runs = _runs(token.children or [])
            if heading_level:
                builder.heading("".join(t for t, _ in runs), heading_level)
            else:
                builder.paragraph(runs)
    return ReadDocument("markdown", builder.done(), title=title)


def _runs(children) -> list[Run]:
    runs: list[Run] = []
    bold = 0
    for child in children:
        if child.type == "strong_open":
            bold += 1
        elif child.type == "strong_close":
            bold -= 1
        elif child.type in ("text", "code_inline"):
            runs.append((child.content, bold > 0))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append((" ", bold > 0))
        elif child.type == "image":
            continue
    return runs
