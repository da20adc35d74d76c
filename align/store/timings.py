"""Times of the source sentences of a timed source (subtitles), written with every import
(a source without times clears them) and read by the subtitle export."""
from __future__ import annotations

import sqlite3
from typing import Sequence

from align.store.connection import ProjectConnection


def replace_times(c: sqlite3.Connection, segment_ids: Sequence[str],
                  times: Sequence[tuple[float, float] | None]) -> None:
    """Inside the import's transaction: the new source's times replace the old ones."""
    c.execute("DELETE FROM segment_times")
    c.executemany("INSERT INTO segment_times(segment_id, start_s, end_s) VALUES(?,?,?)",
                  [(sid, float(t[0]), float(t[1])) for sid, t in zip(segment_ids, times) if t])


class TimingsMixin(ProjectConnection):
    def segment_times(self) -> dict[str, tuple[float, float]]:
        """Source segment id -> (start, end) seconds; empty for a source without times."""
        return {r[0]: (r[1], r[2]) for r in self._query(
            "SELECT t.segment_id, t.start_s, t.end_s FROM segment_times t"
            " JOIN segments s ON s.id=t.segment_id WHERE s.active=1")}
