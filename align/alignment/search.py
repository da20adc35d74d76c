"""The banded dynamic programme in anti-diagonal coordinates, its coarse-to-fine guide path,
and forward-backward posteriors: one pair of sentence lists, features ready."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import Callable, Sequence

import numpy as np

from align.alignment.band_budget import max_half_width
from align.alignment.config import IMPOSSIBLE, AlignConfig, Link, Move
from align.alignment.features import SideFeatures
from align.alignment.scoring import CoarseScorer, DocumentContext, SpanScorer, downsample


# --------------------------------------------------------------------------------------------
# The banded DP in anti-diagonal coordinates
# --------------------------------------------------------------------------------------------

@dataclass
class Band:
    """Node (i, j) with a = i + j is stored at [a, j - offset[a]] when 0 <= j - offset[a] < width."""

    n: int
    m: int
    offset: np.ndarray
    width: int

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        a = np.arange(n + m + 1)
        return cls(n, m, np.maximum(0, a - n).astype(np.int64), min(n, m) + 1)

    @classmethod
    def around(cls, n: int, m: int, path_a: np.ndarray, path_j: np.ndarray, half_width: int) -> "Band":
        """A band of 2*half_width+1 nodes around a guide path given as points (a, j)."""
        a = np.arange(n + m + 1)
        width = min(2 * half_width + 1, min(n, m) + 1)
        centre = np.rint(np.interp(a, path_a, path_j)).astype(np.int64)
        lo_valid = np.maximum(0, a - n)
        hi_valid = np.minimum(a, m)
        offset = np.clip(centre - half_width, lo_valid, np.maximum(lo_valid, hi_valid - width + 1))
        return cls(n, m, offset, width)

    def touches_edge(self, path_a: np.ndarray, path_j: np.ndarray) -> bool:
        """True when the path runs along a band edge that is not also the table's edge."""
        k = path_j - self.offset[path_a]
        lo_valid = np.maximum(0, path_a - self.n)
        hi_valid = np.minimum(path_a, self.m)
        low = (k == 0) & (path_j > lo_valid)
        high = (k == self.width - 1) & (path_j < hi_valid)
        return bool(np.any(low | high))


def band_dp(band: Band, moves: Sequence[Move], scorer: Callable[[Move, np.ndarray, np.ndarray], np.ndarray],
            skip: float, posteriors: bool = False) -> list[tuple[int, int, int, int, float]]:
    """Best-scoring monotone path from (0, 0) to (n, m) inside the band.

    Returns steps (i0, i1, j0, j1, score): src[i0:i1] <-> tgt[j0:j1]. score is the link's own
    score (nan for a skip), or with `posteriors` the probability of that step over all paths
    in the band (forward-backward with the scores as log-potentials): how sure the aligner is.
    """
    return _solve(band, moves, scorer, skip, posteriors).steps()


@dataclass
class _Solved:
    """The filled tables of one banded DP: the best path and, with posteriors, every link's."""

    band: Band
    moves: Sequence[Move]
    prev: np.ndarray
    gain: np.ndarray
    total: np.ndarray
    back: np.ndarray
    alpha: np.ndarray | None
    beta: np.ndarray | None
    log_z: float

    def steps(self) -> list[tuple[int, int, int, int, float]]:
        band, moves, width = self.band, self.moves, self.band.width
        n, m = band.n, band.m
        steps = []
        ci, cj = n, m
        while ci > 0 or cj > 0:
            a = ci + cj
            k = cj - band.offset[a]
            if not (0 <= k < width) or self.total[a * width + k] <= IMPOSSIBLE / 2:
                raise RuntimeError("alignment band does not reach the end of the table")
            t = int(self.back[a, k])
            da, db = moves[t]
            if self.alpha is not None:
                score = float(np.exp(min(0.0, self.alpha[self.prev[a, t, k]] + self.gain[a, t, k]
                                         + self.beta[a * width + k] - self.log_z)))
            else:
                score = float(self.gain[a, t, k]) if da and db else float("nan")
            steps.append((ci - da, ci, cj - db, cj, score))
            ci, cj = ci - da, cj - db
        steps.reverse()
        return steps

    def likely_links(self, floor: float) -> list[tuple[Move, np.ndarray, np.ndarray]]:
        """Per two-sided move: the end positions (i, j) of its links whose posterior over all
        paths in the band is at least `floor` (needs posteriors)."""
        width = self.band.width
        a_idx = np.arange(self.gain.shape[0])[:, None]
        j = self.band.offset[:, None] + np.arange(width)[None, :]
        node = a_idx * width + np.arange(width)[None, :]
        out = []
        for t, (da, db) in enumerate(self.moves):
            if not (da and db):
                continue
            log_p = self.alpha[self.prev[:, t]] + self.gain[:, t] + self.beta[node] - self.log_z
            hit = log_p >= np.log(floor)
            out.append(((da, db), (a_idx - j)[hit], j[hit]))
        return out


