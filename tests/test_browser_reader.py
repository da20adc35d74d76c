"""Issue 16 in headless Chromium: the reader as a new user met it, on the interview with a
partial English translation imported (tests/partial_project.py) and no model on disk.

One Streamlit server and one page for the module (each start costs seconds); the tests run
in file order and each groups several checks. They never skip.
"""
from __future__ import annotations

import re

import pytest
from defusedxml import ElementTree

from align.cli.project import format_summary
from align.store import Project
from tests.browser_util import AppServer, browser, button, open_app, screenshot, settle, wait_idle
from tests.partial_project import EMPTY_LINK_SCORE, THREE_TO_ONE, make_partial_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GUARD = ".bx-guard"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("partial") / "davos"
    ids = make_partial_project(directory)
    empty_cache = tmp_path_factory.mktemp("no-models")
    with AppServer(directory, env={"BITEXT_CACHE": str(empty_cache), "BITEXT_MODELS": ""}) as srv:
        with browser() as page:
            open_app(page, srv.url)
            yield srv, page, directory, ids


def row(page, key: str):
    return page.locator(f".bx-row[data-row='{key}']")


def editor(page, key: str):
    return page.locator(f".st-key-editor-{key}")


def open_row(page, key: str) -> None:
    row(page, key).click()
    wait_idle(page)
    assert editor(page, key).count() == 1


def click(page, key: str) -> None:
    button(page, key).click()
    wait_idle(page)


def choose(page, key: str, option: str) -> None:
    """Pick `option` in the selectbox with widget key `key`."""
    page.locator(f".st-key-{key} [role='combobox']").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def en_link(directory, src_id: str):
    with Project.open(directory) as p:
        return next((l for l in p.links("en") if src_id in l.src_ids), None), p


def english_of(directory, src_id: str) -> str | None:
    with Project.open(directory) as p:
        link = next((l for l in p.links("en") if src_id in l.src_ids), None)
        if link is None or not link.tgt_ids:
            return None
        return " ".join(p.segment(t).text for t in link.tgt_ids)


def caret(page) -> tuple[int, int]:
    """Where the caret (selection) is in the focused text box."""
    return tuple(page.evaluate(
        "() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]"))


def active_info(page) -> dict:
    return page.evaluate("""() => {
        const a = document.activeElement;
        const ed = a && a.closest ? a.closest('[class*="st-key-editor-"]') : null;
        return {tag: a ? a.tagName : null, row: a && a.dataset ? a.dataset.row || null : null,
                editor: ed ? ed.className : null};
    }""")


def guard_choice(page, act: str) -> None:
    """Answer the unsaved-text question: save, discard or keep (editing)."""
    page.locator(f"{GUARD} button[data-act='{act}']").click()


def pager_text(page) -> str:
    return page.locator(".st-key-page").inner_text()


def test_export_offers_languages_with_text_says_why_and_remembers_choices(app, tmp_path):
    srv, page, directory, ids = app
    click(page, "open_export")
    dialog = page.locator("[role='dialog']")
    dialog.locator(".st-key-exp_dl").wait_for()
    text = dialog.inner_text()
    # The project has no Chinese: not offered, and said so (it used to be chosen by default
    # and the download did nothing).
    assert "No text yet in 中文" in text
    assert dialog.locator(".st-key-exp_langs").inner_text().count("中文") == 0
    assert "English" in dialog.locator(".st-key-exp_langs").inner_text()
    screenshot(page, "i16-01-export")
    with page.expect_download() as info:
        button(page, "exp_dl").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.endswith(".de-en.tmx")
    root = ElementTree.fromstring(path.read_bytes())
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")}
    assert langs == {"de-DE", "en-US"} and len(root.findall("./body/tu")) >= 10
    # Nothing to export at this status: said in the dialog, no silent button.
    choose(page, "exp_status", "reviewed only")
    assert "No row to export" in dialog.inner_text()
    assert dialog.locator(".st-key-exp_dl").count() == 0
    # The dialog opens again as it was left.
    choose(page, "exp_fmt", "TSV")
    page.keyboard.press("Escape")
    wait_idle(page)
    assert page.locator("[role='dialog']").count() == 0
    click(page, "open_export")
    dialog.locator(".st-key-exp_fmt").wait_for()
    assert dialog.locator(".st-key-exp_fmt [role='combobox']").input_value() == "TSV"
    assert dialog.locator(".st-key-exp_status [role='combobox']").input_value() == "reviewed only"
    choose(page, "exp_status", "all translations")
    page.keyboard.press("Escape")
    wait_idle(page)


