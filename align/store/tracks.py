"""Target-language tracks as a whole: machine translation writes, importing a human
translation, and listing the human work that lost its place (orphans)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from align.errors import InputError, ProjectError
from align.store.connection import ProjectConnection
from align.store.rows import LinkRow, SegmentRow, to_segment
from align.store.schema import HUMAN_STATUSES, TARGET_STATUSES, new_id, now, text_sig
from align.store.sql import (clear_link_score, insert_one_to_one, link_to_fill,
                             release_from_empty_link, segment_by_id)


class TracksMixin(ProjectConnection):
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
            if not link.tgt_ids:
                todo.append(s)   # the aligner found no translation for it: MT may fill it
            elif len(link.src_ids) == 1 and len(link.tgt_ids) == 1:
                t = targets.get(link.tgt_ids[0])
                if t is None or not t.text.strip():
                    if t is None or t.status == "mt":
                        todo.append(s)
                elif t.status == "mt" and sigs.get(t.id) not in (None, text_sig(s.text)):
                    todo.append(s)
        return todo

    def set_machine_translation(self, src_segment_id: str, lang: str, text: str,
                                origin_detail: dict, confidence: float | None = None) -> bool:
        """Create or refresh the MT target of one source sentence (a 1:1 link), with the
        model's confidence in it (see align/store/additions_confidence.py).

        Returns False and changes nothing when a person edited or reviewed that target, or
        when the sentence sits in a hand-made N:M link: MT never overwrites human work.
        """
        with self.transaction() as c:
            src = c.execute("SELECT * FROM segments WHERE id=? AND origin='source'",
                            (src_segment_id,)).fetchone()
            if src is None:
                raise ProjectError(f"no source sentence with id {src_segment_id}")
            link = link_to_fill(c, lang, src_segment_id)
            detail = json.dumps(origin_detail, ensure_ascii=False, sort_keys=True)
            ts = now()
            if link is not None:
                src_ids, tgt_ids = json.loads(link["src_ids"]), json.loads(link["tgt_ids"])
                if len(src_ids) != 1 or len(tgt_ids) != 1:
                    return False
                tgt = segment_by_id(c, tgt_ids[0])
                if tgt["status"] in HUMAN_STATUSES or tgt["origin"] == "human":
                    return False
                if tgt["text"] == text and tgt["source_sig"] == text_sig(src["text"]):
                    if confidence is not None:
                        c.execute("UPDATE segments SET mt_confidence=? WHERE id=?",
                                  (float(confidence), tgt["id"]))
                    return True
                c.execute("UPDATE segments SET text=?, origin='mt', origin_detail=?, status='mt',"
                          " version=version+1, source_sig=?, updated_at=?, mt_confidence=?"
                          " WHERE id=?",
                          (text, detail, text_sig(src["text"]), ts,
                           None if confidence is None else float(confidence), tgt["id"]))
                clear_link_score(c, lang, tgt["id"])
                self._log_segment_change(tgt, "mt", text, "mt", actor="mt")
                return True
            tid = new_id()
            released = release_from_empty_link(c, lang, src_segment_id)
            insert_one_to_one(c, src, lang, tid, text, origin="mt", origin_detail=detail,
                              status="mt", source_sig=text_sig(src["text"]), fixed=False, ts=ts)
            if confidence is not None:
                c.execute("UPDATE segments SET mt_confidence=? WHERE id=?", (float(confidence), tid))
            if released:
                self._renumber_links(c, released, lang)
            self._log("segment", tid, "mt", None, {"text": text, "status": "mt", "version": 1},
                      actor="mt")
            return True

    # ----- human translations --------------------------------------------------------------
    def import_target_track(self, lang: str, sentences: Sequence[str],
                            links: Sequence[tuple[Sequence[str], Sequence[int], float | None]],
                            origin_detail: dict | None = None, actor: str = "import",
                            statuses: Sequence[str] | None = None,
                            origins: Sequence[str] | None = None,
                            suggested: Sequence[bool] | None = None) -> Path:
        """Store a human translation: `links` pair source segment ids with indexes into
        `sentences`. The previous targets of `lang` are archived (kept, marked inactive), never
        deleted; a backup is taken first. Returns the backup path.

        Open correction offers in `lang` are withdrawn: they were made against the old text.

        `statuses` (one per sentence, default 'edited') and `origins` (one per sentence:
        'human', or 'mt:<model>' as exports write it) restore what a file such as a TMX
        recorded, in the same transaction. `suggested` (one per link) marks the links the
        aligner was unsure of, for a person to accept or reject."""
        status_of = _import_statuses(len(sentences), statuses)
        origin_of = _import_origins(sentences, origins, origin_detail)
        backup = self.backup(f"before-import-{lang}")
        blocks_of = {s.id: s.block_id for s in self.source_segments()}
        # Where a sentence no link places goes by default: the first block that is read and
        # exported (not a boilerplate block that happens to come first).
        with_text = set(blocks_of.values())
        default_block = next((b.id for b in self.blocks(include_excluded=False) if b.id in with_text),
                             next(iter(blocks_of.values()), None))
        with self.transaction() as c:
            c.execute("UPDATE segments SET active=0 WHERE lang=? AND origin!='source' AND active=1",
                      (lang,))
            c.execute("UPDATE links SET active=0 WHERE lang=? AND active=1", (lang,))
            ts = now()
            # Offers to change this language's sentences were made against the text now
            # replaced: accepting one would overwrite the imported translation.
            withdrawn = c.execute("UPDATE correction_offers SET state='withdrawn', decided_at=?"
                                  " WHERE lang=? AND state='open'", (ts, lang)).rowcount
            ids = [new_id() for _ in sentences]
            block = default_block
            per_block_pos: dict[str, float] = {}
            used: dict[int, str] = {}       # sentence index -> block it went to
            if block is None:
                raise InputError("the project has no source sentences to align to")

            def add_sentence(ti: int, block: str) -> None:
                c.execute("INSERT INTO segments(id, block_id, lang, position, text, origin,"
                          " origin_detail, status, created_at, updated_at)"
                          " VALUES(?,?,?,?,?,?,?,?,?,?)",
                          (ids[ti], block, lang, ti, sentences[ti], *origin_of[ti], status_of[ti],
                           ts, ts))

            def add_link(block: str, src_ids: Sequence[str], tgt_idx: Sequence[int],
                         score: float | None, unsure: bool = False) -> None:
                pos = per_block_pos.get(block, 0.0)
                per_block_pos[block] = pos + 1
                c.execute("INSERT INTO links(block_id, lang, position, src_ids, tgt_ids, score,"
                          " suggested) VALUES(?,?,?,?,?,?,?)",
                          (block, lang, pos, json.dumps(list(src_ids)),
                           json.dumps([ids[ti] for ti in tgt_idx]), score, int(unsure)))

            if suggested is not None and len(suggested) != len(links):
                raise InputError("one suggested flag per link is needed")
            for k, (src_ids, tgt_idx, score) in enumerate(links):
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
                    add_sentence(ti, block)
                add_link(block, src_ids, tgt_idx, score,
                         bool(suggested[k]) and bool(src_ids) and bool(tgt_idx) if suggested else False)
            # A sentence no link names is still stored, as a 0:1 link after its predecessor.
            block = default_block
            for ti in range(len(sentences)):
                if ti in used:
                    block = used[ti]
                    continue
                add_sentence(ti, block)
                add_link(block, [], [ti], None)
            for b in per_block_pos:
                self._renumber_links(c, b, lang)
            self._log("track", lang, "import", None,
                      {"sentences": len(sentences), "offers_withdrawn": withdrawn}, actor)
        return backup

    def orphans(self) -> list[SegmentRow]:
        """Human work that lost its place: its source sentence is gone after a re-import, it
        was archived by a new translation import, or no alignment link shows it any more.
        Kept and listed, never deleted."""
        with self._lock:
            human = [to_segment(r) for r in self._query(
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


def _import_statuses(n: int, statuses: Sequence[str] | None) -> list[str]:
    """One status per imported sentence; a human translation is 'edited' unless told."""
    if statuses is None:
        return ["edited"] * n
    if len(statuses) != n:
        raise InputError("one status per imported sentence is needed")
    bad = sorted({st for st in statuses if st not in TARGET_STATUSES})
    if bad:
        raise InputError(f"unknown status {bad[0]!r}; use one of {', '.join(TARGET_STATUSES)}")
    return list(statuses)


def _import_origins(sentences: Sequence[str], origins: Sequence[str] | None,
                    origin_detail: dict | None) -> list[tuple[str, str]]:
    """(origin, origin_detail JSON) per imported sentence: 'human', or 'mt' with the model
    named by an 'mt:<model>' label."""
    if origins is not None and len(origins) != len(sentences):
        raise InputError("one origin per imported sentence is needed")
    out = []
    for k, sentence in enumerate(sentences):
        label = origins[k] if origins is not None else "human"
        detail = dict(origin_detail or {})
        # Read by align/store/provenance.py: the sentence reads "imported" while its text is
        # still the one imported, whatever reviews came and went since.
        detail["imported"] = True
        detail["imported_sig"] = text_sig(sentence)
        if label.startswith("mt:"):
            detail["model"] = label[3:]
        out.append(("mt" if label.startswith("mt") else "human",
                    json.dumps(detail, ensure_ascii=False, sort_keys=True)))
    return out
