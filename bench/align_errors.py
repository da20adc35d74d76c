"""What kind of mistake each wrong link is, for the benches that compare aligners.

A predicted link that is not exactly a gold link is one of:

- unlinked: a sentence left unlinked (1:0 / 0:1) that the gold links to a partner;
- shape: a two-sided link sharing at least one sentence pair with the gold, of the wrong size
  (one sentence too many or too few on a side), counted apart for 1:1 and m:n links;
- gross: a two-sided link none of whose sentence pairs the gold has (the wrong sentences).

And a sentence the gold leaves unlinked that the prediction links anyway is "linked" (a gold
null link missed). Counts are per sentence for the two null kinds, per link for the others.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

Pair = tuple[tuple[int, ...], tuple[int, ...]]
KINDS = ("unlinked", "linked", "1:1 shape", "1:1 gross", "m:n shape", "m:n gross")


def _pairs(link: Pair) -> set[tuple[int, int]]:
    return {(i, j) for i in link[0] for j in link[1]}


def _unlinked(links: Sequence[Pair]) -> set[tuple[str, int]]:
    return {(side, k) for s, t in links if bool(s) != bool(t)
            for side, ids in (("src", s), ("tgt", t)) for k in ids}


def classify(gold: Sequence[Pair], pred: Sequence[Pair]) -> list[tuple[str, Pair, list[Pair]]]:
    """(kind, predicted link, the gold links it touches) for every mistake of one document;
    "linked" mistakes carry the gold null link as the predicted one's stand-in."""
    gold_set = {(tuple(s), tuple(t)) for s, t in gold}
    gold_pairs = set().union(*(_pairs(g) for g in gold_set)) if gold_set else set()
    gold_null, pred_null = _unlinked(gold), _unlinked(pred)
    out = []
    for s, t in pred:
        link = (tuple(s), tuple(t))
        touching = [g for g in gold_set if set(g[0]) & set(s) or set(g[1]) & set(t)]
        if link in gold_set:
            continue
        if not (s and t):  # per sentence: a null link may hold several
            side, ids = ("src", s) if s else ("tgt", t)
            out += [("unlinked", link, touching) for k in ids if (side, k) not in gold_null]
            continue
        shape = "1:1" if len(s) == len(t) == 1 else "m:n"
        out.append((f"{shape} {'shape' if _pairs(link) & gold_pairs else 'gross'}", link, touching))
    for side, k in sorted(gold_null - pred_null):
        link = ((k,), ()) if side == "src" else ((), (k,))
        out.append(("linked", link, [link]))
    return out


def count(golds: Sequence[Sequence[Pair]], preds: Sequence[Sequence[Pair]]) -> Counter:
    total: Counter = Counter()
    for g, p in zip(golds, preds):
        total.update(kind for kind, _, _ in classify(g, p))
    return total


def summary(counts: Counter) -> str:
    return " ".join(f"{kind} {counts.get(kind, 0)}" for kind in KINDS)
