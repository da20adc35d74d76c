"""The reader's view model (align/reader.py) on the real interview in a real project store."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from align import reader as rd
from align.errors import InputError
from align.store import Project
from tests.conftest import REFERENCE, add_reference_translations

LANGS = ["en", "zh"]


@pytest.fixture
def project(gold_project):
    add_reference_translations(gold_project)
    return gold_project


def view(project, f=rd.RowFilter(), langs=LANGS):
    return rd.build_view(rd.load_snapshot(project, langs), langs, f)


def rows_of(items):
    return [r for it in items for r in it.rows]


def block_with(project, german: str):
    seg = next(s for s in project.source_segments() if s.text == german)
    return seg, next(b for b in project.blocks() if b.id == seg.block_id)


def test_one_row_per_sentence_with_both_translations(project):
    items = view(project)
    assert len(items) == len(project.blocks())
    rows = rows_of(items)
    assert len(rows) == len(project.source_segments())
    welcome = next(r for r in rows if r.sources[0].text == "Nochmals willkommen, Herr Jack Ma!")
    assert [t.text for t in welcome.cells["en"].sentences] == ["Welcome again, Mr Jack Ma!"]
    assert [t.text for t in welcome.cells["zh"].sentences] == ["再次欢迎马云先生！"]
    assert welcome.cells["en"].missing == ()
    untranslated = rows[0]  # the opening narration sentence has no reference translation
    assert untranslated.cells["en"].sentences == ()
    assert untranslated.cells["en"].missing == (untranslated.sources[0].id,)
    # Keys are ids, never positions: the same row keeps its key in another view.
    assert welcome.key == welcome.sources[0].id


def test_a_merged_english_link_makes_one_row_spanning_both_languages(project):
    first, block = block_with(project, "Haben Sie ihn angerufen oder hat er Sie angerufen?")
    en_links = project.links("en", block.id)
    project.merge_links(en_links[0].id, en_links[1].id)
    rows = rd.block_rows(rd.load_snapshot(project, LANGS), block, LANGS)
    assert len(rows) == 1
    row = rows[0]
    assert [s.text for s in row.sources] == ["Haben Sie ihn angerufen oder hat er Sie angerufen?",
                                             "Wie kam es zu diesem Treffen?"]
    assert len(row.cells["en"].links) == 1 and len(row.cells["en"].sentences) == 2
    # Chinese still has its two 1:1 links, shown together in the one row.
    assert len(row.cells["zh"].links) == 2
    assert row.min_score is None  # hand-made links carry no score


def test_a_target_only_link_stays_with_the_row_before_it(project):
    first, block = block_with(project, "Haben Sie ihn angerufen oder hat er Sie angerufen?")
    sources = project.source_segments(block.id)
    en = [t for l in project.links("en", block.id) for t in l.tgt_ids]
    project.replace_links(block.id, "en", [([sources[0].id, sources[1].id], [en[0]], 0.8),
                                           ([], [en[1]], None)], fixed=True)
    rows = rd.block_rows(rd.load_snapshot(project, ["en"]), block, ["en"])
    assert len(rows) == 1
    assert [t.id for t in rows[0].cells["en"].sentences] == en


def test_filters_status_text_speaker_and_untranslated(project):
    seg = next(t for t in project.target_segments("en") if t.text.startswith("Welcome again"))
    project.edit_segment(seg.id, "Welcome back, Mr Jack Ma!", seg.version)

    edited = rows_of(view(project, rd.RowFilter(status="edited")))
    assert [r.cells["en"].sentences[0].text for r in edited] == ["Welcome back, Mr Jack Ma!"]

    mt = rows_of(view(project, rd.RowFilter(status="mt")))
    assert len(mt) == len(REFERENCE)  # the Chinese of the edited row is still machine output

    found = rows_of(view(project, rd.RowFilter(text="TRUMP tower")))
    assert [r.sources[0].text for r in found] == [
        "Sie haben gerade den Trump Tower besucht und den designierten Präsidenten Donald "
        "Trump getroffen."]
    assert rows_of(view(project, rd.RowFilter(text="会面")))  # Chinese is searched too

    publikum = view(project, rd.RowFilter(speakers=frozenset({"Publikum"})))
    assert publikum and all(it.block.speaker == "Publikum" for it in publikum)

    todo = rows_of(view(project, rd.RowFilter(status="untranslated")))
    total = len(project.source_segments())
    assert len(todo) == total - len(REFERENCE)


def test_low_scores_first_and_below_threshold(project):
    links = project.links("en")
    scores = [0.9, 0.2, 0.55, 0.05]
    for link, score in zip(links, scores):
        project.conn.execute("UPDATE links SET score=? WHERE id=?", (score, link.id))
    weak = view(project, rd.RowFilter(below_score=0.5), ["en"])
    assert sorted(r.min_score for r in rows_of(weak)) == [0.05, 0.2]
    ordered = view(project, rd.RowFilter(order="lowest score first"), ["en"])
    assert [r.min_score for r in rows_of(ordered)][:4] == [0.05, 0.2, 0.55, 0.9]
    assert all(len(item.rows) == 1 for item in ordered)


def test_pagination_clamps_and_finds_rows(project):
    items = view(project)
    page = rd.paginate(items, 99, 10)
    shown = [it for it in items if not it.collapsed]
    # Collapsed boilerplate takes no place of its own: no page holds only boilerplate.
    assert page.count == -(-len(shown) // 10) and page.number == page.count
    assert all(any(not it.collapsed for it in rd.paginate(items, n, 10).items)
               for n in range(1, page.count + 1))
    assert rd.paginate(items, 0, 10).number == 1
    assert sum(len(rd.paginate(items, n, 10).items) for n in range(1, page.count + 1)) == len(items)
    last_row = items[-1].rows[-1]
    assert rd.page_of_row(items, last_row.key, 10) == page.count
    first, second = rows_of(items)[:2]
    assert rd.next_row_key(items, first.key) == second.key


def test_progress_counts_statuses_and_leaves_out_boilerplate(project):
    seg = project.target_segments("en")[0]
    project.set_status(seg.id, "reviewed", seg.version)
    snap = rd.load_snapshot(project, LANGS)
    prog = rd.progress(snap, "en")
    excluded = sum(len(project.source_segments(b.id)) for b in project.blocks() if b.excluded)
    assert excluded > 0
    assert prog.sources == len(project.source_segments()) - excluded
    assert (prog.translated, prog.mt, prog.reviewed, prog.edited) == (len(REFERENCE), 12, 1, 0)
    assert prog.fraction_reviewed == pytest.approx(1 / 13)


def test_excluded_boilerplate_is_marked_collapsed(project):
    items = view(project)
    assert [it.block.kind for it in items if it.collapsed] == ["boilerplate"] * 4


class _Markup(HTMLParser):
    """Collects the tags, attributes and text a browser would see."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = set(), set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("text", ["<script>alert('x')</script>", "a & b <b>bold</b>",
                                  '" onmouseover="alert(1)', "<img src=x onerror=alert(1)>"])
