"""The project store: one SQLite database per project folder.

Why SQLite: every edit is one ACID transaction (WAL mode, synchronous=FULL), so an edit the
user saw acknowledged survives a crash, and two writers (two browser tabs, the app and the
CLI) are serialised by the database instead of by hope.

Ids are random and never reused, so nothing is keyed by row position: re-segmenting one
block leaves every other block's segment ids (and their translations and links) intact.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from align.carry import successors as carry_successors
from align.document import Document
from align.errors import ConflictError, InputError, ProjectError

DB_NAME = "project.sqlite"
BACKUP_DIR = "backups"
SCHEMA_VERSION = 1
TARGET_STATUSES = ("mt", "edited", "reviewed")
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
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class BlockRow:
    id: str
    position: int
    kind: str
    speaker: str | None          # canonical name, after active merges
    speaker_label: str | None    # as written in the text
    excluded: bool


@dataclass(frozen=True)
class SegmentRow:
    id: str
    block_id: str
    lang: str
    position: int
    text: str
    origin: str
    origin_detail: dict
    status: str
    version: int
    active: bool = True


@dataclass(frozen=True)
class LinkRow:
    id: int
    block_id: str
    lang: str
    src_ids: tuple[str, ...]
    tgt_ids: tuple[str, ...]
    score: float | None
    fixed: bool


@dataclass
class ImportReport:
    created: bool
    blocks: int
    sentences: int
    kept_segments: int = 0
    new_segments: int = 0
    orphaned_segments: int = 0
    backup: Path | None = None
    # Links whose source sentences were re-cut or lightly changed: their translations moved
    # to the new sentences. Human translations whose source is gone stay as orphans.
    carried_links: int = 0
    orphaned_translations: int = 0


@dataclass
class HistoryRow:
    id: int
    at: str
    entity: str
    entity_id: str
    action: str
    old_value: dict | None
    new_value: dict | None
    actor: str
    undone: bool = False


@dataclass
class Summary:
    title: str
    source_name: str
    lang: str
    blocks: dict[str, int] = field(default_factory=dict)
    speakers: dict[str, list[str]] = field(default_factory=dict)
    turns_per_speaker: dict[str, int] = field(default_factory=dict)
    sentences: int = 0
    excluded_sentences: int = 0
    languages: dict[str, dict[str, int]] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)
    orphaned: int = 0


def _seg(row: sqlite3.Row) -> SegmentRow:
    return SegmentRow(row["id"], row["block_id"], row["lang"], row["position"], row["text"],
                      row["origin"], json.loads(row["origin_detail"]), row["status"],
                      row["version"], bool(row["active"]))


def _link(row: sqlite3.Row) -> LinkRow:
    return LinkRow(row["id"], row["block_id"], row["lang"], tuple(json.loads(row["src_ids"])),
                   tuple(json.loads(row["tgt_ids"])), row["score"], bool(row["fixed"]))


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


def _one_line(text: str, limit: int = 200) -> str:
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
                return f"the project database is damaged ({_one_line('; '.join(result))})"
            has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND"
                                    " name='meta'").fetchone()
            if has_meta:
                row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                version = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"the project database is damaged or not a database ({_one_line(str(exc))})"
    if version is None:
        return "not a bitext project database (no schema version)"
    if str(version) != str(SCHEMA_VERSION):
        return (f"written by another version of bitext (schema {version}; this one reads "
                f"schema {SCHEMA_VERSION})")
    return None


class Project:
    """A bitext project folder holding `project.sqlite` and `backups/`.

    One Project may be shared by several threads: a lock serialises its connection, so a
    read never sees another thread's half-done transaction. Separate Project objects (other
    tabs, other processes) are serialised by SQLite itself.
    """

    def __init__(self, directory: Path, conn: sqlite3.Connection):
        self.dir = Path(directory)
        self.db_path = self.dir / DB_NAME
        self.conn = conn
        self._lock = threading.RLock()

    # ----- opening -------------------------------------------------------------------------
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
            conn.execute("BEGIN IMMEDIATE")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta VALUES('schema_version', ?)",
                         (str(SCHEMA_VERSION),))
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return cls(directory, conn)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> "Project":
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
        return _one_line("; ".join(r[0] for r in rows), limit=2000)

    def _log(self, entity: str, entity_id: str, action: str, old: dict | None,
             new: dict | None, actor: str = "user") -> None:
        self.conn.execute(
            "INSERT INTO history(at, entity, entity_id, action, old_value, new_value, actor)"
            " VALUES(?,?,?,?,?,?,?)",
            (now(), entity, entity_id, action,
             None if old is None else json.dumps(old, ensure_ascii=False),
             None if new is None else json.dumps(new, ensure_ascii=False), actor))

    # ----- document ------------------------------------------------------------------------
    def document_info(self) -> dict | None:
        row = next(iter(self._query("SELECT * FROM document")), None)
        return dict(row) if row else None

    @property
    def source_lang(self) -> str:
        info = self.document_info()
        return info["lang"] if info else "de"

    def import_document(self, doc: Document, source_name: str, source_sha256: str) -> ImportReport:
        """Store a segmented document; on re-import (or re-segmentation) keep all human work.

        Unchanged sentences keep their ids, so their translations and links survive as they
        are. A sentence that was re-cut ("A. B." -> "A." + "B.") or lightly changed passes its
        links (and so its translations) to its successors. A source sentence that is gone is
        deactivated, not deleted; the human translations linked only to it are kept and
        listed as orphans. A backup is taken first.
        """
        existing = self.document_info()
        backup = self.backup("before-reimport") if existing else None
        new_sents = [(bi, si, s) for bi, b in enumerate(doc.blocks) for si, s in enumerate(b.sentences)]
        new_texts = [s for _, _, s in new_sents]
        with self.transaction() as c:
            old = c.execute(
                "SELECT s.id, s.text, s.block_id FROM segments s JOIN blocks b ON b.id=s.block_id"
                " WHERE s.origin='source' AND s.active=1 ORDER BY b.position, s.position").fetchall()
            old_texts = [r["text"] for r in old]
            matcher = SequenceMatcher(a=old_texts, b=new_texts, autojunk=False)
            kept: dict[int, str] = {}           # index in new_sents -> old segment id
            heirs: dict[str, list[int]] = {}    # gone old segment id -> indexes in new_sents
            for tag, a1, a2, b1, b2 in matcher.get_opcodes():
                if tag == "equal":
                    for k in range(a2 - a1):
                        kept[b1 + k] = old[a1 + k]["id"]
                elif tag == "replace":
                    for a, bs in carry_successors(old_texts[a1:a2], new_texts[b1:b2]).items():
                        heirs[old[a1 + a]["id"]] = [b1 + b for b in bs]
            old_block_of = {r["id"]: r["block_id"] for r in old}
            # A new block keeps the id of the old block most of its kept sentences came from.
            votes: dict[int, dict[str, int]] = {}
            for idx, seg_id in kept.items():
                bi = new_sents[idx][0]
                votes.setdefault(bi, {}).setdefault(old_block_of[seg_id], 0)
                votes[bi][old_block_of[seg_id]] += 1
            old_blocks = {r["id"]: r for r in c.execute("SELECT * FROM blocks")}
            block_ids: list[str] = []
            taken: set[str] = set()
            for bi, block in enumerate(doc.blocks):
                candidates = sorted(votes.get(bi, {}).items(), key=lambda kv: -kv[1])
                bid = next((b for b, _ in candidates if b not in taken), None) or new_id()
                taken.add(bid)
                block_ids.append(bid)
                if bid in old_blocks:
                    c.execute("UPDATE blocks SET position=?, kind=?, speaker_label=?, active=1"
                              " WHERE id=?", (bi, block.kind, block.speaker_label or block.speaker, bid))
                else:
                    c.execute("INSERT INTO blocks(id, position, kind, speaker_label, excluded)"
                              " VALUES(?,?,?,?,?)",
                              (bid, bi, block.kind, block.speaker_label or block.speaker,
                               int(block.excluded)))
            for bid in set(old_blocks) - taken:
                c.execute("UPDATE blocks SET active=0, position=-1 WHERE id=?", (bid,))
            ts = now()
            new_ids: list[str] = []
            for idx, (bi, si, text) in enumerate(new_sents):
                if idx in kept:
                    new_ids.append(kept[idx])
                    c.execute("UPDATE segments SET block_id=?, position=?, active=1 WHERE id=?",
                              (block_ids[bi], si, kept[idx]))
                else:
                    new_ids.append(new_id())
                    c.execute(
                        "INSERT INTO segments(id, block_id, lang, position, text, origin, status,"
                        " created_at, updated_at) VALUES(?,?,?,?,?,'source','source',?,?)",
                        (new_ids[-1], block_ids[bi], doc.lang, si, text, ts, ts))
            kept_ids = set(kept.values())
            orphaned = [r["id"] for r in old if r["id"] not in kept_ids]
            for seg_id in orphaned:
                c.execute("UPDATE segments SET active=0 WHERE id=?", (seg_id,))
                self._log("segment", seg_id, "orphan", None,
                          {"successors": [new_ids[i] for i in heirs.get(seg_id, [])]},
                          actor="import")
            successor_ids = {sid: [new_ids[i] for i in idxs] for sid, idxs in heirs.items()}
            carried, lost = self._relink_after_resegmentation(c, successor_ids)
            c.execute("DELETE FROM document")
            c.execute("INSERT INTO document VALUES('doc',?,?,?,?,?,?)",
                      (doc.title or source_name, doc.lang, source_name, source_sha256,
                       existing["created_at"] if existing else ts, ts))
            for canonical, aliases in doc.speakers.items():
                for alias in aliases:
                    c.execute("INSERT OR IGNORE INTO speaker_merges(alias, canonical) VALUES(?,?)",
                              (alias, canonical))
        return ImportReport(created=existing is None, blocks=len(doc.blocks),
                            sentences=len(new_sents), kept_segments=len(kept),
                            new_segments=len(new_sents) - len(kept),
                            orphaned_segments=len(orphaned), backup=backup,
                            carried_links=carried, orphaned_translations=lost)

    def _relink_after_resegmentation(self, c: sqlite3.Connection,
                                     successor_ids: dict[str, list[str]]) -> tuple[int, int]:
        """Point every link at live source sentences after a re-import.

        A gone source id is replaced by its successors; links that come to share a source
        sentence are merged (their targets concatenated in order), so no target is dropped.
        A link left with no live source is deactivated and its targets archived: the human
        ones are then listed by orphans(). Returns (links carried, human targets orphaned)."""
        live = {r["id"]: (r["block_id"], r["position"]) for r in c.execute(
            "SELECT s.id, s.block_id, b.position * 1000000 + s.position AS position"
            " FROM segments s JOIN blocks b ON b.id=s.block_id"
            " WHERE s.origin='source' AND s.active=1")}
        links = c.execute("SELECT * FROM links WHERE active=1 ORDER BY lang, block_id, position, id"
                          ).fetchall()
        carried = lost = 0
        by_lang: dict[str, list[tuple[sqlite3.Row, list[str]]]] = {}
        for link in links:
            src = json.loads(link["src_ids"])
            new_src: list[str] = []
            for sid in src:
                for heir in ([sid] if sid in live else successor_ids.get(sid, [])):
                    if heir not in new_src:
                        new_src.append(heir)
            if src and not new_src:
                tgt = json.loads(link["tgt_ids"])
                c.execute("UPDATE links SET active=0 WHERE id=?", (link["id"],))
                for row in self._rows_by_id(c, tgt):
                    c.execute("UPDATE segments SET active=0 WHERE id=?", (row["id"],))
                    lost += row["status"] in HUMAN_STATUSES
                self._log("link", str(link["id"]), "orphan",
                          {"src_ids": src, "tgt_ids": tgt}, None, actor="import")
                continue
            by_lang.setdefault(link["lang"], []).append((link, new_src))
        touched: set[tuple[str, str]] = set()
        for lang, items in by_lang.items():
            # Links sharing a (new) source sentence become one link: union-find on sources.
            parent = list(range(len(items)))

            def find(x: int) -> int:
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            first_owner: dict[str, int] = {}
            for k, (_, new_src) in enumerate(items):
                for sid in new_src:
                    if sid in first_owner:
                        parent[find(k)] = find(first_owner[sid])
                    else:
                        first_owner[sid] = k
            groups: dict[int, list[int]] = {}
            for k in range(len(items)):
                groups.setdefault(find(k), []).append(k)
            for head, members in groups.items():
                members.sort()
                rows = [items[m][0] for m in members]
                src = [s for m in members for s in items[m][1]]
                src = sorted(dict.fromkeys(src), key=lambda s: live[s][1])
                tgt = list(dict.fromkeys(t for r in rows for t in json.loads(r["tgt_ids"])))
                first = rows[0]
                if len(rows) == 1 and src == json.loads(first["src_ids"]):
                    continue
                block = live[src[0]][0] if src else first["block_id"]
                c.execute("UPDATE links SET block_id=?, src_ids=?, tgt_ids=?, fixed=?,"
                          " score=? WHERE id=?",
                          (block, json.dumps(src), json.dumps(tgt),
                           int(any(r["fixed"] for r in rows)),
                           first["score"] if len(rows) == 1 else None, first["id"]))
                for r in rows[1:]:
                    c.execute("UPDATE links SET active=0 WHERE id=?", (r["id"],))
                if tgt:
                    c.execute(f"UPDATE segments SET block_id=? WHERE id IN "
                              f"({','.join('?' * len(tgt))})", [block, *tgt])
                self._log("link", str(first["id"]), "carry",
                          {"links": [[json.loads(r["src_ids"]), json.loads(r["tgt_ids"])]
                                     for r in rows]},
                          {"src_ids": src, "tgt_ids": tgt}, actor="import")
                carried += 1
                touched.add((block, lang))
                touched.update((r["block_id"], lang) for r in rows)
            # Unchanged links may still have moved to another block with their sources.
            for link, new_src in items:
                if new_src and live[new_src[0]][0] != link["block_id"]:
                    block = live[new_src[0]][0]
                    c.execute("UPDATE links SET block_id=? WHERE id=? AND active=1",
                              (block, link["id"]))
                    tgt = json.loads(link["tgt_ids"])
                    if tgt:
                        c.execute(f"UPDATE segments SET block_id=? WHERE id IN "
                                  f"({','.join('?' * len(tgt))})", [block, *tgt])
                    touched.update({(block, lang), (link["block_id"], lang)})
        for block, lang in touched:
            self._renumber_links(c, block, lang)
        return carried, lost

    @staticmethod
    def _rows_by_id(c: sqlite3.Connection, ids: Sequence[str]) -> list[sqlite3.Row]:
        if not ids:
            return []
        return c.execute(f"SELECT * FROM segments WHERE id IN ({','.join('?' * len(ids))})",
                         list(ids)).fetchall()

    # ----- reading -------------------------------------------------------------------------
    def speaker_merges(self, include_undone: bool = False) -> dict[str, str]:
        q = "SELECT alias, canonical FROM speaker_merges"
        if not include_undone:
            q += " WHERE active=1"
        return {r["alias"]: r["canonical"] for r in self._query(q)}

    def blocks(self, include_excluded: bool = True) -> list[BlockRow]:
        merges = self.speaker_merges()
        q = "SELECT * FROM blocks WHERE active=1"
        if not include_excluded:
            q += " AND excluded=0"
        out = []
        for r in self._query(q + " ORDER BY position"):
            label = r["speaker_label"]
            out.append(BlockRow(r["id"], r["position"], r["kind"],
                                merges.get(label, label) if label else None, label,
                                bool(r["excluded"])))
        return out

    def source_segments(self, block_id: str | None = None) -> list[SegmentRow]:
        q = ("SELECT s.* FROM segments s JOIN blocks b ON b.id=s.block_id"
             " WHERE s.origin='source' AND s.active=1")
        args: list = []
        if block_id is not None:
            q += " AND s.block_id=?"
            args.append(block_id)
        return [_seg(r) for r in self._query(q + " ORDER BY b.position, s.position", args)]

    def target_segments(self, lang: str, block_id: str | None = None) -> list[SegmentRow]:
        q = ("SELECT s.* FROM segments s JOIN blocks b ON b.id=s.block_id"
             " WHERE s.origin!='source' AND s.active=1 AND s.lang=?")
        args: list = [lang]
        if block_id is not None:
            q += " AND s.block_id=?"
            args.append(block_id)
        return [_seg(r) for r in self._query(q + " ORDER BY b.position, s.position", args)]

    def segment(self, segment_id: str) -> SegmentRow:
        row = next(iter(self._query("SELECT * FROM segments WHERE id=?", (segment_id,))), None)
        if row is None:
            raise ProjectError(f"no sentence with id {segment_id}")
        return _seg(row)

    def segments_by_id(self, ids: Iterable[str]) -> dict[str, SegmentRow]:
        ids = list(ids)
        if not ids:
            return {}
        out: dict[str, SegmentRow] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in self._query(
                    f"SELECT * FROM segments WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                out[r["id"]] = _seg(r)
        return out

    def languages(self) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT DISTINCT lang FROM segments WHERE origin!='source' AND active=1 ORDER BY lang")]

    def links(self, lang: str, block_id: str | None = None) -> list[LinkRow]:
        q = ("SELECT l.* FROM links l JOIN blocks b ON b.id=l.block_id"
             " WHERE l.active=1 AND l.lang=?")
        args: list = [lang]
        if block_id is not None:
            q += " AND l.block_id=?"
            args.append(block_id)
        return [_link(r) for r in self._query(q + " ORDER BY b.position, l.position, l.id", args)]

    def link(self, link_id: int) -> LinkRow:
        row = next(iter(self._query("SELECT * FROM links WHERE id=? AND active=1", (link_id,))), None)
        if row is None:
            raise ProjectError(f"no alignment link with id {link_id} (it may have been changed "
                               f"in another window; reload)")
        return _link(row)

    def history(self, entity_id: str | None = None, limit: int = 200) -> list[HistoryRow]:
        q, args = "SELECT * FROM history", []
        if entity_id is not None:
            q += " WHERE entity_id=?"
            args.append(entity_id)
        rows = self._query(q + " ORDER BY id DESC LIMIT ?", [*args, limit])
        return [HistoryRow(r["id"], r["at"], r["entity"], r["entity_id"], r["action"],
                           json.loads(r["old_value"]) if r["old_value"] else None,
                           json.loads(r["new_value"]) if r["new_value"] else None,
                           r["actor"], bool(r["undone"])) for r in rows]

    # ----- machine translation -------------------------------------------------------------
    def segments_needing_translation(self, lang: str) -> list[SegmentRow]:
        """Source sentences (not excluded) with no target in `lang`, or whose MT target was
        made from a source text that has since changed."""
        covered: dict[str, tuple[LinkRow, ...]] = {}
        for link in self.links(lang):
            for sid in link.src_ids:
                covered.setdefault(sid, ())
                covered[sid] += (link,)
        sources = [s for b in self.blocks(include_excluded=False) for s in self.source_segments(b.id)]
        targets = {t.id: t for t in self.target_segments(lang)}
        sigs = {r["id"]: r["source_sig"] for r in self._query(
            "SELECT id, source_sig FROM segments WHERE lang=? AND origin='mt' AND active=1", (lang,))}
        todo = []
        for s in sources:
            links = covered.get(s.id)
            if not links:
                todo.append(s)
                continue
            link = links[0]
            if len(link.src_ids) == 1 and len(link.tgt_ids) == 1:
                t = targets.get(link.tgt_ids[0])
                if t is None or not t.text.strip():
                    if t is None or t.status == "mt":
                        todo.append(s)
                elif t.status == "mt" and sigs.get(t.id) not in (None, text_sig(s.text)):
                    todo.append(s)
        return todo

    def set_machine_translation(self, src_segment_id: str, lang: str, text: str,
                                origin_detail: dict) -> bool:
        """Create or refresh the MT target of one source sentence (a 1:1 link).

        Returns False and changes nothing when a person edited or reviewed that target, or
        when the sentence sits in a hand-made N:M link: MT never overwrites human work.
        """
        with self.transaction() as c:
            src = c.execute("SELECT * FROM segments WHERE id=? AND origin='source'",
                            (src_segment_id,)).fetchone()
            if src is None:
                raise ProjectError(f"no source sentence with id {src_segment_id}")
            link = self._link_containing(c, lang, src_segment_id)
            detail = json.dumps(origin_detail, ensure_ascii=False, sort_keys=True)
            ts = now()
            if link is not None:
                src_ids, tgt_ids = json.loads(link["src_ids"]), json.loads(link["tgt_ids"])
                if len(src_ids) != 1 or len(tgt_ids) != 1:
                    return False
                tgt = c.execute("SELECT * FROM segments WHERE id=?", (tgt_ids[0],)).fetchone()
                if tgt["status"] in HUMAN_STATUSES or tgt["origin"] == "human":
                    return False
                if tgt["text"] == text and tgt["source_sig"] == text_sig(src["text"]):
                    return True
                c.execute("UPDATE segments SET text=?, origin='mt', origin_detail=?, status='mt',"
                          " version=version+1, source_sig=?, updated_at=? WHERE id=?",
                          (text, detail, text_sig(src["text"]), ts, tgt["id"]))
                self._log("segment", tgt["id"], "mt",
                          {"text": tgt["text"], "status": tgt["status"], "version": tgt["version"]},
                          {"text": text, "status": "mt", "version": tgt["version"] + 1}, actor="mt")
                return True
            tid = new_id()
            c.execute(
                "INSERT INTO segments(id, block_id, lang, position, text, origin, origin_detail,"
                " status, source_sig, created_at, updated_at) VALUES(?,?,?,?,?,'mt',?,'mt',?,?,?)",
                (tid, src["block_id"], lang, src["position"], text, detail, text_sig(src["text"]), ts, ts))
            c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score)"
                      " VALUES(?,?,?,?,?,NULL)",
                      (src["block_id"], lang, float(src["position"]), json.dumps([src_segment_id]),
                       json.dumps([tid])))
            self._log("segment", tid, "mt", None, {"text": text, "status": "mt", "version": 1},
                      actor="mt")
            return True

    @staticmethod
    def _link_containing(c: sqlite3.Connection, lang: str, segment_id: str) -> sqlite3.Row | None:
        pattern = f'%"{segment_id}"%'
        return c.execute("SELECT * FROM links WHERE active=1 AND lang=? AND"
                         " (src_ids LIKE ? OR tgt_ids LIKE ?) ORDER BY id LIMIT 1",
                         (lang, pattern, pattern)).fetchone()

    # ----- editing -------------------------------------------------------------------------
    def _check_version(self, c: sqlite3.Connection, segment_id: str, expected_version: int,
                       attempted_text: str | None) -> sqlite3.Row:
        row = c.execute("SELECT * FROM segments WHERE id=?", (segment_id,)).fetchone()
        if row is None:
            raise ProjectError(f"no sentence with id {segment_id}")
        if row["origin"] == "source":
            raise InputError("source sentences are read-only; re-import the text to change them")
        if row["version"] != expected_version:
            yours = "" if attempted_text is None else f"; yours: {attempted_text!r}"
            raise ConflictError(
                f"this sentence was changed elsewhere (now version {row['version']}, you edited "
                f"version {expected_version}); saved text: {row['text']!r}{yours}",
                current_text=row["text"], current_version=row["version"],
                attempted_text=attempted_text or "")
        return row

    def _record_conflict(self, segment_id: str, err: ConflictError, actor: str) -> None:
        # The refused text is kept in the history, so neither version is ever lost.
        with self.transaction():
            self._log("segment", segment_id, "conflict",
                      {"text": err.current_text, "version": err.current_version},
                      {"text": err.attempted_text}, actor=actor)

    @staticmethod
    def _clean_text(text: str) -> str:
        """Surrounding whitespace is trimmed; everything else is stored exactly as given
        (markup, control characters, any script): escaping is the display's job."""
        if not isinstance(text, str):
            raise InputError(f"a translation must be text, not {type(text).__name__}")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError("the text contains characters that are not valid Unicode "
                             "(lone surrogates); it was not saved") from None
        return text.strip()

    def edit_segment(self, segment_id: str, text: str, expected_version: int,
                     actor: str = "user") -> SegmentRow:
        """Save a correction of a target sentence; refuses a save based on a stale version.

        Returns only after COMMIT: a returned edit is on disk. A stale save raises
        ConflictError (both texts in its message) and the refused text goes to the history;
        a stale save of exactly the text already stored is not a conflict."""
        text = self._clean_text(text)
        try:
            with self.transaction() as c:
                current = c.execute("SELECT version, text FROM segments WHERE id=?",
                                    (segment_id,)).fetchone()
                if current is not None and current["text"] == text:
                    expected_version = current["version"]  # nothing would be overwritten
                row = self._check_version(c, segment_id, expected_version, text)
                if text == row["text"]:
                    return _seg(row)
                status = "edited"
                c.execute("UPDATE segments SET text=?, status=?, version=version+1, updated_at=?"
                          " WHERE id=?", (text, status, now(), segment_id))
                self._log("segment", segment_id, "edit",
                          {"text": row["text"], "status": row["status"], "version": row["version"]},
                          {"text": text, "status": status, "version": row["version"] + 1}, actor)
                saved = c.execute("SELECT * FROM segments WHERE id=?", (segment_id,)).fetchone()
        except ConflictError as err:
            self._record_conflict(segment_id, err, actor)
            raise
        return _seg(saved)

    def set_status(self, segment_id: str, status: str, expected_version: int,
                   actor: str = "user") -> SegmentRow:
        if status not in TARGET_STATUSES:
            raise InputError(f"unknown status {status!r}; use one of {', '.join(TARGET_STATUSES)}")
        with self.transaction() as c:
            row = self._check_version(c, segment_id, expected_version, None)
            if row["status"] == status:
                return _seg(row)
            c.execute("UPDATE segments SET status=?, version=version+1, updated_at=? WHERE id=?",
                      (status, now(), segment_id))
            self._log("segment", segment_id, "status",
                      {"text": row["text"], "status": row["status"], "version": row["version"]},
                      {"text": row["text"], "status": status, "version": row["version"] + 1}, actor)
            saved = c.execute("SELECT * FROM segments WHERE id=?", (segment_id,)).fetchone()
        return _seg(saved)

    def undo(self, segment_id: str, actor: str = "user",
             expected_version: int | None = None) -> SegmentRow | None:
        """Walk the sentence's history back one change. Returns None when nothing is left.

        With `expected_version`, an undo from a window that has not seen the latest change is
        refused (ConflictError) instead of undoing someone else's edit."""
        with self.transaction() as c:
            row = c.execute("SELECT * FROM segments WHERE id=?", (segment_id,)).fetchone()
            if row is None:
                raise ProjectError(f"no sentence with id {segment_id}")
            if expected_version is not None:
                self._check_version(c, segment_id, expected_version, None)
            h = c.execute("SELECT * FROM history WHERE entity='segment' AND entity_id=? AND"
                          " action IN ('edit','status','mt') AND undone=0 AND old_value IS NOT NULL"
                          " ORDER BY id DESC LIMIT 1", (segment_id,)).fetchone()
            if h is None:
                return None
            old = json.loads(h["old_value"])
            c.execute("UPDATE segments SET text=?, status=?, version=version+1, updated_at=?"
                      " WHERE id=?", (old["text"], old["status"], now(), segment_id))
            c.execute("UPDATE history SET undone=1 WHERE id=?", (h["id"],))
            self._log("segment", segment_id, "undo",
                      {"text": row["text"], "status": row["status"], "version": row["version"]},
                      {"text": old["text"], "status": old["status"], "version": row["version"] + 1,
                       "undid": h["id"]}, actor)
            saved = c.execute("SELECT * FROM segments WHERE id=?", (segment_id,)).fetchone()
        return _seg(saved)

    def add_target_sentence(self, lang: str, src_segment_id: str, text: str,
                            actor: str = "user") -> SegmentRow:
        """A person types a translation for a sentence that has none yet (no model needed)."""
        with self.transaction() as c:
            if self._link_containing(c, lang, src_segment_id) is not None:
                raise ConflictError("this sentence already has a translation; edit that one instead")
            src = c.execute("SELECT * FROM segments WHERE id=?", (src_segment_id,)).fetchone()
            if src is None:
                raise ProjectError(f"no source sentence with id {src_segment_id}")
            text = self._clean_text(text)
            tid, ts = new_id(), now()
            c.execute(
                "INSERT INTO segments(id, block_id, lang, position, text, origin, origin_detail,"
                " status, created_at, updated_at) VALUES(?,?,?,?,?,'human','{}','edited',?,?)",
                (tid, src["block_id"], lang, src["position"], text, ts, ts))
            c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score, fixed)"
                      " VALUES(?,?,?,?,?,NULL,1)",
                      (src["block_id"], lang, float(src["position"]), json.dumps([src_segment_id]),
                       json.dumps([tid])))
            self._log("segment", tid, "create", None,
                      {"text": text, "status": "edited", "version": 1}, actor)
        return self.segment(tid)

    # ----- blocks and speakers -------------------------------------------------------------
    def set_block_excluded(self, block_id: str, excluded: bool, actor: str = "user") -> None:
        with self.transaction() as c:
            row = c.execute("SELECT excluded FROM blocks WHERE id=?", (block_id,)).fetchone()
            if row is None:
                raise ProjectError(f"no block with id {block_id}")
            c.execute("UPDATE blocks SET excluded=? WHERE id=?", (int(excluded), block_id))
            self._log("block", block_id, "excluded", {"excluded": bool(row[0])},
                      {"excluded": excluded}, actor)

    def set_speaker_merge(self, alias: str, active: bool, actor: str = "user") -> None:
        """Undo (active=False) or confirm again (True) the merge of a speaker label."""
        with self.transaction() as c:
            row = c.execute("SELECT * FROM speaker_merges WHERE alias=?", (alias,)).fetchone()
            if row is None:
                raise InputError(f"{alias!r} was never merged into another speaker")
            c.execute("UPDATE speaker_merges SET active=? WHERE alias=?", (int(active), alias))
            self._log("speaker", alias, "merge" if active else "unmerge",
                      {"canonical": row["canonical"], "active": bool(row["active"])},
                      {"canonical": row["canonical"], "active": active}, actor)

    # ----- links ---------------------------------------------------------------------------
    def replace_links(self, block_id: str, lang: str,
                      links: Sequence[tuple[Sequence[str], Sequence[str], float | None]],
                      fixed: bool = False, actor: str = "aligner") -> None:
        """Replace a block's links in one language (a re-alignment); person-fixed links stay
        unless `fixed` is set (then the new links are the person's).

        A re-alignment never hides human work: a human target that no new link shows gets a
        0:1 link of its own in place (an MT target left out is archived)."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM blocks WHERE id=?", (block_id,)).fetchone() is None:
                raise ProjectError(f"no block with id {block_id}")
            old = c.execute("SELECT * FROM links WHERE block_id=? AND lang=? AND active=1",
                            (block_id, lang)).fetchall()
            keep = [r for r in old if r["fixed"] and not fixed]
            keep_ids = {i for r in keep for side in ("src_ids", "tgt_ids") for i in json.loads(r[side])}
            self._validate_links(c, block_id, lang, links, {r["id"] for r in old})
            for r in old:
                if r not in keep:
                    c.execute("UPDATE links SET active=0 WHERE id=?", (r["id"],))
            pos = 0.0
            for src_ids, tgt_ids, score in links:
                if keep_ids & set(src_ids) or keep_ids & set(tgt_ids):
                    continue  # a fixed anchor already covers these sentences
                c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score, fixed)"
                          " VALUES(?,?,?,?,?,?,?)",
                          (block_id, lang, pos, json.dumps(list(src_ids)), json.dumps(list(tgt_ids)),
                           score, int(fixed)))
                if tgt_ids:
                    c.execute(f"UPDATE segments SET block_id=? WHERE id IN "
                              f"({','.join('?' * len(tgt_ids))})", [block_id, *tgt_ids])
                pos += 1.0
            shown = {t for r in c.execute("SELECT tgt_ids FROM links WHERE block_id=? AND lang=?"
                                          " AND active=1", (block_id, lang))
                     for t in json.loads(r[0])}
            for t in c.execute("SELECT id, status FROM segments WHERE block_id=? AND lang=? AND"
                               " origin!='source' AND active=1", (block_id, lang)).fetchall():
                if t["id"] in shown:
                    continue
                if t["status"] in HUMAN_STATUSES:
                    c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score,"
                              " fixed) VALUES(?,?,?,'[]',?,NULL,0)",
                              (block_id, lang, pos, json.dumps([t["id"]])))
                    pos += 1.0
                else:
                    c.execute("UPDATE segments SET active=0 WHERE id=?", (t["id"],))
            self._renumber_links(c, block_id, lang)
            self._log("links", f"{block_id}:{lang}", "replace",
                      {"links": [[json.loads(r["src_ids"]), json.loads(r["tgt_ids"]), r["score"]]
                                 for r in old]},
                      {"links": [[list(s), list(t), sc] for s, t, sc in links]}, actor)

    def _validate_links(self, c: sqlite3.Connection, block_id: str, lang: str,
                        links: Sequence[tuple[Sequence[str], Sequence[str], float | None]],
                        replaced: set[int]) -> None:
        """Refuse links that name unknown sentences, cross the block, or repeat a sentence."""
        ids = list({i for src, tgt, _ in links for i in (*src, *tgt)})
        rows = {}
        for k in range(0, len(ids), 500):
            rows.update({r["id"]: r for r in self._rows_by_id(c, ids[k:k + 500])})
        elsewhere = {t for r in c.execute("SELECT id, tgt_ids FROM links WHERE lang=? AND active=1",
                                          (lang,)) if r["id"] not in replaced
                     for t in json.loads(r["tgt_ids"])}
        seen: set[str] = set()
        for src_ids, tgt_ids, _ in links:
            for sid in src_ids:
                r = rows.get(sid)
                if r is None or r["origin"] != "source" or r["block_id"] != block_id or not r["active"]:
                    raise InputError(f"alignment names {sid}, which is not a source sentence of "
                                     f"this turn")
            for tid in tgt_ids:
                r = rows.get(tid)
                if r is None or r["origin"] == "source" or r["lang"] != lang or not r["active"]:
                    raise InputError(f"alignment names {tid}, which is not a {lang} translation "
                                     f"sentence")
                if tid in elsewhere:
                    raise InputError(f"alignment names {tid}, which another turn already shows")
            both = [*src_ids, *tgt_ids]
            if seen & set(both) or len(set(both)) != len(both):
                raise InputError("alignment puts one sentence into two links")
            seen.update(both)

    def _renumber_links(self, c: sqlite3.Connection, block_id: str, lang: str) -> None:
        """Order links by their first source sentence; a link without source (0:n) goes right
        after the link holding the target sentence before it."""
        rows = c.execute("SELECT * FROM links WHERE block_id=? AND lang=? AND active=1",
                         (block_id, lang)).fetchall()
        pos = {r["id"]: r["position"] for r in c.execute(
            "SELECT id, position FROM segments WHERE block_id=?", (block_id,))}
        big = float("inf")
        keyed = []
        for r in rows:
            src, tgt = json.loads(r["src_ids"]), json.loads(r["tgt_ids"])
            s = min((pos.get(i, big) for i in src), default=None)
            t = min((pos.get(i, big) for i in tgt), default=big)
            keyed.append((r, s, t))
        anchored = sorted(((s, t, r["id"]) for r, s, t in keyed if s is not None))
        keys = {}
        for s, t, rid in anchored:
            keys[rid] = (s, t, 0, 0.0)
        for r, s, t in keyed:
            if s is None:
                before = [(a_s, a_t) for a_s, a_t, _ in anchored if a_t < t]
                a_s, a_t = max(before, key=lambda st: st[1]) if before else (-1.0, -1.0)
                keys[r["id"]] = (a_s, a_t, 1, t)
        for i, rid in enumerate(sorted(keys, key=lambda k: (keys[k], k))):
            c.execute("UPDATE links SET position=? WHERE id=?", (float(i), rid))

    def merge_links(self, first_id: int, second_id: int, actor: str = "user") -> LinkRow:
        """Merge two links of the same block and language into one (e.g. a 2:2)."""
        with self.transaction() as c:
            a = c.execute("SELECT * FROM links WHERE id=? AND active=1", (first_id,)).fetchone()
            b = c.execute("SELECT * FROM links WHERE id=? AND active=1", (second_id,)).fetchone()
            if a is None or b is None:
                raise ConflictError("one of these links was changed in another window; reload")
            if (a["block_id"], a["lang"]) != (b["block_id"], b["lang"]):
                raise InputError("links in different turns or languages cannot be merged")
            if a["position"] > b["position"]:
                a, b = b, a
            src = json.loads(a["src_ids"]) + json.loads(b["src_ids"])
            tgt = json.loads(a["tgt_ids"]) + json.loads(b["tgt_ids"])
            c.execute("UPDATE links SET active=0 WHERE id IN (?,?)", (a["id"], b["id"]))
            cur = c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score, fixed)"
                            " VALUES(?,?,?,?,?,NULL,1)",
                            (a["block_id"], a["lang"], a["position"], json.dumps(src), json.dumps(tgt)))
            new = cur.lastrowid
            self._renumber_links(c, a["block_id"], a["lang"])
            self._log("link", str(new), "merge", {"links": [a["id"], b["id"]]},
                      {"src_ids": src, "tgt_ids": tgt}, actor)
        return self.link(new)

    def split_link(self, link_id: int, actor: str = "user") -> list[LinkRow]:
        """Split an N:M link into 1:1 links in order; extra sentences join the last one."""
        with self.transaction() as c:
            row = c.execute("SELECT * FROM links WHERE id=? AND active=1", (link_id,)).fetchone()
            if row is None:
                raise ConflictError("this link was changed in another window; reload")
            src, tgt = json.loads(row["src_ids"]), json.loads(row["tgt_ids"])
            n = max(len(src), len(tgt))
            if n < 2:
                raise InputError("a 1:1 link cannot be split further")
            parts = []
            for k in range(n):
                s = src[k:k + 1] if k < len(src) - 1 or len(src) <= 1 else src[k:]
                t = tgt[k:k + 1] if k < len(tgt) - 1 or len(tgt) <= 1 else tgt[k:]
                if k >= len(src):
                    s = []
                if k >= len(tgt):
                    t = []
                if s or t:
                    parts.append((s, t))
                if (k >= len(src) - 1) and (k >= len(tgt) - 1):
                    break
            c.execute("UPDATE links SET active=0 WHERE id=?", (link_id,))
            new_ids = []
            for s, t in parts:
                cur = c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score,"
                                " fixed) VALUES(?,?,?,?,?,NULL,1)",
                                (row["block_id"], row["lang"], row["position"], json.dumps(s),
                                 json.dumps(t)))
                new_ids.append(cur.lastrowid)
            self._renumber_links(c, row["block_id"], row["lang"])
            self._log("link", str(link_id), "split", {"src_ids": src, "tgt_ids": tgt},
                      {"links": [list(p) for p in parts]}, actor)
        return [self.link(i) for i in new_ids]

    def move_target(self, link_id: int, direction: str, actor: str = "user") -> None:
        """Move the last target sentence to the next link ('down') or the first one to the
        previous link ('up'), within one block."""
        if direction not in ("up", "down"):
            raise InputError("direction must be 'up' or 'down'")
        with self.transaction() as c:
            row = c.execute("SELECT * FROM links WHERE id=? AND active=1", (link_id,)).fetchone()
            if row is None:
                raise ConflictError("this link was changed in another window; reload")
            siblings = c.execute("SELECT * FROM links WHERE block_id=? AND lang=? AND active=1"
                                 " ORDER BY position", (row["block_id"], row["lang"])).fetchall()
            idx = [r["id"] for r in siblings].index(link_id)
            nb = idx + (1 if direction == "down" else -1)
            if not 0 <= nb < len(siblings):
                raise InputError("there is no neighbouring link in this turn to move to")
            other = siblings[nb]
            tgt, otgt = json.loads(row["tgt_ids"]), json.loads(other["tgt_ids"])
            if not tgt:
                raise InputError("this link has no target sentence to move")
            if direction == "down":
                moved, tgt = tgt[-1], tgt[:-1]
                otgt = [moved] + otgt
            else:
                moved, tgt = tgt[0], tgt[1:]
                otgt = otgt + [moved]
            c.execute("UPDATE links SET tgt_ids=?, fixed=1, score=NULL WHERE id=?",
                      (json.dumps(tgt), link_id))
            c.execute("UPDATE links SET tgt_ids=?, fixed=1, score=NULL WHERE id=?",
                      (json.dumps(otgt), other["id"]))
            # A link left with neither side is meaningless; drop it (the history keeps it).
            if not tgt and not json.loads(row["src_ids"]):
                c.execute("UPDATE links SET active=0 WHERE id=?", (link_id,))
            self._log("link", str(link_id), f"move-{direction}",
                      {"tgt_ids": json.loads(row["tgt_ids"]), "other": other["id"],
                       "other_tgt_ids": json.loads(other["tgt_ids"])},
                      {"tgt_ids": tgt, "other_tgt_ids": otgt}, actor)

    # ----- human translations --------------------------------------------------------------
    def import_target_track(self, lang: str, sentences: Sequence[str],
                            links: Sequence[tuple[Sequence[str], Sequence[int], float | None]],
                            origin_detail: dict | None = None, actor: str = "import",
                            statuses: Sequence[str] | None = None,
                            origins: Sequence[str] | None = None) -> Path:
        """Store a human translation: `links` pair source segment ids with indexes into
        `sentences`. The previous targets of `lang` are archived (kept, marked inactive), never
        deleted; a backup is taken first. Returns the backup path.

        `statuses` (one per sentence, default 'edited') and `origins` (one per sentence:
        'human', or 'mt:<model>' as exports write it) restore what a file such as a TMX
        recorded, in the same transaction."""
        if statuses is not None:
            if len(statuses) != len(sentences):
                raise InputError("one status per imported sentence is needed")
            bad = sorted({st for st in statuses if st not in TARGET_STATUSES})
            if bad:
                raise InputError(f"unknown status {bad[0]!r}; use one of {', '.join(TARGET_STATUSES)}")
        status_of = list(statuses) if statuses is not None else ["edited"] * len(sentences)
        if origins is not None and len(origins) != len(sentences):
            raise InputError("one origin per imported sentence is needed")
        origin_of: list[tuple[str, str]] = []
        for k in range(len(sentences)):
            label = origins[k] if origins is not None else "human"
            d = dict(origin_detail or {})
            if label.startswith("mt"):
                if label.startswith("mt:"):
                    d["model"] = label[3:]
                origin_of.append(("mt", json.dumps(d, ensure_ascii=False, sort_keys=True)))
            else:
                origin_of.append(("human", json.dumps(d, ensure_ascii=False, sort_keys=True)))
        backup = self.backup(f"before-import-{lang}")
        blocks_of = {s.id: s.block_id for s in self.source_segments()}
        detail = json.dumps(origin_detail or {}, ensure_ascii=False, sort_keys=True)
        with self.transaction() as c:
            c.execute("UPDATE segments SET active=0 WHERE lang=? AND origin!='source' AND active=1",
                      (lang,))
            c.execute("UPDATE links SET active=0 WHERE lang=? AND active=1", (lang,))
            ts = now()
            ids = [new_id() for _ in sentences]
            block = next(iter(blocks_of.values()), None)
            per_block_pos: dict[str, float] = {}
            used: dict[int, str] = {}       # sentence index -> block it went to
            if block is None:
                raise InputError("the project has no source sentences to align to")
            for src_ids, tgt_idx, score in links:
                missing = [s for s in src_ids if s not in blocks_of]
                if missing:
                    raise InputError(f"unknown source sentence ids: {missing[:3]}")
                bad = [ti for ti in tgt_idx if not 0 <= ti < len(sentences) or ti in used]
                if bad:
                    raise InputError(f"translation sentence {bad[0]} is missing or linked twice")
                if src_ids:
                    block = blocks_of[src_ids[0]]
                for ti in tgt_idx:
                    used[ti] = block
                    c.execute(
                        "INSERT INTO segments(id, block_id, lang, position, text, origin,"
                        " origin_detail, status, created_at, updated_at)"
                        " VALUES(?,?,?,?,?,?,?,?,?,?)",
                        (ids[ti], block, lang, ti, sentences[ti], *origin_of[ti], status_of[ti],
                         ts, ts))
                pos = per_block_pos.get(block, 0.0)
                per_block_pos[block] = pos + 1
                c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score)"
                          " VALUES(?,?,?,?,?,?)",
                          (block, lang, pos, json.dumps(list(src_ids)),
                           json.dumps([ids[ti] for ti in tgt_idx]), score))
            # A sentence no link names is still stored, as a 0:1 link after its predecessor.
            block = next(iter(blocks_of.values()))
            for ti, text in enumerate(sentences):
                if ti in used:
                    block = used[ti]
                    continue
                c.execute("INSERT INTO segments(id, block_id, lang, position, text, origin,"
                          " origin_detail, status, created_at, updated_at)"
                          " VALUES(?,?,?,?,?,?,?,?,?,?)",
                          (ids[ti], block, lang, ti, text, *origin_of[ti], status_of[ti], ts, ts))
                pos = per_block_pos.get(block, 0.0)
                per_block_pos[block] = pos + 1
                c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score)"
                          " VALUES(?,?,?,'[]',?,NULL)", (block, lang, pos, json.dumps([ids[ti]])))
            for b in per_block_pos:
                self._renumber_links(c, b, lang)
            self._log("track", lang, "import", None, {"sentences": len(sentences)}, actor)
        return backup

    def orphans(self) -> list[SegmentRow]:
        """Human work that lost its place: its source sentence is gone after a re-import, it
        was archived by a new translation import, or no alignment link shows it any more.
        Kept and listed, never deleted."""
        with self._lock:
            human = [_seg(r) for r in self._query(
                "SELECT * FROM segments WHERE origin!='source' AND status IN ('edited','reviewed')"
                " ORDER BY updated_at, id")]
            inactive_src = {r[0] for r in self._query(
                "SELECT id FROM segments WHERE origin='source' AND active=0")}
            shown: set[str] = set()
            for link in self._query("SELECT src_ids, tgt_ids FROM links WHERE active=1"):
                src = json.loads(link["src_ids"])
                if not src or not all(s in inactive_src for s in src):
                    shown.update(json.loads(link["tgt_ids"]))
        return [t for t in human if not t.active or t.id not in shown]

    # ----- summary -------------------------------------------------------------------------
    def summary(self) -> Summary:
        info = self.document_info() or {"title": "", "source_name": "", "lang": "de"}
        s = Summary(info["title"], info["source_name"], info["lang"])
        blocks = self.blocks()
        for b in blocks:
            s.blocks[b.kind] = s.blocks.get(b.kind, 0) + 1
            if b.kind == "turn" and b.speaker:
                s.turns_per_speaker[b.speaker] = s.turns_per_speaker.get(b.speaker, 0) + 1
        for alias, canonical in self.speaker_merges().items():
            s.speakers.setdefault(canonical, []).append(alias)
        for sp in s.turns_per_speaker:
            s.speakers.setdefault(sp, [])
        excluded = {b.id for b in blocks if b.excluded}
        for seg in self.source_segments():
            s.sentences += 1
            s.excluded_sentences += seg.block_id in excluded
        for lang in self.languages():
            counts = {st: 0 for st in TARGET_STATUSES}
            for t in self.target_segments(lang):
                counts[t.status] = counts.get(t.status, 0) + 1
            counts["total"] = sum(counts[st] for st in TARGET_STATUSES)
            s.languages[lang] = counts
            s.links[lang] = len(self.links(lang))
        s.orphaned = len(self.orphans())
        return s

    # ----- backups -------------------------------------------------------------------------
    def backup(self, reason: str = "manual") -> Path:
        """A consistent snapshot through SQLite's online backup API (safe while others write).

        Written to a temporary name and renamed when complete, so a crash mid-backup never
        leaves a half backup that looks like a real one. The copy is a single self-contained
        file (rollback-journal mode, no -wal beside it)."""
        folder = self.dir / BACKUP_DIR
        folder.mkdir(exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        safe_reason = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reason)[:40]
        dest = folder / f"{stamp}-{safe_reason}.sqlite"
        partial = folder / f".{dest.name}.partial"
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(str(partial), isolation_level=None)
        try:
            with self._lock:
                self.conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        _fsync(partial)
        os.replace(partial, dest)
        _fsync(folder)
        return dest

    def list_backups(self) -> list[Path]:
        folder = self.dir / BACKUP_DIR
        return sorted(folder.glob("[0-9]*.sqlite")) if folder.is_dir() else []

    def resolve_backup(self, backup_path: str | os.PathLike | None = None) -> Path:
        """The newest backup, or the named one (a path, or a file name in backups/)."""
        return _resolve_backup(self.dir, backup_path)

    def restore(self, backup_path: str | os.PathLike | None = None) -> Path:
        """Bring back a backup (the newest when none is named); the current state is backed
        up first, so a restore can itself be undone. Returns that safety backup."""
        source = self.resolve_backup(backup_path)
        problem = check_database(source)
        if problem:
            raise ProjectError(f"{source}: cannot restore this backup: {problem}")
        safety = self.backup("before-restore")
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            with self._lock:
                src.backup(self.conn)
        finally:
            src.close()
        return safety


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _resolve_backup(directory: Path, backup_path: str | os.PathLike | None) -> Path:
    folder = Path(directory) / BACKUP_DIR
    if backup_path is None:
        backups = sorted(folder.glob("[0-9]*.sqlite")) if folder.is_dir() else []
        if not backups:
            raise ProjectError(f"{directory}: no backups to restore")
        return backups[-1]
    source = Path(backup_path)
    if not source.is_file() and not source.is_absolute():
        source = folder / source
    if not source.is_file():
        raise ProjectError(f"{backup_path}: no such backup (see `bitext backups {directory}`)")
    return source


def restore_damaged(directory: str | os.PathLike, backup_path: str | os.PathLike | None = None) -> Path:
    """Restore a project whose database cannot even be opened: the damaged file is moved
    aside (never deleted) and the backup copied in its place. Returns the database path."""
    directory = Path(directory)
    source = _resolve_backup(directory, backup_path)
    problem = check_database(source)
    if problem:
        raise ProjectError(f"{source}: cannot restore this backup: {problem}")
    db = directory / DB_NAME
    incoming = directory / f".{DB_NAME}.restoring"
    shutil.copyfile(source, incoming)
    _fsync(incoming)
    if db.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
        aside = directory / f"{DB_NAME}.damaged-{stamp}"
        db.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(str(db) + suffix)
            if extra.exists():
                extra.rename(Path(str(aside) + suffix))
    os.replace(incoming, db)
    _fsync(directory)
    return db
