"""In headless Chromium: a suggested link looks different, and Accept / Reject in the row's
editor make it a normal link or unlink its sentences (saved, recorded in the history); a
mistaken Reject is taken back with Undo."""
from __future__ import annotations

import pytest

from align.imports.source import import_text as import_source
from align.imports.translation import import_text
from align.store import Project
from tests.browser_util import AppServer, browser, button, open_app, screenshot, wait_idle
from tests.conftest import INTERVIEW
from tests.test_suggestions import ENGLISH, GERMAN, scripted_aligner

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("suggestions") / "davos"
    import_source(INTERVIEW.read_text(encoding="utf-8"), directory, INTERVIEW.name)
    with Project.open(directory) as p:
        assert import_text(p, "\n".join(ENGLISH) + "\n", "en", "en.txt", scripted_aligner).suggested == 2
    empty_cache = tmp_path_factory.mktemp("no-models")
    with AppServer(directory, env={"BITEXT_CACHE": str(empty_cache), "BITEXT_MODELS": ""}) as srv:
        with browser() as page:
            open_app(page, srv.url)
            yield page, directory


def state(directory, german: str):
    """(source id, the English link holding it or None)."""
    with Project.open(directory) as p:
        src = next(s.id for s in p.source_segments() if s.text == german)
        return src, next((l for l in p.links("en") if src in l.src_ids), None)


def open_and_click(page, src: str, key: str) -> None:
    page.locator(f".bx-row[data-row='{src}']").click()
    wait_idle(page)
    button(page, key).click()
    wait_idle(page)


def test_accept_and_reject_a_suggestion(app):
    page, directory = app
    src, link = state(directory, GERMAN[1])
    row = page.locator(f".bx-row[data-row='{src}']")
    assert link.suggested and row.locator(".bx-suggested").count() == 1
    assert page.locator(f".bx-row[data-row='{state(directory, GERMAN[0])[0]}'] .bx-suggested").count() == 0
    row.scroll_into_view_if_needed()
    screenshot(page, "suggestion-shown")
    open_and_click(page, src, f"accept-{link.id}")
    _, accepted = state(directory, GERMAN[1])
    assert accepted.id == link.id and not accepted.suggested and accepted.fixed
    assert row.locator(".bx-suggested").count() == 0 and ENGLISH[1] in row.inner_text()

    src, link = state(directory, GERMAN[3])
    open_and_click(page, src, f"reject-{link.id}")
    assert state(directory, GERMAN[3])[1] is None
    row = page.locator(f".bx-row[data-row='{src}']")
    assert "not translated" in row.inner_text() and row.locator(".bx-suggested").count() == 0
    with Project.open(directory) as p:
        actions = [h.action for h in p.history(limit=10)]
    assert "accept-suggestion" in actions and "reject-suggestion" in actions
    screenshot(page, "suggestion-decided")


def test_a_mistaken_reject_is_undone(app):
    page, directory = app
    # GERMAN[3] was rejected above (its editor is still open): the row offers the undo.
    src, link = state(directory, GERMAN[3])
    assert link is None
    with Project.open(directory) as p:
        decision = p.last_decision("en", [src])
    if page.locator(f".st-key-editor-{src}").count() == 0:
        page.locator(f".bx-row[data-row='{src}']").click()
        wait_idle(page)
    undo = button(page, f"undo-decision-{decision.history_id}")
    assert undo.inner_text().strip() == "↶ Undo reject"
    undo.click()
    wait_idle(page)
    _, back = state(directory, GERMAN[3])
    assert back.id == decision.link_id and back.suggested
    row = page.locator(f".bx-row[data-row='{src}']")
    assert row.locator(".bx-suggested").count() == 1 and ENGLISH[3] in row.inner_text()
    assert button(page, f"reject-{back.id}").count() == 1
