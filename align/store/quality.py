"""The glossary and QA dismissals: term pairs per language, and flags a person has
dismissed. Every change is one transaction and is logged in the history."""
from __future__ import annotations

from typing import Iterable

from align.errors import InputError
from align.store.connection import ProjectConnection
from align.store.schema import now

MAX_TERM = 200


def _term(text: str, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"the {what} term is empty")
    text = " ".join(text.split())
    if len(text) > MAX_TERM:
        raise InputError(f"the {what} term is longer than {MAX_TERM} characters")
    return text


class QualityMixin(ProjectConnection):
    # ----- glossary ------------------------------------------------------------------------
    def glossary(self, lang: str) -> list[tuple[str, str]]:
        """(source term, target term) pairs of one target language, sorted."""
        return [(r["source"], r["target"]) for r in self._query(
            "SELECT source, target FROM glossary WHERE lang=? ORDER BY source COLLATE NOCASE",
            (lang,))]

    def glossary_languages(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT lang FROM glossary ORDER BY lang")]

    def add_glossary_terms(self, lang: str, pairs: Iterable[tuple[str, str]],
                           actor: str = "user") -> int:
        """Add (or change the target of) term pairs in one transaction; returns how many
        were new or changed. A bad pair refuses the whole batch."""
        clean = [(_term(s, "source"), _term(t, "target")) for s, t in pairs]
        if not lang or not lang.strip():
            raise InputError("a glossary needs a target language (--lang en)")
        changed = 0
        with self.transaction() as c:
            for source, target in clean:
                row = c.execute("SELECT target FROM glossary WHERE lang=? AND source=?",
                                (lang, source)).fetchone()
                if row is not None and row[0] == target:
                    continue
                c.execute("INSERT OR REPLACE INTO glossary(lang, source, target, created_at)"
                          " VALUES(?,?,?,?)", (lang, source, target, now()))
                self._log("glossary", f"{lang}:{source}", "add",
                          None if row is None else {"target": row[0]}, {"target": target}, actor)
                changed += 1
        return changed

    def remove_glossary_term(self, lang: str, source: str, actor: str = "user") -> None:
        with self.transaction() as c:
            row = c.execute("SELECT target FROM glossary WHERE lang=? AND source=?",
                            (lang, source)).fetchone()
            if row is None:
                raise InputError(f"“{source}” is not in the {lang} glossary")
            c.execute("DELETE FROM glossary WHERE lang=? AND source=?", (lang, source))
            self._log("glossary", f"{lang}:{source}", "remove", {"target": row[0]}, None, actor)

    # ----- dismissed flags -----------------------------------------------------------------
    def dismissals(self) -> set[tuple[str, str, str]]:
        """(segment id, check code, pair signature) of every dismissed flag."""
        return {(r[0], r[1], r[2]) for r in self._query(
            "SELECT segment_id, code, pair_sig FROM qa_dismissals")}

    def dismiss_flag(self, segment_id: str, code: str, pair_sig: str, reason: str,
                     actor: str = "user") -> bool:
        """Record that a person looked at this flag and let it stand; False when it was
        dismissed already."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM segments WHERE id=?", (segment_id,)).fetchone() is None:
                raise InputError(f"no sentence with id {segment_id}")
            cur = c.execute("INSERT OR IGNORE INTO qa_dismissals(segment_id, code, pair_sig,"
                            " reason, actor, at) VALUES(?,?,?,?,?,?)",
                            (segment_id, code, pair_sig, reason, actor, now()))
            if cur.rowcount == 0:
                return False
            self._log("qa", segment_id, "dismiss", None, {"code": code, "reason": reason}, actor)
        return True
