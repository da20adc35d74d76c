"""Import a German text into a project: read, segment, then store.

Everything that can fail on bad input (reading, decoding, segmenting) happens before the
project is touched, so a bad file never leaves a partial project behind. A new project is
built in a hidden folder beside its destination and moved into place only when complete,
so not even a crash (SIGKILL, power loss) mid-import leaves a half-made project.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from align.text.document import Document
from align.errors import InputError, ProjectError
from align.store import DB_NAME, ImportReport, Project


def import_document(doc: Document, project_dir: str | os.PathLike, source_name: str,
                    source_sha256: str) -> ImportReport:
    """Store a segmented document: create the project, or re-import keeping translations."""
    if not any(block.sentences for block in doc.blocks):
        raise InputError(f"{source_name}: no sentences found in the text")
    project_dir = Path(project_dir)
    if Project.exists(project_dir):
        with Project.open(project_dir) as project:
            return project.import_document(doc, source_name, source_sha256)
    if project_dir.exists() and not project_dir.is_dir():
        raise ProjectError(f"{project_dir}: exists and is not a folder")
    try:
        project_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(project_dir)
        staging = Path(tempfile.mkdtemp(prefix=f".{project_dir.name}.importing-",
                                        dir=project_dir.parent))
    except OSError as exc:
        raise ProjectError(f"{project_dir}: cannot create the project folder here "
                           f"({exc.strerror or exc})") from None
    try:
        with Project.create(staging) as project:
            report = project.import_document(doc, source_name, source_sha256)
            # One self-contained file: fold the WAL in before the database is moved.
            project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            project.conn.execute("PRAGMA journal_mode=DELETE")
        _publish(staging / DB_NAME, project_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


STALE_STAGING_S = 3600  # an import still running after an hour is not plausible


def _remove_stale_staging(project_dir: Path) -> None:
    """Staging folders left by an import that was killed (they never hold a project)."""
    for old in project_dir.parent.glob(f".{project_dir.name}.importing-*"):
        try:
            if time.time() - old.stat().st_mtime > STALE_STAGING_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass


def _publish(db: Path, project_dir: Path) -> None:
    """Move a finished database into `project_dir` atomically (rename, then fsync)."""
    project_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(db, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    target = project_dir / DB_NAME
    try:
        os.link(db, target)  # unlike rename, never replaces a database that appeared meanwhile
    except FileExistsError:
        raise ProjectError(f"{project_dir}: a project appeared there during the import") from None
    fd = os.open(project_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    # Back in WAL mode for everyday use (a no-op check that the file opens).
    conn = sqlite3.connect(str(target))
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def import_text(text: str, project_dir: str | os.PathLike, source_name: str,
                lang: str = "de") -> ImportReport:
    """Segment `text` and store it (create the project, or re-import keeping translations)."""
    from align.text.languages import check_language
    from align.text.segment import segment_document
    from align.text.sections import title_of_text
    from align.text.textio import normalize_text

    lang = check_language(lang)
    text = normalize_text(text, source_name)
    doc = segment_document(text, lang=lang, title=Path(source_name).stem)
    # The book and the reader show the document's own title where it gives one.
    doc.title = title_of_text(text) or doc.title
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return import_document(doc, project_dir, source_name, sha)


def import_data(data: bytes, project_dir: str | os.PathLike, source_name: str,
                lang: str = "de") -> ImportReport:
    """Import a file's bytes: a document format (EPUB, DOCX, PDF, subtitles... see
    `align.text.readers`) is read by its reader, anything else is decoded as plain text."""
    from align.text.languages import check_language
    from align.text.readers import read_document
    from align.text.readers.structure import to_document
    from align.text.textio import decode_text

    read = read_document(data, source_name)
    if read is None:
        return import_text(decode_text(data, source_name), project_dir, source_name, lang=lang)
    doc = to_document(read, lang=check_language(lang), title=Path(source_name).stem)
    return import_document(doc, project_dir, source_name, hashlib.sha256(data).hexdigest())


def import_file(path: str | os.PathLike, project_dir: str | os.PathLike,
                lang: str = "de") -> ImportReport:
    from align.text.readers import size_limit
    from align.text.textio import read_user_bytes

    return import_data(read_user_bytes(path, size_limit(path)), project_dir, Path(path).name,
                       lang=lang)
