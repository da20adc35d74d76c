"""Word documents (python-docx): heading styles (and outline levels) as headings, the Title
style as a heading too, paragraphs, speaker labels in bold or as a bold paragraph of their
own. Tables, headers, footers and comments are left out."""
from __future__ import annotations

import io
import re

from align.errors import InputError
from align.text.readers.model import PartsBuilder, ReadDocument
from align.text.readers.safety import open_zip

_HEADING_STYLE = re.compile(r"(?i)^(?:heading|überschrift|titre|título|titolo)\s*(\d)$")


def read(data: bytes, name: str) -> ReadDocument:
    import docx

    open_zip(data, name, "DOCX").close()       # size and entity checks first
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise InputError(f"{name}: not a readable DOCX file ({type(exc).__name__}: {exc})") from None
    builder = PartsBuilder()
    for paragraph in document.paragraphs:
        level = _heading_level(paragraph)
        if level is not None:
            builder.heading(paragraph.text, level)
            continue
        builder.paragraph((run.text, _bold(run, paragraph)) for run in paragraph.runs)
    title = (document.core_properties.title or "").strip()
    return ReadDocument("docx", builder.done(), title=title)


def _heading_level(paragraph) -> int | None:
    style = paragraph.style
    names = [getattr(style, "name", "") or "", getattr(style, "style_id", "") or ""]
    for name in names:
        if name.lower() in ("title", "titel"):
            return 1
        m = _HEADING_STYLE.match(name.replace("Heading", "Heading ").strip())
        if m:
            return max(int(m.group(1)), 1)
    outline = paragraph._p.find(
        ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl")
    if outline is not None:
        value = outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
        if value and value.isdigit() and int(value) < 9:
            return int(value) + 1
    return None


def _bold(run, paragraph) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    for style in (run.style, paragraph.style):
        while style is not None:
            bold = style.font.bold if getattr(style, "font", None) is not None else None
            if bold is not None:
                return bool(bold)
            style = style.base_style
    return False
