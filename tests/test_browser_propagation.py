"""Issue 12 end to end in headless Chromium: a correction made once is offered wherever the
same or nearly the same German comes back, and a person accepts it (one by one or all);
the model's confidence is shown per sentence and orders the page least confident first."""
from __future__ import annotations

import pytest

from align.imports.source import import_text
from align.store import Project
from tests.browser_util import AppServer, browser, button, open_app, screenshot, wait_idle
from tests.test_propagation import MT, TEXT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST = "Erzählen Sie uns von Sesame Credit."
TWIN = "Erzählen Sie uns von Sesame Credit!"             # near-identical (97%)
COUSIN = "Erzählen Sie uns bitte mehr von Sesame Credit."  # 85% or more
FAR = "Das Wetter in Davos ist kalt."                    # no match
CORRECTED = "Tell us about Sesame Credit."


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("propagation") / "p"
    import_text(TEXT, directory, "t.txt")
    with Project.open(directory) as p:
        sources = p.source_segments()
        for i, s in enumerate(sources):
            # Known confidences: the FAR sentence is the least confident of all.
            conf = -3.0 if s.text == FAR else -0.1 * (i + 1)
            p.set_machine_translation(s.id, "en", MT.get(s.text, f"EN {s.text}"),
                                      {"model": "m"}, confidence=conf)
    with AppServer(directory, env={"BITEXT_CACHE": str(tmp_path_factory.mktemp("c")),
                                   "BITEXT_MODELS": ""}) as srv:
        with browser() as page:
            open_app(page, srv.url)
            yield srv, page, directory


def ids(directory):
    with Project.open(directory) as p:
        src = {s.text: s.id for s in p.source_segments()}
        tgt = {}
        for link in p.links("en"):
            seg = p.segment(link.tgt_ids[0])
            tgt[link.src_ids[0]] = seg
    return src, tgt


def row(page, src_id):
    return page.locator(f".bx-row[data-row='{src_id}']")


def test_confidence_is_shown_and_orders_the_page(app):
    srv, page, directory = app
    src, _ = ids(directory)
    far = row(page, src[FAR])
    assert far.locator(".bx-conf-low").inner_text().strip() == "5%"    # exp(-3.0)
    assert row(page, src[FIRST]).locator(".bx-conf").inner_text().strip() == "90%"
    page.locator("[data-testid='stSidebar'] label").filter(has_text="least confident first").click()
    wait_idle(page)
    first = page.locator(".bx-row[data-row]").first
    assert first.get_attribute("data-row") == src[FAR]
    screenshot(page, "12-least-confident-first")
    page.locator("[data-testid='stSidebar'] label").filter(has_text="document").click()
    wait_idle(page)


def test_a_correction_is_offered_elsewhere_and_accepted(app):
    srv, page, directory = app
    src, tgt = ids(directory)
    assert row(page, src[TWIN]).locator(".bx-offer").count() == 0

    # Correct the first sentence.
    row(page, src[FIRST]).click()
    wait_idle(page)
    seg = tgt[src[FIRST]]
    page.locator(f".st-key-ta-{seg.id}-v{seg.version} textarea").fill(CORRECTED)
    button(page, f"save-{src[FIRST]}").click()
    wait_idle(page)

    # The near-identical sentences in other turns are offered it; nothing changed yet.
    assert "100%" not in row(page, src[TWIN]).locator(".bx-offer").inner_text()
    assert "1 suggested correction" in row(page, src[TWIN]).locator(".bx-offer").inner_text()
    assert row(page, src[COUSIN]).locator(".bx-offer").count() == 1
    assert row(page, src[FAR]).locator(".bx-offer").count() == 0
    _, tgt = ids(directory)
    assert tgt[src[TWIN]].text == MT[TWIN] and tgt[src[TWIN]].status == "mt"
    screenshot(page, "12-suggestion-offered")

    # Open the twin: the suggestion is in its editor; accept it.
    row(page, src[TWIN]).click()
    wait_idle(page)
    editor = page.locator(f".st-key-editor-{src[TWIN]}")
    assert CORRECTED in editor.locator(".bx-offer-line").inner_text()
    screenshot(page, "12-suggestion-in-editor")
    editor.locator("[class*='st-key-offer-ok-'] button:visible").first.click()
    wait_idle(page)
    _, tgt = ids(directory)
    assert tgt[src[TWIN]].text == CORRECTED and tgt[src[TWIN]].status == "edited"
    assert CORRECTED in row(page, src[TWIN]).inner_text()
    assert row(page, src[TWIN]).locator(".bx-offer").count() == 0

    # The rest at once.
    button(page, "offer-all").click()
    wait_idle(page)
    _, tgt = ids(directory)
    assert tgt[src[COUSIN]].text == CORRECTED
    assert tgt[src[FAR]].text == MT.get(FAR, f"EN {FAR}")
    assert page.locator(".bx-offer").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0
