"""Redo: take back the latest undo of a target sentence, as long as nothing was changed
after it (a new edit ends the redo chain, as in any editor)."""
from __future__ import annotations

import json

from align.errors import ProjectError
from align.store.connection import ProjectConnection
from align.store.rows import SegmentRow, to_segment
from align.store.schema import now
from align.store.sql import segment_by_id

_CHANGES = ("edit", "status", "mt", "create")


class RedoMixin(ProjectConnection):
    def redo(self, segment_id: str, actor: str = "user") -> SegmentRow | None:
        """Restore the text and status that the latest undo of this sentence took away.
        Returns None when there is nothing to redo."""
        with self.transaction() as c:
            row = segment_by_id(c, segment_id)
            if row is None:
                raise ProjectError(f"no sentence with id {segment_id}")
            target = None
            for h in c.execute("SELECT * FROM history WHERE entity='segment' AND entity_id=?"
                               " ORDER BY id DESC", (segment_id,)):
                if h["action"] in _CHANGES:
                    return None          # changed after the undo: nothing to redo
                if h["action"] == "undo" and not h["undone"]:
                    target = h
                    break
            if target is None:
                return None
            before_undo = json.loads(target["old_value"])
            undid = json.loads(target["new_value"]).get("undid")
            c.execute("UPDATE segments SET text=?, status=?, version=version+1, updated_at=?"
                      " WHERE id=?", (before_undo["text"], before_undo["status"], now(),
                                      segment_id))
            c.execute("UPDATE history SET undone=1 WHERE id=?", (target["id"],))
            if undid is not None:
                # The change is in force again, so a later undo takes it back again.
                c.execute("UPDATE history SET undone=0 WHERE id=?", (undid,))
            self._log_segment_change(row, "redo", before_undo["text"], before_undo["status"],
                                     actor, redid=target["id"])
            saved = segment_by_id(c, segment_id)
        return to_segment(saved)