def test_user_text_is_always_escaped(project, text):
    seg = project.target_segments("en")[0]
    project.edit_segment(seg.id, text, seg.version)
    row = next(r for r in rows_of(view(project)) if seg.id in r.target_ids())
    for query in ("", "b", "<"):
        parsed = _Markup()
        parsed.feed(rd.row_html(row, LANGS, query=query))
        assert parsed.tags <= {"div", "span", "mark", "br"}
        assert parsed.attrs <= {"class", "data-row", "data-sid", "style", "lang", "title",
                                "tabindex", "role", "aria-label"}
        assert text in "".join(parsed.text)


def test_highlight_marks_matches_case_insensitively_and_escapes():
    assert rd.highlight("Trump & trump", "TRUMP") == "<mark>Trump</mark> &amp; <mark>trump</mark>"
    assert rd.highlight("a<b", "<") == "a<mark>&lt;</mark>b"
    assert rd.highlight("line one\nline two") == "line one<br>line two"
    assert rd.highlight("x.y", ".") == "x<mark>.</mark>y"  # the query is text, not a regex


def test_save_edits_commits_and_marks_reviewed(project):
    seg = project.target_segments("en")[0]
    better = "It is said to be the most popular dialogue of the Davos Forum."
    result = rd.save_edits(project, [(seg.id, seg.version, f"  {better}  ")],
                           mark_reviewed=True)
    assert result.ok and result.saved == [seg.id]
    with Project.open(project.dir) as fresh:  # on disk, seen by another connection
        saved = fresh.segment(seg.id)
    assert (saved.text, saved.status) == (better, "reviewed")
    # A correction QA flags (far too short for its German) is saved, not marked reviewed.
    result = rd.save_edits(project, [(seg.id, saved.version, "Better.")], mark_reviewed=True)
    assert project.segment(seg.id).status == "edited"
    # (it also drops the German's names: "Davos" is flagged as missing too)
    assert result.review[0].reason.startswith("open QA flag (length")


def test_save_edits_unchanged_empty_and_new_sentences(project):
    seg = project.target_segments("en")[0]
    first = project.source_segments()[0]
    result = rd.save_edits(project, [(seg.id, seg.version, seg.text), (seg.id, seg.version, " ")],
                           new_sentences=[("en", first.id, "Early on 19 January, Jack Ma was "
                                                          "interviewed."), ("zh", first.id, "")])
    assert result.ok and result.unchanged == [seg.id]
    # An emptied box removes the translation (undo brings it back).
    assert result.saved == result.cleared == [seg.id]
    assert project.segment(seg.id).text == ""
    assert project.undo(seg.id).text == seg.text
    created = project.segment(result.created[0])
    assert created.status == "edited" and created.text.startswith("Early on")
    assert [t.lang for t in project.target_segments("zh") if t.block_id == first.block_id
            and t.id in result.created] == []


