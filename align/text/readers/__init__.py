"""Reading documents in the formats people have: EPUB, HTML, DOCX, ODT, PDF, Markdown,
SRT and WebVTT, each through the library made for it (one small module per format).

    doc = read_document(data, "interview.docx")   # -> ReadDocument, or None for plain text
    doc.parts                 # headings, paragraphs (with speakers), boilerplate, timings
    doc.translation_text()    # what import-translation aligns (headings on lines of their own)
    doc.headings()            # [(line in translation_text(), level, text)]: the chapters
    to_document(doc, "de")    # `align.text.readers.structure`: the segmented Document

The format is chosen by the file's ending, and by its content where the ending says
nothing (a .txt that is really a PDF, a subtitle file without ending). A file whose ending
promises a format it does not have is refused in one line; plain text returns None and
goes the way it always went (`align.text.textio`).
"""
from __future__ import annotations

import re
from pathlib import PurePath

from align.errors import InputError
from align.text.readers.model import Part, ReadDocument

__all__ = ["Part", "ReadDocument", "EXTENSIONS", "detect_format", "read_document",
           "UPLOAD_TYPES", "MAX_DOCUMENT_BYTES", "size_limit", "read_translation",
           "read_translation_file"]

EXTENSIONS = {".epub": "epub", ".html": "html", ".htm": "html", ".xhtml": "html",
              ".docx": "docx", ".odt": "odt", ".pdf": "pdf", ".md": "markdown",
              ".markdown": "markdown", ".srt": "srt", ".vtt": "vtt"}
# Documents may be larger than plain text (an EPUB holds its pictures); what they unpack
# to is bounded by `safety`.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


def size_limit(name) -> int:
    """The most bytes read from a file of this name: more for documents than plain text."""
    from align.text.textio import MAX_BYTES

    return MAX_DOCUMENT_BYTES if PurePath(str(name)).suffix.lower() in EXTENSIONS else MAX_BYTES


# File types the app's upload boxes accept for a document (plain .txt besides).
UPLOAD_TYPES = tuple(sorted({ext.lstrip(".") for ext in EXTENSIONS}))
NAMES = {"epub": "EPUB", "html": "HTML", "docx": "DOCX", "odt": "ODT", "pdf": "PDF",
         "markdown": "Markdown", "srt": "SRT", "vtt": "WebVTT"}

_SRT_START = re.compile(rb"\A\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_HTML_START = re.compile(rb"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)


def _sniff(data: bytes) -> str | None:
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/epub+zip" in head:
            return "epub"
        if b"mimetypeapplication/vnd.oasis.opendocument.text" in head:
            return "odt"
        if b"word/" in data[:200_000] or b"[Content_Types].xml" in head:
            return "docx"
        return "zip"
    if head.startswith(b"WEBVTT"):
        return "vtt"
    if _SRT_START.match(head):
        return "srt"
    if _HTML_START.match(head):
        return "html"
    return None


def detect_format(name: str, data: bytes) -> str | None:
    """The document format of a file, or None for plain text."""
    by_name = EXTENSIONS.get(PurePath(name).suffix.lower())
    by_content = _sniff(data)
    if by_name in ("epub", "docx", "odt", "pdf"):
        if by_content != by_name:
            found = {"zip": "a zip archive", None: "text"}.get(by_content, NAMES.get(by_content, by_content))
            raise InputError(f"{name}: not a valid {NAMES[by_name]} file (its content is {found})")
        return by_name
    if by_name is not None:
        return by_name
    if by_content == "zip":
        raise InputError(f"{name}: a zip archive that is not a DOCX, ODT or EPUB document")
    return by_content


def read_document(data: bytes, name: str) -> ReadDocument | None:
    """The file's parts, or None when it is plain text (then decode it as text).
    Raises InputError with one line for a file that cannot be read."""
    fmt = detect_format(name, data)
    if fmt is None:
        return None
    if fmt in ("markdown", "srt", "vtt"):
        from align.text.textio import decode_text

        text = decode_text(data, name)
        if fmt == "markdown":
            from align.text.readers import markdown
            doc = markdown.read(text, name)
        else:
            from align.text.readers import subtitles
            doc = (subtitles.read_srt if fmt == "srt" else subtitles.read_vtt)(text, name)
    else:
        import importlib
        doc = importlib.import_module(f"align.text.readers.{fmt}").read(data, name)
    if not any(p.kind != "boilerplate" for p in doc.parts):
        raise InputError(f"{name}: no text found in this {NAMES[fmt]} file")
    return doc


def read_translation(data: bytes, name: str) -> tuple[str, ReadDocument | None]:
    """(the text `import-translation` aligns, the read document or None for plain text).
    A document's headings are lines of their own in that text; `ReadDocument.headings()`
    says which lines they are."""
    read = read_document(data, name)
    if read is None:
        from align.text.textio import decode_text

        return decode_text(data, name), None
    return read.translation_text(), read


def read_translation_file(path) -> tuple[str, ReadDocument | None]:
    """`read_translation` of a file the user named (size-checked before it is read)."""
    from align.text.textio import read_user_bytes

    return read_translation(read_user_bytes(path, size_limit(path)), PurePath(str(path)).name)
