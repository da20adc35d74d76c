"""The project store: versions, history, undo, links, human translations, re-import that
keeps human work, backups and restore. Documents are built by hand (no segmenter)."""
from __future__ import annotations

import sqlite3

import pytest

from align.store.carry import successors
from align.text.document import Block, Document
from align.errors import ConflictError, InputError, ProjectError
from align.store import DB_NAME, Project, check_database, restore_damaged
from tests.store_writer import make_project


def doc(*blocks: list[str]) -> Document:
    return Document([Block("turn", list(b), speaker="A", speaker_label="A") for b in blocks],
                    lang="de", title="t")


@pytest.fixture
def project(tmp_path):
    with Project.open(make_project(tmp_path / "p", blocks=2, per_block=3)) as p:
        yield p


def translate_all(p: Project, lang: str = "en") -> None:
    for s in p.source_segments():
        p.set_machine_translation(s.id, lang, f"EN {s.text}", {"model": "test"})


def target_of(p: Project, src_id: str, lang: str = "en"):
    link = next(l for l in p.links(lang) if src_id in l.src_ids)
    return [p.segment(t) for t in link.tgt_ids]


# ----- editing, history, undo ------------------------------------------------------------
def test_edit_bumps_version_marks_edited_and_logs_history(project):
    seg = project.target_segments("en")[0]
    saved = project.edit_segment(seg.id, "  Corrected.  ", seg.version)
    assert (saved.text, saved.status, saved.version) == ("Corrected.", "edited", seg.version + 1)
    last = project.history(seg.id)[0]
    assert last.action == "edit"
    assert last.old_value["text"] == seg.text and last.new_value["text"] == "Corrected."


def test_undo_walks_back_through_edits_and_status(project):
    seg = project.target_segments("en")[0]
    v2 = project.edit_segment(seg.id, "one", seg.version)
    v3 = project.edit_segment(seg.id, "two", v2.version)
    project.set_status(seg.id, "reviewed", v3.version)
    assert project.undo(seg.id).status == "edited"
    assert project.undo(seg.id).text == "one"
    back = project.undo(seg.id)
    assert (back.text, back.status) == (seg.text, "mt")
    assert project.undo(seg.id) is None
    assert [h.action for h in project.history(seg.id)][:3] == ["undo", "undo", "undo"]


def test_machine_translation_never_overwrites_human_work(project):
    src = project.source_segments()[0]
    (tgt,) = target_of(project, src.id)
    project.edit_segment(tgt.id, "Human.", tgt.version)
    assert project.set_machine_translation(src.id, "en", "New MT.", {"model": "m2"}) is False
    assert project.segment(tgt.id).text == "Human."


def test_source_sentences_are_read_only(project):
    src = project.source_segments()[0]
    with pytest.raises(InputError):
        project.edit_segment(src.id, "changed", src.version)


def test_add_target_sentence_refuses_a_second_translation(project):
    src = project.source_segments()[0]
    made = project.add_target_sentence("fr", src.id, "Bonjour.")
    assert made.origin == "human" and made.status == "edited"
    with pytest.raises(ConflictError):
        project.add_target_sentence("fr", src.id, "Encore.")


# ----- links --------------------------------------------------------------------------------
def test_merge_split_and_move_keep_every_sentence(project):
    first, second = project.links("en")[:2]
    merged = project.merge_links(first.id, second.id)
    assert merged.src_ids == first.src_ids + second.src_ids
    assert merged.tgt_ids == first.tgt_ids + second.tgt_ids and merged.fixed
    parts = project.split_link(merged.id)
    assert [p.src_ids for p in parts] == [first.src_ids, second.src_ids]
    project.move_target(parts[0].id, "down")
    a, b = project.link(parts[0].id), project.link(parts[1].id)
    assert a.tgt_ids == () and b.tgt_ids == first.tgt_ids + second.tgt_ids
    with pytest.raises(ConflictError):
        project.merge_links(first.id, second.id)       # those links no longer exist


