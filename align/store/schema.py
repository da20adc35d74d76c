"""The project database's layout: its tables, the values its columns hold (timestamps,
ids, source signatures), creating it, and telling a healthy bitext database from anything else.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from datetime import datetime, timezone

DB_NAME = "project.sqlite"
SCHEMA_VERSION = 1
TARGET_STATUSES = ("mt", "edited", "reviewed")
# A person's work: machine translation never overwrites a target in one of these.
HUMAN_STATUSES = ("edited", "reviewed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS document(
    id TEXT PRIMARY KEY, title TEXT NOT NULL, lang TEXT NOT NULL,
    source_name TEXT NOT NULL, source_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks(
    id TEXT PRIMARY KEY, position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK(kind IN ('turn','heading','narration','boilerplate')),
    speaker_label TEXT, excluded INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS speaker_merges(
    alias TEXT PRIMARY KEY, canonical TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS segments(
    id TEXT PRIMARY KEY, block_id TEXT NOT NULL REFERENCES blocks(id),
    lang TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL,
    origin TEXT NOT NULL,            -- 'source' | 'mt' | 'human'
    origin_detail TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,            -- 'source' | 'mt' | 'edited' | 'reviewed'
    version INTEGER NOT NULL DEFAULT 1,
    source_sig TEXT,                 -- hash of the source text an MT target was made from
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS segments_block_lang ON segments(block_id, lang, position);
CREATE TABLE IF NOT EXISTS links(
    id INTEGER PRIMARY KEY AUTOINCREMENT, block_id TEXT NOT NULL REFERENCES blocks(id),
    lang TEXT NOT NULL, position REAL NOT NULL,
    src_ids TEXT NOT NULL, tgt_ids TEXT NOT NULL,
    score REAL, fixed INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS links_block_lang ON links(block_id, lang, active);
CREATE TABLE IF NOT EXISTS history(
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
    entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,
    old_value TEXT, new_value TEXT, actor TEXT NOT NULL DEFAULT 'user',
    undone INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS history_entity ON history(entity, entity_id, id);
"""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def text_sig(text: str) -> str:
    """Short hash of a source text: an MT target records the one it was made from, so a
    changed source sentence is known to need a new translation."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables in an empty database, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT OR REPLACE INTO meta VALUES('schema_version', ?)",
                 (str(SCHEMA_VERSION),))
    conn.execute("COMMIT")


def one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def check_database(db_path: str | os.PathLike) -> str | None:
    """None when `db_path` is a healthy bitext database, else a short description of what
    is wrong. Reads only."""
    version = None
    try:
        conn = sqlite3.connect(str(db_path), timeout=30.0, isolation_level=None)
        try:
            conn.execute("PRAGMA query_only=1")
            result = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
            if result != ["ok"]:
                return f"the project database is damaged ({one_line('; '.join(result))})"
            has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND"
                                    " name='meta'").fetchone()
            if has_meta:
                row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                version = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"the project database is damaged or not a database ({one_line(str(exc))})"
    if version is None:
        return "not a bitext project database (no schema version)"
    if str(version) != str(SCHEMA_VERSION):
        return (f"written by another version of bitext (schema {version}; this one reads "
                f"schema {SCHEMA_VERSION})")
    return None
