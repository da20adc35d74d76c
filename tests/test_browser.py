"""End to end in headless Chromium: the real app (`streamlit run app.py`) on a project made
from the bundled interview through align.imports.source, driven as a person would.

These run in CI and never skip: without Chromium they fail saying how to install it.
Screenshots of the main views go to tests/artifacts/ (git-ignored) for a reviewer.
"""
from __future__ import annotations

import pytest
from defusedxml import ElementTree

from align.store import Project, text_sig
from tests.browser_util import AppServer, browser, button, open_app, screenshot, settle, wait_idle
from tests.conftest import make_interview_project, add_reference_translations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<script>window.__bitext_xss = 1</script> & <b>not bold</b>"
WELCOME = "Nochmals willkommen, Herr Jack Ma!"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("browser") / "davos"
    make_interview_project(directory)
    with Project.open(directory) as p:
        assert add_reference_translations(p) == 26
        seg = target(p, "Was sind Ihre Erwartungen?", "en")
        # Its Chinese made from the English (as the pivot records it), which then changes.
        src = next(s for s in p.source_segments() if s.text == "Was sind Ihre Erwartungen?")
        assert p.set_machine_translation(src.id, "zh", "您有什么期望？",
                                         {"route": ["de-en", "en-zh"],
                                          "pivot_sig": text_sig(seg.text)})
        p.edit_segment(seg.id, XSS, seg.version)
    empty_cache = tmp_path_factory.mktemp("no-models")
    # The Hub at an address that refuses connections: the Download button meets "offline".
    with AppServer(directory, env={"BITEXT_CACHE": str(empty_cache), "BITEXT_MODELS": "",
                                   "HF_ENDPOINT": "http://127.0.0.1:9"}) as srv:
        with browser() as page:
            open_app(page, srv.url)
            yield srv, page, directory


def target(p: Project, german: str, lang: str):
    src = next(s for s in p.source_segments() if s.text == german)
    link = next(l for l in p.links(lang) if src.id in l.src_ids)
    return p.segment(link.tgt_ids[0])


def source_id(directory, german: str) -> str:
    with Project.open(directory) as p:
        return next(s.id for s in p.source_segments() if s.text == german)


def click(page, key: str) -> None:
    button(page, key).click()
    wait_idle(page)


def open_row(page, src_id: str) -> None:
    row(page, src_id).click()
    wait_idle(page)
    assert page.locator(f".st-key-editor-{src_id}").count() == 1


def row(page, src_id: str):
    return page.locator(f".bx-row[data-row='{src_id}']")


def test_reading_view_shows_three_columns_and_escapes_user_text(app):
    srv, page, directory = app
    screenshot(page, "01-reading-view")
    heads = page.locator(".bx-colhead .bx-cell").all_inner_texts()
    assert [h.strip().lower() for h in heads] == ["deutsch", "english", "中文"]
    welcome = row(page, source_id(directory, WELCOME))
    assert "Welcome again, Mr Jack Ma!" in welcome.inner_text()
    assert "再次欢迎马云先生！" in welcome.inner_text()
    # The script is shown as text and never runs; the <b> is not markup.
    xss_row = row(page, source_id(directory, "Was sind Ihre Erwartungen?"))
    assert "<script>window.__bitext_xss = 1</script>" in xss_row.inner_text()
    assert xss_row.locator("script, b").count() == 0
    assert page.evaluate("() => window.__bitext_xss") is None
    # Its Chinese was made from the English before that edit: the row says so.
    assert "English changed since this Chinese was made" in xss_row.locator(".bx-stale").inner_text()
    assert row(page, source_id(directory, WELCOME)).locator(".bx-stale").count() == 0
    xss_row.scroll_into_view_if_needed()
    screenshot(page, "01b-chinese-from-changed-english")
    page.evaluate("() => window.scrollTo(0, 0)")
    assert page.locator("[data-testid='stException']").count() == 0


def test_edit_survives_a_reload(app):
    srv, page, directory = app
    src = source_id(directory, WELCOME)
    with Project.open(directory) as p:
        seg = target(p, WELCOME, "en")
    open_row(page, src)
    box = page.locator(f".st-key-ta-{seg.id}-v{seg.version} textarea")
    box.fill("Welcome back to Davos, Mr Ma!")
    screenshot(page, "02-editor")
    click(page, f"save-{src}")
    with Project.open(directory) as p:
        assert p.segment(seg.id).text == "Welcome back to Davos, Mr Ma!"
    page.reload()
    open_app(page, srv.url)
    assert "Welcome back to Davos, Mr Ma!" in row(page, src).inner_text()


