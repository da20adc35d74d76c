"""Correction offers (suggestions in the reader): a person's correction offered to other sentences with the same or nearly
the same source (issue 12). Stored, listed, accepted or dismissed; nothing changes a
translation until a person accepts the suggestion, and accepting is an ordinary edit (in
the history, undoable)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

from align.errors import InputError
from align.store.connection import ProjectConnection
from align.store.schema import now
from align.store.sql import link_containing, segment_by_id


@dataclass(frozen=True)
class OfferRow:
    id: int
    lang: str
    src_id: str           # the source sentence whose translation it would set
    from_src_id: str      # the sentence a person corrected
    from_tgt_id: str | None
    text: str
    similarity: float     # of the two source sentences, 0..1
    state: str


def _row(r) -> OfferRow:
    return OfferRow(r["id"], r["lang"], r["src_id"], r["from_src_id"], r["from_tgt_id"],
                         r["text"], r["similarity"], r["state"])


class OffersMixin(ProjectConnection):
    def offer_correction(self, lang: str, from_src_id: str, from_tgt_id: str | None, text: str,
                          matches: Sequence[tuple[str, float]]) -> int:
        """Offer `text` (the correction of `from_src_id`) to each (source id, similarity) in
        `matches`. A newer correction of the same sentence replaces its open offers; an
        offer a person dismissed is not made again. Returns how many are open for it now.
        One transaction."""
        ts = now()
        with self.transaction() as c:
            c.execute("UPDATE correction_offers SET state='replaced', decided_at=? WHERE lang=? AND"
                      " from_src_id=? AND state='open' AND text!=?", (ts, lang, from_src_id, text))
            n = 0
            for src_id, sim in matches:
                if src_id == from_src_id:
                    continue
                seen = c.execute("SELECT state FROM correction_offers WHERE lang=? AND src_id=? AND"
                                 " text=? AND state IN ('open','dismissed')",
                                 (lang, src_id, text)).fetchone()
                if seen is not None:
                    n += seen["state"] == "open"
                    continue
                c.execute("INSERT INTO correction_offers(lang, src_id, from_src_id, from_tgt_id, text,"
                          " similarity, created_at) VALUES(?,?,?,?,?,?,?)",
                          (lang, src_id, from_src_id, from_tgt_id, text, float(sim), ts))
                n += 1
        return n

    def add_offer(self, lang: str, src_id: str, from_src_id: str, from_tgt_id: str | None,
                       text: str, similarity: float) -> None:
        """One suggestion from a translation memory (no earlier one is replaced)."""
        with self.transaction() as c:
            c.execute("INSERT INTO correction_offers(lang, src_id, from_src_id, from_tgt_id, text,"
                      " similarity, created_at) VALUES(?,?,?,?,?,?,?)",
                      (lang, src_id, from_src_id, from_tgt_id, text, float(similarity), now()))

    def offers(self, lang: str | None = None, src_ids: Sequence[str] | None = None,
                    state: str = "open") -> list[OfferRow]:
        """Suggestions in `state`, best match first, then the newest."""
        sql, args = "SELECT * FROM correction_offers WHERE state=?", [state]
        if lang is not None:
            sql += " AND lang=?"
            args.append(lang)
        rows = [_row(r) for r in self._query(sql + " ORDER BY similarity DESC, id DESC", args)]
        if src_ids is not None:
            wanted = set(src_ids)
            rows = [r for r in rows if r.src_id in wanted]
        return rows

    def offer(self, offer_id: int) -> OfferRow:
        rows = self._query("SELECT * FROM correction_offers WHERE id=?", (offer_id,))
        if not rows:
            raise InputError(f"no suggestion with id {offer_id}")
        return _row(rows[0])

    def dismiss_offer(self, offer_id: int, actor: str = "user") -> None:
        with self.transaction():
            self._decide(offer_id, "dismissed", actor)

    def accept_offer(self, offer_id: int, actor: str = "user"):
        """Set the suggested text as the sentence's translation (status edited), as a
        person's edit would; the suggestion is closed, and so are the other open ones for the
        same sentence and language. Returns the saved SegmentRow."""
        sug = self.offer(offer_id)
        if sug.state != "open":
            raise InputError(f"this suggestion was already {sug.state}")
        with self.transaction() as c:
            link = link_containing(c, sug.lang, sug.src_id)
            if link is None:
                saved = self.add_target_sentence(sug.lang, sug.src_id, sug.text, actor=actor)
            else:
                tgt_ids = json.loads(link["tgt_ids"])
                if len(json.loads(link["src_ids"])) != 1 or len(tgt_ids) != 1:
                    raise InputError("this sentence shares a link with others; copy the "
                                     "suggestion into its editor by hand")
                target = segment_by_id(c, tgt_ids[0])
                saved = self.edit_segment(target["id"], sug.text, target["version"], actor=actor)
            self._decide(offer_id, "accepted", actor)
            c.execute("UPDATE correction_offers SET state='replaced', decided_at=? WHERE lang=? AND"
                      " src_id=? AND state='open'", (now(), sug.lang, sug.src_id))
        return saved

    def _decide(self, offer_id: int, state: str, actor: str) -> None:
        c = self.conn
        row = c.execute("SELECT * FROM correction_offers WHERE id=?", (offer_id,)).fetchone()
        if row is None:
            raise InputError(f"no suggestion with id {offer_id}")
        if row["state"] != "open":
            raise InputError(f"this suggestion was already {row['state']}")
        c.execute("UPDATE correction_offers SET state=?, decided_at=? WHERE id=?",
                  (state, now(), offer_id))
        self._log("offer", str(offer_id), state, {"state": "open"},
                  {"state": state, "src_id": row["src_id"], "text": row["text"]}, actor)
