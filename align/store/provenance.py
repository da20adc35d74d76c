"""Where a target sentence's text comes from, as the reader and `bitext show` name it.

The stored status says what may happen to a sentence (`mt` may be re-translated; `edited`
and `reviewed` are a person's work and never are). The provenance says where its text came
from, which the status alone does not: an imported human translation is stored `edited`
(machine translation must not overwrite it) but nobody edited it here (issue 21).
"""
from __future__ import annotations

from align.store.rows import SegmentRow

PROVENANCES = ("machine", "imported", "edited", "reviewed")


def provenance(seg: SegmentRow) -> str:
    """machine | imported | edited | reviewed.

    Imported: a human translation brought in by an import (import_target_track marks its
    origin_detail) and not changed since: every change of text or status raises the version
    from 1."""
    if seg.status == "reviewed":
        return "reviewed"
    if seg.status == "mt":
        return "machine"
    imported = seg.origin_detail.get("imported") or "imported_from" in seg.origin_detail
    if seg.origin == "human" and imported and seg.version == 1:
        return "imported"
    return "edited"