def test_every_german_sentence_can_be_translated_and_no_translation_looks_one_way(app):
    srv, page, directory, ids = app
    key = ids["empty"][0]
    cell = row(page, key).locator(".bx-cell[lang='en']")
    # The aligner left it in a link with no English: one "not translated", no bare score.
    assert cell.inner_text().strip() == "not translated"
    assert cell.locator(".bx-score").count() == 0
    assert f"{EMPTY_LINK_SCORE:.2f}" not in row(page, key).inner_text()
    open_row(page, key)
    box = page.locator(f".st-key-new-en-{key} textarea")
    assert box.count() == 1
    # Re-translate is offered, but says up front that the model is missing.
    retr = button(page, f"retr-en-{key}")
    assert retr.is_disabled()
    box.fill("Typed by hand for a sentence the aligner left alone.")
    click(page, f"save-{key}")
    assert english_of(directory, key) == "Typed by hand for a sentence the aligner left alone."
    assert "Typed by hand" in row(page, key).inner_text()
    # Two German sentences in one empty link: each gets a box; one filled, one still missing.
    first, second = ids["pair"]
    open_row(page, first)
    assert page.locator(f".st-key-new-en-{first} textarea").count() == 1
    page.locator(f".st-key-new-en-{second} textarea").fill("The second one, by hand.")
    click(page, f"save-{first}")
    assert english_of(directory, second) == "The second one, by hand."
    assert english_of(directory, first) is None
    click(page, f"close-{first}")
    # The status filter finds the empty-link rows, and the header counts are `bitext show`'s.
    # (English only: every row still lacks Chinese.)
    page.locator(".st-key-langs").get_by_text("中文").click()
    wait_idle(page)
    choose(page, "status", "not translated yet")
    assert row(page, ids["empty"][1]).count() == 1
    assert row(page, key).count() == 0
    show = format_summary(str(directory))
    done, total, n_en, mt, imported, edited, reviewed = map(int, re.search(
        r"en: (\d+)/(\d+) de sentences translated; (\d+) en sentences - (\d+) mt, (\d+) "
        r"imported, (\d+) edited, (\d+) reviewed", show).groups())
    # The imported English is imported (human), not "edited" by anyone here.
    assert imported > 0
    header = page.locator("[data-testid='stProgress']").first.inner_text()
    assert f"{reviewed}/{n_en} reviewed" in header
    assert f"{done}/{total} Deutsch sentences translated" in header
    choose(page, "status", "any status")
    page.locator(".st-key-langs").get_by_text("中文").click()
    wait_idle(page)


def test_unsaved_text_is_never_thrown_away(app):
    srv, page, directory, ids = app
    key, other, third = ids["empty"][2], ids["empty"][3], ids["empty"][4]
    assert "page 1 of" in page.locator("[data-testid='stMain']").inner_text()
    open_row(page, key)
    # The editor takes the focus as it opens.
    assert active_info(page)["tag"] == "TEXTAREA"
    assert f"st-key-editor-{key}" in active_info(page)["editor"]
    box = page.locator(f".st-key-new-en-{key} textarea")
    box.type("draft one")
    # Alt+→ in a text box moves the caret (a word on a Mac); it does not turn the page.
    box.press("Alt+ArrowRight")
    settle(page)
    assert "page 1 of" in page.locator("[data-testid='stMain']").inner_text()
    assert box.input_value() == "draft one"
    # Another row: asked first; "Keep editing" keeps the text.
    row(page, other).click()
    page.locator(GUARD).wait_for()
    screenshot(page, "i16-02-unsaved-guard")
    guard_choice(page, "keep")
    assert page.locator(GUARD).count() == 0
    assert editor(page, key).count() == 1 and box.input_value() == "draft one"
    # A box that takes the focus by the keyboard or from the page puts the caret at the end
    # of its text, wherever it was before (a click places it where clicked).
    box.evaluate("ta => { ta.setSelectionRange(0, 0); ta.blur(); ta.focus(); }")
    assert caret(page) == (len("draft one"), len("draft one"))
    page.keyboard.press("ArrowLeft")
    box.click(position={"x": 3, "y": 3})
    assert caret(page)[0] < len("draft one")
    # Esc with unsaved text asks too; Discard closes without saving, focus back on the row.
    box.press("Escape")
    page.locator(GUARD).wait_for()
    guard_choice(page, "discard")
    wait_idle(page)
    assert editor(page, key).count() == 0 and english_of(directory, key) is None
    page.wait_for_function(f"() => document.activeElement && "
                           f"document.activeElement.dataset.row === '{key}'")
    # Save, then go on to the row clicked.
    open_row(page, key)
    page.locator(f".st-key-new-en-{key} textarea").type("kept text")
    row(page, third).click()
    page.locator(GUARD).wait_for()
    guard_choice(page, "save")
    page.wait_for_selector(f".st-key-editor-{third}")
    wait_idle(page)
    assert english_of(directory, key) == "kept text"
    # A page turn with unsaved text asks as well.
    page.locator(f".st-key-new-en-{third} textarea").type("half done")
    button(page, "next").click()
    page.locator(GUARD).wait_for()
    guard_choice(page, "keep")
    assert "page 1 of" in page.locator("[data-testid='stMain']").inner_text()
    page.locator(f".st-key-new-en-{third} textarea").press("Escape")
    guard_choice(page, "discard")
    wait_idle(page)
    # Alt+→ in the search box moves the caret, not the page.
    search = page.locator(".st-key-q input")
    search.click()
    search.press("Alt+ArrowRight")
    settle(page)
    assert "page 1 of" in page.locator("[data-testid='stMain']").inner_text()


