"""TMX 1.4b: the translation-memory exchange format CAT tools read (OmegaT, Trados, memoQ).

One <tu> per row, one <tuv> per chosen language (xml:lang de-DE, en-US, zh-CN). Properties,
with user-defined types ("x-" prefix, as the specification asks):
- on the <tu>: x-speaker, x-turn (the block number), x-kind (turn, narration, heading...);
- on each target <tuv>: x-status (mt|edited|reviewed), x-origin (human, or mt:<model>),
  x-score (alignment score: the aligner's posterior for the link, when there is one),
  x-mt-confidence (the model's mean log-probability per token, for a machine translation no
  one has corrected), x-suggested ("true", only on a link the aligner was unsure of and no
  person accepted; exported only with include_suggested).
The header's creationdate is the project's creation time, so exporting twice gives the same
bytes. The file is valid against the TMX 1.4b DTD (tmx14b.dtd beside this module).
"""
from __future__ import annotations

from datetime import datetime

from lxml import etree

from align.errors import InputError
from align.formats.rows import (Cell, Row, SOURCE_STATUS, STATUS_RANK, Table, clean, is_true,
                                primary_lang, region_tag)
from align.formats.xmlsafe import local_name, parse_xml_bytes

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CREATION_TOOL = "bitext"
CREATION_TOOL_VERSION = "0.1.0"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def tmx_date(iso: str) -> str | None:
    """ISO 8601 (the store's timestamps) -> TMX's YYYYMMDDThhmmssZ."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).strftime("%Y%m%dT%H%M%SZ")
    except ValueError:
        return None


def _prop(parent: etree._Element, kind: str, value) -> None:
    if value is None or value == "":
        return
    prop = etree.SubElement(parent, "prop", type=kind)
    prop.text = clean(str(value))      # a speaker or model name XML cannot hold must not stop it


def write(table: Table) -> bytes:
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": CREATION_TOOL,
        "creationtoolversion": CREATION_TOOL_VERSION,
        "segtype": "sentence",
        "o-tmf": "bitext",
        "adminlang": "en-US",
        "srclang": region_tag(table.source_lang if table.source_lang in table.langs
                              else table.langs[0]),
        "datatype": "plaintext",
    })
    date = tmx_date(table.created)
    if date:
        header.set("creationdate", date)
    _prop(header, "x-title", table.title)
    body = etree.SubElement(root, "body")
    for number, row in enumerate(table.rows, start=1):
        tu = etree.SubElement(body, "tu", tuid=str(number))
        _prop(tu, "x-speaker", row.speaker)
        _prop(tu, "x-turn", row.turn)
        _prop(tu, "x-kind", row.kind)
        for lang in table.langs:
            cell = row.cells[lang]
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: region_tag(lang)})
            if cell.status != SOURCE_STATUS:
                _prop(tuv, "x-status", cell.status)
                _prop(tuv, "x-origin", cell.origin)
                _prop(tuv, "x-score", None if cell.score is None else f"{cell.score:.4f}")
                _prop(tuv, "x-mt-confidence",
                      None if cell.confidence is None else f"{cell.confidence:.4f}")
                _prop(tuv, "x-suggested", "true" if cell.suggested else None)
            seg = etree.SubElement(tuv, "seg")
            seg.text = cell.text
    body_bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE.encode() + b"\n" + body_bytes


def _props(element: etree._Element) -> dict[str, str]:
    return {p.get("type", ""): (p.text or "").strip()
            for p in element if isinstance(p.tag, str) and local_name(p) == "prop"}


# Inline elements that hold native codes (formatting of the original), not text.
CODE_ELEMENTS = frozenset({"bpt", "ept", "ph", "it", "ut"})


def _inline_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and local_name(child) not in CODE_ELEMENTS:
            parts.append(_inline_text(child))      # <hi> wraps text that is part of the segment
        parts.append(child.tail or "")
    return "".join(parts)


def _seg_text(seg: etree._Element) -> str:
    return " ".join(_inline_text(seg).split())


def _number(value: str | None, name: str, line: int, prop: str) -> float | None:
    if not value:
        return None
    try:
        return round(float(value), 4)
    except ValueError:
        raise InputError(f"{name}, line {line}: {prop} {value!r} is not a number") from None


def read(data: bytes, name: str = "file.tmx") -> Table:
    """Read a TMX file (ours or another tool's). Languages come back as plain codes (de)."""
    root = parse_xml_bytes(data, name, root="tmx")
    header = root.find("header")
    body = root.find("body")
    if header is None or body is None:
        raise InputError(f"{name}, line {root.sourceline}: a TMX file needs a <header> and a <body>")
    src_tag = header.get("srclang") or ""
    rows: list[Row] = []
    langs: list[str] = []
    for tu in body:
        if not isinstance(tu.tag, str) or local_name(tu) != "tu":
            continue
        props = _props(tu)
        cells: dict[str, Cell] = {}
        for tuv in tu:
            if not isinstance(tuv.tag, str) or local_name(tuv) != "tuv":
                continue
            tag = tuv.get(XML_LANG) or tuv.get("lang")
            if tag is None:
                raise InputError(f"{name}, line {tuv.sourceline}: <tuv> without xml:lang")
            lang = primary_lang(tag, f"{name}, line {tuv.sourceline}")
            seg = tuv.find("seg")
            if seg is None:
                raise InputError(f"{name}, line {tuv.sourceline}: <tuv> without <seg>")
            tprops = _props(tuv)
            status = tprops.get("x-status", "")
            score = tprops.get("x-score")
            try:
                score_value = round(float(score), 4) if score else None
            except ValueError:
                raise InputError(f"{name}, line {tuv.sourceline}: x-score {score!r} is not a "
                                 f"number") from None
            confidence = _number(tprops.get("x-mt-confidence"), name, tuv.sourceline,
                                 "x-mt-confidence")
            if lang in cells:
                raise InputError(f"{name}, line {tuv.sourceline}: two <tuv> for {lang} in one <tu>")
            cells[lang] = Cell(_seg_text(seg), status if status in STATUS_RANK else SOURCE_STATUS,
                               tprops.get("x-origin", "source" if not status else ""), score_value,
                               confidence, is_true(tprops.get("x-suggested")))
            if lang not in langs:
                langs.append(lang)
        turn = props.get("x-turn", "")
        rows.append(Row(turn=int(turn) if turn.isdigit() else 0, speaker=props.get("x-speaker"),
                        cells=cells, kind=props.get("x-kind", "turn")))
    source = primary_lang(src_tag, name) if src_tag and src_tag != "*all*" else (langs[0] if langs else "")
    return Table(source_lang=source, langs=tuple(langs), rows=tuple(rows),
                 title=_props(header).get("x-title", ""), created="",
                 with_suggested=any(c.suggested for r in rows for c in r.cells.values()))
