"""Where a target sentence's text comes from, as the reader and `bitext show` name it.

The stored status says what may happen to a sentence (`mt` may be re-translated; `edited`
and `reviewed` are a person's work and never are). The provenance says where its text came
from, which the status alone does not: an imported human translation is stored `edited`
(machine translation must not overwrite it) but nobody edited it here (issue 21).
"""
from __future__ import annotations

from align.store.rows import SegmentRow
from align.store.schema import text_sig

PROVENANCES = ("machine", "imported", "edited", "reviewed")


def provenance(seg: SegmentRow) -> str:
    """machine | imported | edited | reviewed.

    Imported: a human translation brought in by an import (import_target_track marks its
    origin_detail with the imported text's signature) whose text is still the imported one:
    marked reviewed and un-reviewed again it is imported again, not "edited" (a review
    changes no text). An import made before the signature was kept counts as imported while
    untouched (version 1), as it did then."""
    if seg.status == "reviewed":
        return "reviewed"
    if seg.status == "mt":
        return "machine"
    detail = seg.origin_detail
    if seg.origin == "human" and (detail.get("imported") or "imported_from" in detail):
        sig = detail.get("imported_sig")
        if (text_sig(seg.text) == sig) if sig else seg.version == 1:
            return "imported"
    return "edited"
