"""Schema additions: an existing project gains new tables/columns on open, its data intact."""
from __future__ import annotations

import sqlite3
import types

from align.store import DB_NAME, Project
from align.store import additions
from tests.conftest import make_gold_project


def test_old_project_gains_additions_and_keeps_its_data(tmp_path, monkeypatch):
    directory = make_gold_project(tmp_path / "old")
    with Project.open(directory) as project:
        before = project.summary()
    feature = types.SimpleNamespace(
        TABLES=["CREATE TABLE IF NOT EXISTS demo_notes (id TEXT PRIMARY KEY, body TEXT)"],
        COLUMNS=[("segments", "demo_value", "REAL")])
    monkeypatch.setattr(additions, "_feature_modules", lambda: iter([feature]))
    with Project.open(directory) as reopened:
        assert reopened.summary() == before
    conn = sqlite3.connect(directory / DB_NAME)
    assert conn.execute("SELECT count(*) FROM demo_notes").fetchone() == (0,)
    assert "demo_value" in {r[1] for r in conn.execute("PRAGMA table_info(segments)")}
    assert additions.missing_statements(conn) == []   # idempotent: nothing left to do
    conn.close()
