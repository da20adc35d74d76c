"""Storing the source document: the first import, and every re-import or re-segmentation,
which keeps all human work.

Ids are random and never reused, so nothing is keyed by row position: re-segmenting one
block leaves every other block's segment ids (and their translations and links) intact.
"""
from __future__ import annotations

import json
import sqlite3
from difflib import SequenceMatcher

from align.store.carry import successors as carry_successors
from align.text.document import Document
from align.store.connection import ProjectConnection
from align.store.rows import ImportReport
from align.store.schema import HUMAN_STATUSES, new_id, now
from align.store.sql import move_to_block, rows_by_id
from align.store.timings import replace_times


class SourceImportMixin(ProjectConnection):
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
            replace_times(c, new_ids, [t for b in doc.blocks
                                       for t in (b.times or [None] * len(b.sentences))])
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
                for row in rows_by_id(c, tgt):
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
                move_to_block(c, tgt, block)
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
                    move_to_block(c, json.loads(link["tgt_ids"]), block)
                    touched.update({(block, lang), (link["block_id"], lang)})
        for block, lang in touched:
            self._renumber_links(c, block, lang)
        return carried, lost