def _solve(band: Band, moves: Sequence[Move], scorer: Callable[[Move, np.ndarray, np.ndarray], np.ndarray],
           skip: float, posteriors: bool = False) -> _Solved:
    n, m, width = band.n, band.m, band.width
    n_diag = n + m + 1
    a_idx = np.arange(n_diag)[:, None]
    j = band.offset[:, None] + np.arange(width)[None, :]           # (A, W)
    i = a_idx - j
    node_ok = (j >= 0) & (j <= m) & (i >= 0) & (i <= n)

    sentinel = n_diag * width
    n_moves = len(moves)
    # Laid out (diagonal, move, cell) so that one diagonal's inputs are one contiguous block.
    prev = np.full((n_diag, n_moves, width), sentinel, dtype=np.int32 if sentinel < 2**31 else np.int64)
    gain = np.full((n_diag, n_moves, width), IMPOSSIBLE, dtype=np.float32)
    # A scorer may price each skip (SpanScorer: debris is free to skip); else `skip` per sentence.
    skip_gain = getattr(scorer, "skip_gain", None)
    for t, (da, db) in enumerate(moves):
        pa = a_idx - da - db
        pj = j - db
        ok = node_ok & (i - da >= 0) & (pj >= 0) & (pa >= 0)
        pa_c = np.clip(pa, 0, n_diag - 1)
        pk = pj - band.offset[pa_c]
        ok &= (pk >= 0) & (pk < width)
        prev[:, t][ok] = (pa_c * width + pk)[ok]
        if da == 0 or db == 0:
            gain[:, t][ok] = skip * (da + db) if skip_gain is None else skip_gain((da, db), i[ok], j[ok])
        else:
            gain[:, t][ok] = np.maximum(scorer((da, db), i[ok], j[ok]), IMPOSSIBLE)  # -inf -> finite

    if getattr(scorer, "partner_evidence", False) and (1, 1) in moves and (1, 0) in moves:
        _charge_skips_with_partners(gain, moves, i, j, node_ok, n, m)

    # Viterbi (best path) and, for posteriors, the forward log-sum-exp in the same sweep.
    # Unreachable nodes carry IMPOSSIBLE, a finite stand-in for -inf that keeps the
    # arithmetic free of nan.
    total = np.full(n_diag * width + 1, IMPOSSIBLE, dtype=np.float64)
    alpha = np.full(n_diag * width + 1, IMPOSSIBLE, dtype=np.float64)
    back = np.zeros((n_diag, width), dtype=np.int8)
    total[0 - band.offset[0]] = alpha[0 - band.offset[0]] = 0.0
    for a in range(1, n_diag):
        sl = slice(a * width, (a + 1) * width)
        g = gain[a]
        cand = total[prev[a]] + g
        back[a] = cand.argmax(axis=0)
        total[sl] = cand.max(axis=0)
        if posteriors:
            cand = alpha[prev[a]] + g
            top = cand.max(axis=0)
            alpha[sl] = top + np.log(np.exp(cand - top).sum(axis=0))

    beta, log_z = None, 0.0
    if posteriors:
        beta = _backward(prev, gain, band)
        log_z = float(alpha[n_diag * width - width + (m - band.offset[-1])])
    return _Solved(band, moves, prev, gain, total, back, alpha if posteriors else None, beta, log_z)


def chance_maximum(count: np.ndarray) -> np.ndarray:
    """Expected largest of `count` standard normal draws (Blom's approximation): how high the
    best of a sentence's candidate links scores when none of them is its translation."""
    count = np.maximum(np.asarray(count, np.float64), 1.0)
    p = (count - 0.375) / (count + 0.25)
    return np.vectorize(NormalDist().inv_cdf)(p) if p.size else p


