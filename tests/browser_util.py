"""Run the reader in a real browser: start `streamlit run app.py` on a free local port and
drive Debian's Chromium through Playwright (Playwright's own browser download is not used).

Used by tests/test_browser.py and bench/bench_app.py.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("BITEXT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Widgets are code-split and drawn as skeletons until their script has arrived.
NO_SKELETON = "() => !document.querySelector(\"[data-testid='stSkeleton']\")"
# After a rerun, elements of the previous run linger (marked stale) for a moment.
NO_STALE = "() => !document.querySelector(\"[data-stale='true']\")"
# Script runs the page has seen finish, counted from the app's own messages (Streamlit's
# `script_finished` on its websocket): `wait_idle` waits for a run newer than the last one it
# waited for, not for a guess of how long a run takes to begin on a busy machine. (The
# page's "running" attribute is no count: a quick run may never show in the DOM.)
_RUNS: dict[int, list[int]] = {}     # id(page) -> [runs finished, runs waited for]


def _count_runs(page) -> None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    counts = _RUNS.setdefault(id(page), [0, 0])
    done = {ForwardMsg.ScriptFinishedStatus.Value(name) for name in (
        "FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")}

    def frame(data) -> None:
        if not isinstance(data, (bytes, bytearray)):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(bytes(data))
        except Exception:      # not one of the app's messages
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished in done:
            counts[0] += 1

    page.on("websocket", lambda ws: ws.on("framereceived", frame))


def chromium_path() -> str:
    """The Chromium binary, or a clear failure (browser tests never skip)."""
    path = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if not path:
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: install Debian's chromium "
                           f"(`make browser`, or `apt-get install chromium`)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`streamlit run app.py` against one project folder, bound to 127.0.0.1."""

    def __init__(self, project_dir: Path, env: dict | None = None, app: Path | None = None):
        self.app = Path(app or ROOT / "app.py")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = ARTIFACTS / "streamlit.log"  # the last server's output, for failures
        self.project_dir = Path(project_dir)
        self.env = {**os.environ, "BITEXT_PROJECT": str(project_dir), **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> "AppServer":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "streamlit", "run", str(self.app),
               "--server.address", "127.0.0.1", "--server.port", str(self.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
        self._log = self.log.open("w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited ({self.proc.returncode}); see {self.log}:\n"
                                   + self.log.read_text()[-2000:])
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} within {timeout:.0f}s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def browser(viewport=(1440, 900)):
    """A Playwright page in headless Chromium (laptop-sized window)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            context = b.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                    accept_downloads=True)
            page = context.new_page()
            _count_runs(page)
            yield page
        finally:
            b.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script run that an interaction started has finished: a run newer than
    the one the last wait saw must have finished (later on a busy machine), then the page
    must settle. Only for interactions that rerun the script; for one that does not, wait
    for what it shows instead (`settle`)."""
    counts = _RUNS[id(page)]
    deadline = time.monotonic() + timeout / 1000
    while counts[0] <= counts[1]:
        if time.monotonic() > deadline:
            raise AssertionError("no script run finished after this interaction: it does not "
                                 "rerun the app; wait for what it shows instead")
        page.wait_for_timeout(20)      # lets Playwright deliver the app's messages
    settle(page, timeout)


def settle(page, timeout: float = 30_000) -> None:
    """Wait until no script run is going on and the page shows its last run's result (no
    skeletons, no stale elements); every run finished so far counts as waited for."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(NO_SKELETON, timeout=timeout)
    page.wait_for_function(NO_STALE, timeout=timeout)
    counts = _RUNS.get(id(page))
    if counts is not None:
        counts[1] = counts[0]


def open_app(page, url: str, timeout: float = 60_000) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".bx-row", timeout=timeout)
    settle(page, timeout)


def button(page, key: str):
    """The button of the widget with `key`. A button with a tooltip is drawn twice (one
    copy only measures the width), so take the visible one."""
    return page.locator(f".st-key-{key} button:visible").first


def screenshot(page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
