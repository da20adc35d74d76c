"""Issue 21 in headless Chromium: "Save as reviewed, next row" (Ctrl+Shift+Enter) marks only
what a person vouched for. Correct only the English of a row whose Chinese was made from
that English: the English is reviewed, the Chinese stays machine text, and the toast says
why. Untouched machine text is marked once its own "checked" box is ticked."""
from __future__ import annotations

import pytest

from align.imports.source import import_text
from align.store import Project, text_sig
from tests.browser_util import AppServer, browser, button, open_app, screenshot, wait_idle
from tests.test_statuses_true import EN, TEXT, ZH

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("review") / "p"
    import_text(TEXT, directory, "t.txt")
    with Project.open(directory) as p:
        for s in p.source_segments():
            en = EN[s.text]
            p.set_machine_translation(s.id, "en", en, {"model": "opus-mt-de-en"})
            # The pivot's Chinese records the English it was made from.
            p.set_machine_translation(s.id, "zh", ZH[s.text], {"model": "opus-mt-en-zh",
                                                               "pivot_sig": text_sig(en)})
    with AppServer(directory, env={"BITEXT_CACHE": str(tmp_path_factory.mktemp("c")),
                                   "BITEXT_MODELS": ""}) as srv:
        with browser() as page:
            open_app(page, srv.url)
            yield srv, page, directory


def targets(directory, german: str):
    with Project.open(directory) as p:
        src = next(s for s in p.source_segments() if s.text == german)
        out = [src.id]
        for lang in ("en", "zh"):
            link = next(l for l in p.links(lang) if src.id in l.src_ids)
            out.append(p.segment(link.tgt_ids[0]))
    return out


def status(directory, seg_id: str) -> str:
    with Project.open(directory) as p:
        return p.segment(seg_id).status


def open_row(page, key: str) -> None:
    page.locator(f".bx-row[data-row='{key}']").click()
    wait_idle(page)
    page.locator(f".st-key-editor-{key}").wait_for()


def last_toast(page) -> str:
    return page.locator("[data-testid='stToast']").last.inner_text()


def test_correcting_only_the_english_leaves_the_stale_chinese_unreviewed(app):
    srv, page, directory = app
    key, en, zh = targets(directory, "Wie war das Treffen?")
    next_key, *_ = targets(directory, "Es war gut.")
    open_row(page, key)
    editor = page.locator(f".st-key-editor-{key}")
    # Automatic links are not "manual".
    assert "made with the machine translation" in editor.inner_text()
    assert "manual" not in editor.inner_text()
    box = page.locator(f".st-key-ta-{en.id}-v{en.version} textarea")
    box.fill("How did the meeting go?")
    box.press("Control+Shift+Enter")
    wait_idle(page)
    assert (status(directory, en.id), status(directory, zh.id)) == ("reviewed", "mt")
    toast = last_toast(page)
    assert "reviewed: English" in toast
    assert "中文 not marked reviewed: English changed since this Chinese was made" in toast
    screenshot(page, "i21-01-review-toast")
    # On to the next row; the corrected row shows its Chinese as stale machine text.
    page.locator(f".st-key-editor-{next_key}").wait_for()
    assert page.locator(f".bx-row[data-row='{key}'] .bx-stale").count() == 1


def test_untouched_machine_text_is_reviewed_once_ticked_as_checked(app):
    srv, page, directory = app
    key, en, zh = targets(directory, "Wir haben viel gelernt.")
    open_row(page, key)
    button(page, f"savenext-{key}").click()
    wait_idle(page)
    assert (status(directory, en.id), status(directory, zh.id)) == ("mt", "mt")
    assert "English not marked reviewed: machine translation you did not change" in last_toast(page)
    open_row(page, key)
    page.locator(f".st-key-ok-en-{key} label").click()
    page.locator(f".st-key-ok-zh-{key} label").click()
    button(page, f"savenext-{key}").click()
    wait_idle(page)
    assert (status(directory, en.id), status(directory, zh.id)) == ("reviewed", "reviewed")
    assert "reviewed: English, 中文" in last_toast(page)
