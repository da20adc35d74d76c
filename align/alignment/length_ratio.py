"""The document's length ratio (source characters per target character) for the length term.

The two texts' totals count what has no counterpart too: a translation that leaves out a
chapter, or covers only the opening of a long interview, has far fewer characters than its
source though each sentence is as long as ever, and every link then looks too short (13
English sentences against the interview's 270 German ones: a ratio of 20, and the aligner
joined five German sentences to each English one, far from where they belong). So:

- before the first pass, the totals stand unless the clearest sentence pairs (each sampled
  target sentence and its best source, far above chance) say they are off by half or more
  (`first_length_ratio`);
- for the final pass, the ratio over the sentences the first pass links (`linked_length_ratio`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from align.alignment.config import Link
from align.alignment.features import SideFeatures

CLEAR_Z = 3.0          # a pair this many spreads above the document's mean cosine translates
CLEAR_MARGIN = 1.0     # ... and beats the target's second-best source by this much
# When too few pairs are that clear (a partial translation: few target sentences, and each
# compared with a whole source), one looser try before falling back to the totals, which for
# such a text are the wrong answer (2.8 times the sentences' ratio on a zh-en dev chapter).
LOOSE_Z, LOOSE_MARGIN = 2.5, 0.5
MIN_PAIRS = 5          # fewer clear pairs tell nothing (a short translation: half its sentences, 3 at least)
MAX_TARGETS = 2000     # target sentences sampled (a 10,000-sentence side costs 2000 x n dots)
FAR_OFF = np.log(1.5)  # the totals are overruled only when the pairs differ by half or more
MIN_LINKS = 20         # fewer links (one turn re-aligned alone): keep the first pass's ratio


def totals_ratio(feats: Sequence[tuple[SideFeatures, SideFeatures]]) -> float | None:
    src = sum(float(fs.lengths.sum()) for fs, _ in feats)
    tgt = sum(float(ft.lengths.sum()) for _, ft in feats)
    return src / tgt if src and tgt else None


def clear_pair_ratio(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_len: np.ndarray,
                     tgt_len: np.ndarray, seed: int = 0) -> float | None:
    """Median source/target character ratio of the sentence pairs that clearly translate each
    other: for (a sample of) target sentences, the best source sentence by cosine, kept when
    it is CLEAR_Z spreads above the document's mean cosine and CLEAR_MARGIN above the
    second best; with fewer than MIN_PAIRS such pairs (half the target sentences, and 3 at
    least, for a translation shorter than ten sentences), once more with LOOSE_Z and
    LOOSE_MARGIN. None when that finds too few too."""
    n, m = src_vecs.shape[0], tgt_vecs.shape[0]
    if n < 2 or m < 1:
        return None
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(m, MAX_TARGETS, replace=False)) if m > MAX_TARGETS else np.arange(m)
    top2, best, mean, spread = _top_two(tgt_vecs[rows], src_vecs)
    top2 = (top2 - mean) / spread                           # as z-scores over all pairs
    for z, margin in ((CLEAR_Z, CLEAR_MARGIN), (LOOSE_Z, LOOSE_MARGIN)):
        clear = (top2[:, 0] >= z) & (top2[:, 0] - top2[:, 1] >= margin)
        s_len, t_len = src_len[best[clear]], tgt_len[rows[clear]]
        ok = (s_len > 0) & (t_len > 0)
        if int(ok.sum()) >= min(MIN_PAIRS, max(3, m // 2)):
            return float(np.exp(np.median(np.log(s_len[ok] / t_len[ok]))))
    return None


def _top_two(tgt: np.ndarray, src: np.ndarray, chunk: int = 128):
    """Per target row, its two best cosines against `src` and the best one's index, with the
    mean and spread of all the cosines: the (targets x n) table a chunk of rows at a time
    (one block of 30,000 sentences would take a gigabyte of temporaries at once)."""
    top2 = np.empty((tgt.shape[0], 2), np.float64)
    best = np.empty(tgt.shape[0], np.int64)
    total = squares = 0.0
    for start in range(0, tgt.shape[0], chunk):
        cos = tgt[start:start + chunk] @ src.T
        top2[start:start + chunk] = -np.partition(-cos, 1, axis=1)[:, :2]
        best[start:start + chunk] = np.argmax(cos, axis=1)
        total += float(cos.sum(dtype=np.float64))
        squares += float(np.square(cos, dtype=np.float64).sum())
    count = tgt.shape[0] * src.shape[0]
    mean = total / count
    spread = float(np.sqrt(max(squares / count - mean * mean, 0.0))) or 1.0
    return top2, best, mean, spread


def first_length_ratio(feats: Sequence[tuple[SideFeatures, SideFeatures]]) -> float | None:
    """The ratio for the first pass: the clear pairs' when the totals are off by half or more,
    else None (the totals, as `DocumentContext` takes them)."""
    totals = totals_ratio(feats)
    filled = [(fs, ft) for fs, ft in feats if fs.size and ft.size]
    if totals is None or not filled:
        return None
    src_vecs = np.concatenate([fs.vecs[0] for fs, _ in filled])
    tgt_vecs = np.concatenate([ft.vecs[0] for _, ft in filled])
    pairs = clear_pair_ratio(src_vecs, tgt_vecs, np.concatenate([fs.lengths for fs, _ in filled]),
                             np.concatenate([ft.lengths for _, ft in filled]))
    if pairs is None or abs(np.log(pairs / totals)) < FAR_OFF:
        return None
    return pairs


def linked_length_ratio(per_block: Sequence[Sequence[Link]], feats: Sequence[tuple[SideFeatures, SideFeatures]],
                        min_links: int = MIN_LINKS) -> float | None:
    """Source characters per target character over the sentences a first pass links (on texts
    that leave nothing out, within 2% of the totals on both dev sets). None with fewer than
    `min_links` two-sided links."""
    src_chars = tgt_chars = 0.0
    n = 0
    for links, (fs, ft) in zip(per_block, feats):
        for link in links:
            if link.src and link.tgt:
                src_chars += float(fs.lengths[list(link.src)].sum())
                tgt_chars += float(ft.lengths[list(link.tgt)].sum())
                n += 1
    if n < min_links or not src_chars or not tgt_chars:
        return None
    return src_chars / tgt_chars
