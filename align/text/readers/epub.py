"""EPUB (ebooklib): the chapters in spine order, each read for its headings, paragraphs
and bold speaker labels. Front and back matter (cover, title page, table of contents,
copyright, colophon, acknowledgements: by the guide, `epub:type` or `linear="no"`) is
kept as boilerplate. Chapters are parsed with lxml, entities never resolved."""
from __future__ import annotations

import io
import re
import warnings

from align.errors import InputError
from align.text.readers.model import PartsBuilder, ReadDocument, Run
from align.text.readers.safety import open_zip

MATTER = re.compile(r"(?i)\b(?:cover|titlepage|title-page|halftitle|toc|nav|landmarks|"
                    r"copyright(?:-page)?|colophon|imprint|acknowledg\w*|dedication|epigraph|"
                    r"frontmatter|backmatter|about-?the-?author|other-?books|index|"
                    r"loi|lot|bibliography|credits|impressum)\b")
_BLOCKS = {"p", "li", "blockquote", "dd", "dt", "pre", "figcaption", "caption", "td", "th"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP = {"script", "style", "head", "nav", "aside", "rt", "rp", "svg", "math", "table"}
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def read(data: bytes, name: str) -> ReadDocument:
    import ebooklib
    from ebooklib import epub

    open_zip(data, name, "EPUB").close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    except Exception as exc:  # ebooklib raises many kinds for a damaged book
        raise InputError(f"{name}: not a readable EPUB file ({type(exc).__name__}: {exc})") from None
    matter_hrefs = {ref.get("href", "").split("#")[0] for ref in getattr(book, "guide", [])
                    if MATTER.search(ref.get("type", "") + " " + ref.get("title", ""))}
    builder = PartsBuilder()
    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() not in (ebooklib.ITEM_DOCUMENT,):
            continue
        if isinstance(item, epub.EpubNav):
            continue
        matter = (str(linear).lower() == "no" or item.get_name() in matter_hrefs
                  or bool(MATTER.search(idref + " " + item.get_name().rsplit("/", 1)[-1])))
        _read_chapter(item.get_content(), builder, matter, name)
    titles = book.get_metadata("DC", "title")
    title = titles[0][0] if titles else ""
    return ReadDocument("epub", builder.done(), title=title or "")


def _read_chapter(content: bytes, builder: PartsBuilder, matter: bool, name: str) -> None:
    from lxml import etree, html

    if not content.strip():
        return
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                                 huge_tree=False)
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        root = html.fromstring(content)
    body = next((e for e in root.iter() if _local(e) == "body"), root)
    matter = matter or bool(MATTER.search(body.get(_EPUB_TYPE, "")))
    _walk(body, builder, matter)


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _walk(element, builder: PartsBuilder, matter: bool) -> None:
    for child in element:
        local = _local(child)
        if not local or local in _SKIP:
            continue
        here = matter or bool(MATTER.search(child.get(_EPUB_TYPE, "")))
        if local in _HEADINGS or local in _BLOCKS or (local == "div" and not _has_blocks(child)):
            runs = _runs(child, False)
            text = "".join(t for t, _ in runs)
            if here:
                builder.boilerplate(text)
            elif local in _HEADINGS:
                builder.heading(text, _HEADINGS[local])
            else:
                builder.paragraph(runs)
        else:
            _walk(child, builder, here)


def _has_blocks(element) -> bool:
    return any(_local(e) in _BLOCKS or _local(e) in _HEADINGS or _local(e) == "div"
               for e in element.iterdescendants())


def _runs(element, bold: bool) -> list[Run]:
    runs: list[Run] = []
    local = _local(element)
    here = bold or local in ("b", "strong") or "bold" in (element.get("style") or "") \
        or "bold" in (element.get("class") or "").lower()
    if element.text and local not in _SKIP:
        runs.append((element.text, here))
    for child in element:
        if _local(child) not in _SKIP and not _is_note_mark(child):
            if _local(child) == "br":
                runs.append((" ", here))
            else:
                runs.extend(_runs(child, here))
        if child.tail:
            runs.append((child.tail, here))
    return runs


def _is_note_mark(element) -> bool:
    """A footnote marker: a superscript link, or an element typed as a note reference."""
    if "noteref" in (element.get(_EPUB_TYPE) or ""):
        return True
    return _local(element) == "sup" and any(_local(e) == "a" for e in element.iter())
