"""Import a German text into a project: read, segment, then store.

Everything that can fail on bad input (reading, decoding, segmenting) happens before the
project is touched, so a bad file never leaves a partial project behind.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from align.store import ImportReport, Project


def import_text(text: str, project_dir: str | os.PathLike, source_name: str,
                lang: str = "de") -> ImportReport:
    """Segment `text` and store it (create the project, or re-import keeping translations)."""
    from align.segment import segment_document
    from align.textio import normalize_text

    text = normalize_text(text, source_name)
    doc = segment_document(text, lang=lang, title=Path(source_name).stem)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    project_dir = Path(project_dir)
    if Project.exists(project_dir):
        with Project.open(project_dir) as project:
            return project.import_document(doc, source_name, sha)
    created_dir = not project_dir.exists()
    try:
        with Project.create(project_dir) as project:
            return project.import_document(doc, source_name, sha)
    except BaseException:
        # No partial project: remove what this call created.
        if created_dir:
            shutil.rmtree(project_dir, ignore_errors=True)
        else:
            for name in ("project.sqlite", "project.sqlite-wal", "project.sqlite-shm"):
                (project_dir / name).unlink(missing_ok=True)
        raise


def import_file(path: str | os.PathLike, project_dir: str | os.PathLike,
                lang: str = "de") -> ImportReport:
    from align.textio import read_text_file

    text = read_text_file(path)
    return import_text(text, project_dir, Path(path).name, lang=lang)
