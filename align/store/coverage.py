"""How much of the source has a translation in one language, counted one way for every
place that shows it (`bitext show`, the reader's header and its "not translated" filter).

A source sentence is translated when a link ties it to at least one target sentence with
text; a target emptied by a person, or a link the aligner left without target, is no
translation. Boilerplate sentences are not counted (they are left out of translation)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from align.store.provenance import PROVENANCES, provenance
from align.store.rows import LinkRow, SegmentRow
from align.store.schema import TARGET_STATUSES


@dataclass(frozen=True)
class Coverage:
    sources: int                 # source sentences outside boilerplate
    translated: int              # of those, with a translation in this language
    statuses: dict[str, int]     # target sentences with text, per status
    # the same sentences per provenance: machine | imported | edited | reviewed
    provenance: dict[str, int]


def has_text(seg: SegmentRow | None) -> bool:
    return seg is not None and bool(seg.text.strip())


def coverage(included_sources: Iterable[str], links: Iterable[LinkRow],
             targets: Mapping[str, SegmentRow]) -> Coverage:
    included = set(included_sources)
    covered = {s for link in links if any(has_text(targets.get(t)) for t in link.tgt_ids)
               for s in link.src_ids}
    statuses = {st: 0 for st in TARGET_STATUSES}
    origins = {p: 0 for p in PROVENANCES}
    for t in targets.values():
        if has_text(t):
            statuses[t.status] = statuses.get(t.status, 0) + 1
            origins[provenance(t)] += 1
    return Coverage(len(included), len(included & covered), statuses, origins)