def test_mark_reviewed(app):
    srv, page, directory = app
    german = "Können Sie uns von diesem Treffen erzählen?"
    src = source_id(directory, german)
    with Project.open(directory) as p:
        seg = target(p, german, "en")
    open_row(page, src)
    click(page, f"rev-{seg.id}")
    with Project.open(directory) as p:
        assert p.segment(seg.id).status == "reviewed"
    assert row(page, src).locator(".bx-reviewed").count() == 1
    assert "1/13 reviewed" in page.locator("[data-testid='stProgress']").first.inner_text()


def test_merge_two_links(app):
    srv, page, directory = app
    german = "Haben Sie ihn angerufen oder hat er Sie angerufen?"
    src = source_id(directory, german)
    with Project.open(directory) as p:
        link = next(l for l in p.links("en") if src in l.src_ids)
    open_row(page, src)
    click(page, f"merge-{link.id}")
    with Project.open(directory) as p:
        merged = next(l for l in p.links("en") if src in l.src_ids)
    assert len(merged.src_ids) == 2
    # One row now holds both German sentences.
    text = row(page, src).inner_text()
    assert german in text and "Wie kam es zu diesem Treffen?" in text
    screenshot(page, "03-merged-link")


def test_export_tmx_download(app, tmp_path):
    srv, page, directory = app
    button(page, "open_export").click()
    wait_idle(page)
    page.wait_for_selector("[role='dialog'] .st-key-exp_dl")
    screenshot(page, "04-export-panel")
    with page.expect_download() as info:
        button(page, "exp_dl").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "davos_interview_de.de-en-zh.tmx"
    root = ElementTree.fromstring(path.read_bytes())
    texts = [seg.text for seg in root.iter("seg")]
    assert "Welcome back to Davos, Mr Ma!" in texts and WELCOME in texts
    assert len(root.findall("./body/tu")) >= 12
    # Esc closes a dialog, as it closes the row editor (here the focus has left the
    # dialog for the download).
    page.keyboard.press("Escape")
    wait_idle(page)
    assert page.locator("[role='dialog']").count() == 0
    button(page, "open_import").click()
    wait_idle(page)
    page.wait_for_selector("[role='dialog'] .st-key-imp_go")
    page.keyboard.press("Escape")
    wait_idle(page)
    assert page.locator("[role='dialog']").count() == 0


def test_missing_model_is_explained(app):
    srv, page, directory = app
    page.get_by_text("Machine translation", exact=True).first.click()   # opens, no rerun
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("is not on disk").first.wait_for()
    assert "is not on disk" in sidebar.inner_text()
    assert "bitext models pull" not in sidebar.inner_text()   # a button, not a terminal command
    sidebar.locator(".st-key-dl-en button").click()
    page.wait_for_selector("[data-testid='stSidebar'] [data-testid='stAlertContentError']")
    settle(page)        # the download's run is over: the next wait is for the next run
    error = sidebar.locator("[data-testid='stAlertContentError']").inner_text()
    assert error.strip() == ("cannot download Helsinki-NLP/opus-mt-de-en: the Hugging Face Hub "
                             "is not reachable (offline?)")
    screenshot(page, "05-no-model")


def test_search_and_weak_links_views(app):
    srv, page, directory = app
    page.locator(".st-key-q input").fill("Trump")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert page.locator(".bx-row mark").count() >= 3
    screenshot(page, "06-search")
    page.locator(".st-key-q input").fill("")
    page.keyboard.press("Enter")
    wait_idle(page)
    # The reference translations are linked without an alignment score, as machine ones
    # are: the weak-links view says why it is empty instead of a bare "nothing matches".
    page.locator(".st-key-low label").first.click()
    wait_idle(page)
    assert "have no alignment score" in page.locator("[data-testid='stMain']").inner_text()
    screenshot(page, "07-weak-links")
    page.locator(".st-key-low label").first.click()
    wait_idle(page)
    assert page.locator(".bx-row[data-row]").count() >= 10
