"""The one SQLite connection a project holds: opening it, the lock that lets threads share
it, write transactions, locked reads, and the edit history every change is logged to.

Why SQLite: every edit is one ACID transaction (WAL mode, synchronous=FULL), so an edit the
user saw acknowledged survives a crash, and two writers (two browser tabs, the app and the
CLI) are serialised by the database instead of by hope.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Self, Sequence

from align.errors import ProjectError
from align.store.schema import DB_NAME, now, one_line


def connect(db_path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a write transaction takes
    # the write lock up front and version checks cannot race with another writer.
    conn = sqlite3.connect(str(db_path), timeout=30.0, isolation_level=None,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before we acknowledge the edit (survives power loss, not
    # only a process crash).
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class ProjectConnection:
    """The connection, lock and transactions under a Project; the store's other parts are
    mixins on top of this class.

    One Project may be shared by several threads: a lock serialises its connection, so a
    read never sees another thread's half-done transaction. Separate Project objects (other
    tabs, other processes) are serialised by SQLite itself.
    """

    def __init__(self, directory: Path, conn: sqlite3.Connection):
        self.dir = Path(directory)
        self.db_path = self.dir / DB_NAME
        self.conn = conn
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the edit is acknowledged only once COMMIT returned.

        BEGIN IMMEDIATE takes the write lock up front, so a version check and the write that
        depends on it cannot interleave with another writer. A nested call joins the outer
        transaction."""
        with self._lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise ProjectError(f"the project database is busy or read-only ({exc}); "
                                   f"nothing was saved, try again") from None
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                # A failed COMMIT must not leave the connection inside a transaction.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, args: Sequence = ()) -> list[sqlite3.Row]:
        """A read outside any transaction, whole result fetched while holding the lock."""
        with self._lock:
            return self.conn.execute(sql, args).fetchall()

    def integrity_check(self) -> str:
        """'ok', or SQLite's description of what is damaged."""
        rows = self._query("PRAGMA integrity_check")
        return one_line("; ".join(r[0] for r in rows), limit=2000)

    def _log(self, entity: str, entity_id: str, action: str, old: dict | None,
             new: dict | None, actor: str = "user") -> None:
        self.conn.execute(
            "INSERT INTO history(at, entity, entity_id, action, old_value, new_value, actor)"
            " VALUES(?,?,?,?,?,?,?)",
            (now(), entity, entity_id, action,
             None if old is None else json.dumps(old, ensure_ascii=False),
             None if new is None else json.dumps(new, ensure_ascii=False), actor))

    def _log_segment_change(self, before: sqlite3.Row, action: str, text: str, status: str,
                            actor: str, **extra) -> None:
        """Log a change of one target sentence: its state before, and after (one version up)."""
        version = before["version"]
        self._log("segment", before["id"], action,
                  {"text": before["text"], "status": before["status"], "version": version},
                  {"text": text, "status": status, "version": version + 1, **extra}, actor)
