"""XLIFF 2.1 for one language pair: the interchange format of CAT and localisation tools.

One <unit> per row with one <segment> holding <source> and <target>. The segment's state
carries the review status (mt -> initial, edited -> translated, reviewed -> reviewed); the
Metadata module (mda, part of XLIFF 2) carries speaker, turn, block kind, exact status,
origin, score (the link's alignment score: the aligner's posterior), mt-confidence (the
model's mean log-probability per token, for a machine translation no one corrected) and
suggested in one metaGroup of category "bitext". A suggested link (the aligner was unsure;
exported only with include_suggested) also gets state "initial" with subState
"bitext:suggested", the state CAT tools show as needing review (Translate Toolkit reads it as
fuzzy); its exact status stays in the metadata. Written with lxml: the core format is small
enough that no extra library is needed.
"""
from __future__ import annotations

from lxml import etree

from align.errors import InputError
from align.formats.rows import (Cell, Row, SOURCE_STATUS, STATUS_RANK, Table, clean, is_true,
                                primary_lang, region_tag)
from align.formats.xmlsafe import parse_xml_bytes

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
STATE_OF = {"mt": "initial", "edited": "translated", "reviewed": "reviewed"}
STATUS_OF = {"initial": "mt", "translated": "edited", "reviewed": "reviewed", "final": "reviewed"}
META_CATEGORY = "bitext"
SUGGESTED_SUBSTATE = "bitext:suggested"


def _q(tag: str, ns: str = NS) -> str:
    return f"{{{ns}}}{tag}"


def pair(table: Table) -> tuple[str, str]:
    if len(table.langs) != 2:
        raise InputError(f"XLIFF holds one language pair; choose two languages with --langs "
                         f"(e.g. --langs {table.langs[0]},{table.langs[1]})")
    return table.langs[0], table.langs[1]


def write(table: Table) -> bytes:
    src, tgt = pair(table)
    root = etree.Element(_q("xliff"), nsmap={None: NS, "mda": MDA},
                         version="2.1", srcLang=region_tag(src), trgLang=region_tag(tgt))
    file_el = etree.SubElement(root, _q("file"), id="f1")
    if clean(table.title):
        file_el.set("original", clean(table.title))
    for number, row in enumerate(table.rows, start=1):
        unit = etree.SubElement(file_el, _q("unit"), id=f"u{number}")
        cell = row.cells[tgt]
        meta = {"speaker": row.speaker, "turn": row.turn, "kind": row.kind,
                "status": cell.status, "origin": cell.origin,
                "score": None if cell.score is None else f"{cell.score:.4f}",
                "mt-confidence": None if cell.confidence is None else f"{cell.confidence:.4f}",
                "suggested": "true" if cell.suggested else None}
        group = etree.SubElement(etree.SubElement(unit, _q("metadata", MDA)), _q("metaGroup", MDA),
                                 category=META_CATEGORY)
        for key, value in meta.items():
            if value is not None and value != "":
                # clean: a speaker or model name XML cannot hold must not stop the export
                etree.SubElement(group, _q("meta", MDA), type=key).text = clean(str(value))
        segment = etree.SubElement(unit, _q("segment"), id=f"s{number}")
        if cell.suggested:
            segment.set("state", "initial")
            segment.set("subState", SUGGESTED_SUBSTATE)
        elif cell.status in STATE_OF:
            segment.set("state", STATE_OF[cell.status])
        etree.SubElement(segment, _q("source")).text = row.cells[src].text
        etree.SubElement(segment, _q("target")).text = cell.text
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            + etree.tostring(root, encoding="UTF-8", pretty_print=True))


def _text(element: etree._Element | None) -> str:
    # <pc>/<mrk> wrap text and are kept; <ph> and friends are codes without text.
    return "" if element is None else " ".join("".join(element.itertext()).split())


def read(data: bytes, name: str = "file.xlf") -> Table:
    root = parse_xml_bytes(data, name, root="xliff")
    if root.tag != _q("xliff"):
        raise InputError(f"{name}, line {root.sourceline}: not an XLIFF 2 file (namespace "
                         f"{NS} expected; XLIFF 1.2 is not read)")
    if not root.get("srcLang") or not root.get("trgLang"):
        raise InputError(f"{name}, line {root.sourceline}: <xliff> needs srcLang and trgLang")
    src = primary_lang(root.get("srcLang"), name)
    tgt = primary_lang(root.get("trgLang"), name)
    rows = []
    for unit in root.iter(_q("unit")):
        meta = {m.get("type"): (m.text or "") for m in unit.iter(_q("meta", MDA))
                if m.getparent().get("category") == META_CATEGORY}
        segments = [s for s in unit if s.tag == _q("segment")]
        if not segments:
            raise InputError(f"{name}, line {unit.sourceline}: <unit> without <segment>")
        source = " ".join(_text(s.find(_q("source"))) for s in segments).strip()
        target = " ".join(_text(s.find(_q("target"))) for s in segments).strip()
        state = segments[0].get("state", "")
        status = meta.get("status") if meta.get("status") in STATUS_RANK else STATUS_OF.get(state, "edited")
        suggested = (is_true(meta.get("suggested"))
                     or segments[0].get("subState") == SUGGESTED_SUBSTATE)
        turn = meta.get("turn", "")
        rows.append(Row(turn=int(turn) if turn.isdigit() else 0, speaker=meta.get("speaker"),
                        kind=meta.get("kind", "turn"),
                        cells={src: Cell(source, SOURCE_STATUS, "source"),
                               tgt: Cell(target, status, meta.get("origin", ""),
                                         _number(meta, "score", name, unit.sourceline),
                                         _number(meta, "mt-confidence", name, unit.sourceline),
                                         suggested)}))
    return Table(source_lang=src, langs=(src, tgt), rows=tuple(rows),
                 title=next((f.get("original", "") for f in root.iter(_q("file"))), ""),
                 with_suggested=any(r.cells[tgt].suggested for r in rows))


def _number(meta: dict, key: str, name: str, line: int) -> float | None:
    value = meta.get(key)
    try:
        return round(float(value), 4) if value else None
    except ValueError:
        raise InputError(f"{name}, line {line}: {key} {value!r} is not a number") from None