def test_replace_links_keeps_fixed_links_and_never_hides_human_targets(project):
    block = project.blocks()[0]
    links = project.links("en", block.id)
    human = project.segment(links[2].tgt_ids[0])
    project.edit_segment(human.id, "Human work.", human.version)
    project.merge_links(links[0].id, links[1].id)            # a person's fix: fixed
    # A re-alignment that forgets the third sentence's target entirely.
    srcs = [s.id for s in project.source_segments(block.id)]
    tgts = [t for l in links for t in l.tgt_ids]
    project.replace_links(block.id, "en", [([srcs[0]], [tgts[0]], 0.9),
                                           ([srcs[2]], [], 0.1)])
    now = project.links("en", block.id)
    assert any(l.fixed and l.src_ids == (srcs[0], srcs[1]) for l in now)
    assert any(l.src_ids == () and l.tgt_ids == (human.id,) for l in now), now
    assert project.segment(human.id).text == "Human work."


@pytest.mark.parametrize("bad", [
    [(["nope"], [], None)],                       # unknown sentence
    [([], ["nope"], None)],
])
def test_replace_links_refuses_unknown_sentences(project, bad):
    block = project.blocks()[0]
    with pytest.raises(InputError):
        project.replace_links(block.id, "en", bad)


def test_replace_links_refuses_crossing_turns_and_repeats(project):
    b0, b1 = project.blocks()
    s0 = project.source_segments(b0.id)[0].id
    s1 = project.source_segments(b1.id)[0].id
    with pytest.raises(InputError, match="not a source sentence of this turn"):
        project.replace_links(b0.id, "en", [([s0, s1], [], None)])
    with pytest.raises(InputError, match="two links"):
        project.replace_links(b0.id, "en", [([s0], [], None), ([s0], [], None)])


# ----- human translation import -----------------------------------------------------------
def test_import_target_track_keeps_unlinked_sentences_and_archives_old_work(project):
    seg = project.target_segments("en")[0]
    project.edit_segment(seg.id, "Old human fix.", seg.version)
    srcs = project.source_segments()
    sentences = ["One.", "Two.", "Extra sentence nobody aligned.", "Three."]
    links = [([srcs[0].id], [0], 0.9), ([srcs[1].id], [1], 0.8), ([srcs[2].id], [3], 0.7)]
    backup = project.import_target_track("en", sentences, links)
    assert backup.is_file()
    texts = [t.text for t in project.target_segments("en")]
    assert sorted(texts) == sorted(sentences)
    orphan_texts = [o.text for o in project.orphans()]
    assert "Old human fix." in orphan_texts
    with pytest.raises(InputError, match="linked twice"):
        project.import_target_track("en", ["x"], [([srcs[0].id], [0], None),
                                                   ([srcs[1].id], [0], None)])


# ----- re-import and re-segmentation -----------------------------------------------------
@pytest.fixture
def reimport(tmp_path):
    directory = tmp_path / "r"
    with Project.create(directory) as p:
        p.import_document(doc(["Erster Satz.", "Zweiter Satz.", "Dritter Satz."],
                              ["Vierter Satz. Fünfter Satz.", "Sechster Satz."]), "t.txt", "1")
        translate_all(p)
        fixes = {}
        for t in p.target_segments("en"):
            fixes[t.id] = p.edit_segment(t.id, "Human: " + t.text, t.version).text
    with Project.open(directory) as p:
        yield p, fixes


def human_texts(p: Project) -> set[str]:
    return {t.text for t in p.target_segments("en") if t.status == "edited"}


