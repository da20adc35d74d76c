"""Bertalign's search as a baseline, on bitext's own sentence vectors.

Written from the description in Liu & Zhu, "Bertalign: Improved word embedding-based sentence
alignment for Chinese-English parallel corpora of literary texts" (Digital Scholarship in
the Humanities, 2023), with its published defaults; nothing here is tuned:

1. First pass, 1:1 links only: each source sentence's top-3 target sentences by cosine
   (inner product of unit vectors). A DP over 1:1, 1:0 and 0:1 steps inside a window
   around the diagonal (250 sentences, or 6% of the longer side) gains the cosine for a 1:1
   step to one of the source sentence's top 3 and nothing otherwise; skips are free.
2. Second pass, links of up to 5 sentences in all (0:1, 1:0 and every a:b with a, b >= 1 and
   a + b <= 5), in a window of 5 target sentences around the first pass's 1:1 links. A link
   scores the cosine of its joined sentences' vectors minus the margin (the mean cosine of
   each side to the sentences just outside the other side, averaged over both sides),
   multiplied by the length penalty log2(1 + shorter / longer), the lengths in UTF-8 bytes
   with the target's scaled by the two texts' byte ratio. A skip scores -0.1.

`span_vecs[k-1][e]` is the unit vector of sentences e-k+1 .. e joined by a space (bitext's
`signals.span_texts`), as in Bertalign's own overlap layers.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

TOP_K = 3
MAX_ALIGN = 5
WINDOW = 5
SKIP = -0.1
FIRST_MIN_WINDOW = 250
FIRST_WINDOW_SHARE = 0.06

Pair = tuple[tuple[int, ...], tuple[int, ...]]


def second_pass_types(max_align: int = MAX_ALIGN) -> list[tuple[int, int]]:
    return [(0, 1), (1, 0)] + [(a, b) for a in range(1, max_align) for b in range(1, max_align)
                               if a + b <= max_align]


def _first_pass(src1: np.ndarray, tgt1: np.ndarray) -> list[tuple[int, int]]:
    """End positions (i, j), 1-based, of the first pass's 1:1 links, in order.

    Row by row: a 0:1 step is free, so a row is the running maximum of what arrives from the
    row above (ties go to 0:1, then 1:0, then 1:1, the order Bertalign tries them in)."""
    n, m = src1.shape[0], tgt1.shape[0]
    sims = src1 @ tgt1.T
    k = min(TOP_K, m)
    top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    gain = np.zeros((n, m))
    rows = np.arange(n)[:, None]
    gain[rows, top] = sims[rows, top]
    half = max(FIRST_MIN_WINDOW, int(max(n, m) * FIRST_WINDOW_SHARE))
    lo = [max(0, int(m / n * i) - half) for i in range(n + 1)]
    hi = [min(int(m / n * i) + half, m) for i in range(n + 1)]
    cost = np.full((n + 1, m + 1), -np.inf)
    cost[0, :hi[0] + 1] = 0.0
    for i in range(1, n + 1):
        base = np.full(m + 1, -np.inf)
        base[:] = cost[i - 1]                                   # 1:0
        diag = np.full(m + 1, -np.inf)
        diag[1:] = cost[i - 1, :-1] + gain[i - 1]               # 1:1
        base = np.maximum(base, diag)
        base[:lo[i]] = -np.inf
        base[hi[i] + 1:] = -np.inf
        row = np.maximum.accumulate(base)
        row[:lo[i]] = -np.inf
        row[hi[i] + 1:] = -np.inf
        cost[i] = row
    links, i, j = [], n, m
    while i > 0 or j > 0:
        if j > 0 and cost[i, j - 1] == cost[i, j]:
            j -= 1
        elif i > 0 and cost[i - 1, j] == cost[i, j]:
            i -= 1
        else:
            links.append((i, j))
            i, j = i - 1, j - 1
    return links[::-1]


def _second_window(first: list[tuple[int, int]], n: int, m: int, win: int) -> list[tuple[int, int]]:
    """Per source position 0..n, the (lowest, highest) target position the second pass visits."""
    anchors = list(first) or [(n, m)]
    # the path must end at (n, m): the last anchor is replaced by the corner when it is not one
    if anchors[-1][0] != n:
        if anchors[-1][1] == m:
            anchors.pop()
        anchors.append((n, m))
    elif anchors[-1][1] != m:
        anchors.pop()
        anchors.append((n, m))
    path, prev_i, prev_j = [], 0, 0
    for i, j in anchors:
        low, high = max(0, prev_j - win), min(m, j + win)
        path.extend([(low, high)] * (i - prev_i))
        prev_i, prev_j = i, j
    return [path[0] if path else (0, m)] + path


def align(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_bytes: Sequence[int], tgt_bytes: Sequence[int],
          skip: float = SKIP, win: int = WINDOW, max_align: int = MAX_ALIGN) -> list[Pair]:
    """Links (source ids, target ids), either side possibly empty, covering every sentence.

    src_vecs (K, n, d), tgt_vecs (K, m, d) with K >= max_align - 1: span vectors as described
    above; src_bytes / tgt_bytes: each sentence's length in UTF-8 bytes."""
    n, m = src_vecs.shape[1], tgt_vecs.shape[1]
    if n == 0 or m == 0:
        return [((i,), ()) for i in range(n)] + [((), (j,)) for j in range(m)]
    first = _first_pass(src_vecs[0], tgt_vecs[0])
    window = _second_window(first, n, m, win)
    types = second_pass_types(max_align)
    s_csum = np.concatenate([[0], np.cumsum(src_bytes)]).astype(np.float64)
    t_csum = np.concatenate([[0], np.cumsum(tgt_bytes)]).astype(np.float64)
    char_ratio = s_csum[-1] / max(t_csum[-1], 1.0)
    src1, tgt1 = src_vecs[0], tgt_vecs[0]

    # Every link's gain, for all cells of the window at once.
    cells_i = np.concatenate([np.full(window[i][1] - window[i][0] + 1, i) for i in range(n + 1)])
    cells_j = np.concatenate([np.arange(window[i][0], window[i][1] + 1) for i in range(n + 1)])
    cell_of = {(int(i), int(j)): c for c, (i, j) in enumerate(zip(cells_i, cells_j))}
    gains = np.full((len(types), len(cells_i)), -np.inf)
    for t, (da, db) in enumerate(types):
        ok = (cells_i >= da) & (cells_j >= db)
        if da == 0 or db == 0:
            gains[t, ok] = skip
            continue
        i, j = cells_i[ok], cells_j[ok]
        sv, tv = src_vecs[da - 1, i - 1], tgt_vecs[db - 1, j - 1]
        sim = np.einsum("kd,kd->k", sv, tv)
        sim = sim - (_neighbours(sv, db, j, m, tgt1) + _neighbours(tv, da, i, n, src1)) / 2
        sl = s_csum[i] - s_csum[i - da] + (da - 1)  # Bertalign joins with a space: counted
        tl = (t_csum[j] - t_csum[j - db] + (db - 1)) * char_ratio
        longer = np.maximum(sl, tl)
        gains[t, ok] = np.where(longer > 0, sim * np.log2(1 + np.minimum(sl, tl) / np.maximum(longer, 1e-9)), sim)
    cost = np.full(len(cells_i), -np.inf)
    back = np.zeros(len(cells_i), np.int64)
    for c in range(len(cells_i)):
        i, j = int(cells_i[c]), int(cells_j[c])
        if i + j == 0:
            cost[c] = 0.0
            continue
        best, best_t = -np.inf, -1
        for t, (da, db) in enumerate(types):
            p = cell_of.get((i - da, j - db))
            if p is None or cost[p] == -np.inf or gains[t, c] == -np.inf:
                continue
            score = cost[p] + gains[t, c]
            if score > best:
                best, best_t = score, t
        cost[c], back[c] = best, best_t
    links, i, j = [], n, m
    while i > 0 or j > 0:
        da, db = types[back[cell_of[(i, j)]]]
        links.append((tuple(range(i - da, i)), tuple(range(j - db, j))))
        i, j = i - da, j - db
    return links[::-1]


