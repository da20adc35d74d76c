"""Where does work on an old sentence go when the text is re-imported or re-segmented?

Pure functions over sentence lists. The store uses them so that a human correction follows
its source sentence to the new segmentation instead of being dropped:

- the same characters cut differently (re-segmentation: "A. B." became "A." + "B.", or the
  reverse) map by character overlap;
- a sentence that was only lightly changed (a typo fixed) maps to its most similar
  replacement;
- anything else has no successor, and the store keeps its translation as a visible orphan.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Sequence

# Below this similarity a changed sentence is treated as a different sentence.
MIN_SIMILARITY = 0.6
# Pairwise comparison of a changed region is quadratic; beyond this it is not attempted.
MAX_PAIRS = 2500


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _spans(texts: Sequence[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for text in texts:
        n = len(_squeeze(text))
        spans.append((pos, pos + n))
        pos += n
    return spans


def _overlaps(old: Sequence[str], new: Sequence[str]) -> dict[int, list[int]]:
    """Old index -> new indexes sharing characters, when both cut the same squeezed text."""
    new_spans = _spans(new)
    out: dict[int, list[int]] = {}
    j = 0
    for i, (start, end) in enumerate(_spans(old)):
        if start == end:
            continue
        while j < len(new_spans) and new_spans[j][1] <= start:
            j += 1
        hits, k = [], j
        while k < len(new_spans) and new_spans[k][0] < end:
            if new_spans[k][1] > new_spans[k][0]:
                hits.append(k)
            k += 1
        out[i] = hits
    return out


def successors(old: Sequence[str], new: Sequence[str]) -> dict[int, list[int]]:
    """For a changed region (old sentences replaced by new ones), map each old index to the
    new indexes that should inherit its translations. Unmapped old sentences are orphans."""
    if not old or not new:
        return {}
    if "".join(map(_squeeze, old)) == "".join(map(_squeeze, new)):
        return _overlaps(old, new)
    if len(old) * len(new) > MAX_PAIRS:
        return {}
    out: dict[int, list[int]] = {}
    for i, text in enumerate(old):
        best, best_ratio = None, MIN_SIMILARITY
        for j, candidate in enumerate(new):
            ratio = SequenceMatcher(None, text, candidate, autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = j, ratio
        if best is not None:
            out[i] = [best]
    return out