def test_a_filter_never_takes_unsaved_text_away(app):
    """A filter that hides the row being edited keeps it in view, marked, with its text;
    the column choice (which would take the boxes away) asks first."""
    srv, page, directory, ids = app
    key = ids["empty"][5]
    open_row(page, key)
    box = page.locator(f".st-key-new-en-{key} textarea")
    box.type("held draft")
    flagged = page.locator("[data-testid='stSidebar'] label:has-text('Only flagged')")
    flagged.click()
    wait_idle(page)
    assert editor(page, key).count() == 1 and box.input_value() == "held draft"
    assert page.locator(".bx-held").count() == 1
    screenshot(page, "review-held-row")
    chinese = page.locator(".st-key-langs button", has_text="中文")
    chinese.click()
    page.locator(GUARD).wait_for()
    guard_choice(page, "keep")      # the pill's own late re-click may come after: swallowed      # closes the question; nothing reruns
    settle(page)
    assert "中文" in page.locator(".bx-colhead").inner_text() and box.input_value() == "held draft"
    assert active_info(page)["tag"] == "TEXTAREA"      # back to typing, not on the pill
    # ... with the caret at the end of the text, where typing goes on.
    assert caret(page) == (len("held draft"), len("held draft"))
    click(page, f"save-{key}")
    assert english_of(directory, key) == "held draft"
    click(page, f"close-{key}")
    assert page.locator(".bx-held").count() == 0     # closed: no longer held in view
    flagged.click()
    wait_idle(page)
    assert row(page, key).count() == 1
    # Discard goes on with the column change the question held back.
    open_row(page, key)
    editor(page, key).locator("textarea").first.type(" more")
    chinese.click()
    page.locator(GUARD).wait_for()
    guard_choice(page, "discard")
    wait_idle(page)
    assert "中文" not in page.locator(".bx-colhead").inner_text()
    assert english_of(directory, key) == "held draft"
    # Discarded means gone from the box too (the editor stays open here).
    assert editor(page, key).locator("textarea").first.input_value() == "held draft"
    chinese.click()
    wait_idle(page)
    assert "中文" in page.locator(".bx-colhead").inner_text()
    # Opening another project (here: importing a new text) asks too.
    editor(page, key).locator("textarea").first.type(" again")
    click(page, "open_import")
    page.locator(".st-key-imp_text textarea").fill("Anna: Guten Tag.")
    page.locator(".st-key-imp_name input").fill("other")
    page.locator(".st-key-imp_name input").press("Tab")
    wait_idle(page)
    button(page, "imp_go").click()
    page.locator(GUARD).wait_for()
    guard_choice(page, "keep")
    assert not (directory.parent / "other").exists()
    page.locator("[role='dialog'] button[aria-label='Close']").click()
    wait_idle(page)
    assert editor(page, key).locator("textarea").first.input_value() == "held draft again"
    editor(page, key).locator("textarea").first.press("Escape")
    guard_choice(page, "discard")
    wait_idle(page)


