"""The row being edited stays in view when a filter would hide it (its unsaved text lives
only in its editor): held, marked, not counted as a match, and its page is the one shown."""
from __future__ import annotations

from align import reader as rd
from tests.test_reader import LANGS, project, rows_of  # noqa: F401 (fixture)


def test_a_filter_keeps_the_row_being_edited_and_marks_it_held(project):
    snapshot = rd.load_snapshot(project, LANGS)
    everything = rows_of(rd.build_view(snapshot, LANGS))
    row = next(r for r in everything if r.cells["en"].untranslated and r.cells["zh"].untranslated)
    machine_only = rd.RowFilter(status="mt")   # translated rows only
    hidden = rd.build_view(snapshot, LANGS, machine_only)
    assert row.key not in {r.key for r in rows_of(hidden)}

    kept = rd.build_view(snapshot, LANGS, machine_only, editing=row.key)
    [holder] = [it for it in kept if row.key in {r.key for r in it.rows}]
    assert holder.held == {row.key}
    assert [r.key for r in rows_of(kept) if r.key != row.key] == [r.key for r in rows_of(hidden)]
    assert rd.matching_items(kept) == len(hidden)
    assert f"{len(holder.rows) - 1} of {holder.total_rows} rows match" in rd.block_header_html(holder)
    # Rows the filters let through are never marked.
    shown = next(r for r in rows_of(hidden))
    assert all(not it.held for it in rd.build_view(snapshot, LANGS, machine_only, editing=shown.key))


def test_a_speaker_filter_and_a_ranked_order_keep_it_too(project):
    snapshot = rd.load_snapshot(project, LANGS)
    row = next(r for it in rd.build_view(snapshot, LANGS) if it.block.speaker == "Sorkin"
               for r in it.rows)
    ma_only = rd.RowFilter(speakers=frozenset({"Ma"}))
    assert row.key not in {r.key for r in rows_of(rd.build_view(snapshot, LANGS, ma_only))}
    kept = rd.build_view(snapshot, LANGS, ma_only, editing=row.key)
    assert [it.held for it in kept if it.block.speaker == "Sorkin"] == [{row.key}]
    ranked = rd.build_view(snapshot, LANGS, rd.RowFilter(flagged=True, order="lowest score first"),
                           editing=row.key)
    assert sum(1 for it in ranked if it.held == {row.key}) == 1


def test_after_filtering_the_page_is_the_one_with_the_editor(project):
    snapshot = rd.load_snapshot(project, LANGS)
    items = rd.build_view(snapshot, LANGS)
    last = rows_of(items)[-1].key
    assert rd.page_of_row(items, last, 5) > 1
    assert rd.page_after_filtering(items, 5, 1, last) == rd.page_of_row(items, last, 5)
    assert rd.page_after_filtering(items, 5, 2, None) == 2
    assert rd.page_after_filtering(items, 5, 2, "no-such-row") == 2


def test_the_page_follows_an_open_editor_when_the_filters_change(tmp_path, monkeypatch):
    """In the app (AppTest): a filter or page-size change shows the page of the row being
    edited; after paging away from the editor, it leaves the page alone."""
    from align.store import Project
    from tests.conftest import add_reference_translations, make_gold_project
    from tests.test_app_flows import open_row, start

    directory = make_gold_project(tmp_path / "davos")
    with Project.open(directory) as p:
        add_reference_translations(p)
        items = rd.build_view(rd.load_snapshot(p, LANGS), LANGS)
    monkeypatch.setenv("BITEXT_PROJECT", str(directory))
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "no-models"))
    monkeypatch.delenv("BITEXT_MODELS", raising=False)
    key = next(r.key for r in rows_of(items) if rd.page_of_row(items, r.key, 10) == 2
               and rd.page_of_row(items, r.key, 5) not in (None, 2))
    at = start()
    at.session_state["page"] = 2
    at.run()
    open_row(at, key)
    at.selectbox(key="per_page").select(5).run()
    assert at.session_state["page"] == rd.page_of_row(items, key, 5)
    at.session_state["page"] = 1          # paged away; the editor stays open elsewhere
    at.run()
    at.selectbox(key="per_page").select(10).run()
    assert at.session_state["page"] == 1 and not at.exception