def test_reimport_of_the_same_document_changes_nothing(reimport):
    p, fixes = reimport
    before = {l.id: (l.src_ids, l.tgt_ids) for l in p.links("en")}
    report = p.import_document(doc(["Erster Satz.", "Zweiter Satz.", "Dritter Satz."],
                                   ["Vierter Satz. Fünfter Satz.", "Sechster Satz."]), "t.txt", "1")
    assert report.kept_segments == 5 and report.new_segments == 0 and report.backup.is_file()
    assert {l.id: (l.src_ids, l.tgt_ids) for l in p.links("en")} == before
    assert human_texts(p) == set(fixes.values())


def test_resegmentation_carries_corrections_to_split_and_merged_sentences(reimport):
    p, fixes = reimport
    # "Vierter Satz. Fünfter Satz." is split; "Erster" + "Zweiter" are merged.
    report = p.import_document(doc(["Erster Satz. Zweiter Satz.", "Dritter Satz."],
                                   ["Vierter Satz.", "Fünfter Satz.", "Sechster Satz."]),
                               "t.txt", "2")
    assert report.carried_links == 2 and report.orphaned_translations == 0
    assert human_texts(p) == set(fixes.values())
    assert p.orphans() == []
    srcs = {s.text: s.id for s in p.source_segments()}
    merged = next(l for l in p.links("en") if srcs["Erster Satz. Zweiter Satz."] in l.src_ids)
    assert [p.segment(t).text for t in merged.tgt_ids] == [
        "Human: EN Erster Satz.", "Human: EN Zweiter Satz."]
    split = next(l for l in p.links("en") if srcs["Vierter Satz."] in l.src_ids)
    assert split.src_ids == (srcs["Vierter Satz."], srcs["Fünfter Satz."])
    # Every live source sentence is in exactly one link.
    covered = [s for l in p.links("en") for s in l.src_ids]
    assert sorted(covered) == sorted(srcs.values())


def test_lightly_changed_sentence_keeps_its_correction(reimport):
    p, fixes = reimport
    report = p.import_document(doc(["Erster Satz.", "Zweiter Satz!", "Dritter Satz."],
                                   ["Vierter Satz. Fünfter Satz.", "Sechster Satz."]), "t.txt", "3")
    assert report.carried_links == 1
    src = next(s for s in p.source_segments() if s.text == "Zweiter Satz!")
    assert [t.text for t in target_of(p, src.id)] == ["Human: EN Zweiter Satz."]


def test_removed_sentence_keeps_its_correction_as_a_visible_orphan(reimport):
    p, fixes = reimport
    report = p.import_document(doc(["Erster Satz.", "Dritter Satz."],
                                   ["Etwas ganz anderes steht jetzt hier.", "Sechster Satz."]),
                               "t.txt", "4")
    assert report.orphaned_translations == 2
    orphans = {o.text for o in p.orphans()}
    assert orphans == {"Human: EN Zweiter Satz.", "Human: EN Vierter Satz. Fünfter Satz."}
    # Nothing is deleted: every correction is still in the database.
    stored = {r[0] for r in p.conn.execute("SELECT text FROM segments WHERE origin!='source'")}
    assert set(fixes.values()) <= stored
    assert p.summary().orphaned == 2


@pytest.mark.parametrize("old,new,expected", [
    (["A b.", "C d. E f."], ["A b. C d.", "E f."], {0: [0], 1: [0, 1]}),   # re-cut
    (["A. B."], ["A.", "B."], {0: [0, 1]}),                                   # split
    (["Das ist ein Tst."], ["Das ist ein Test."], {0: [0]}),                 # typo fixed
    (["Völlig anders."], ["Nichts gleich hier."], {}),                       # replaced
    ([], ["Neu."], {}),
])
def test_carry_successors(old, new, expected):
    assert successors(old, new) == expected


# ----- summary ----------------------------------------------------------------------------
def test_summary_counts_statuses_per_language(project):
    segs = project.target_segments("en")
    project.edit_segment(segs[0].id, "edited", segs[0].version)
    project.set_status(segs[1].id, "reviewed", segs[1].version)
    s = project.summary()
    assert s.sentences == 6 and s.blocks == {"turn": 2}
    assert s.languages["en"] == {"mt": 4, "imported": 0, "edited": 1, "reviewed": 1, "total": 6}
    assert s.turns_per_speaker == {"S0": 1, "S1": 1}


