"""A person's edits: correcting, reviewing, typing and undoing a target sentence (each
checked against the version the person saw), excluding blocks and undoing speaker merges."""
from __future__ import annotations

import json
import sqlite3

from align.errors import ConflictError, InputError, ProjectError
from align.store.connection import ProjectConnection
from align.store.rows import SegmentRow, to_segment
from align.store.schema import TARGET_STATUSES, new_id, now
from align.store.sql import (insert_one_to_one, link_to_fill, release_from_empty_link,
                             segment_by_id, clear_link_score)


class EditsMixin(ProjectConnection):
    # ----- target sentences ----------------------------------------------------------------
    def _check_version(self, c: sqlite3.Connection, segment_id: str, expected_version: int,
                       attempted_text: str | None) -> sqlite3.Row:
        row = _existing_segment(c, segment_id)
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

    def edit_segment(self, segment_id: str, text: str, expected_version: int,
                     actor: str = "user") -> SegmentRow:
        """Save a correction of a target sentence; refuses a save based on a stale version.

        Returns only after COMMIT: a returned edit is on disk. A stale save raises
        ConflictError (both texts in its message) and the refused text goes to the history;
        a stale save of exactly the text already stored is not a conflict."""
        text = _clean_text(text)
        try:
            with self.transaction() as c:
                current = c.execute("SELECT version, text FROM segments WHERE id=?",
                                    (segment_id,)).fetchone()
                if current is not None and current["text"] == text:
                    expected_version = current["version"]  # nothing would be overwritten
                row = self._check_version(c, segment_id, expected_version, text)
                if text == row["text"]:
                    return to_segment(row)
                status = "edited"
                c.execute("UPDATE segments SET text=?, status=?, version=version+1, updated_at=?"
                          " WHERE id=?", (text, status, now(), segment_id))
                clear_link_score(c, row["lang"], segment_id)
                self._log_segment_change(row, "edit", text, status, actor)
                saved = segment_by_id(c, segment_id)
        except ConflictError as err:
            self._record_conflict(segment_id, err, actor)
            raise
        return to_segment(saved)

    def set_status(self, segment_id: str, status: str, expected_version: int,
                   actor: str = "user") -> SegmentRow:
        if status not in TARGET_STATUSES:
            raise InputError(f"unknown status {status!r}; use one of {', '.join(TARGET_STATUSES)}")
        with self.transaction() as c:
            row = self._check_version(c, segment_id, expected_version, None)
            if row["status"] == status:
                return to_segment(row)
            c.execute("UPDATE segments SET status=?, version=version+1, updated_at=? WHERE id=?",
                      (status, now(), segment_id))
            self._log_segment_change(row, "status", row["text"], status, actor)
            saved = segment_by_id(c, segment_id)
        return to_segment(saved)

    def unreview(self, segment_id: str, expected_version: int, actor: str = "user") -> SegmentRow:
        """Take back "reviewed": the sentence gets the status it had before its last review
        (machine text is machine again, not "edited": a review changed no text); 'edited'
        when no review is in its history (a file imported as reviewed)."""
        with self.transaction() as c:
            row = self._check_version(c, segment_id, expected_version, None)
            if row["status"] != "reviewed":
                return to_segment(row)
            review = c.execute("SELECT old_value FROM history WHERE entity='segment' AND"
                               " entity_id=? AND action='status' AND old_value IS NOT NULL"
                               " AND json_extract(new_value, '$.status')='reviewed'"
                               " ORDER BY id DESC LIMIT 1", (segment_id,)).fetchone()
            before = json.loads(review["old_value"]).get("status") if review else None
            status = before if before in ("mt", "edited") else "edited"
        return self.set_status(segment_id, status, expected_version, actor)

    def undo(self, segment_id: str, actor: str = "user",
             expected_version: int | None = None) -> SegmentRow | None:
        """Walk the sentence's history back one change. Returns None when nothing is left.

        With `expected_version`, an undo from a window that has not seen the latest change is
        refused (ConflictError) instead of undoing someone else's edit."""
        with self.transaction() as c:
            row = _existing_segment(c, segment_id)
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
            self._log_segment_change(row, "undo", old["text"], old["status"], actor,
                                     undid=h["id"])
            saved = segment_by_id(c, segment_id)
        return to_segment(saved)

    def add_target_sentence(self, lang: str, src_segment_id: str, text: str,
                            actor: str = "user") -> SegmentRow:
        """A person types a translation for a sentence that has none yet (no model needed),
        also one the aligner left in a link without target sentences."""
        with self.transaction() as c:
            if link_to_fill(c, lang, src_segment_id) is not None:
                raise ConflictError("this sentence already has a translation; edit that one instead")
            src = segment_by_id(c, src_segment_id)
            if src is None:
                raise ProjectError(f"no source sentence with id {src_segment_id}")
            text = _clean_text(text)
            tid = new_id()
            release_from_empty_link(c, lang, src_segment_id)
            insert_one_to_one(c, src, lang, tid, text, origin="human", origin_detail="{}",
                              status="edited", source_sig=None, fixed=True, ts=now())
            self._renumber_links(c, src["block_id"], lang)
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


def _existing_segment(c: sqlite3.Connection, segment_id: str) -> sqlite3.Row:
    row = segment_by_id(c, segment_id)
    if row is None:
        raise ProjectError(f"no sentence with id {segment_id}")
    return row


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
