"""Statuses that never lie (issue 21): "reviewed" only for text a person saw and vouched for;
an import withdraws the offers made against the text it replaced; provenance (machine,
imported, edited, reviewed) reads the same in the reader and `bitext show`; links machine
translation made are not "manual". A real project store on a small interview."""
from __future__ import annotations

import pytest

from align import reader as rd
from align.cli.project import format_summary
from align.imports.source import import_text
from align.propagation import propagate_correction
from align.store import Project, text_sig
from align.store.provenance import provenance
from align.store.review import STALE, UNTOUCHED_MT, review_message, review_verdict
from align.store.rows import SegmentRow

TEXT = """Sorkin: Das war 2017 in Davos. Wie war das Treffen?
Jack Ma: Es war gut. Wir haben viel gelernt.
Sorkin: Was ist Alibaba heute? Was ist Alibaba heute?
Jack Ma: Eine Plattform für kleine Firmen.
"""
EN = {"Das war 2017 in Davos.": "That was in Davos.",       # the year is missing: a QA flag
      "Wie war das Treffen?": "How was the meeting?", "Es war gut.": "It was good.",
      "Wir haben viel gelernt.": "We learned a lot.",
      "Was ist Alibaba heute?": "What is Ali Baba today?",
      "Eine Plattform für kleine Firmen.": "A platform for small firms."}
ZH = {"Das war 2017 in Davos.": "那是2017年在达沃斯。", "Wie war das Treffen?": "会议怎么样？",
      "Es war gut.": "很好。", "Wir haben viel gelernt.": "我们学到了很多。",
      "Was ist Alibaba heute?": "阿里巴巴今天是什么？",
      "Eine Plattform für kleine Firmen.": "一个小企业的平台。"}
LANGS = ["en", "zh"]


@pytest.fixture
def project(tmp_path):
    """English by machine translation; Chinese by the pivot from that English (it records
    the English it was made from, so a corrected English makes it stale)."""
    import_text(TEXT, tmp_path / "p", "t.txt")
    p = Project.open(tmp_path / "p")
    for s in p.source_segments():
        en = EN[s.text]
        p.set_machine_translation(s.id, "en", en, {"model": "opus-mt-de-en"})
        p.set_machine_translation(s.id, "zh", ZH[s.text], {"model": "opus-mt-en-zh",
                                                           "pivot_sig": text_sig(en)})
    yield p
    p.close()


def targets(p, german: str, index: int = 0):
    src = [s for s in p.source_segments() if s.text == german][index]
    out = {}
    for lang in LANGS:
        link = next(l for l in p.links(lang) if src.id in l.src_ids)
        out[lang] = p.segment(link.tgt_ids[0])
    return src, out["en"], out["zh"]


def seg(status: str, text: str = "Text.", origin: str = "mt", detail=None, version=1):
    return SegmentRow("s1", "b1", "en", 0, text, origin, detail or {}, status, version)


# ----- the rule on its own ------------------------------------------------------------------
@pytest.mark.parametrize("sentences, kwargs, marked, reason", [
    ([seg("edited", origin="mt")], {}, True, ""),                     # a person's correction
    ([seg("edited", origin="human")], {}, True, ""),                  # typed or imported
    ([seg("mt")], {}, False, UNTOUCHED_MT),                           # untouched machine text
    ([seg("mt")], {"confirmed": True}, True, ""),                     # ... ticked as checked
    ([seg("mt"), seg("edited")], {}, False, UNTOUCHED_MT),            # one of two untouched
    ([seg("mt")], {"stale": True, "confirmed": True}, False, STALE),  # stale: never
    ([seg("edited")], {"open_flags": ["numbers"]}, False,
     "open QA flag (numbers); correct it or dismiss the flag"),       # flagged: never
    ([seg("edited", text="  ")], {}, False, "no translation to review"),
    ([], {}, False, "no translation to review"),
])
def test_review_rule(sentences, kwargs, marked, reason):
    verdict = review_verdict("zh", sentences, **kwargs)
    assert (verdict.marked, verdict.reason) == (marked, reason)


def test_review_message_names_each_language():
    verdicts = [review_verdict("en", [seg("edited")]),
                review_verdict("zh", [seg("mt")], stale=True)]
    assert review_message(verdicts, rd.LANG_NAMES) == (
        f"reviewed: English · 中文 not marked reviewed: {STALE}")


# ----- save as reviewed on the real store ---------------------------------------------------
def test_correcting_only_the_english_never_marks_the_stale_machine_chinese(project):
    """The issue's scenario: correct only the English of a row, save as reviewed."""
    p = project
    _, en, zh = targets(p, "Wie war das Treffen?")
    result = rd.save_edits(p, [(en.id, en.version, "How did the meeting go?"),
                               (zh.id, zh.version, zh.text)], mark_reviewed=True, langs=LANGS)
    assert result.ok
    assert p.segment(en.id).status == "reviewed"
    assert (p.segment(zh.id).status, p.segment(zh.id).text) == ("mt", zh.text)
    assert [(v.lang, v.marked, v.reason) for v in result.review] == [
        ("en", True, ""), ("zh", False, STALE)]
    assert "中文 not marked reviewed: English changed since" in result.review_message()
    # Ticking the Chinese as checked does not make stale text reviewed either.
    _, en2, zh2 = targets(p, "Es war gut.")
    result = rd.save_edits(p, [(en2.id, en2.version, "It went well."),
                               (zh2.id, zh2.version, zh2.text)], mark_reviewed=True,
                           confirmed=["zh"], langs=LANGS)
    assert p.segment(zh2.id).status == "mt" and not result.review[1].marked