# ----- backups and restore ----------------------------------------------------------------
def test_backup_is_a_single_healthy_file_and_restore_brings_it_back(project):
    seg = project.target_segments("en")[0]
    project.edit_segment(seg.id, "Before the backup.", seg.version)
    backup = project.backup("manual")
    assert check_database(backup) is None
    assert not list(backup.parent.glob("*-wal")) and not list(backup.parent.glob(".*"))
    later = project.segment(seg.id)
    project.edit_segment(seg.id, "After the backup.", later.version)
    safety = project.restore(backup)
    assert project.segment(seg.id).text == "Before the backup."
    assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The restore itself can be undone: the safety backup holds the later text.
    project.restore(safety.name)
    assert project.segment(seg.id).text == "After the backup."


def test_automatic_backups_are_pruned_per_kind_oldest_first(project):
    from align.store.backup import KEEP_AUTOMATIC

    def of_kind(kind):
        return [b for b in project.list_backups() if b.stem.endswith(kind)]

    manual = project.backup("manual")
    before_reimport = project.backup("before-reimport")
    first_import = project.backup("before-import-en")
    for _ in range(KEEP_AUTOMATIC + 2):
        project.backup("before-import-en")
    assert len(of_kind("before-import-en")) == KEEP_AUTOMATIC and not first_import.exists()
    # other kinds and manual backups are untouched
    assert manual.is_file() and before_reimport.is_file()
    # restoring the oldest one left: its own safety backup must not prune it
    oldest = of_kind("before-import-en")[0]
    seg = project.target_segments("en")[0]
    project.edit_segment(seg.id, "After all those backups.", seg.version)
    project.restore(oldest)
    assert oldest.is_file() and project.segment(seg.id).text == seg.text


def test_restore_safety_copies_never_push_out_real_snapshots(project):
    from align.store.backup import KEEP_AUTOMATIC

    snapshot = project.backup("before-reimport")
    for _ in range(KEEP_AUTOMATIC + 3):  # restore and undo the restore, again and again
        safety = project.restore()
        project.restore(safety)
    assert snapshot.is_file()
    assert project.resolve_backup() == snapshot  # a plain restore still picks the real snapshot
    assert len([b for b in project.list_backups() if b.stem.endswith("before-restore")]) == KEEP_AUTOMATIC


def test_backup_is_consistent_while_another_session_writes(project, tmp_path):
    with Project.open(project.dir) as other:
        segs = other.target_segments("en")
        other.conn.execute("BEGIN IMMEDIATE")
        other.conn.execute("UPDATE segments SET text='uncommitted' WHERE id=?", (segs[0].id,))
        backup = project.backup("while-writing")
        other.conn.execute("ROLLBACK")
    raw = sqlite3.connect(str(backup))
    try:
        assert raw.execute("SELECT count(*) FROM segments WHERE text='uncommitted'").fetchone() == (0,)
    finally:
        raw.close()


def test_restore_refuses_a_damaged_backup_and_touches_nothing(project, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    seg = project.target_segments("en")[0]
    with pytest.raises(ProjectError, match="cannot restore"):
        project.restore(bad)
    with pytest.raises(ProjectError, match="no such backup"):
        project.restore("missing.sqlite")
    assert project.segment(seg.id).text == seg.text


def test_restore_damaged_moves_the_broken_file_aside(project):
    backup = project.backup("good")
    directory = project.dir
    project.close()
    db = directory / DB_NAME
    db.write_bytes(b"garbage" * 1000)
    restored = restore_damaged(directory)
    assert restored == db and check_database(db) is None
    aside = list(directory.glob(f"{DB_NAME}.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"garbage" * 1000
    assert backup.is_file()
