"""Small SQL lookups and updates the store's parts share inside a transaction: each takes the
open connection, so it joins whatever transaction the caller holds."""
from __future__ import annotations

import json
import sqlite3
from typing import Sequence

# SQLite caps the number of `?` in one statement; long id lists are read in chunks.
CHUNK = 500


def placeholders(n: int) -> str:
    return ",".join("?" * n)


def rows_by_id(c: sqlite3.Connection, ids: Sequence[str]) -> list[sqlite3.Row]:
    """The segment rows with these ids (any order; unknown ids are left out)."""
    ids = list(ids)
    rows: list[sqlite3.Row] = []
    for k in range(0, len(ids), CHUNK):
        chunk = ids[k:k + CHUNK]
        rows += c.execute(f"SELECT * FROM segments WHERE id IN ({placeholders(len(chunk))})",
                          chunk).fetchall()
    return rows


def segment_by_id(c: sqlite3.Connection, segment_id: str) -> sqlite3.Row | None:
    return c.execute("SELECT * FROM segments WHERE id=?", (segment_id,)).fetchone()


def active_link(c: sqlite3.Connection, link_id: int) -> sqlite3.Row | None:
    return c.execute("SELECT * FROM links WHERE id=? AND active=1", (link_id,)).fetchone()


def link_containing(c: sqlite3.Connection, lang: str, segment_id: str) -> sqlite3.Row | None:
    pattern = f'%"{segment_id}"%'
    return c.execute("SELECT * FROM links WHERE active=1 AND lang=? AND"
                     " (src_ids LIKE ? OR tgt_ids LIKE ?) ORDER BY id LIMIT 1",
                     (lang, pattern, pattern)).fetchone()


def link_to_fill(c: sqlite3.Connection, lang: str, segment_id: str) -> sqlite3.Row | None:
    """The link that keeps `segment_id` from getting a translation of its own: any link
    holding it, except one with no target sentence (the aligner found no `lang` for it),
    which is opened up by `release_from_empty_link` instead."""
    link = link_containing(c, lang, segment_id)
    if link is None or not json.loads(link["tgt_ids"]):
        return None
    return link


def release_from_empty_link(c: sqlite3.Connection, lang: str, segment_id: str) -> str | None:
    """Take a source sentence out of a link with no target sentence (N:0), so it can get a
    1:1 link of its own; the rest of that link stays. Returns the block id when it did."""
    link = link_containing(c, lang, segment_id)
    if link is None or json.loads(link["tgt_ids"]):
        return None
    rest = [s for s in json.loads(link["src_ids"]) if s != segment_id]
    if rest:
        c.execute("UPDATE links SET src_ids=? WHERE id=?", (json.dumps(rest), link["id"]))
    else:
        c.execute("UPDATE links SET active=0 WHERE id=?", (link["id"],))
    return link["block_id"]


def move_to_block(c: sqlite3.Connection, segment_ids: Sequence[str], block_id: str) -> None:
    """Target sentences follow their link into another block."""
    if segment_ids:
        c.execute(f"UPDATE segments SET block_id=? WHERE id IN ({placeholders(len(segment_ids))})",
                  [block_id, *segment_ids])


def insert_one_to_one(c: sqlite3.Connection, src: sqlite3.Row, lang: str, target_id: str,
                      text: str, *, origin: str, origin_detail: str, status: str,
                      source_sig: str | None, fixed: bool, ts: str) -> None:
    """A new target sentence for the source sentence `src`, shown by a 1:1 link of its own."""
    c.execute("INSERT INTO segments(id, block_id, lang, position, text, origin, origin_detail,"
              " status, source_sig, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
              (target_id, src["block_id"], lang, src["position"], text, origin, origin_detail,
               status, source_sig, ts, ts))
    c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score, fixed)"
              " VALUES(?,?,?,?,?,NULL,?)",
              (src["block_id"], lang, float(src["position"]), json.dumps([src["id"]]),
               json.dumps([target_id]), int(fixed)))


def clear_link_score(c: sqlite3.Connection, lang: str, target_id: str) -> None:
    """A link's alignment score described the text it was given; once that text is replaced
    the score says nothing, so it goes (a person's text is not re-scored)."""
    c.execute("UPDATE links SET score=NULL WHERE active=1 AND lang=? AND tgt_ids LIKE ?",
              (lang, f'%"{target_id}"%'))