def test_a_stale_save_is_refused_with_both_versions(project):
    seg = project.target_segments("en")[0]
    with Project.open(project.dir) as other_tab:
        other_tab.edit_segment(seg.id, "Saved in the other tab.", seg.version)
    result = rd.save_edits(project, [(seg.id, seg.version, "Typed in this tab.")])
    conflict = result.conflicts[seg.id]
    assert (conflict.current_text, conflict.attempted_text) == ("Saved in the other tab.",
                                                                 "Typed in this tab.")
    assert project.segment(seg.id).text == "Saved in the other tab."
    # The refused text is kept in the history, not lost.
    assert any((h.new_value or {}).get("text") == "Typed in this tab."
               for h in project.history(seg.id))


def test_toggle_reviewed_and_history_lines(project):
    seg = project.target_segments("en")[0]
    reviewed = rd.toggle_reviewed(project, seg.id, seg.version)
    assert reviewed.status == "reviewed"
    back = rd.toggle_reviewed(project, seg.id, reviewed.version)
    assert back.status == "mt"   # machine text again: the review changed no text (issue 21)
    lines = rd.history_lines(project, seg.id)
    assert len(lines) == 3 and "status" in lines[0] and "mt" in lines[-1]


def test_chinese_made_from_english_is_marked_when_the_english_changes(project):
    from align.store import text_sig

    src, _ = block_with(project, "Nochmals willkommen, Herr Jack Ma!")
    en_link = next(l for l in project.links("en") if src.id in l.src_ids)
    english = project.segment(en_link.tgt_ids[0])
    # What the pivot records: the English the Chinese was made from.
    assert project.set_machine_translation(src.id, "zh", "再次欢迎马云先生。",
                                           {"route": ["de-en", "en-zh"],
                                            "pivot_sig": text_sig(english.text)})

    def welcome_row():
        return next(r for r in rows_of(view(project)) if r.key == src.id)

    assert welcome_row().cells["zh"].stale == frozenset()
    assert rd.STALE_HINT not in rd.row_html(welcome_row(), LANGS)
    project.edit_segment(english.id, "Welcome back, Mr Ma!", english.version)
    row = welcome_row()
    assert row.cells["zh"].stale == {row.cells["zh"].sentences[0].id}
    assert rd.STALE_HINT in rd.row_html(row, LANGS)
    # Only Chinese shown: the English is still what it is compared with.
    only_zh = next(r for r in rows_of(view(project, langs=["zh"])) if r.key == src.id)
    assert only_zh.cells["zh"].stale
    # A reference (or human) Chinese that records no English is never marked.
    other = next(r for r in rows_of(view(project)) if r.cells["zh"].sentences and r.key != src.id)
    assert other.cells["zh"].stale == frozenset()


def test_count_label_and_empty_messages(project):
    snap = rd.load_snapshot(project, LANGS)
    plain, search = rd.RowFilter(), rd.RowFilter(text="x")
    assert rd.count_label(1, plain) == "1 block"
    assert rd.count_label(3, plain) == "3 blocks"
    assert rd.count_label(1, search) == "1 block matches"
    assert rd.count_label(2, rd.RowFilter(order="lowest score first")) == "2 rows match"
    assert rd.empty_message(snap, LANGS, plain) == "This document is empty."
    weak = rd.RowFilter(below_score=0.5)
    # The reference translations are linked 1:1 without a score, as machine ones are.
    assert not rd.has_scores(snap, LANGS)
    assert rd.empty_message(snap, LANGS, weak) == rd.WEAK_LINKS_NEED_SCORES
    assert rd.empty_message(snap, LANGS, search) == "Nothing matches these filters."
    # Once a link has a score (an aligned human translation), empty means nothing matches.
    link = project.links("en")[0]
    project.replace_links(link.block_id, "en", [(link.src_ids, link.tgt_ids, 0.9)])
    snap = rd.load_snapshot(project, LANGS)
    assert rd.has_scores(snap, LANGS)
    assert rd.empty_message(snap, LANGS, weak) == "Nothing matches these filters."


def test_speaker_merges_list_and_toggle(gold_project):
    assert rd.speaker_merges(gold_project) == [rd.SpeakerMerge("Solkin", "Sorkin", True)]
    assert rd.speaker_merges(gold_project)[0].label() == "Solkin → Sorkin"
    assert "apart" in rd.toggle_speaker_merge(gold_project, "Solkin")
    undone = rd.speaker_merges(gold_project)
    assert undone == [rd.SpeakerMerge("Solkin", "Sorkin", False)]
    assert (undone[0].action(), gold_project.speaker_merges()) == ("Merge again", {})
    assert "Sorkin again" in rd.toggle_speaker_merge(gold_project, "Solkin")
    assert gold_project.speaker_merges() == {"Solkin": "Sorkin"}


def test_toggling_a_label_never_merged_is_refused(gold_project):
    with pytest.raises(InputError, match="never merged"):
        rd.toggle_speaker_merge(gold_project, "Jack Ma")
