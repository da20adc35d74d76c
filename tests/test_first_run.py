"""The first run: `make app` runs `bitext prepare` (fetch the default models with a progress
bar, translate the project into English and Chinese, resumable), then opens the reader; the
app's Download button runs the same pull. The Hugging Face Hub is stood in for by a local
mirror (tests/hub_mirror.py) serving the tiny MarianMT under the real model ids, so
huggingface_hub's own download code runs; "offline" is an address that refuses connections.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from align.cli import main
from align.store import Project
from align.text.document import Document
from models import app_services as svc
from models import hub
from models.marian import GenerationSettings
from models.prepare import models_to_pull, prepare_project
from tests.conftest import ROOT, gold_document
from tests.hub_mirror import COMMIT, HubMirror
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

UNREACHABLE = "http://127.0.0.1:9"   # the discard port: connection refused at once
FAST = ["--max-length", "8", "--threads", "1"]
SHORT = GenerationSettings(max_length=8)


@pytest.fixture(scope="module")
def hub_models():
    """The two default models of `make app` (de-en, en-zh), as tiny MarianMTs."""
    return {"Helsinki-NLP/opus-mt-de-en": cached_tiny_marian(),
            "Helsinki-NLP/opus-mt-en-zh": cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS,
                                                             seed=1)}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty model cache and no model folders of one's own: a fresh machine."""
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("BITEXT_MODELS", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    svc._status_cache.clear()
    yield tmp_path
    svc._status_cache.clear()


def small_project(directory: Path, sentences: int = 20) -> Path:
    """The interview's first turns (a random-weight model is slow on the whole of it)."""
    gold = gold_document()
    blocks, count = [], 0
    for block in gold.blocks:
        blocks.append(block)
        count += len(block.sentences)
        if count >= sentences:
            break
    with Project.create(directory) as p:
        p.import_document(Document(blocks, lang="de", speakers=gold.speakers, title="t"), "t.txt", "t")
    return directory


@contextmanager
def terminal(columns: int = 100):
    """A pseudo-terminal for a child's stderr, and the text written to it (read as it comes,
    so the child never blocks on a full buffer)."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    screen: list[str] = []

    def read() -> None:
        while True:
            try:
                data = os.read(main_fd, 4096)
            except OSError:          # the child side closed
                return
            if not data:
                return
            screen.append(data.decode("utf-8", "replace"))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield child_fd, screen
    finally:
        os.close(child_fd)
        reader.join(10)
        os.close(main_fd)


def missing(directory: Path) -> dict[str, int]:
    with Project.open(directory) as p:
        return {lang: len(p.segments_needing_translation(lang)) for lang in ("en", "zh")}


# ----- the pull with byte progress ------------------------------------------------------------
def test_pull_reports_bytes_from_the_calling_thread(env, hub_models):
    import threading

    calls = []
    me = threading.get_ident()
    with HubMirror(hub_models, chunk_delay=0.05) as mirror:
        ref = hub.pull("de-en", env / "cache", endpoint=mirror.url,
                       on_bytes=lambda done, total: calls.append((done, total, threading.get_ident())))
    weights = (hub_models["Helsinki-NLP/opus-mt-de-en"] / "model.safetensors").stat().st_size
    assert ref.revision == COMMIT and (ref.path / "model.safetensors").stat().st_size == weights
    total = calls[-1][1]
    assert total >= weights and calls[-1][0] == total and calls[0][0] == 0
    assert {t for _, _, t in calls} == {me}                 # Streamlit needs its own thread
    assert any(0 < done < total for done, _, _ in calls)    # it moved while downloading
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)


def test_pull_offline_is_one_short_line(env):
    with pytest.raises(hub.HubUnreachableError) as err:
        hub.pull("en-zh", env / "cache", endpoint=UNREACHABLE, on_bytes=lambda d, t: None)
    assert err.value.short == ("cannot download Helsinki-NLP/opus-mt-en-zh: the Hugging Face Hub "
                               "is not reachable (offline?)")


# ----- bitext prepare: what `make app` runs before the reader opens ---------------------------
def test_prepare_pulls_translates_and_the_second_run_starts_at_once(env, hub_models):
    directory = small_project(env / "proj")
    before = missing(directory)
    assert before["en"] > 0 and before["zh"] > 0
    assert models_to_pull("de", ["en", "zh"], cache=env / "cache") == list(hub_models)
    with HubMirror(hub_models) as mirror:
        command = [sys.executable, "-m", "align.cli", "prepare", str(directory), *FAST]
        run_env = {**os.environ, "HF_ENDPOINT": mirror.url, "PYTHONPATH": str(ROOT)}
        # stderr on a terminal 100 columns wide, as under `make app`: the progress bars show.
        with terminal() as (tty, screen):
            first = subprocess.run(command, stdout=subprocess.PIPE, stderr=tty, text=True,
                                   env=run_env, cwd=ROOT, timeout=300)
        assert first.returncode == 0, screen
        bars = "".join(screen).replace("\r", "\n")
        assert re.search(r"downloading Helsinki-NLP/opus-mt-de-en: 100%\|█+\| \d+k/\d+k", bars), bars
        assert re.search(r"translating into zh: 100%\|█+\| \d+/\d+", bars), bars
        assert "downloaded Helsinki-NLP/opus-mt-de-en" in first.stdout
        assert "downloaded Helsinki-NLP/opus-mt-en-zh" in first.stdout
        assert f"en: {before['en']} translated" in first.stdout
        assert f"zh: {before['zh']} translated" in first.stdout
        assert missing(directory) == {"en": 0, "zh": 0}    # all three columns filled
        asked = len(mirror.requests)

        start = time.perf_counter()
        second = subprocess.run(command, capture_output=True, text=True, env=run_env, cwd=ROOT,
                                timeout=120)
        elapsed = time.perf_counter() - start
    assert second.returncode == 0, second.stderr
    assert "every sentence has a translation in en, zh" in second.stdout
    assert len(mirror.requests) == asked          # the Hub is not even asked
    assert elapsed < 15, elapsed                  # no model loaded (about 1 s; loaded CI slack)
    with Project.open(directory) as p:
        origin = p.target_segments("zh")[0].origin_detail
    assert origin["route"] == ["de-en", "en-zh"]
    assert origin["steps"][0]["model"] == "Helsinki-NLP/opus-mt-de-en"


def test_prepare_resumes_an_interrupted_translation(env, hub_models, monkeypatch):
    """Stopped after the English (Ctrl-C during `make app`): the next run does the rest and
    translates no English twice."""
    from models import project_translate as pt

    directory = small_project(env / "proj")
    with HubMirror(hub_models) as mirror:
        real = pt.translate_project

        def english_then_stop(project, langs, **kw):
            if list(langs) == ["zh"]:
                raise KeyboardInterrupt
            return real(project, langs, **kw)
        monkeypatch.setattr(pt, "translate_project", english_then_stop)
        with pytest.raises(KeyboardInterrupt):
            prepare_project(directory, endpoint=mirror.url, cache=env / "cache", threads=1,
                            settings=SHORT)
        left = missing(directory)
        assert left["en"] == 0 and left["zh"] > 0
        monkeypatch.setattr(pt, "translate_project", real)
        result = prepare_project(directory, endpoint=mirror.url, cache=env / "cache", threads=1,
                                 settings=SHORT)
    assert result.pulled == []                     # the models came with the first run
    assert result.translated == {"en": 0, "zh": left["zh"]}
    assert missing(directory) == {"en": 0, "zh": 0}


def test_prepare_offline_says_why_in_one_line_and_succeeds(env, capsys, monkeypatch):
    directory = small_project(env / "proj")
    before = missing(directory)
    monkeypatch.setenv("HF_ENDPOINT", UNREACHABLE)
    assert main(["prepare", str(directory)]) == 0          # make app goes on to open the reader
    out = capsys.readouterr().out.splitlines()
    assert out == ["no machine translation yet: cannot download Helsinki-NLP/opus-mt-de-en: the "
                   "Hugging Face Hub is not reachable (offline?); the reader opens without it "
                   "(its Download button fetches the models later)"]
    assert missing(directory) == before


def test_prepare_uses_model_folders_of_ones_own_without_the_hub(env, hub_models, monkeypatch):
    directory = small_project(env / "proj", sentences=8)
    de_en, en_zh = hub_models.values()
    monkeypatch.setenv("BITEXT_MODELS", f"de-en={de_en},en-zh={en_zh}")
    monkeypatch.setenv("HF_ENDPOINT", UNREACHABLE)
    assert main(["prepare", str(directory), *FAST]) == 0
    assert missing(directory) == {"en": 0, "zh": 0}
    assert main(["prepare", str(env / "no-project")]) == 2


def test_make_app_prepares_before_it_opens_the_reader():
    plan = subprocess.run(["make", "-n", "app"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60).stdout
    prepare = plan.find("bitext prepare data/projects/davos")
    assert 0 <= prepare < plan.find("streamlit run app.py")


# ----- the app's Download button --------------------------------------------------------------
@pytest.fixture
def app_project(env, monkeypatch):
    directory = small_project(env / "davos", sentences=8)
    monkeypatch.setenv("BITEXT_PROJECT", str(directory))
    return directory


def start() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_download_button_offline_shows_the_one_line_reason(app_project, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", UNREACHABLE)
    at = start()
    assert at.button(key="dl-zh").label == "Download"
    at.button(key="dl-zh").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "cannot download Helsinki-NLP/opus-mt-de-en: the Hugging Face Hub is not reachable (offline?)"]
    assert at.button(key="dl-zh").label == "Download"   # still offered: try again when online


def test_download_button_fetches_the_route_then_translation_is_offered(app_project, env, hub_models,
                                                                       monkeypatch):
    with HubMirror(hub_models) as mirror:
        monkeypatch.setenv("HF_ENDPOINT", mirror.url)
        at = start()
        at.button(key="dl-zh").click().run()
        assert not at.exception, at.exception
    # German -> English -> Chinese: both models of the route are on disk now.
    assert {m.model_id for m in hub.list_models(env / "cache")} == set(hub_models)
    assert any("Downloaded Helsinki-NLP/opus-mt-de-en, Helsinki-NLP/opus-mt-en-zh" in t.proto.body
               for t in at.toast)
    keys = {b.key for b in at.button}
    assert {"tr-en", "tr-zh"} <= keys and not {"dl-en", "dl-zh"} & keys
