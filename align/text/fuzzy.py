"""Fuzzy matching of source sentences, as a CAT tool's translation memory does it.

Similarity is difflib's ratio (2·matches / total length, matching blocks of characters) on a
normalised form: case folded, quotes and dashes unified, whitespace collapsed. 1.0 is the
same sentence up to case and spacing; a translation memory offers a match from 0.85 ("85%")
up. Pure: no store, no models.
"""
from __future__ import annotations

import math
import unicodedata
from bisect import bisect_left, bisect_right
from difflib import SequenceMatcher
from typing import Iterable, Mapping

THRESHOLD = 0.85
_QUOTES = str.maketrans({"„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "‚": "'",
                         "‘": "'", "’": "'", "–": "-", "—": "-"})


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """0..1 between two texts, on their normalised forms."""
    na, nb = normalise(a), normalise(b)
    if na == nb:
        return 1.0
    if not na or not nb:
        return 0.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def _bound(la: int, lb: int) -> float:
    # The ratio can never exceed this: every character of the shorter text matching.
    return 2 * min(la, lb) / (la + lb) if la + lb else 0.0


def _may_reach(matcher: SequenceMatcher, c: str, q: str, threshold: float) -> bool:
    """Whether `c` can be `threshold` similar to `q` (the matcher's seq2) by the cheap upper
    bounds; sets `c` as the matcher's seq1 for the full ratio."""
    if _bound(len(c), len(q)) < threshold:
        return False
    matcher.set_seq1(c)
    return matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold


def fuzzy_matches(query: str, candidates: Mapping[str, str] | Iterable[tuple[str, str]],
                  threshold: float = THRESHOLD) -> list[tuple[str, float]]:
    """(id, similarity) of the candidates at least `threshold` similar to `query`, best
    first (ties in the order given). Cheap bounds first: most candidates never reach
    SequenceMatcher."""
    items = candidates.items() if isinstance(candidates, Mapping) else candidates
    q = normalise(query)
    if not q:
        return []
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(q)           # seq2 is the one SequenceMatcher indexes: index it once
    found = []
    for key, text in items:
        c = normalise(text)
        if not c:
            continue
        if c == q:
            found.append((key, 1.0))
            continue
        if not _may_reach(matcher, c, q, threshold):
            continue
        ratio = matcher.ratio()
        if ratio >= threshold:
            found.append((key, ratio))
    found.sort(key=lambda kv: -kv[1])
    return found


class FuzzyIndex:
    """Normalised candidate texts indexed once for many queries: each distinct form kept once,
    sorted by length, so a query visits only the forms within the length bound and most of
    those stop at difflib's cheap upper bounds. Gives exactly `fuzzy_matches`' similarities.
    `ratio_calls` counts the full SequenceMatcher comparisons made (the costly part)."""

    def __init__(self, forms: Iterable[str]):
        self._forms = sorted({f for f in forms if f}, key=len)
        self._lengths = [len(f) for f in self._forms]
        self.ratio_calls = 0

    def _length_range(self, length: int, threshold: float) -> tuple[int, int]:
        if threshold <= 0:
            return 0, len(self._forms)
        # _bound >= threshold holds only for lengths in [t·l/(2-t), l·(2-t)/t]; widened by one
        # against rounding, the exact bound is checked per form.
        shortest = math.floor(threshold * length / (2 - threshold)) - 1
        longest = math.ceil(length * (2 - threshold) / threshold) + 1
        return bisect_left(self._lengths, shortest), bisect_right(self._lengths, longest)

    def matches(self, query: str, threshold: float = THRESHOLD) -> dict[str, float]:
        """form -> similarity of the indexed forms at least `threshold` similar to `query`."""
        q = normalise(query)
        if not q:
            return {}
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(q)       # the same orientation as fuzzy_matches: the same ratio
        found = {}
        lo, hi = self._length_range(len(q), threshold)
        for c in self._forms[lo:hi]:
            if c == q:
                found[c] = 1.0
                continue
            if not _may_reach(matcher, c, q, threshold):
                continue
            self.ratio_calls += 1
            ratio = matcher.ratio()
            if ratio >= threshold:
                found[c] = ratio
        return found


def percent(value: float) -> str:
    """0.9134 -> '91%' (floored, as CAT tools show a match: 84.9% is not an 85% match)."""
    return f"{int(value * 100 + 1e-9)}%"

