"""EPUB 3 parallel book: the HTML book (book.py, book.css) as an e-book.

    mimetype                 first entry, stored uncompressed (the EPUB signature)
    META-INF/container.xml   where the package document is
    EPUB/package.opf         metadata (title, languages, identifier, modified), manifest, spine
    EPUB/nav.xhtml           the table of contents: the opening, then one entry per heading
    EPUB/book.css            the same stylesheet as the HTML book
    EPUB/s0.xhtml ...        one XHTML page per section (s0: before the first heading)

Nothing refers outside the book. Entries carry the project's creation time and fixed
attributes, so exporting twice gives the same bytes. `epubcheck` passes it (tests/test_book.py).
"""
from __future__ import annotations

import io
import zipfile

from lxml.builder import ElementMaker

from align.errors import InputError
from align.formats import book
from align.formats.rows import Table
from align.formats.xmlsafe import local_name, parse_xml_bytes

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS_NS}}}type"
ROOT = "EPUB"
OPF_PATH = f"{ROOT}/package.opf"
DOCTYPE = b"<!DOCTYPE html>\n"

X = ElementMaker(namespace=XHTML_NS, nsmap={None: XHTML_NS, "epub": OPS_NS})


def _page(table: Table, title: str, body: list, body_attrs: dict | None = None) -> bytes:
    lang = table.langs[0]
    root = X("html", {"lang": lang, XML_LANG: lang},
             X("head", X("meta", charset="utf-8"), X("title", title),
               X("link", rel="stylesheet", type="text/css", href="book.css")),
             X("body", body_attrs or {}, *body))
    data = book.serialize_xml(root)
    # XHTML5 pages carry the HTML doctype after the XML declaration.
    head, _, rest = data.partition(b"\n")
    return head + b"\n" + DOCTYPE + rest


def _section_page(table: Table, section: book.Section, first: bool, title: str) -> bytes:
    body = [book.title_block(X, table)] if first else []
    body += [X("main", {"class": "bk-book"}, book.column_heads(X, table.langs),
               book.section_element(X, section, table.langs))]
    page_title = _toc_text(section, table.langs[:1], title)
    return _page(table, page_title, body, {"style": book.main_style(table.langs)})


def _toc_text(section: book.Section, langs, title: str) -> str:
    if not section.heading:
        return title
    return " / ".join(t for t in (book.heading_text(section, lang) for lang in langs) if t)


def _nav(table: Table, secs, title: str) -> bytes:
    items = [X("li", X("a", {"href": f"{s.anchor}.xhtml"}, _toc_text(s, table.langs, title)))
             for s in secs]
    nav = X("nav", {EPUB_TYPE: "toc", "id": "toc", "class": "bk-toc"},
            X("h2", book.CONTENTS), X("ol", {"class": "bk-toc-list"}, *items))
    return _page(table, f"{title}: {book.CONTENTS}", [book.title_block(X, table), nav])


def _opf(table: Table, secs, title: str) -> bytes:
    P = ElementMaker(namespace=OPF_NS, nsmap={None: OPF_NS})
    D = ElementMaker(namespace=DC_NS, nsmap={"dc": DC_NS})
    modified = book.created_utc(table).strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata = P("metadata",
                 D("identifier", book.book_id(table), id="bookid"),
                 D("title", title),
                 *[D("language", lang) for lang in table.langs],
                 D("date", modified[:10]),
                 P("meta", modified, property="dcterms:modified"))
    manifest = P("manifest",
                 P("item", id="nav", href="nav.xhtml", properties="nav",
                   **{"media-type": "application/xhtml+xml"}),
                 P("item", id="css", href="book.css", **{"media-type": "text/css"}),
                 *[P("item", id=s.anchor, href=f"{s.anchor}.xhtml",
                     **{"media-type": "application/xhtml+xml"}) for s in secs])
    spine = P("spine", *[P("itemref", idref=s.anchor) for s in secs])
    package = P("package", {"version": "3.0", "unique-identifier": "bookid",
                            XML_LANG: table.langs[0]}, metadata, manifest, spine)
    return book.serialize_xml(package)


def _container() -> bytes:
    C = ElementMaker(namespace=CONTAINER_NS, nsmap={None: CONTAINER_NS})
    return book.serialize_xml(C("container", {"version": "1.0"}, C("rootfiles", C(
        "rootfile", {"full-path": OPF_PATH, "media-type": "application/oebps-package+xml"}))))


def write(table: Table) -> bytes:
    title = book.title_of(table)
    secs = book.sections(table) or [book.Section(0, (), ())]
    entries = [("META-INF/container.xml", _container()),
               (OPF_PATH, _opf(table, secs, title)),
               (f"{ROOT}/nav.xhtml", _nav(table, secs, title)),
               (f"{ROOT}/book.css", book.CSS.encode("utf-8"))]
    entries += [(f"{ROOT}/{s.anchor}.xhtml", _section_page(table, s, k == 0, title))
                for k, s in enumerate(secs)]
    when = book.created_utc(table).timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_entry("mimetype", when, zipfile.ZIP_STORED), b"application/epub+zip")
        for name, data in entries:
            zf.writestr(_entry(name, when, zipfile.ZIP_DEFLATED), data)
    return buf.getvalue()


def _entry(name: str, when, compress: int) -> zipfile.ZipInfo:
    """A zip entry with fixed metadata (time, permissions, system), so bytes repeat."""
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = compress
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def read(data: bytes, name: str = "book.epub") -> Table:
    """The rows of an EPUB this module wrote, page by page in spine order."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not an EPUB (not a zip file)") from None
    with zf:
        if zf.namelist()[:1] != ["mimetype"] or zf.read("mimetype") != b"application/epub+zip":
            raise InputError(f"{name}: not an EPUB (no mimetype entry first)")
        container = parse_xml_bytes(zf.read("META-INF/container.xml"), name, root="container")
        opf_path = next(e.get("full-path") for e in container.iter() if local_name(e) == "rootfile")
        opf = parse_xml_bytes(zf.read(opf_path), opf_path, root="package")
        base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
        hrefs = {e.get("id"): e.get("href") for e in opf.iter() if local_name(e) == "item"}
        spine = [hrefs[e.get("idref")] for e in opf.iter() if local_name(e) == "itemref"]
        pages = [parse_xml_bytes(zf.read(base + href), href, root="html") for href in spine]
        langs = tuple(e.text for e in opf.iter() if local_name(e) == "language")
        title = next((e.text or "" for e in opf.iter() if local_name(e) == "title"), "")
    return Table(source_lang=langs[0], langs=langs, rows=tuple(book.rows_from(pages, langs[0])),
                 title=title)
