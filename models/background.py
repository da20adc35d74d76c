"""Long work on a project in a worker thread, so that the app can show its progress and
cancel it while it runs (a Streamlit script that runs the work itself cannot take a click
until it ends: a button's click waits behind the running script).

    job = BackgroundJob(project_dir, work, name="the translation")   # starts at once
    job.stage, job.fraction        # what it is doing, how far (0..1)
    job.cancel()                   # stops at the work's next progress report
    job.done.wait(); job.result or job.error    # what `work` returned, or the error

`work(project, report)` gets its own connection to the project (SQLite connections stay in
the thread that made them) and `report`, an `align.jobs.Job` to call as
`report(stage, done, total)`: it raises `Cancelled` once Cancel was pressed. The work saves
nothing before its last report (the import, the translation and the re-alignment all write
in one transaction at the end), so a cancelled or failed job leaves the project exactly as
it was. Used by the import of a translation (`models.import_job`), Translate and Re-align.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from align.errors import BitextError
from align.jobs import Cancelled, Job

log = logging.getLogger(__name__)

Work = Callable[[Any, Job], Any]     # (Project, report) -> result


class BackgroundJob:
    def __init__(self, project_dir: str | Path, work: Work, *, name: str,
                 title: str = "", summary: Callable[[Any], str] | None = None):
        self.project_dir = Path(project_dir)
        self.name = name                   # "the translation": what Cancel stops
        self.title = title                 # what the progress bar says it is doing
        self._summary = summary
        self._work = work
        self.stage = "Starting…"
        self.started = time.monotonic()
        self.fraction = 0.0
        self.result = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self._job = Job(self._show, name=name)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _show(self, stage: str, fraction: float | None) -> None:
        self.stage = stage
        if fraction is not None:
            self.fraction = min(max(fraction, 0.0), 1.0)

    def _run(self) -> None:
        from align.store import Project

        try:
            with Project.open(self.project_dir) as project:
                self.result = self._work(project, self._job)
        except BitextError as exc:
            self.error = exc
        except Exception as exc:  # a bug: shown as one line, logged in full
            log.exception("%s failed", self.name)
            self.error = exc
        finally:
            self._work = None     # what the work held (an uploaded file) is let go
            self.done.set()

    @property
    def elapsed(self) -> float:
        """Seconds since the work began (shown beside a stage that runs long)."""
        return time.monotonic() - self.started

    def cancel(self) -> None:
        self._job.cancel()

    @property
    def cancelled(self) -> bool:
        return isinstance(self.error, Cancelled)

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)

    def summary(self) -> str:
        """One line for the person once the work is over: what it did, that it was
        cancelled, or why it failed."""
        if not self.done.is_set():
            return f"{self.title or self.name}: {self.stage}"
        if self.cancelled:
            return f"{self.name[0].upper()}{self.name[1:]} was cancelled: nothing was changed."
        if self.error is not None:
            return str(self.error)
        return self._summary(self.result) if self._summary else "Done."
