"""The field's text form of sentence links and its standard score.

Text form, one link per line (vecalign's): `[0]:[0, 1]:0.8123` — source ids, target ids
(0-based), optional score; `[5]:[]` is a source sentence left unaligned.

Score: strict and lax precision/recall/F1 as defined by vecalign's score.py (after
Véronis & Langlais / the ARCADE lax measure):
- precision is counted over the test links (deletions included), recall over the gold links
  with neither side empty, by swapping the roles of test and gold;
- a link is a strict hit when exactly the same link is on the other side, a lax hit when some
  source sentence of it is linked in gold to some of its target sentences.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from align.errors import InputError

Pair = tuple[tuple[int, ...], tuple[int, ...]]


def format_link(src: Sequence[int], tgt: Sequence[int], score: float | None = None) -> str:
    """`[0]:[0, 1]:0.8123` (four decimals), or `[0]:[0, 1]` without a score."""
    text = f"{list(src)}:{list(tgt)}"
    return text if score is None else f"{text}:{score:.4f}"


def parse_link(line: str) -> tuple[Pair, float | None]:
    """Inverse of `format_link`; raises InputError naming the line when it is malformed."""
    fields = [f.strip() for f in line.strip().split(":")]
    if len(fields) not in (2, 3):
        raise InputError(f"not a link line (want [src ids]:[tgt ids][:score]): {line.strip()!r}")
    try:
        src, tgt = ast.literal_eval(fields[0]), ast.literal_eval(fields[1])
        score = float(fields[2]) if len(fields) == 3 and fields[2] else None
    except (ValueError, SyntaxError) as exc:
        raise InputError(f"cannot read link line {line.strip()!r}") from exc
    if not (isinstance(src, list) and isinstance(tgt, list)
            and all(isinstance(i, int) and i >= 0 for i in src + tgt)):
        raise InputError(f"link ids must be lists of non-negative integers: {line.strip()!r}")
    return (tuple(src), tuple(tgt)), score


def read_links(lines: Iterable[str]) -> list[Pair]:
    """Links from text lines (blank lines ignored)."""
    return [parse_link(line)[0] for line in lines if line.strip()]


@dataclass(frozen=True)
class AlignScore:
    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    def report(self) -> str:
        """Three table lines plus the machine-readable last line."""
        return "\n".join([
            "             strict    lax",
            f"precision    {self.precision_strict:.3f}    {self.precision_lax:.3f}",
            f"recall       {self.recall_strict:.3f}    {self.recall_lax:.3f}",
            f"f1           {self.f1_strict:.3f}    {self.f1_lax:.3f}",
            f"f1_strict={self.f1_strict:.3f} f1_lax={self.f1_lax:.3f}",
        ])


def _hits(reference: Iterable[Pair], candidates: Iterable[Pair]) -> tuple[int, int, int]:
    """(strict hits, lax hits, total) of `candidates` judged against `reference`."""
    reference = {(tuple(s), tuple(t)) for s, t in reference if s or t}
    candidates = {(tuple(s), tuple(t)) for s, t in candidates if s or t}
    linked = defaultdict(set)  # reference source id -> reference target ids it links to
    for s, t in reference:
        for i in s:
            linked[i].update(t)
    strict = lax = 0
    for s, t in candidates:
        if (s, t) in reference:
            strict += 1
            lax += 1
        elif s and t and set(t) & set().union(*(linked[i] for i in s)):
            lax += 1
    return strict, lax, len(candidates)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignments(gold: Sequence[Sequence[Pair]], test: Sequence[Sequence[Pair]]) -> AlignScore:
    """Micro-averaged strict/lax P/R/F1 over one or more documents (lists of links)."""
    if len(gold) != len(test):
        raise InputError("need as many test alignments as gold alignments")
    p_strict = p_lax = p_total = r_strict = r_lax = r_total = 0
    for g, t in zip(gold, test):
        s, l, n = _hits(g, t)
        p_strict, p_lax, p_total = p_strict + s, p_lax + l, p_total + n
        both_g = [(a, b) for a, b in g if a and b]
        both_t = [(a, b) for a, b in t if a and b]
        s, l, n = _hits(both_t, both_g)  # recall: gold judged against test, deletions left out
        r_strict, r_lax, r_total = r_strict + s, r_lax + l, r_total + n
    ps, pl = _ratio(p_strict, p_total), _ratio(p_lax, p_total)
    rs, rl = _ratio(r_strict, r_total), _ratio(r_lax, r_total)
    return AlignScore(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl))


@dataclass(frozen=True)
class NullScore:
    """How well sentences left unlinked (1:0 and 0:1 links) match the gold's: a predicted null
    link is right when the gold leaves that sentence unlinked too."""

    predicted: int
    gold: int
    right: int

    @property
    def precision(self) -> float:
        return _ratio(self.right, self.predicted)

    @property
    def recall(self) -> float:
        return _ratio(self.right, self.gold)


def _unlinked(links: Sequence[Pair]) -> set[tuple[str, int]]:
    """("src", i) / ("tgt", j) for every sentence a one-sided link leaves unlinked."""
    out = set()
    for s, t in links:
        if bool(s) != bool(t):
            out.update(("src", i) for i in s)
            out.update(("tgt", j) for j in t)
    return out


def score_null_links(gold: Sequence[Sequence[Pair]], test: Sequence[Sequence[Pair]]) -> NullScore:
    """Null-link precision and recall summed over one or more documents."""
    if len(gold) != len(test):
        raise InputError("need as many test alignments as gold alignments")
    predicted = in_gold = right = 0
    for g, t in zip(gold, test):
        gold_nulls, test_nulls = _unlinked(g), _unlinked(t)
        predicted, in_gold = predicted + len(test_nulls), in_gold + len(gold_nulls)
        right += len(gold_nulls & test_nulls)
    return NullScore(predicted, in_gold, right)
