"""A web page (trafilatura): the main text only, so navigation, advertisements and the
footer (an author's bio, links) are left out; headings, paragraphs, bold speaker labels.
trafilatura's XML output is read back with lxml, entities never resolved."""
from __future__ import annotations

from align.errors import InputError
from align.text.readers.model import PartsBuilder, ReadDocument, Run
from align.text.readers.safety import refuse_entities


def read(data: bytes, name: str) -> ReadDocument:
    import trafilatura
    from lxml import etree

    refuse_entities(data, name)
    extracted = trafilatura.extract(_with_article(data), output_format="xml", include_formatting=True,
                                    include_comments=False, include_tables=False,
                                    include_images=False, with_metadata=True)
    if not extracted:
        raise InputError(f"{name}: no main text found in this web page")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(extracted.encode("utf-8"), parser)
    builder = PartsBuilder()
    main = root.find("main")
    for element in (main if main is not None else root).iter("head", "p", "item", "quote"):
        if element.tag == "head":
            rend = element.get("rend") or "h2"
            level = int(rend[1]) if rend[1:].isdigit() else 2
            builder.heading("".join(element.itertext()), level)
        elif element.tag in ("p", "item") or (element.tag == "quote" and element.find("p") is None):
            builder.paragraph(_runs(element))
    parts = builder.done()
    return ReadDocument("html", parts, title=root.get("title") or "")


def _with_article(data: bytes) -> str:
    """The page with its body wrapped in <article> when it has neither <article> nor <main>
    (a page saved from a plain HTML file, pandoc's `-s` output): trafilatura then keeps the
    headings it otherwise takes for page furniture. Navigation, sidebars, footers and forms
    are page furniture by their very tags: they go first."""
    from lxml import html

    try:
        root = html.document_fromstring(data)
    except Exception:  # not parseable as HTML: trafilatura gets the bytes and says so
        return data.decode("utf-8", errors="replace")
    body = root.find("body")
    if body is not None and root.find(".//article") is None and root.find(".//main") is None:
        for furniture in body.xpath(".//nav | .//aside | .//footer | .//form"):
            furniture.drop_tree()
        article = html.Element("article")
        for child in list(body):
            article.append(child)
        body.append(article)
    return html.tostring(root, encoding="unicode")


def _runs(element, bold: bool = False) -> list[Run]:
    """The text of a trafilatura element as (text, bold) runs (<hi rend="#b"> is bold)."""
    runs: list[Run] = []
    here = bold or (element.tag == "hi" and "#b" in (element.get("rend") or ""))
    if element.text:
        runs.append((element.text, here))
    for child in element:
        if child.tag in ("p", "item", "head"):
            continue  # a block inside a block is read on its own
        runs.extend(_runs(child, here))
        if child.tail:
            runs.append((child.tail, here))
    return runs
