"""The reader's view of issue 12: confidence badges and order, suggestion marks (escaped)."""
import math

from align import reader as rd
from align.imports.source import import_text
from align.propagation import propagate_correction
from align.store import Project
from tests.test_propagation import MT, TEXT


def make(tmp_path):
    import_text(TEXT, tmp_path / "p", "t.txt")
    p = Project.open(tmp_path / "p")
    for i, s in enumerate(p.source_segments()):
        p.set_machine_translation(s.id, "en", MT.get(s.text, f"EN {s.text}"), {"model": "m"},
                                  confidence=-0.1 * ((i * 7) % 5 + 1))
    return p


def test_least_confident_first_orders_rows_by_their_weakest_machine_translation(tmp_path):
    with make(tmp_path) as p:
        snap = rd.load_snapshot(p, ["en"])
        items = rd.build_view(snap, ["en"], rd.RowFilter(order="least confident first"))
        values = [v.rows[0].min_confidence for v in items]
        known = [v for v in values if v is not None]
        assert known == sorted(known) and len(known) == len(p.source_segments())
        row = items[0].rows[0]
        html = rd.row_html(row, ["en"])
        assert f"{math.exp(known[0]) * 100:.0f}%" in html and "bx-conf" in html
        # A corrected sentence has no machine confidence left to show or to sort by.
        seg = row.cells["en"].sentences[0]
        p.edit_segment(seg.id, "Better.", seg.version)
        snap = rd.load_snapshot(p, ["en"])
        items = rd.build_view(snap, ["en"], rd.RowFilter(order="least confident first"))
        assert items[-1].rows[0].key == row.key and items[-1].rows[0].min_confidence is None


def test_suggestions_are_marked_and_escaped(tmp_path):
    with make(tmp_path) as p:
        src = next(s for s in p.source_segments() if s.text == "Was ist Alibaba heute?")
        link = next(l for l in p.links("en") if src.id in l.src_ids)
        seg = p.segment(link.tgt_ids[0])
        p.edit_segment(seg.id, "<b>Alibaba</b> today?", seg.version)
        assert propagate_correction(p, seg.id) == 1
        snap = rd.load_snapshot(p, ["en"])
        assert rd.open_offers(snap, ["en"]) == 1
        rows = [r for v in rd.build_view(snap, ["en"]) for r in v.rows]
        marked = [r for r in rows if r.cells["en"].offers]
        assert len(marked) == 1 and marked[0].key != src.id
        assert "1 suggested correction · 100% match" in rd.row_html(marked[0], ["en"])
        line = rd.offer_html(marked[0].cells["en"].offers[0], "English")
        assert "<b>" not in line and "&lt;b&gt;Alibaba&lt;/b&gt;" in line
