"""An import of a translation running in a worker thread, so that the app can show its
progress and cancel it while it runs (a Streamlit script that runs the import itself cannot
take a click until it ends: a dialog's button click waits behind the running script).

    job = ImportJob(project_dir, raw, name, "en")   # starts at once
    job.stage, job.fraction                          # what it is doing, how far (0..1)
    job.cancel()                                     # stops at its next progress report
    job.done.wait(); job.result or job.error         # an ImportResult, or the BitextError

The worker opens its own connection to the project (SQLite connections stay in the thread
that made them). Nothing is saved before the import's last stage, so a cancelled or failed
import leaves the project exactly as it was.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from align.errors import BitextError
from align.jobs import Cancelled, Job

log = logging.getLogger(__name__)


class ImportJob:
    def __init__(self, project_dir: str | Path, raw: bytes, name: str, lang: str, *,
                 force: bool = False):
        self.project_dir, self.raw, self.name, self.lang, self.force = (
            Path(project_dir), raw, name, lang, force)
        self.stage = "Starting…"
        self.started = time.monotonic()
        self.fraction = 0.0
        self.result = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._job = Job(self._show)
        self._thread = threading.Thread(target=self._run, name=f"import {name}", daemon=True)
        self._thread.start()

    def _show(self, stage: str, fraction: float | None) -> None:
        self.stage = stage
        if fraction is not None:
            self.fraction = min(max(fraction, 0.0), 1.0)

    def _run(self) -> None:
        from align.store import Project
        from models.app_services import import_translation

        try:
            with Project.open(self.project_dir) as project:
                self.result = import_translation(project, self.raw, self.name, self.lang,
                                                 force=self.force, progress=self._job)
        except BitextError as exc:
            self.error = exc
        except Exception as exc:  # a bug: shown as one line, logged in full
            log.exception("import of %s failed", self.name)
            self.error = exc
        finally:
            self.raw = b""
            self.done.set()

    @property
    def elapsed(self) -> float:
        """Seconds since the import began (shown beside a stage that runs long)."""
        return time.monotonic() - self.started

    def cancel(self) -> None:
        self._job.cancel()

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, Cancelled)

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)
