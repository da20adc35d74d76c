"""Long work in the app, in Chromium: the import of a translation, a machine translation and
a re-alignment each show a progress bar that says what they do, and Cancel stops them with
the project exactly as it was (issue 21)."""
from __future__ import annotations

import sqlite3

import pytest

from align.store import DB_NAME
from tests.browser_util import AppServer, browser, button, open_app, settle, wait_idle
from tests.conftest import make_interview_project


def dump(directory) -> list[str]:
    with sqlite3.connect(directory / DB_NAME) as db:
        return list(db.iterdump())


def isolated_env(tmp_path) -> dict[str, str]:
    """An empty vector cache and no models: every sentence is encoded live."""
    return {"BITEXT_EMBED_CACHE": str(tmp_path / "empty-cache.sqlite"),
            "BITEXT_CACHE": str(tmp_path / "no-models"), "BITEXT_MODELS": ""}


def open_import_dialog(page, url: str) -> None:
    open_app(page, url)
    button(page, "open_import").click()
    wait_idle(page)


def start_import(page, translation) -> None:
    """Upload `translation` as the current project's English and press Import and align."""
    page.locator(".st-key-imp_tr input[type='file']").set_input_files(str(translation))
    wait_idle(page)
    button(page, "imp_tr_go").click()


def test_a_long_import_shows_progress_and_cancel_leaves_the_project_as_it_was(tmp_path):
    directory = make_interview_project(tmp_path / "interview")
    translation = tmp_path / "english.txt"
    # sentences no cache holds: the live e5 encode takes minutes, long enough to cancel
    translation.write_text("\n".join(f"Sentence {k} of this test speaks of {k * 7919 % 1000} "
                                     f"people." for k in range(400)), encoding="utf-8")
    before = dump(directory)
    with AppServer(directory, env=isolated_env(tmp_path)) as srv, browser() as page:
        open_import_dialog(page, srv.url)
        start_import(page, translation)
        bar = page.locator("[role='dialog'] [data-testid='stProgress']")
        encoding = bar.filter(has_text="encoding sentences").first
        encoding.wait_for(timeout=180_000)
        assert " of " in encoding.inner_text()   # "encoding sentences: 64 of 695"
        button(page, "imp_tr_cancel").click()
        page.get_by_text("Import cancelled: nothing was changed.").wait_for(timeout=120_000)
        wait_idle(page, timeout=60_000)
        assert bar.count() == 0 and button(page, "imp_tr_go").is_visible()
    assert dump(directory) == before


def test_a_translation_far_longer_than_the_german_is_refused_naming_the_checkbox(tmp_path):
    from models.app_services import FORCE_LABEL

    directory = make_interview_project(tmp_path / "interview")
    translation = tmp_path / "hello.txt"
    translation.write_text("Hello world. " * 20_000, encoding="utf-8")
    before = dump(directory)
    with AppServer(directory, env=isolated_env(tmp_path)) as srv, browser() as page:
        open_import_dialog(page, srv.url)
        dialog = page.locator("[role='dialog']")
        assert FORCE_LABEL in dialog.inner_text()
        start_import(page, translation)
        error = dialog.locator("[data-testid='stAlertContentError']")
        error.wait_for(timeout=60_000)
        text = error.inner_text()
        assert "times as long as the project's source text" in text
        assert f'the "{FORCE_LABEL}" checkbox' in text and "nothing was changed" in text
    assert dump(directory) == before


def test_an_import_that_runs_to_the_end_closes_the_dialog_and_says_what_it_did(tmp_path):
    from align.store import Project

    directory = make_interview_project(tmp_path / "interview")
    translation = tmp_path / "english.txt"
    translation.write_text("Welcome to Davos.\nThank you very much.\n", encoding="utf-8")
    with AppServer(directory, env=isolated_env(tmp_path)) as srv, browser() as page:
        open_import_dialog(page, srv.url)
        start_import(page, translation)
        page.get_by_text("imported 2 en sentences from english.txt").wait_for(timeout=300_000)
        wait_idle(page, timeout=60_000)
        assert page.locator("[role='dialog']").count() == 0
    with Project.open(directory) as p:
        assert [t.text for t in p.target_segments("en")] == ["Welcome to Davos.",
                                                             "Thank you very much."]


