"""Undo of a suggested link's Accept or Reject: a mistaken click is taken back like an edit
(the sentence's Undo, or the row's "↶ Undo accept/reject"), and refused with a reason once
the links have changed since."""
from __future__ import annotations

import pytest

from align import reader as rd
from align.errors import ConflictError
from tests.test_suggestions import ENGLISH, GERMAN, link_of, project  # noqa: F401 (fixture)


def row_of(p, german: str, langs=("en",)):
    snapshot = rd.load_snapshot(p, langs)
    return next(r for b in snapshot.blocks for r in rd.block_rows(snapshot, b, langs)
                if any(s.text == german for s in r.sources))


def test_reject_is_taken_back_by_the_row_and_the_sentence_undo(project):
    link = link_of(project, ENGLISH[3])
    rd.decide_suggestion(project, link.id, accept=False)
    row = row_of(project, GERMAN[3])
    assert row.cells["en"].missing                      # the German is unlinked
    # The English left without German is marked so, beside whichever row it is shown.
    snapshot = rd.load_snapshot(project, ["en"])
    page = "".join(rd.row_html(r, ["en"]) for b in snapshot.blocks
                   for r in rd.block_rows(snapshot, b, ["en"]))
    unlinked = page.split('bx-link bx-fixed bx-unlinked">', 1)[1]
    assert unlinked.startswith(f'<span class="bx-s bx-edited" data-sid="{link.tgt_ids[0]}">')
    assert page.count(">no German</span>") == 1
    [d] = rd.undoable_decisions(project, row, ["en"])
    assert rd.decision_label(d) == "↶ Undo reject" and d.link_id == link.id
    # The unlinked English sentence's own Undo takes the reject back, too.
    assert rd.undo_sentence(project, link.tgt_ids[0]).startswith("Reject undone")
    back = project.link(link.id)
    assert back.suggested and back.src_ids == link.src_ids and back.tgt_ids == link.tgt_ids
    assert back.score == 0.12
    assert [l.id for l in project.links("en") if set(l.tgt_ids) & set(link.tgt_ids)] == [link.id]
    row = row_of(project, GERMAN[3])
    assert not row.cells["en"].missing and row.cells["en"].links[0].suggested
    assert rd.undoable_decisions(project, row, ["en"]) == []
    assert project.history(str(link.id))[0].action == "undo"
    # The suggestion is back as it was: it can be decided again.
    rd.decide_suggestion(project, link.id, accept=True)
    assert not project.link(link.id).suggested


def test_accept_is_undone_after_the_edits_made_since(project):
    link = link_of(project, ENGLISH[1])
    rd.decide_suggestion(project, link.id, accept=True)
    seg = project.segment(link.tgt_ids[0])
    project.edit_segment(seg.id, "You have just met Donald Trump.", seg.version)
    # Newest first: the edit, then the accept, then nothing.
    assert rd.undo_sentence(project, seg.id) == "Undone"
    assert project.segment(seg.id).text == ENGLISH[1] and not project.link(link.id).suggested
    assert rd.undo_sentence(project, seg.id).startswith("Accept undone")
    now = project.link(link.id)
    assert now.suggested and not now.fixed
    assert rd.undo_sentence(project, seg.id) is None


def test_undo_is_refused_once_the_german_got_another_translation(project):
    link = link_of(project, ENGLISH[3])
    rd.decide_suggestion(project, link.id, accept=False)
    [d] = rd.undoable_decisions(project, row_of(project, GERMAN[3]), ["en"])
    project.add_target_sentence("en", link.src_ids[0], "The meeting went well.")
    assert rd.undoable_decisions(project, row_of(project, GERMAN[3]), ["en"]) == []
    before = sorted((l.id, l.src_ids, l.tgt_ids) for l in project.links("en"))
    with pytest.raises(ConflictError, match="cannot undo: the German was linked again"):
        rd.undo_decision(project, d.history_id)
    assert sorted((l.id, l.src_ids, l.tgt_ids) for l in project.links("en")) == before


def test_after_an_import_the_reader_says_where_the_suggestions_are(project):
    assert rd.where_suggestions_are(0) == ""
    assert rd.where_suggestions_are(2) == (
        "Sidebar → Status → “suggested links” lists the 2 suggested links to accept or reject")
    views = rd.build_view(rd.load_snapshot(project, ["en"]), ["en"],
                          rd.RowFilter(status="suggested"))
    assert sum(len(v.rows) for v in views) == 2      # what that filter then shows