def test_untouched_machine_text_needs_its_own_confirmation(project):
    p = project
    _, en, zh = targets(p, "Wir haben viel gelernt.")
    result = rd.save_edits(p, [(en.id, en.version, en.text), (zh.id, zh.version, zh.text)],
                           mark_reviewed=True, langs=LANGS)
    assert (p.segment(en.id).status, p.segment(zh.id).status) == ("mt", "mt")
    assert {v.lang: v.reason for v in result.review} == {"en": UNTOUCHED_MT, "zh": UNTOUCHED_MT}
    assert result.saved == []
    result = rd.save_edits(p, [(en.id, en.version, en.text), (zh.id, zh.version, zh.text)],
                           mark_reviewed=True, confirmed=["en", "zh"], langs=LANGS)
    assert (p.segment(en.id).status, p.segment(zh.id).status) == ("reviewed", "reviewed")
    assert result.review_message() == "reviewed: English, 中文"


def test_flagged_text_is_not_marked_until_the_flag_is_dealt_with(project):
    p = project
    _, en, zh = targets(p, "Das war 2017 in Davos.")
    result = rd.save_edits(p, [(en.id, en.version, "That was in Davos, you know.")],
                           mark_reviewed=True, langs=LANGS)
    assert p.segment(en.id).status == "edited"          # saved, not reviewed: 2017 is missing
    assert result.review[0].reason.startswith("open QA flag (numbers)")
    fixed = p.segment(en.id)
    rd.save_edits(p, [(fixed.id, fixed.version, "That was in 2017 in Davos.")],
                  mark_reviewed=True, langs=LANGS)
    assert p.segment(en.id).status == "reviewed"


def test_a_typed_translation_is_a_persons_text_and_is_marked(project):
    p = project
    src, en, zh = targets(p, "Eine Plattform für kleine Firmen.")
    result = rd.save_edits(p, [(en.id, en.version, "A platform for small businesses.")],
                           mark_reviewed=True, langs=["en"])
    assert result.review[0].marked and p.segment(en.id).status == "reviewed"


# ----- an import withdraws the offers made against the text it replaced ---------------------
def test_an_import_withdraws_the_offers_made_against_the_replaced_text(project):
    p = project
    src, en, _ = targets(p, "Was ist Alibaba heute?")
    p.edit_segment(en.id, "What is Alibaba today?", en.version)
    assert propagate_correction(p, en.id) == 1
    assert len(p.offers("en")) == 1
    # A human English replaces the English the offer was made against.
    sources = p.source_segments()
    p.import_target_track("en", [f"Human {i}." for i in range(len(sources))],
                          [([s.id], [i], 0.9) for i, s in enumerate(sources)],
                          origin_detail={"imported_from": "human.txt", "format": "text"})
    assert p.offers("en") == []
    assert [o.state for o in p.offers("en", state="withdrawn")] == ["withdrawn"]
    # The Chinese was not replaced: offers there would stay (none were made).
    snapshot = rd.load_snapshot(p, LANGS)
    assert rd.open_offers(snapshot, LANGS) == 0


# ----- provenance ---------------------------------------------------------------------------
def test_imported_human_text_reads_imported_not_edited(project):
    p = project
    sources = p.source_segments()
    p.import_target_track("en", [f"Human {i}." for i in range(len(sources))],
                          [([s.id], [i], 0.9) for i, s in enumerate(sources)],
                          origin_detail={"imported_from": "human.txt", "format": "text"})
    show = format_summary(str(p.dir))
    assert f"{len(sources)} en sentences - 0 mt, {len(sources)} imported, 0 edited, 0 reviewed" in show
    first = p.segment(p.links("en")[0].tgt_ids[0])
    assert provenance(first) == "imported" and rd.provenance_label(first) == "imported (human)"
    prog = rd.progress(rd.load_snapshot(p, ["en"]), "en")
    assert (prog.mt, prog.imported, prog.edited, prog.reviewed) == (0, len(sources), 0, 0)
    assert f"{len(sources)} imported, 0 edited" in prog.caption()
    # A person's change makes it edited; a review, reviewed.
    edited = p.edit_segment(first.id, "Human, corrected.", first.version)
    assert provenance(edited) == "edited"
    assert provenance(p.set_status(edited.id, "reviewed", edited.version)) == "reviewed"
    assert f"0 mt, {len(sources) - 1} imported, 0 edited, 1 reviewed" in format_summary(str(p.dir))
    # Machine text is machine, also after a correction it is edited, not imported.
    _, _, zh = targets(p, "Es war gut.")
    assert provenance(zh) == "machine"
    assert provenance(p.edit_segment(zh.id, "挺好。", zh.version)) == "edited"


