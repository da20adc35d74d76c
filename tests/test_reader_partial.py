"""Issue 16 below the browser: a partially translated interview (tests/partial_project.py)
through the store, the view model and the app's services."""
from __future__ import annotations

import re

import pytest

from align import reader as rd
from align.errors import InputError
from align.store import Project
from models import app_services as svc
from tests.partial_project import EMPTY_LINK_SCORE, make_partial_project


@pytest.fixture
def partial(tmp_path):
    directory = tmp_path / "davos"
    ids = make_partial_project(directory)
    with Project.open(directory) as p:
        yield p, ids


def link_of(p: Project, lang: str, src_id: str):
    return next((l for l in p.links(lang) if src_id in l.src_ids), None)


def rows(p: Project, langs=("en",), f: rd.RowFilter = rd.RowFilter()):
    snap = rd.load_snapshot(p, langs)
    return [r for item in rd.build_view(snap, langs, f) for r in item.rows]


def test_a_sentence_in_a_link_without_target_can_be_typed_or_machine_translated(partial):
    p, ids = partial
    one = ids["empty"][0]
    assert link_of(p, "en", one).tgt_ids == ()
    assert one in {s.id for s in p.segments_needing_translation("en")}
    seg = p.add_target_sentence("en", one, "By hand.")
    link = link_of(p, "en", one)
    assert link.tgt_ids == (seg.id,) and link.src_ids == (one,) and link.fixed
    # 2:0: one sentence taken out, the other stays in its empty link.
    first, second = ids["pair"]
    p.add_target_sentence("en", second, "Second by hand.")
    assert link_of(p, "en", first).src_ids == (first,) and link_of(p, "en", first).tgt_ids == ()
    assert p.set_machine_translation(first, "en", "Made by a model.", {"model": "m"})
    assert p.segment(link_of(p, "en", first).tgt_ids[0]).text == "Made by a model."
    # The turn's links stay in reading order.
    block = p.segment(first).block_id
    order = [s.id for s in p.source_segments(block)]
    firsts = [order.index(l.src_ids[0]) for l in p.links("en", block) if l.src_ids]
    assert firsts == sorted(firsts)


def test_no_translation_looks_one_way_and_the_filter_agrees_with_show(partial):
    p, ids = partial
    snap = rd.load_snapshot(p, ["en"])
    row = next(r for r in rows(p) if r.key == ids["empty"][0])
    cell = row.cells["en"]
    assert cell.missing == cell.untranslated == (ids["empty"][0],)
    html = rd.cell_html(cell)
    assert html == rd.NOT_TRANSLATED and f"{EMPTY_LINK_SCORE:.2f}" not in html
    # An emptied sentence is "not translated" too, and its box stays to type into.
    seg = p.segment(link_of(p, "en", ids["three"][0]).tgt_ids[0])
    p.edit_segment(seg.id, "", seg.version)
    row = next(r for r in rows(p) if r.key == ids["three"][0])
    assert row.cells["en"].missing == () and len(row.cells["en"].untranslated) == 3
    assert rd.cell_html(row.cells["en"]) == rd.NOT_TRANSLATED
    # The filter's German sentences and the header's counts are `bitext show`'s.
    s = p.summary()
    included = s.sentences - s.excluded_sentences
    todo = rows(p, f=rd.RowFilter(status="untranslated"))
    lacking = sum(len(r.cells["en"].untranslated) for r in todo
                  if not any(b.id == r.block_id and b.excluded for b in snap.blocks))
    assert lacking == included - s.translated["en"]
    prog = rd.progress(rd.load_snapshot(p, ["en"]), "en")
    assert (prog.sources, prog.translated) == (included, s.translated["en"])
    assert (prog.mt, prog.edited, prog.reviewed) == tuple(s.languages["en"][k] for k in
                                                         ("mt", "edited", "reviewed"))


def test_replacing_a_text_drops_its_links_score_and_redo_takes_back_an_undo(partial):
    p, ids = partial
    link = link_of(p, "en", ids["three"][0])
    assert link.score == 0.77
    seg = p.edit_segment(link.tgt_ids[0], "New text.", p.segment(link.tgt_ids[0]).version)
    assert link_of(p, "en", ids["three"][0]).score is None
    seg = p.set_status(seg.id, "reviewed", seg.version)
    assert p.redo(seg.id) is None                      # nothing undone yet
    p.undo(seg.id)
    p.undo(seg.id)
    assert p.segment(seg.id).text != "New text."
    assert p.redo(seg.id).text == "New text."
    assert p.redo(seg.id).status == "reviewed"
    assert p.redo(seg.id) is None
    p.undo(seg.id)
    assert p.segment(seg.id).status == "edited"
    seg = p.segment(seg.id)
    p.edit_segment(seg.id, "Another.", seg.version)
    assert p.redo(seg.id) is None                      # a new edit ends the redo chain
    lines = rd.history_lines(p, seg.id)
    assert any(line.endswith("now reviewed") for line in lines)


def test_export_offers_only_languages_with_text_and_says_what_fails(partial):
    p, _ = partial
    assert svc.export_languages(p) == ["en"]
    with pytest.raises(InputError, match="no zh text"):
        svc.prepare_export(p.dir, "tmx", ["en", "zh"], "mt", False)
    prepared = svc.prepare_export(p.dir, "tmx", ["en"], "mt", False)
    assert prepared.rows == 11 and prepared.data.startswith(b"<?xml")
    assert svc.prepare_export(p.dir, "tmx", ["en"], "reviewed", False).rows == 0


def test_pages_titles_spans_and_the_script_survives_the_sanitiser(partial):
    p, ids = partial
    snap = rd.load_snapshot(p, ["en"])
    items = rd.build_view(snap, ["en"])
    numbers = rd.page_numbers(items, 10)
    last = max(numbers)
    assert any(not it.collapsed for it, n in zip(items, numbers) if n == last)
    assert rd.display_title("davos_interview_de") == "Davos interview"
    assert rd.display_title("Ein Gespräch in Davos") == "Ein Gespräch in Davos"
    row = next(r for r in rows(p) if r.key == ids["three"][0])
    assert rd.source_span(row, ids["three"]) == "1–3"
    assert rd.source_span(row, ids["three"][1:2]) == "2"
    assert rd.plural(1, "sentence") == "1 sentence" and rd.plural(3, "row") == "3 rows"
    # DOMPurify drops a <script> whose text looks like markup: none in the reader's script.
    body = rd.READER_JS.removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w]", body)
