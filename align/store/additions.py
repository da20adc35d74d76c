"""Tables and columns added to the schema after version 1, applied when a project opens.

A feature that needs storage adds a module `align/store/additions_<feature>.py` with

    TABLES = ["CREATE TABLE IF NOT EXISTS ...", "CREATE INDEX IF NOT EXISTS ..."]
    COLUMNS = [("segments", "confidence", "REAL")]      # (table, column, declaration)

Everything here is additive and idempotent: an existing `project.sqlite` opens as it was and
gains the new, empty tables and NULL columns in one transaction; the schema version stays 1,
so an older bitext still reads the project (it ignores what it does not know).
"""
from __future__ import annotations

import importlib
import pkgutil
import sqlite3

import align.store as _store_pkg


def _feature_modules():
    for info in sorted(pkgutil.iter_modules(_store_pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("additions_"):
            yield importlib.import_module(f"align.store.{info.name}")


def missing_statements(conn: sqlite3.Connection) -> list[str]:
    """The statements this database still needs (empty when it is up to date)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','index')")}
    out: list[str] = []
    for module in _feature_modules():
        for statement in getattr(module, "TABLES", ()):
            words = statement.split()
            name = words[words.index("EXISTS") + 1].split("(")[0] if "EXISTS" in words else None
            if name is None or name not in tables:
                out.append(statement)
        for table, column, decl in getattr(module, "COLUMNS", ()):
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                out.append(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
    return out


def apply_additions(conn: sqlite3.Connection) -> None:
    """Bring the database up to date, in one transaction; nothing is written when it is."""
    if not missing_statements(conn):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in missing_statements(conn):  # again, under the write lock
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