def test_an_import_asks_before_replacing_a_persons_translation(app, tmp_path):
    srv, page, directory, ids = app
    with Project.open(directory) as p:
        before = [(t.id, t.text) for t in p.target_segments("en")]
    click(page, "open_import")
    dialog = page.locator("[role='dialog']")
    assert "Importing replaces the current English" in dialog.inner_text()
    other = tmp_path / "other.txt"
    other.write_text("Welcome back.\n", encoding="utf-8")
    page.locator(".st-key-imp_tr input[type='file']").set_input_files(str(other))
    wait_idle(page)
    assert button(page, "imp_tr_go").is_disabled()
    page.locator(".st-key-imp_tr_replace label").click()
    wait_idle(page)
    assert button(page, "imp_tr_go").is_enabled()
    dialog.locator("button[aria-label='Close']").click()
    wait_idle(page)
    assert dialog.count() == 0
    with Project.open(directory) as p:
        assert [(t.id, t.text) for t in p.target_segments("en")] == before


def test_title_pager_last_page_ranked_view_and_model_hints(app):
    srv, page, directory, ids = app
    assert page.title() == "Davos interview · bitext"
    main = page.locator("[data-testid='stMain']")
    pages = int(re.search(r"page 1 of (\d+)", main.inner_text()).group(1))
    assert pages >= 3
    # After a search narrowed it to one page, the page numbers come back with the pages.
    page.locator(".st-key-q input").fill("Trump")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.locator(".st-key-q input").fill("")
    page.keyboard.press("Enter")
    wait_idle(page)
    numbers = pager_text(page).split()
    assert all(str(n) in numbers for n in range(1, pages + 1)), numbers
    # The last page holds turns, not only the collapsed boilerplate.
    page.locator(".st-key-page button", has_text=re.compile(f"^{pages}$")).click()
    wait_idle(page)
    assert f"page {pages} of {pages}" in main.inner_text()
    assert page.locator(".bx-row[data-row][tabindex]").count() > 0
    assert "Boilerplate" in main.inner_text()
    page.locator(".st-key-page button", has_text=re.compile("^1$")).click()
    wait_idle(page)
    # Lowest score first: no turn header repeated over every row; each row names its turn.
    page.locator(".st-key-order").get_by_text("lowest score first").click()
    wait_idle(page)
    rows = page.locator(".bx-row[data-row][tabindex]").count()
    assert rows > 0 and page.locator(".bx-head").count() == 0
    assert page.locator(".bx-row .bx-where").count() == rows
    numbers = pager_text(page).split()
    assert "2" in numbers
    screenshot(page, "i16-03-ranked")
    page.locator(".st-key-order").get_by_text("document").click()
    wait_idle(page)
    # The Chinese route names both models it needs.
    page.get_by_text("Machine translation", exact=True).first.click()   # opens, no rerun
    page.locator("[data-testid='stSidebar']").get_by_text("中文: model").first.wait_for()
    sidebar = page.locator("[data-testid='stSidebar']").inner_text()
    zh_line = next(line for line in sidebar.splitlines() if line.startswith("中文: model"))
    assert "opus-mt-de-en" in zh_line and "opus-mt-en-zh" in zh_line, zh_line
    page.get_by_text("Machine translation", exact=True).first.click()
    settle(page)


def test_a_laptop_screen_shows_several_rows_under_the_header(app):
    srv, page, directory, ids = app
    page.set_viewport_size({"width": 1280, "height": 800})
    try:
        page.reload()
        open_app(page, srv.url)
        tops = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.bx-row[data-row][tabindex]')).map(r => r.getBoundingClientRect().bottom)""")
        screenshot(page, "i16-04-laptop")
        assert sum(1 for bottom in tops if bottom <= 800) >= 3, tops[:6]
    finally:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.reload()
        open_app(page, srv.url)