def test_links_machine_translation_made_are_not_manual(project):
    p = project
    _, en, _ = targets(p, "Es war gut.")
    link = next(l for l in p.links("en") if en.id in l.tgt_ids)
    assert not link.fixed and link.score is None
    label = rd.link_label(link, [en])
    assert "manual" not in label and label == "made with the machine translation"
    # A link a person made says so.
    a, b = p.links("en", link.block_id)[:2]
    p.merge_links(a.id, b.id)
    merged_link = next(l for l in p.links("en", link.block_id) if len(l.src_ids) == 2)
    assert rd.link_label(merged_link) == "manual"
    scored = merged_link.__class__(**{**merged_link.__dict__, "score": 0.81, "fixed": False})
    assert rd.link_label(scored) == "score 0.81"


def test_importing_a_translation_file_withdraws_offers_and_reads_imported(project, tmp_path,
                                                                          capsys):
    """The same through the command line a user runs: a JSONL file of human English."""
    import json

    from align.cli import main

    p = project
    src, en, _ = targets(p, "Was ist Alibaba heute?")
    p.edit_segment(en.id, "What is Alibaba today?", en.version)
    assert propagate_correction(p, en.id) == 1
    out = tmp_path / "all.jsonl"
    assert main(["export", str(p.dir), "--format", "jsonl", "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for row in rows:       # a person's English, as another tool would write it
        row["translation"]["en"] = "Human: " + row["translation"]["en"]
        row["status"]["en"], row["origin"]["en"] = "edited", "human"
    human = tmp_path / "human.jsonl"
    human.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                     encoding="utf-8")
    assert main(["import-translation", str(p.dir), "--lang", "en", str(human)]) == 0
    capsys.readouterr()
    assert p.offers("en") == []
    assert main(["show", str(p.dir)]) == 0
    shown = capsys.readouterr().out
    assert f"0 mt, {len(rows)} imported, 0 edited, 0 reviewed" in shown


def test_imported_text_reviewed_and_unreviewed_reads_imported_again_everywhere(project):
    """A review changes no text: taking it back leaves imported text imported, in the store's
    provenance, the reader's row, `bitext show` and every export (issue 21)."""
    from align.formats import export_project

    p = project
    sources = p.source_segments()
    p.import_target_track("en", [f"Human text {'abcdefghij'[i]}." for i in range(len(sources))],
                          [([s.id], [i], 0.9) for i, s in enumerate(sources)],
                          origin_detail={"imported_from": "human.txt", "format": "text"})

    def everywhere():
        snapshot = rd.load_snapshot(p, ["en"])
        rows = [rd.row_html(r, ["en"]) for b in snapshot.blocks
                for r in rd.block_rows(snapshot, b, ["en"])]
        exports = {fmt: export_project(p, fmt, ["de", "en"]) for fmt in ("tsv", "jsonl", "tmx")}
        return (format_summary(str(p.dir)), rows, exports)

    n = len(sources)
    before = everywhere()
    assert f"{n} en sentences - 0 mt, {n} imported, 0 edited, 0 reviewed" in before[0]
    # the second sentence: the first lacks its year (a QA flag that would block the review)
    first = p.segment(p.links("en")[1].tgt_ids[0])
    reviewed = rd.toggle_reviewed(p, first.id, first.version)
    assert provenance(reviewed) == "reviewed"
    assert f"0 mt, {n - 1} imported, 0 edited, 1 reviewed" in format_summary(str(p.dir))
    back = rd.toggle_reviewed(p, first.id, reviewed.version)
    assert back.status == "edited" and back.version == first.version + 2
    assert provenance(back) == "imported" and rd.provenance_label(back) == "imported (human)"
    after = everywhere()
    assert after[0] == before[0]
    assert after[1] == before[1] and 'title="imported (human)"' in "".join(after[1])
    assert after[2] == before[2]
    # Saved as reviewed with the text untouched (the editor's path), then taken back: the same.
    result = rd.save_edits(p, [(first.id, back.version, back.text)], [], mark_reviewed=True,
                           langs=["en"])
    assert result.review and p.segment(first.id).status == "reviewed"
    again = rd.toggle_reviewed(p, first.id, p.segment(first.id).version)
    assert provenance(again) == "imported" and everywhere() == before
    # A change of the text is an edit for good, and undoing it makes the text imported again.
    edited = p.edit_segment(first.id, "Human, corrected.", again.version)
    assert provenance(edited) == "edited"
    assert provenance(p.undo(first.id)) == "imported"


def test_machine_text_reviewed_and_unreviewed_is_machine_again(project):
    p = project
    src, en, _ = targets(p, "Es war gut.")
    reviewed = rd.toggle_reviewed(p, en.id, en.version)
    back = rd.toggle_reviewed(p, en.id, reviewed.version)
    assert back.status == "mt" and provenance(back) == "machine"
    # Machine text again: a new machine translation may replace it (not kept as human work).
    assert p.set_machine_translation(src.id, "en", "It was fine.", {"model": "opus-mt-de-en"})
    assert p.segment(en.id).text == "It was fine."
