"""Chapters of a translation paired with the source's before any sentence is aligned.

A book and its translation are long; their chapters are the structure both keep. Pairing
the chapters first (a few hundred items, not ten thousand sentences) lets the sentence
aligner work chapter by chapter: its search runs within one chapter, no link can cross a
chapter, and a chapter one side lacks is found and reported rather than forced onto its
neighbour (which would shift every chapter after it). The chapters' constants were set on
books built from the dev sets (tests/test_chapters.py, bench/bench_book.py).

The pairing is a monotone sequence alignment (chapters keep their order) where each chapter
may pair with one chapter of the other side or with none. A pair's gain adds up:
- how alike the chapters' opening sentences are (heading and first sentences, compared by the
  caller's sentence similarity in z units, less what chance gives to the best of a few), and
- how far the pair's length ratio is from the text's (a chapter of ten pages does not
  translate one of two); the text's ratio is searched with the pairing, since the chapters
  one side lacks skew the totals.
A chapter left alone gains nothing, so a pair is made only where the evidence is for it.
Without a similarity (an aligner that cannot compare sentences) the lengths decide alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

HEAD_SENTENCES = 5        # a chapter's heading and first sentences, compared across sides
SIM_WEIGHT = 0.5          # per z unit of the heads' similarity above chance
CHANCE_BEST = 1.5         # z that the best of a few unrelated sentences reaches by chance
LENGTH_WEIGHT = 2.0       # per unit of |log| distance from the text's length ratio
PAIR_BIAS = -1.0          # a pair with no evidence either way costs a little
LENGTH_ONLY_BIAS = 1.0    # without similarity: pairs whose lengths agree within ~e^0.33
LENGTH_ONLY_WEIGHT = 3.0
SMOOTH_CHARS = 200        # a heading-only chapter's ratio says little


@dataclass(frozen=True)
class ChapterPairing:
    """pairs: (source chapter or None, target chapter or None) in reading order."""
    pairs: tuple[tuple[int | None, int | None], ...]

    @property
    def paired(self) -> list[tuple[int, int]]:
        return [(i, j) for i, j in self.pairs if i is not None and j is not None]

    @property
    def source_only(self) -> list[int]:
        return [i for i, j in self.pairs if j is None and i is not None]

    @property
    def target_only(self) -> list[int]:
        return [j for i, j in self.pairs if i is None and j is not None]

    def groups(self) -> list[tuple[list[int], list[int]]]:
        """(source chapters, target chapters) in reading order: each pair, and each run of
        chapters left alone between two pairs. A run holding chapters of both sides is one
        group, aligned sentence by sentence as one stretch: the pairing found no evidence to
        tie them chapter to chapter (a title with no text under it, a chapter the translator
        split or renamed), but they stand in the same place, and the sentence aligner can
        still tell what translates what, or leave it unlinked. Only a run with chapters of
        one side alone is missing on the other."""
        out: list[tuple[list[int], list[int]]] = []
        run: tuple[list[int], list[int]] = ([], [])

        def flush():
            if run[0] and run[1]:
                out.append(run)
            else:
                out.extend(([i], []) for i in run[0])
                out.extend(([], [j]) for j in run[1])

        for i, j in self.pairs:
            if i is not None and j is not None:
                flush()
                run = ([], [])
                out.append(([i], [j]))
            elif i is not None:
                run[0].append(i)
            else:
                run[1].append(j)
        flush()
        return out


def head_evidence(sim: np.ndarray, src_chapter: Sequence[int], tgt_chapter: Sequence[int],
                  n_src: int, n_tgt: int) -> np.ndarray:
    """(n_tgt, n_src): per target chapter, what its head sentences' best matches among a
    source chapter's head sentences reach above chance, summed (a sentence with no match
    there adds nothing rather than taking away: a heading reworded by the translator
    should not cancel two first sentences that match).

    sim: (target head sentences, source head sentences) similarities in z units;
    src_chapter / tgt_chapter: the chapter of each head sentence."""
    sim = np.asarray(sim, dtype=np.float32)
    src_chapter = np.asarray(src_chapter, dtype=int)
    tgt_chapter = np.asarray(tgt_chapter, dtype=int)
    best = np.zeros((sim.shape[0], n_src), np.float32)
    for i in range(n_src):
        cols = src_chapter == i
        if cols.any():
            best[:, i] = np.maximum(sim[:, cols].max(axis=1) - CHANCE_BEST, 0.0)
    out = np.zeros((n_tgt, n_src), np.float32)
    np.add.at(out, tgt_chapter, best)
    return out


RATIO_STEPS = np.linspace(-0.4, 0.4, 17)  # log offsets tried around the texts' length ratio


def pair_gains(src_chars: Sequence[int], tgt_chars: Sequence[int],
               evidence: np.ndarray | None = None, log_ratio: float | None = None) -> np.ndarray:
    """(n_src, n_tgt) gain of pairing source chapter i with target chapter j, at a length
    ratio (target per source characters; default the texts' totals)."""
    s = np.asarray(src_chars, dtype=np.float64) + SMOOTH_CHARS
    t = np.asarray(tgt_chars, dtype=np.float64) + SMOOTH_CHARS
    if log_ratio is None:
        log_ratio = float(np.log(t.sum() / s.sum())) if len(s) and len(t) else 0.0
    distance = np.abs(np.log(t[None, :] / s[:, None]) - log_ratio)
    if evidence is None:
        return LENGTH_ONLY_BIAS - LENGTH_ONLY_WEIGHT * distance
    return PAIR_BIAS + SIM_WEIGHT * np.asarray(evidence, np.float64).T - LENGTH_WEIGHT * distance


def pair_chapters(src_chars: Sequence[int], tgt_chars: Sequence[int],
                  evidence: np.ndarray | None = None) -> ChapterPairing:
    """The best monotone pairing of chapters; a chapter may stay alone.

    src_chars / tgt_chars: each chapter's length in characters.
    evidence: (n_tgt, n_src) head similarity above chance (`head_evidence`), or None.

    The texts' length ratio is skewed by the very chapters one side lacks (a missing fifth
    of the book makes every chapter look a fifth too long), so the ratio is searched too:
    the pairing taken is the best over ratios within e^±0.4 of the totals'.
    Memory is n_src x n_tgt numbers (chapters, not sentences)."""
    n, m = len(src_chars), len(tgt_chars)
    if not n or not m:
        return ChapterPairing(tuple([(i, None) for i in range(n)] + [(None, j) for j in range(m)]))
    s = np.asarray(src_chars, dtype=np.float64) + SMOOTH_CHARS
    t = np.asarray(tgt_chars, dtype=np.float64) + SMOOTH_CHARS
    total = float(np.log(t.sum() / s.sum()))
    best = None
    for step in RATIO_STEPS:
        score, pairs = _monotone_pairs(pair_gains(src_chars, tgt_chars, evidence, total + step))
        if best is None or score > best[0] + 1e-9:
            best = (score, pairs)
    return ChapterPairing(best[1])


def _monotone_pairs(gain: np.ndarray) -> tuple[float, tuple[tuple[int | None, int | None], ...]]:
    """(total gain, pairs) of the best monotone pairing; a chapter alone gains 0."""
    n, m = gain.shape
    score = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), np.int8)   # 0 pair, 1 source alone, 2 target alone
    move[1:, 0], move[0, 1:] = 1, 2
    for i in range(1, n + 1):
        row_prev, row = score[i - 1], score[i]
        for j in range(1, m + 1):
            pair = row_prev[j - 1] + gain[i - 1, j - 1]
            up, left = row_prev[j], row[j - 1]
            if pair >= up and pair >= left:
                row[j], move[i, j] = pair, 0
            elif up >= left:
                row[j], move[i, j] = up, 1
            else:
                row[j], move[i, j] = left, 2
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        k = move[i, j]
        if k == 0:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif k == 1:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return float(score[n, m]), tuple(reversed(pairs))