def _charge_skips_with_partners(gain: np.ndarray, moves: Sequence[Move], i: np.ndarray, j: np.ndarray,
                                node_ok: np.ndarray, n: int, m: int) -> None:
    """Leaving a sentence unlinked costs more when the evidence says it has a partner.

    For each sentence, its best 1:1 link in the band; when that link is also the best its
    other sentence has (mutual best), the link's excess over the chance maximum of as many
    candidates (`chance_maximum`) is added to the cost of skipping either sentence. A sentence
    with no partner has no such link: its best candidate is at chance, or is taken (the other
    sentence has a better one). Nothing here is fitted: the chance level comes from the number
    of candidates the band gives the sentence, in the z units the scores are in.
    """
    t11 = list(moves).index((1, 1))
    g = gain[:, t11, :]
    ok = node_ok & (i >= 1) & (j >= 1) & (g > IMPOSSIBLE / 2)
    si, tj, score = (i - 1)[ok], (j - 1)[ok], g[ok].astype(np.float64)
    if score.size == 0:
        return
    best_s = np.full(n, -np.inf)
    np.maximum.at(best_s, si, score)
    best_t = np.full(m, -np.inf)
    np.maximum.at(best_t, tj, score)
    count_s = np.bincount(si, minlength=n)
    count_t = np.bincount(tj, minlength=m)
    # a cell is a mutual best when it is the best of both its sentences
    mutual = (score >= best_s[si]) & (score >= best_t[tj])
    excess = np.maximum(0.0, score - np.maximum(chance_maximum(count_s[si]), chance_maximum(count_t[tj])))
    extra_s = np.zeros(n)
    extra_t = np.zeros(m)
    np.maximum.at(extra_s, si[mutual], excess[mutual])
    np.maximum.at(extra_t, tj[mutual], excess[mutual])
    cs = np.concatenate([[0.0], np.cumsum(extra_s)])
    ct = np.concatenate([[0.0], np.cumsum(extra_t)])
    for t, (da, db) in enumerate(moves):
        if da and db:
            continue
        cell = node_ok & (gain[:, t, :] > IMPOSSIBLE / 2)
        ii, jj = i[cell], j[cell]
        extra = cs[ii] - cs[ii - da] if da else ct[jj] - ct[jj - db]
        gain[:, t, :][cell] -= extra.astype(np.float32)


def _backward(prev: np.ndarray, gain: np.ndarray, band: Band) -> np.ndarray:
    """Log-sum-exp over all paths from every node of the band to the end node."""
    n_diag, n_moves, width = gain.shape
    size = n_diag * width
    # Successors: the move t that leaves node x arrives at the node y with prev[y, t] == x.
    nxt = np.full((size + 1, n_moves), size, dtype=prev.dtype)
    gain_out = np.full((size + 1, n_moves), IMPOSSIBLE, dtype=np.float32)
    targets = np.arange(size)
    for t in range(n_moves):
        src = prev[:, t, :].ravel()
        ok = src < size
        nxt[src[ok], t] = targets[ok]
        gain_out[src[ok], t] = gain[:, t, :].ravel()[ok]
    beta = np.full(size + 1, IMPOSSIBLE, dtype=np.float64)
    beta[(n_diag - 1) * width + (band.m - band.offset[-1])] = 0.0
    # Every move ends on a later diagonal, so walking back each node's successors are done.
    for a in range(n_diag - 2, -1, -1):
        sl = slice(a * width, (a + 1) * width)
        cand = beta[nxt[sl]] + gain_out[sl]                  # (width, moves)
        top = cand.max(axis=1)
        beta[sl] = top + np.log(np.exp(cand - top[:, None]).sum(axis=1))
    return beta