def test_editor_details(app):
    srv, page, directory, ids = app
    three = ids["three"]
    # A 3:1 row: the German is numbered and each box says which German it translates.
    with Project.open(directory) as p:
        for k, src in enumerate(three, start=1):
            assert p.set_machine_translation(src, "zh", f"第{k}句。", {"model": "typed"})
    page.reload()
    open_app(page, srv.url)
    assert row(page, three[0]).locator(".bx-score").count() == 1
    open_row(page, three[0])
    ed = editor(page, three[0])
    labels = ed.locator("[data-testid='stWidgetLabel']").all_inner_texts()
    assert any("English" in l and "German 1–3" in l for l in labels), labels
    assert [l for l in labels if l.startswith("中文 ·")] == [
        f"中文 · machine · German {k}" for k in (1, 2, 3)]
    assert "中文 checked" in labels       # ticked, save as reviewed marks the machine text too
    assert button(page, f"rederive-{three[0]}").is_disabled()   # no en-zh model on disk
    screenshot(page, "i16-05-three-to-one")
    link, _ = en_link(directory, three[0])
    seg_id = link.tgt_ids[0]
    with Project.open(directory) as p:
        version = p.segment(seg_id).version
    box = page.locator(f".st-key-ta-{seg_id}-v{version} textarea")
    box.fill(THREE_TO_ONE + " Corrected.")
    click(page, f"save-{three[0]}")
    toast = page.locator("[data-testid='stToast']").last.inner_text()
    assert "Saved 1 sentence at" in toast and "(s)" not in toast and "✅" not in toast
    # Its alignment score described the old text: gone with it.
    assert en_link(directory, three[0])[0].score is None
    assert row(page, three[0]).locator(".bx-score").count() == 0
    # Reviewed: the history says the new status; undo, then redo.
    with Project.open(directory) as p:
        version = p.segment(seg_id).version
    click(page, f"rev-{seg_id}")
    ed.get_by_text("History of these sentences").click()     # opens, no rerun
    ed.get_by_text("now reviewed").first.wait_for()
    click(page, f"undo-{seg_id}")
    with Project.open(directory) as p:
        assert p.segment(seg_id).status == "edited"
    click(page, f"redo-{seg_id}")
    with Project.open(directory) as p:
        assert p.segment(seg_id).status == "reviewed"
    # Emptying the box and saving removes the translation (one "not translated" look).
    with Project.open(directory) as p:
        version = p.segment(seg_id).version
    page.locator(f".st-key-ta-{seg_id}-v{version} textarea").fill("")
    click(page, f"save-{three[0]}")
    with Project.open(directory) as p:
        assert p.segment(seg_id).text == ""
    assert "Translation removed" in page.locator("[data-testid='stToast']").last.inner_text()
    assert row(page, three[0]).locator(".bx-cell[lang='en']").inner_text().strip() == \
        "not translated"
    click(page, f"undo-{seg_id}")
    # A conflict: the panel alone, no "nothing to save" above it; keeping mine says saved.
    with Project.open(directory) as p:
        seg = p.segment(seg_id)
        version = seg.version
        p.edit_segment(seg_id, "Changed in another window.", seg.version)
    page.locator(f".st-key-ta-{seg_id}-v{version} textarea").fill("My own version.")
    click(page, f"save-{three[0]}")
    text = ed.inner_text()
    assert "Someone changed this sentence" in text and "nothing to save" not in text
    click(page, f"cf-mine-{seg_id}")
    with Project.open(directory) as p:
        assert p.segment(seg_id).text == "My own version."
    assert "saved to disk" in ed.inner_text() and "nothing to save" not in ed.inner_text()
    click(page, f"close-{three[0]}")


def test_merge_with_next_while_searching_and_realign_shows_progress(app):
    srv, page, directory, ids = app
    with Project.open(directory) as p:
        src = next(s for s in p.source_segments() if s.text.startswith("Wir werden eine Frage"))
        links = p.links("en", src.block_id)
    first = next(l for l in links if src.id in l.src_ids)
    page.locator(".st-key-q input").fill("Frage-und-Antwort")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert page.locator(".bx-row[data-row][tabindex]").count() == 1
    open_row(page, src.id)
    # The next link is hidden by the search, yet it can be merged with.
    click(page, f"merge-{first.id}")
    with Project.open(directory) as p:
        merged = next(l for l in p.links("en") if src.id in l.src_ids)
    assert len(merged.src_ids) == 4
    # Re-aligning runs in its thread (progress and Cancel above the text, see
    # test_browser_limits) and says what it did when it is done.
    button(page, f"realign-en-{src.id}").click()
    page.get_by_text("Re-aligned this turn (English):").wait_for(timeout=120_000)
    settle(page, timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
