"""OpenDocument text (odfpy): headings (text:h and their outline level, the Title style),
paragraphs, lists and sections in order, speaker labels in bold (a bold automatic or named
style) or as a bold paragraph of their own. Footnotes, tables and frames are left out."""
from __future__ import annotations

import io

from align.errors import InputError
from align.text.readers.model import PartsBuilder, ReadDocument, Run
from align.text.readers.safety import open_zip

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_SKIP = {"note", "table", "frame", "tracked-changes", "sequence-decls", "bookmark", "soft-page-break"}


def read(data: bytes, name: str) -> ReadDocument:
    from odf.opendocument import load

    archive = open_zip(data, name, "ODT")
    mimetype = archive.read("mimetype").strip() if "mimetype" in archive.namelist() else b""
    archive.close()
    if mimetype and not mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise InputError(f"{name}: an OpenDocument file but not a text document ({mimetype.decode(errors='replace')})")
    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises many kinds for a damaged package
        raise InputError(f"{name}: not a readable ODT file ({type(exc).__name__}: {exc})") from None
    styles = _Styles(document)
    builder = PartsBuilder()
    _walk(document.text, builder, styles)
    title = ""
    for element in document.meta.childNodes:
        if element.qname[1] == "title":
            title = "".join(_plain(element)).strip()
    return ReadDocument("odt", builder.done(), title=title)


class _Styles:
    """Which named and automatic styles are bold, and which paragraph styles are titles."""

    def __init__(self, document) -> None:
        self.info: dict[str, tuple[str | None, bool | None, str]] = {}
        for container in (document.styles, document.automaticstyles):
            for element in container.childNodes:
                if element.qname != (STYLE, "style"):
                    continue
                bold = None
                for prop in element.childNodes:
                    if prop.qname == (STYLE, "text-properties"):
                        weight = prop.getAttrNS(FO, "font-weight")
                        if weight:
                            bold = weight in ("bold", "600", "700", "800", "900")
                self.info[element.getAttrNS(STYLE, "name")] = (
                    element.getAttrNS(STYLE, "parent-style-name"), bold,
                    element.getAttrNS(STYLE, "display-name") or element.getAttrNS(STYLE, "name"))

    def bold(self, name: str | None) -> bool | None:
        seen = 0
        while name and name in self.info and seen < 20:
            parent, bold, _ = self.info[name]
            if bold is not None:
                return bold
            name, seen = parent, seen + 1
        return None

    def is_title(self, name: str | None) -> bool:
        seen = 0
        while name and seen < 20:
            display = self.info.get(name, (None, None, name))[2]
            if display.lower() in ("title", "titel"):
                return True
            name, seen = self.info.get(name, (None, None, ""))[0], seen + 1
        return False


def _walk(element, builder: PartsBuilder, styles: _Styles) -> None:
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        namespace, local = child.qname
        if namespace == TEXT and local == "h":
            level = child.getAttrNS(TEXT, "outline-level")
            builder.heading("".join(t for t, _ in _runs(child, styles, False)),
                            int(level) if level and level.isdigit() else 1)
        elif namespace == TEXT and local == "p":
            style = child.getAttrNS(TEXT, "style-name")
            runs = _runs(child, styles, bool(styles.bold(style)))
            if styles.is_title(style):
                builder.heading("".join(t for t, _ in runs), 1)
            else:
                builder.paragraph(runs)
        elif local not in _SKIP:
            _walk(child, builder, styles)   # lists, list items, sections


def _runs(element, styles: _Styles, bold: bool) -> list[Run]:
    runs: list[Run] = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            runs.append((child.data, bold))
            continue
        if child.nodeType != child.ELEMENT_NODE:
            continue
        local = child.qname[1]
        if local in _SKIP:
            continue
        if local == "s":
            runs.append((" ", bold))
        elif local in ("tab", "line-break"):
            runs.append((" ", bold))
        elif local == "span":
            own = styles.bold(child.getAttrNS(TEXT, "style-name"))
            runs.extend(_runs(child, styles, bold if own is None else own))
        else:
            runs.extend(_runs(child, styles, bold))
    return runs


def _plain(element) -> list[str]:
    out = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            out.append(child.data)
        elif child.nodeType == child.ELEMENT_NODE:
            out.extend(_plain(child))
    return out