def _neighbours(vecs: np.ndarray, size: np.ndarray | int, end: np.ndarray, length: int, side1: np.ndarray) -> np.ndarray:
    """Bertalign's margin: mean cosine of each of `vecs` to the sentences just before and
    just after the run of `size` sentences ending at `end` (1-based, exclusive) on the other
    side; a missing neighbour counts 0 and then the other counts whole (not halved)."""
    left, right = end - size, end + 1
    has_left, has_right = left > 0, right <= length
    left_sim = np.where(has_left, np.einsum("kd,kd->k", vecs, side1[np.maximum(left, 1) - 1]), 0.0)
    right_sim = np.where(has_right, np.einsum("kd,kd->k", vecs, side1[np.minimum(right, length) - 1]), 0.0)
    both = has_left & has_right
    return np.where(both, (left_sim + right_sim) / 2, left_sim + right_sim)


def align_texts(src: Sequence[str], tgt: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> list[Pair]:
    """Bertalign's search on two sentence lists with `embed` (texts -> unit vectors, e.g. a
    `models.encoders.CachedEncoder`'s encode): every run of 1..4 sentences is embedded."""
    from align.alignment.signals import detokenize, span_texts

    k = MAX_ALIGN - 1
    sides = []
    for sents in (src, tgt):
        texts = span_texts(sents, k)
        flat = sorted({t for row in texts for t in row if t})
        table = dict(zip(flat, embed(flat))) if flat else {}
        dim = next(iter(table.values())).shape[-1] if table else 1
        vecs = np.zeros((k, len(sents), dim), np.float32)
        for r, row in enumerate(texts):
            for e, t in enumerate(row):
                if t:
                    vecs[r, e] = table[t]
        sides.append((vecs, [len(detokenize(s).encode("utf-8")) for s in sents]))
    (sv, sb), (tv, tb) = sides
    return align(sv, tv, sb, tb)