# ----- Translate and Re-align: progress and Cancel (issue 21) -------------------------------
def german(n: int, per_paragraph: int) -> str:
    """`n` German sentences no cache holds, `per_paragraph` to a paragraph (a block)."""
    sentences = [f"Satz {k} dieses Tests spricht von {k * 7919 % 1000} Menschen." for k in range(n)]
    return "\n\n".join(" ".join(sentences[k:k + per_paragraph])
                       for k in range(0, n, per_paragraph)) + "\n"


def progress_shows(page, pattern: str, timeout: float) -> None:
    """Wait for the job's progress bar to say `pattern` (a regular expression): the app's
    state, not a time."""
    page.wait_for_function(
        """(pattern) => [...document.querySelectorAll("[data-testid='stProgress']")]
               .some(el => new RegExp(pattern).test(el.innerText))""", arg=pattern,
        timeout=timeout)


@pytest.fixture(scope="module")
def tiny_de_en(tmp_path_factory):
    from tests.tiny_marian import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny") / "de-en")


def test_translate_shows_progress_and_cancel_leaves_the_project_as_it_was(tmp_path, tiny_de_en):
    from align.imports.source import import_text

    directory = tmp_path / "long"
    # 1,200 sentences: the tiny model takes a second or more per 32, long enough to cancel
    import_text(german(1200, 10), directory, "long.txt")
    before = dump(directory)
    env = {**isolated_env(tmp_path), "BITEXT_MODELS": f"de-en={tiny_de_en}"}
    with AppServer(directory, env=env) as srv, browser() as page:
        open_app(page, srv.url)
        page.locator("[data-testid='stExpander'] summary").filter(has_text="Machine translation").click()
        button(page, "tr-en").wait_for(timeout=60_000)
        button(page, "tr-en").click()
        # Some chunks translated (held in memory, nothing saved yet), the rest to come.
        progress_shows(page, r"Translating into English · translating: [1-9][\d,]* of 1,200",
                       timeout=300_000)
        assert button(page, "tr-en").is_disabled()    # one job at a time
        button(page, "job_cancel").click()
        page.get_by_text("The translation was cancelled: nothing was changed.").wait_for(
            timeout=120_000)
        settle(page, timeout=60_000)
        assert page.locator("[data-testid='stProgress']").filter(has_text="Translating").count() == 0
        assert button(page, "tr-en").is_enabled()
    assert dump(directory) == before


def test_realign_shows_progress_and_cancel_leaves_the_project_as_it_was(tmp_path):
    from align.imports.source import import_text
    from align.store import Project

    directory = tmp_path / "turn"
    import_text(german(300, 300), directory, "turn.txt")   # one block of 300 sentences
    with Project.open(directory) as p:
        sources = p.source_segments()
        for k, s in enumerate(sources):
            p.set_machine_translation(s.id, "en", f"Sentence {k} of this test speaks of "
                                                  f"{k * 7919 % 1000} people.", {"model": "test"})
    first = sources[0].id
    before = dump(directory)
    with AppServer(directory, env=isolated_env(tmp_path)) as srv, browser() as page:
        open_app(page, srv.url)
        page.locator(f".bx-row[data-row='{first}']").click()
        wait_idle(page)
        button(page, f"realign-en-{first}").click()
        # 600 sentences no cache holds: the live encode reports every 64 of them.
        progress_shows(page, r"Re-aligning this turn \(English\) · encoding sentences: "
                             r"[1-9][\d,]* of", timeout=300_000)
        button(page, "job_cancel").click()
        page.get_by_text("The re-alignment was cancelled: nothing was changed.").wait_for(
            timeout=120_000)
        settle(page, timeout=60_000)
        assert button(page, f"realign-en-{first}").is_enabled()
    assert dump(directory) == before
