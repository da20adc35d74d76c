"""The app's Import dialog in Chromium with a document: a DOCX made by pandoc uploaded as
the German source becomes a project with its headings and speakers, shown in the reader;
an encrypted PDF is refused in the dialog with its one-line reason."""
from __future__ import annotations

from pathlib import Path

import pytest

from align.store import Project
from tests.browser_util import AppServer, browser, button, open_app, wait_idle
from tests.conftest import make_gold_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA = Path(__file__).resolve().parent / "data" / "formats"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = make_gold_project(tmp_path_factory.mktemp("docs") / "davos")
    empty_cache = tmp_path_factory.mktemp("no-models")
    with AppServer(directory, env={"BITEXT_CACHE": str(empty_cache), "BITEXT_MODELS": ""}) as srv:
        with browser() as page:
            open_app(page, srv.url)
            yield page, directory


def upload_source(page, path: Path, name: str) -> None:
    button(page, "open_import").click()
    wait_idle(page)
    page.locator(".st-key-imp_file input[type='file']").set_input_files(str(path))
    wait_idle(page)
    page.locator(".st-key-imp_name input").fill(name)
    page.locator(".st-key-imp_name input").press("Tab")
    wait_idle(page)
    button(page, "imp_go").click()
    wait_idle(page)


def test_an_encrypted_pdf_is_refused_in_the_dialog(app):
    page, directory = app
    upload_source(page, DATA / "encrypted.pdf", "locked")
    dialog = page.locator("[role='dialog']")
    assert "the PDF is encrypted (password-protected)" in dialog.inner_text()
    assert not (directory.parent / "locked").exists()
    dialog.locator("button[aria-label='Close']").click()
    wait_idle(page)


def test_a_docx_uploaded_as_the_source_becomes_a_project_with_its_structure(app):
    page, directory = app
    upload_source(page, DATA / "interview.de.docx", "gespraech")
    target = directory.parent / "gespraech"
    page.wait_for_function(
        "() => document.body.innerText.includes('Wer schreibt, denkt nach.')", timeout=60_000)
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Lesen und Schreiben" in text and "Was bleibt" in text
    assert "Moderatorin" in text and "Berger" in text
    with Project.open(target) as p:
        assert [(b.kind, b.speaker) for b in p.blocks()] == [
            ("heading", None), ("heading", None), ("turn", "Moderatorin"), ("turn", "Berger"),
            ("heading", None), ("turn", "Moderatorin"), ("turn", "Berger")]
