"""A long piece of work that reports its stages and can be stopped between them.

The import of a translation reads, encodes (minutes on a busy machine), aligns and saves, in
that order; nothing is saved before the last stage, so stopping at any report before it
leaves the project exactly as it was. The caller shows the reports (a progress bar, a log
line) and cancels from another thread or a button; the work raises `Cancelled` at its next
report.
"""
from __future__ import annotations

import threading
from typing import Callable

from align.errors import BitextError

Show = Callable[[str, float | None], None]   # (what it is doing, fraction done or None)


class Cancelled(BitextError):
    """The person stopped the work; nothing was saved."""


class Job:
    """Progress reports with a cancel token: call it as `job(stage, done, total)`."""

    def __init__(self, show: Show | None = None, name: str = "the import"):
        self._cancel = threading.Event()
        self.show = show
        self.name = name
        self.stages: list[str] = []

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def __call__(self, stage: str, done: int = 0, total: int = 0) -> None:
        self._stop_if_cancelled()
        self.stages.append(stage)
        if self.show is not None:
            self.show(stage, done / total if total else None)
        self._stop_if_cancelled()   # a cancel while this stage was shown stops before it runs

    def _stop_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled(f"{self.name} was cancelled; nothing was changed")
