"""Undo of a suggested link's Accept or Reject: a click by mistake is taken back like an
edit. Accept undone: the link is a suggestion again. Reject undone: the unlinked translation
sentences are linked to their German again, as the suggestion they were. Only while nothing
has changed those links since (a re-alignment, a typed translation): otherwise the undo is
refused with a reason, and nothing is touched. The undo is recorded in the history."""
from __future__ import annotations

import json
from dataclasses import dataclass

from align.errors import ConflictError, InputError
from align.store.connection import ProjectConnection

DECISIONS = ("accept-suggestion", "reject-suggestion")


@dataclass(frozen=True)
class Decision:
    """An Accept or Reject of a suggested link that can still be undone."""
    history_id: int
    link_id: int
    action: str                  # one of DECISIONS
    lang: str
    block_id: str
    src_ids: tuple[str, ...]
    tgt_ids: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return self.action == "accept-suggestion"


class SuggestionUndoMixin(ProjectConnection):
    def last_decision(self, lang: str, src_ids=(), tgt_ids=()) -> Decision | None:
        """The latest Accept/Reject in `lang` touching these German or translation sentences,
        when it can still be undone (None otherwise)."""
        src, tgt = set(src_ids), set(tgt_ids)
        rows = self._query(
            "SELECT h.id, h.entity_id, h.action, l.lang, l.block_id, l.src_ids,"
            " l.tgt_ids FROM history h JOIN links l ON l.id = CAST(h.entity_id AS INTEGER)"
            " WHERE h.entity='link' AND h.undone=0 AND l.lang=? AND h.action IN (?,?)"
            " ORDER BY h.id DESC", (lang, *DECISIONS))
        for r in rows:
            d = Decision(r["id"], int(r["entity_id"]), r["action"], r["lang"], r["block_id"],
                         tuple(json.loads(r["src_ids"])), tuple(json.loads(r["tgt_ids"])))
            if src & set(d.src_ids) or tgt & set(d.tgt_ids):
                with self._lock:
                    return d if self._why_not_undoable(self.conn, d) is None else None
        return None

    def decision_after(self, d: Decision, segment_id: str) -> bool:
        """Whether `d` is newer than the latest change of `segment_id` that Undo would take
        back (so the sentence's Undo takes back the decision first)."""
        row = self._query("SELECT MAX(id) FROM history WHERE entity='segment' AND entity_id=?"
                          " AND action IN ('edit','status','mt') AND undone=0"
                          " AND old_value IS NOT NULL", (segment_id,))
        latest = row[0][0] if row else None
        return latest is None or d.history_id > latest

    def undo_decision(self, history_id: int, actor: str = "user") -> Decision:
        """Take back one Accept or Reject (see the module docstring)."""
        with self.transaction() as c:
            h = c.execute("SELECT * FROM history WHERE id=? AND entity='link'",
                          (history_id,)).fetchone()
            if h is None or h["action"] not in DECISIONS:
                raise InputError("there is no accepted or rejected suggestion to undo")
            if h["undone"]:
                raise InputError("this decision was undone already")
            link = c.execute("SELECT * FROM links WHERE id=?", (int(h["entity_id"]),)).fetchone()
            d = Decision(h["id"], link["id"], h["action"], link["lang"], link["block_id"],
                         tuple(json.loads(link["src_ids"])), tuple(json.loads(link["tgt_ids"])))
            why = self._why_not_undoable(c, d)
            if why:
                raise ConflictError(f"cannot undo: {why}")
            if d.accepted:
                old = json.loads(h["old_value"])
                c.execute("UPDATE links SET suggested=1, fixed=? WHERE id=?",
                          (int(bool(old.get("fixed"))), d.link_id))
            else:
                unlinked = json.loads(h["new_value"] or "{}").get("unlinked_tgt_link")
                if unlinked is not None:
                    c.execute("UPDATE links SET active=0 WHERE id=?", (unlinked,))
                c.execute("UPDATE links SET active=1 WHERE id=?", (d.link_id,))
                self._renumber_links(c, d.block_id, d.lang)
            c.execute("UPDATE history SET undone=1 WHERE id=?", (history_id,))
            self._log("link", str(d.link_id), "undo", {"action": d.action},
                      {"undid": history_id, "suggested": True}, actor)
        return d

    def _why_not_undoable(self, c, d: Decision) -> str | None:
        """None when `d` can be undone; else the reason, for the person."""
        link = c.execute("SELECT active, suggested FROM links WHERE id=?", (d.link_id,)).fetchone()
        if d.accepted:
            if link is None or not link["active"] or link["suggested"]:
                return "the link was changed after it was accepted"
            return None
        if link is None or link["active"]:
            return "the link was changed after it was rejected"
        # The sentences must still be where the reject left them: German unlinked, the
        # translation in its link without German.
        others = c.execute("SELECT id, src_ids, tgt_ids FROM links WHERE active=1 AND lang=?"
                           " AND block_id=?", (d.lang, d.block_id)).fetchall()
        src, tgt = set(d.src_ids), set(d.tgt_ids)
        for o in others:
            if src & set(json.loads(o["src_ids"])):
                return "the German was linked again since"
            held = set(json.loads(o["tgt_ids"])) & tgt
            if held and (json.loads(o["src_ids"]) or set(json.loads(o["tgt_ids"])) != tgt):
                return "the translation was linked again since"
        moved = c.execute(f"SELECT COUNT(*) FROM segments WHERE active=1 AND block_id=? AND id IN"
                          f" ({','.join('?' * len(tgt))})", (d.block_id, *tgt)).fetchone()[0] \
            if tgt else 0
        if moved != len(tgt):
            return "the translation sentences were moved or removed since"
        return None
