"""Suggested links: a person accepts one (it becomes a normal link) or rejects it (its
sentences are unlinked: the source sentences show as untranslated, the translation's
sentences stay, unlinked and fixed that way so a re-alignment does not pair them again).
Both are recorded in the history."""
from __future__ import annotations

import json

from align.errors import ConflictError, InputError
from align.store.connection import ProjectConnection
from align.store.sql import active_link


class SuggestionsMixin(ProjectConnection):
    def suggested_link_ids(self, lang: str | None = None) -> set[int]:
        q = "SELECT id FROM links WHERE active=1 AND suggested=1"
        rows = self._query(q + " AND lang=?", (lang,)) if lang else self._query(q)
        return {r[0] for r in rows}

    def _suggested_link(self, c, link_id: int):
        row = active_link(c, link_id)
        if row is None:
            raise ConflictError("this link was changed in another window; reload")
        if not row["suggested"]:
            raise InputError("this link is not a suggestion (it was accepted or changed already)")
        return row

    def accept_suggestion(self, link_id: int, actor: str = "user") -> None:
        """The suggested link becomes a normal link, fixed by a person; its score stays."""
        with self.transaction() as c:
            row = self._suggested_link(c, link_id)
            c.execute("UPDATE links SET suggested=0, fixed=1 WHERE id=?", (link_id,))
            self._log("link", str(link_id), "accept-suggestion",
                      {"suggested": True, "fixed": bool(row["fixed"])},
                      {"suggested": False, "fixed": True}, actor)

    def reject_suggestion(self, link_id: int, actor: str = "user") -> None:
        """The suggested link goes (kept inactive, in the history); its translation sentences
        stay in place as a fixed link with no source, so re-aligning the turn keeps them
        apart; its source sentences are left without a link."""
        with self.transaction() as c:
            row = self._suggested_link(c, link_id)
            c.execute("UPDATE links SET active=0 WHERE id=?", (link_id,))
            tgt = json.loads(row["tgt_ids"])
            new = None
            if tgt:
                new = c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids,"
                                " score, fixed) VALUES(?,?,?,'[]',?,NULL,1)",
                                (row["block_id"], row["lang"], row["position"],
                                 json.dumps(tgt))).lastrowid
            self._renumber_links(c, row["block_id"], row["lang"])
            self._log("link", str(link_id), "reject-suggestion",
                      {"src_ids": json.loads(row["src_ids"]), "tgt_ids": tgt,
                       "score": row["score"], "suggested": True},
                      {"unlinked_tgt_link": new}, actor)
