"""An import of a translation running in a worker thread (`models.background`), so that the
app can show its progress and cancel it while it runs.

    job = ImportJob(project_dir, raw, name, "en")   # starts at once
    job.stage, job.fraction                          # what it is doing, how far (0..1)
    job.cancel()                                     # stops at its next progress report
    job.done.wait(); job.result or job.error         # an ImportResult, or the BitextError

Nothing is saved before the import's last stage, so a cancelled or failed import leaves the
project exactly as it was.
"""
from __future__ import annotations

from pathlib import Path

from models.background import BackgroundJob


class ImportJob(BackgroundJob):
    def __init__(self, project_dir: str | Path, raw: bytes, name: str, lang: str, *,
                 force: bool = False):
        from models.app_services import import_translation

        self.name_of_file, self.lang, self.force = name, lang, force

        def work(project, report):
            return import_translation(project, raw, name, lang, force=force, progress=report)

        super().__init__(project_dir, work, name="the import", title=f"Importing {name}",
                         summary=lambda result: result.summary())
