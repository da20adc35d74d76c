"""The project store: one SQLite database per project folder, one public `Project`.

This module opens and creates projects; `Project` is assembled from one mixin per job:

- connection:    the connection, its lock, transactions, the edit history log
- schema:        tables, ids and timestamps, the health check of a database file
- rows:          the dataclasses handed out (SegmentRow, LinkRow, ...)
- reading:       reading the document, blocks, sentences, links and history
- source_import: the source text, first import and re-import keeping human work
- tracks:        machine translation writes, human translation import, orphans
- edits:         a person's edits of sentences, blocks and speaker merges
- redo:          taking back an undo
- links:         re-alignment and a person's merge/split/move of links
- suggestions:   accepting or rejecting a link the aligner was unsure of
- suggestion_undo: taking back such an accept or reject
- summary:       the project at a glance
- confidence:    the model's confidence per machine translation
- offers:        a correction offered to sentences with the same or a similar source
- backup:        backups and restores
- timings:       start and end times of a timed source's sentences (subtitles)
- quality:       the glossary and dismissed QA flags
- carry:         which old sentence a re-cut sentence continues (pure)
- additions:     tables and columns added since schema 1 (one `additions_<feature>.py` each)

Every public name of the store is importable from here; other modules import only this one.
The store imports only the document model (align.text.document), align.errors and its parts.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from align.errors import ProjectError
from align.store.additions import apply_additions
from align.store.backup import BACKUP_DIR, BackupMixin, restore_damaged
from align.store.confidence import ConfidenceMixin
from align.store.connection import ProjectConnection, connect
from align.store.edits import EditsMixin
from align.store.import_details import ImportDetailsMixin
from align.store.links import LinksMixin
from align.store.quality import QualityMixin
from align.store.reading import ReadingMixin
from align.store.redo import RedoMixin
from align.store.rows import (BlockRow, HistoryRow, ImportReport, LinkRow, SegmentRow,
                              Summary)
from align.store.schema import (DB_NAME, HUMAN_STATUSES, SCHEMA, SCHEMA_VERSION,
                                TARGET_STATUSES, check_database, create_schema, new_id, now,
                                text_sig)
from align.store.source_import import SourceImportMixin
from align.store.offers import OfferRow, OffersMixin
from align.store.suggestions import SuggestionsMixin
from align.store.suggestion_undo import Decision, SuggestionUndoMixin
from align.store.summary import SummaryMixin
from align.store.timings import TimingsMixin
from align.store.tracks import TracksMixin

__all__ = [
    "BACKUP_DIR", "DB_NAME", "HUMAN_STATUSES", "SCHEMA", "SCHEMA_VERSION", "TARGET_STATUSES",
    "BlockRow", "HistoryRow", "ImportReport", "LinkRow", "Project", "SegmentRow", "Summary",
    "OfferRow", "Decision",
    "check_database", "connect", "new_id", "now", "restore_damaged", "text_sig",
]


class Project(ReadingMixin, SourceImportMixin, TracksMixin, EditsMixin, RedoMixin, LinksMixin,
              SuggestionsMixin, SummaryMixin, BackupMixin, QualityMixin, ConfidenceMixin,
              OffersMixin, ImportDetailsMixin, SuggestionUndoMixin, TimingsMixin, ProjectConnection):
    """A bitext project folder holding `project.sqlite` and `backups/`.

    One Project may be shared by several threads: a lock serialises its connection, so a
    read never sees another thread's half-done transaction. Separate Project objects (other
    tabs, other processes) are serialised by SQLite itself.

    The mixins call one another through `self` (an import takes a backup, a translation
    import renumbers links): they are parts of this one class, not standalone objects.
    """

    @classmethod
    def exists(cls, directory: str | os.PathLike) -> bool:
        return (Path(directory) / DB_NAME).is_file()

    @classmethod
    def open(cls, directory: str | os.PathLike) -> "Project":
        """Open an existing project; a damaged database gives one ProjectError naming the fix
        and is left exactly as it was (nothing is written to it)."""
        directory = Path(directory)
        db = directory / DB_NAME
        if not db.is_file():
            raise ProjectError(f"{directory}: not a bitext project (no {DB_NAME}); "
                               f"create one with `bitext import FILE --project {directory}`")
        problem = check_database(db)
        if problem:
            raise ProjectError(f"{db}: {problem}; restore a backup with "
                               f"`bitext restore {directory}` (the damaged file is kept aside)")
        try:
            conn = connect(db)
            apply_additions(conn)
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{db}: cannot open the project database ({exc})") from None
        return cls(directory, conn)

    @classmethod
    def create(cls, directory: str | os.PathLike) -> "Project":
        directory = Path(directory)
        if cls.exists(directory):
            raise ProjectError(f"{directory}: a project already exists there")
        directory.mkdir(parents=True, exist_ok=True)
        conn = connect(directory / DB_NAME)
        try:
            create_schema(conn)
            apply_additions(conn)
        except BaseException:
            conn.close()
            raise
        return cls(directory, conn)
