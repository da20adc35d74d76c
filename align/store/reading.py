"""Reading a project: the document, its blocks and speakers, sentences, links and history.
Reads only; each returns whole rows fetched under the connection's lock."""
from __future__ import annotations

import sqlite3
from typing import Iterable, Sequence

from align.errors import ProjectError
from align.store.connection import ProjectConnection
from align.store.rows import (BlockRow, HistoryRow, LinkRow, SegmentRow, to_history, to_link,
                              to_segment)
from align.store.sql import rows_by_id


class ReadingMixin(ProjectConnection):
    def _select_ordered(self, sql: str, args: Sequence, block_id: str | None, block_column: str,
                        order: str) -> list[sqlite3.Row]:
        """`sql` narrowed to one block when `block_id` is given, then ordered."""
        args = list(args)
        if block_id is not None:
            sql += f" AND {block_column}=?"
            args.append(block_id)
        return self._query(f"{sql} ORDER BY {order}", args)

    # ----- document ------------------------------------------------------------------------
    def document_info(self) -> dict | None:
        row = next(iter(self._query("SELECT * FROM document")), None)
        return dict(row) if row else None

    @property
    def source_lang(self) -> str:
        info = self.document_info()
        return info["lang"] if info else "de"

    # ----- blocks and speakers -------------------------------------------------------------
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

    # ----- sentences -----------------------------------------------------------------------
    def source_segments(self, block_id: str | None = None) -> list[SegmentRow]:
        rows = self._select_ordered(
            "SELECT s.* FROM segments s JOIN blocks b ON b.id=s.block_id"
            " WHERE s.origin='source' AND s.active=1", [], block_id, "s.block_id",
            "b.position, s.position")
        return [to_segment(r) for r in rows]

    def target_segments(self, lang: str, block_id: str | None = None) -> list[SegmentRow]:
        rows = self._select_ordered(
            "SELECT s.* FROM segments s JOIN blocks b ON b.id=s.block_id"
            " WHERE s.origin!='source' AND s.active=1 AND s.lang=?", [lang], block_id,
            "s.block_id", "b.position, s.position")
        return [to_segment(r) for r in rows]

    def segment(self, segment_id: str) -> SegmentRow:
        row = next(iter(self._query("SELECT * FROM segments WHERE id=?", (segment_id,))), None)
        if row is None:
            raise ProjectError(f"no sentence with id {segment_id}")
        return to_segment(row)

    def segments_by_id(self, ids: Iterable[str]) -> dict[str, SegmentRow]:
        with self._lock:
            return {r["id"]: to_segment(r) for r in rows_by_id(self.conn, list(ids))}

    def languages(self) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT DISTINCT lang FROM segments WHERE origin!='source' AND active=1 ORDER BY lang")]

    # ----- links and history ---------------------------------------------------------------
    def links(self, lang: str, block_id: str | None = None) -> list[LinkRow]:
        rows = self._select_ordered(
            "SELECT l.* FROM links l JOIN blocks b ON b.id=l.block_id"
            " WHERE l.active=1 AND l.lang=?", [lang], block_id, "l.block_id",
            "b.position, l.position, l.id")
        return [to_link(r) for r in rows]

    def link(self, link_id: int) -> LinkRow:
        row = next(iter(self._query("SELECT * FROM links WHERE id=? AND active=1", (link_id,))), None)
        if row is None:
            raise ProjectError(f"no alignment link with id {link_id} (it may have been changed "
                               f"in another window; reload)")
        return to_link(row)

    def history(self, entity_id: str | None = None, limit: int = 200) -> list[HistoryRow]:
        q, args = "SELECT * FROM history", []
        if entity_id is not None:
            q += " WHERE entity_id=?"
            args.append(entity_id)
        rows = self._query(q + " ORDER BY id DESC LIMIT ?", [*args, limit])
        return [to_history(r) for r in rows]
