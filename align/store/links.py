"""Alignment links edited as links: replacing a block's links after a re-alignment, keeping
them in reading order, and a person's merge, split and move of links."""
from __future__ import annotations

import json
import sqlite3
from typing import Sequence

from align.errors import ConflictError, InputError, ProjectError
from align.store.connection import ProjectConnection
from align.store.rows import LinkRow
from align.store.schema import HUMAN_STATUSES
from align.store.sql import active_link, move_to_block, rows_by_id


class LinksMixin(ProjectConnection):
    # ----- links ---------------------------------------------------------------------------
    def replace_links(self, block_id: str, lang: str,
                      links: Sequence[tuple[Sequence[str], Sequence[str], float | None]],
                      fixed: bool = False, actor: str = "aligner",
                      suggested: Sequence[bool] | None = None) -> None:
        """Replace a block's links in one language (a re-alignment); person-fixed links stay
        unless `fixed` is set (then the new links are the person's). `suggested` (one flag per
        link) marks the links the aligner was unsure of, left for a person to accept or reject.

        A re-alignment never hides human work: a human target that no new link shows gets a
        0:1 link of its own in place (an MT target left out is archived)."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM blocks WHERE id=?", (block_id,)).fetchone() is None:
                raise ProjectError(f"no block with id {block_id}")
            old = c.execute("SELECT * FROM links WHERE block_id=? AND lang=? AND active=1",
                            (block_id, lang)).fetchall()
            keep = [r for r in old if r["fixed"] and not fixed]
            keep_ids = {i for r in keep for side in ("src_ids", "tgt_ids") for i in json.loads(r[side])}
            _validate_links(c, block_id, lang, links, {r["id"] for r in old})
            if suggested is not None and len(suggested) != len(links):
                raise InputError("one suggested flag per link is needed")
            flags = list(suggested) if suggested is not None else [False] * len(links)
            for r in old:
                if r not in keep:
                    c.execute("UPDATE links SET active=0 WHERE id=?", (r["id"],))
            pos = 0.0
            for (src_ids, tgt_ids, score), unsure in zip(links, flags):
                if keep_ids & set(src_ids) or keep_ids & set(tgt_ids):
                    continue  # a fixed anchor already covers these sentences
                c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score, fixed,"
                          " suggested) VALUES(?,?,?,?,?,?,?,?)",
                          (block_id, lang, pos, json.dumps(list(src_ids)), json.dumps(list(tgt_ids)),
                           score, int(fixed), int(bool(unsure) and not fixed)))
                move_to_block(c, tgt_ids, block_id)
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
            a, b = active_link(c, first_id), active_link(c, second_id)
            if a is None or b is None:
                raise ConflictError("one of these links was changed in another window; reload")
            if (a["block_id"], a["lang"]) != (b["block_id"], b["lang"]):
                raise InputError("links in different turns or languages cannot be merged")
            if a["position"] > b["position"]:
                a, b = b, a
            src = json.loads(a["src_ids"]) + json.loads(b["src_ids"])
            tgt = json.loads(a["tgt_ids"]) + json.loads(b["tgt_ids"])
            c.execute("UPDATE links SET active=0 WHERE id IN (?,?)", (a["id"], b["id"]))
            new = _insert_fixed_link(c, a, src, tgt)
            self._renumber_links(c, a["block_id"], a["lang"])
            self._log("link", str(new), "merge", {"links": [a["id"], b["id"]]},
                      {"src_ids": src, "tgt_ids": tgt}, actor)
        return self.link(new)

    def split_link(self, link_id: int, actor: str = "user") -> list[LinkRow]:
        """Split an N:M link into 1:1 links in order; extra sentences join the last one."""
        with self.transaction() as c:
            row = _link_or_conflict(c, link_id)
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
            new_ids = [_insert_fixed_link(c, row, s, t) for s, t in parts]
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
            row = _link_or_conflict(c, link_id)
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
            # A person placed these sentences: the links are theirs now, suggestions no more.
            c.execute("UPDATE links SET tgt_ids=?, fixed=1, score=NULL, suggested=0 WHERE id=?",
                      (json.dumps(tgt), link_id))
            c.execute("UPDATE links SET tgt_ids=?, fixed=1, score=NULL, suggested=0 WHERE id=?",
                      (json.dumps(otgt), other["id"]))
            # A link left with neither side is meaningless; drop it (the history keeps it).
            if not tgt and not json.loads(row["src_ids"]):
                c.execute("UPDATE links SET active=0 WHERE id=?", (link_id,))
            self._log("link", str(link_id), f"move-{direction}",
                      {"tgt_ids": json.loads(row["tgt_ids"]), "other": other["id"],
                       "other_tgt_ids": json.loads(other["tgt_ids"])},
                      {"tgt_ids": tgt, "other_tgt_ids": otgt}, actor)


def _link_or_conflict(c: sqlite3.Connection, link_id: int) -> sqlite3.Row:
    row = active_link(c, link_id)
    if row is None:
        raise ConflictError("this link was changed in another window; reload")
    return row


def _insert_fixed_link(c: sqlite3.Connection, like: sqlite3.Row, src: list[str],
                       tgt: list[str]) -> int:
    """A person's link, in the block, language and place of the link `like` it came from."""
    cur = c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score, fixed)"
                    " VALUES(?,?,?,?,?,NULL,1)",
                    (like["block_id"], like["lang"], like["position"], json.dumps(src),
                     json.dumps(tgt)))
    return cur.lastrowid


def _validate_links(c: sqlite3.Connection, block_id: str, lang: str,
                    links: Sequence[tuple[Sequence[str], Sequence[str], float | None]],
                    replaced: set[int]) -> None:
    """Refuse links that name unknown sentences, cross the block, or repeat a sentence."""
    ids = list({i for src, tgt, _ in links for i in (*src, *tgt)})
    rows = {r["id"]: r for r in rows_by_id(c, ids)}
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
