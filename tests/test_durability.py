"""Kill real writer processes with SIGKILL at random moments; nothing acknowledged is lost.

The writer (tests/store_writer.py) prints an ACK line only after edit_segment() returned,
that is after COMMIT. After every kill the database must open cleanly, pass SQLite's full
integrity check, and hold every acknowledged edit: the sentence is at that version or later
and the history holds exactly that text at that version.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from align.errors import ProjectError
from align.store import DB_NAME, Project, check_database
from tests.store_writer import make_project

WRITER = Path(__file__).resolve().parent / "store_writer.py"
ROOT = WRITER.parent.parent


def start_writer(*args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(WRITER), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    assert first == b"READY\n", (first, proc.stderr.read() if proc.poll() is not None else b"")
    return proc


def kill_and_collect(proc: subprocess.Popen, after: float) -> list[tuple[str, int, str]]:
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    acks = []
    # Only complete lines count: the kill may cut the last one in half.
    for line in out.decode("utf-8").split("\n")[:-1]:
        if line.startswith("ACK "):
            seg_id, version, text = json.loads(line[4:])
            acks.append((seg_id, version, text))
    return acks


def assert_all_present(directory: Path, acks: list[tuple[str, int, str]]) -> None:
    assert check_database(directory / DB_NAME) is None
    with Project.open(directory) as project:
        assert project.integrity_check() == "ok"
        edits = {}
        for row in project.conn.execute(
                "SELECT entity_id, new_value FROM history WHERE action='edit'"):
            new = json.loads(row["new_value"])
            edits[(row["entity_id"], new["version"])] = new["text"]
        latest: dict[str, tuple[int, str]] = {}
        for seg_id, version, text in acks:
            assert edits.get((seg_id, version)) == text, f"acknowledged edit lost: {seg_id} v{version}"
            if version > latest.get(seg_id, (0, ""))[0]:
                latest[seg_id] = (version, text)
        for seg_id, (version, text) in latest.items():
            seg = project.segment(seg_id)
            assert seg.version >= version
            if seg.version == version:
                assert seg.text == text


@pytest.mark.slow
def test_sigkill_during_edit_stream_loses_no_acknowledged_edit(tmp_path):
    directory = make_project(tmp_path / "p", blocks=2, per_block=4)
    rng = random.Random(7)
    all_acks: list[tuple[str, int, str]] = []
    rounds = 15  # two writers killed per round: 30 SIGKILLs
    for r in range(rounds):
        # Two writers at once on the same sentences: kills land mid-commit, mid-conflict,
        # mid-backup and while the other process holds the write lock.
        procs = [start_writer("edit", str(directory), str(r * 2 + k)) for k in range(2)]
        delay = rng.uniform(0.02, 0.35)
        for proc in procs:
            all_acks += kill_and_collect(proc, delay if proc is procs[0] else 0)
        assert_all_present(directory, all_acks)
    assert len(all_acks) > rounds, "the writers acknowledged too few edits to test anything"
    with Project.open(directory) as project:
        # Partial backups (killed mid-copy) are never listed as backups, and every listed
        # backup is a whole, healthy database.
        for backup in project.list_backups():
            assert check_database(backup) is None


@pytest.mark.slow
def test_sigkill_during_import_leaves_no_partial_project(tmp_path):
    rng = random.Random(3)
    sentences = 20000
    interrupted = 0
    for r in range(10):
        directory = tmp_path / f"p{r}"
        proc = start_writer("import", str(directory), str(sentences))
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        if (directory / DB_NAME).exists():
            # Either the whole project is there...
            with Project.open(directory) as project:
                assert len(project.source_segments()) == sentences
                assert project.integrity_check() == "ok"
        else:
            # ...or no project at all (only a hidden staging folder), so a later import
            # starts from scratch.
            assert b"IMPORTED" not in out
            assert not Project.exists(directory)
            interrupted += 1
    assert interrupted > 0, "no kill landed during an import; the test proved nothing"


def test_acknowledged_edit_is_in_the_file_before_the_call_returns(tmp_path):
    """No caching layer between edit_segment and the database: a separate raw SQLite
    connection sees the edit the moment the call has returned."""
    directory = make_project(tmp_path / "p", blocks=1, per_block=2)
    with Project.open(directory) as project:
        seg = project.target_segments("en")[0]
        saved = project.edit_segment(seg.id, "Saved at once.", seg.version)
        raw = sqlite3.connect(str(directory / DB_NAME))
        try:
            row = raw.execute("SELECT text, version FROM segments WHERE id=?", (seg.id,)).fetchone()
        finally:
            raw.close()
        assert row == ("Saved at once.", saved.version)
        assert project.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_write_refused_by_a_busy_database_saves_nothing_and_recovers(tmp_path):
    directory = make_project(tmp_path / "p", blocks=1, per_block=2)
    with Project.open(directory) as a, Project.open(directory) as b:
        seg = a.target_segments("en")[0]
        # Another connection holds the write lock; with a short timeout, a's write fails.
        a.conn.execute("PRAGMA busy_timeout=50")
        b.conn.execute("BEGIN IMMEDIATE")
        with pytest.raises(ProjectError, match="busy"):
            a.edit_segment(seg.id, "blocked", seg.version)
        b.conn.execute("ROLLBACK")
        assert not a.conn.in_transaction
        saved = a.edit_segment(seg.id, "after the lock", seg.version)
        assert saved.version == seg.version + 1


def test_staging_folders_of_killed_imports_are_cleared_later(tmp_path):
    from align.text.document import Block, Document
    from align.imports.source import import_document

    stale = tmp_path / ".p.importing-dead"
    stale.mkdir()
    (stale / DB_NAME).write_bytes(b"half an import")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / ".p.importing-running"   # another import may still be using it
    fresh.mkdir()
    import_document(Document([Block("turn", ["Ein Satz."], speaker="A")]), tmp_path / "p",
                    "t.txt", "sha")
    assert not stale.exists() and fresh.exists()
    assert Project.exists(tmp_path / "p")
