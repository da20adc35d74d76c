"""Safe parsing of XML files the user gives us (TMX, XLIFF).

An XML file from elsewhere may be hostile: an external entity that reads a local file or
the network (XXE), an entity-expansion bomb ("billion laughs"), a file so large or so deep
that parsing it exhausts memory. The rules here, applied to every XML input:

- a size bound (MAX_XML_BYTES) checked before a byte is parsed;
- no DTD is loaded, nothing is fetched (load_dtd=False, no_network=True), no entity is
  substituted (resolve_entities=False) and libxml2's limits on depth and text size stay on
  (huge_tree=False);
- any entity declaration is refused outright, before parsing when the bytes show it and
  after parsing (for encodings a byte scan cannot read) from the parsed internal subset. A
  plain `<!DOCTYPE tmx SYSTEM "tmx14.dtd">`, as CAT tools write it, is accepted and ignored;
- the root element must be the one the format expects.

Every failure is an InputError with one line naming the file and, where known, the line.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from align.errors import InputError

MAX_XML_BYTES = 64 * 1024 * 1024

# A declaration in the internal subset, seen in the raw bytes (UTF-8 and other ASCII-based
# encodings); the check after parsing covers UTF-16 files.
_DECLARATION = re.compile(rb"<!\s*(ENTITY|ELEMENT|ATTLIST|NOTATION)\b")
_LXML_POSITION = re.compile(r",? line \d+, column \d+\s*$")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def local_name(element: etree._Element) -> str:
    """The element name without its namespace ("{urn:...}xliff" -> "xliff")."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def parse_xml_bytes(data: bytes, name: str, root: str | tuple[str, ...] | None = None,
                    max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse `data` under the rules above and return the root element.

    `name` is how the file is called in error messages; `root` the accepted root element
    name(s), without namespace.
    """
    if len(data) > max_bytes:
        raise InputError(f"{name}: file too large for an XML import "
                         f"({len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)")
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    found = _DECLARATION.search(data)
    if found:
        raise InputError(f"{name}, line {_line_of(data, found.start())}: XML with a DTD "
                         f"declaration (<!{found.group(1).decode()} ...>) is refused: entities "
                         f"can read local files or expand without bound")
    try:
        element = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        message = _LXML_POSITION.sub("", exc.msg or str(exc)).strip()
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise InputError(f"{name}{line}: not well-formed XML: {message}") from None
    tree = element.getroottree()
    internal = tree.docinfo.internalDTD
    if internal is not None and (any(True for _ in internal.iterentities())
                                 or any(True for _ in internal.iterelements())):
        raise InputError(f"{name}: XML with a DTD declaration is refused: entities can read "
                         f"local files or expand without bound")
    for node in element.iter(etree.Entity):
        raise InputError(f"{name}, line {node.sourceline}: XML entity reference "
                         f"&{node.name}; is refused")
    if root is not None:
        wanted = (root,) if isinstance(root, str) else tuple(root)
        if local_name(element) not in wanted:
            raise InputError(f"{name}, line {element.sourceline}: expected a <{wanted[0]}> "
                             f"document, found <{local_name(element)}>")
    return element


def parse_xml_file(path: str | os.PathLike, root: str | tuple[str, ...] | None = None,
                   max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    path = Path(path)
    from align.text.textio import read_user_bytes

    data = read_user_bytes(path, max_bytes)
    return parse_xml_bytes(data, str(path), root=root, max_bytes=max_bytes)