def _path_points(steps, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    a = [0] + [s[1] + s[3] for s in steps]
    jj = [0] + [s[3] for s in steps]
    return np.asarray(a, dtype=np.float64), np.asarray(jj, dtype=np.float64)


def _guide_path(src: np.ndarray, tgt: np.ndarray, config: AlignConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """Guide points (a, j) for a table of len(src) x len(tgt) from coarser levels; None = use the full table."""
    n, m = src.shape[0], tgt.shape[0]
    if n * m <= config.full_dp_cells or min(n, m) < 8:
        return None
    coarse_src, coarse_tgt = downsample(src), downsample(tgt)
    guide = _guide_path(coarse_src, coarse_tgt, config)
    steps = _banded_search(coarse_src.shape[0], coarse_tgt.shape[0], guide, [(1, 1), (1, 0), (0, 1)],
                           CoarseScorer(coarse_src, coarse_tgt, config), config)
    pa, pj = _path_points(steps, coarse_src.shape[0], coarse_tgt.shape[0])
    # Coarse node (I, J) stands for fine node (2I, 2J); the leftover odd sentences go at the end.
    pa, pj = 2 * pa, 2 * pj
    return np.append(pa, n + m), np.append(pj, m)


def _banded_search(n: int, m: int, guide, moves, scorer, config: AlignConfig, posteriors: bool = False):
    return _banded_solve(n, m, guide, moves, scorer, config, posteriors)[1]


def _banded_solve(n: int, m: int, guide, moves, scorer, config: AlignConfig,
                  posteriors: bool = False) -> tuple[_Solved, list]:
    """The search of one level: (the final band's tables, the best path's steps)."""
    if guide is None:
        solved = _solve(Band.full(n, m), moves, scorer, config.skip, posteriors)
        return solved, solved.steps()
    cap = max_half_width(n, m, len(moves))  # memory linear in n + m, whatever their ratio
    half = min(config.width, cap)
    while True:
        band = Band.around(n, m, guide[0], guide[1], half)
        solved = _solve(band, moves, scorer, config.skip, posteriors)
        steps = solved.steps()
        pa, pj = _path_points(steps, n, m)
        if (band.width >= min(n, m) + 1 or half >= cap
                or not band.touches_edge(pa.astype(np.int64), pj.astype(np.int64))):
            return solved, steps
        # The path ran along the band's edge: centre on it, widen, and redo this level.
        guide, half = (pa, pj), min(2 * half, cap)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def align_features(src: SideFeatures, tgt: SideFeatures, config: AlignConfig = AlignConfig(),
                   forced_src: np.ndarray | None = None, forced_tgt: np.ndarray | None = None,
                   context: DocumentContext | None = None,
                   wanted: tuple[np.ndarray, np.ndarray] | None = None) -> list[Link]:
    """Align two sentence lists given their features; every sentence appears in exactly one link.

    forced_src/forced_tgt: boolean masks of sentences that must stay unaligned (fixed 1:0 / 0:1).
    context: chance baseline and length ratio of the whole document (default: of these two lists).
    wanted: (src (K, n), tgt (K, m)) boolean arrays; the spans of every m:n link whose posterior
      reaches `config.refine_floor` are marked True there (the first pass of sentence-first
      encoding: which runs of sentences are worth embedding as joined texts).
    """
    n, m = src.size, tgt.size
    if n == 0 or m == 0:
        return [Link((i,), ()) for i in range(n)] + [Link((), (j,)) for j in range(m)]
    cfg = config
    if src.max_span < min(cfg.max_src, n) or tgt.max_span < min(cfg.max_tgt, m):
        cfg = replace(cfg, max_src=min(cfg.max_src, src.max_span), max_tgt=min(cfg.max_tgt, tgt.max_span))
    moves = [mv for mv in cfg.moves() if mv[0] <= n and mv[1] <= m]
    scorer: Callable = SpanScorer(src, tgt, cfg, context)
    if forced_src is not None or forced_tgt is not None:
        scorer = _ForbidCovering(scorer, forced_src, forced_tgt, n, m, cfg.skip)
    with _single_threaded_blas():
        guide = _guide_path(src.vecs[0], tgt.vecs[0], cfg)
        solved, steps = _banded_solve(n, m, guide, moves, scorer, cfg, posteriors=True)
    if wanted is not None:
        for (a, b), i, j in solved.likely_links(cfg.refine_floor):
            wanted[0][a - 1, i - 1] |= a > 1
            wanted[1][b - 1, j - 1] |= b > 1
    return _steps_to_links(steps)


def _single_threaded_blas():
    """The DP's matrix products are small: BLAS threads only spin and, on a busy machine,
    make the alignment several times slower. Limit them while aligning (if threadpoolctl is
    installed; otherwise leave BLAS as it is)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class _ForbidCovering:
    """Wraps a scorer: links that would cover a sentence fixed as unaligned score -inf."""

    def __init__(self, scorer, forced_src, forced_tgt, n: int, m: int, skip: float = -1.0):
        self.scorer, self.skip = scorer, skip
        self.partner_evidence = getattr(scorer, "partner_evidence", False)
        fs = np.zeros(n, bool) if forced_src is None else np.asarray(forced_src, bool)
        ft = np.zeros(m, bool) if forced_tgt is None else np.asarray(forced_tgt, bool)
        self.cs = np.concatenate([[0], np.cumsum(fs)])
        self.ct = np.concatenate([[0], np.cumsum(ft)])

    def skip_gain(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        inner = getattr(self.scorer, "skip_gain", None)
        return np.full(i.shape, self.skip * sum(move), np.float32) if inner is None else inner(move, i, j)

    def __call__(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = move
        score = self.scorer(move, i, j)
        covered = (self.cs[i] - self.cs[i - a] > 0) | (self.ct[j] - self.ct[j - b] > 0)
        return np.where(covered, -np.inf, score).astype(np.float32)


def _steps_to_links(steps) -> list[Link]:
    """DP steps (one move each) -> links scored by their posterior; a run of sentences left
    unaligned in one step becomes one link per sentence, each with the run's posterior."""
    out = []
    for i0, i1, j0, j1, score in steps:
        score = round(score, 4) if np.isfinite(score) else 0.0
        if i1 - i0 > 1 and j0 == j1:
            out.extend(Link((i,), (), score) for i in range(i0, i1))
        elif j1 - j0 > 1 and i0 == i1:
            out.extend(Link((), (j,), score) for j in range(j0, j1))
        else:
            out.append(Link(tuple(range(i0, i1)), tuple(range(j0, j1)), score))
    return out
