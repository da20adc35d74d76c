"""Sentence alignment: a banded dynamic programme over precomputed span features (pure numpy).

How it works (ideas from vecalign and Bertalign, code our own):

1. Every run of 1..k consecutive sentences on each side has a vector (the models layer embeds
   the concatenated text). A link src[i-a:i] <-> tgt[j-b:j] is scored from the vectors of those
   two runs, so a 1:2 link compares one German sentence with the two French ones joined.
2. Cosines are normalised per document: each span's mean similarity to random spans of the
   other side is subtracted and the result divided by the spread of random-pair similarities.
   A score is then "how many standard deviations above chance", whatever the encoder, and a
   skipped sentence (1:0, 0:1) can have one fixed cost in those units.
3. Length, shared numbers/names/long words and (when MT is present) the MT bridge are added to
   that score; an m:n link also pays for each member sentence its other side does not explain.
   The anchor tokens count additively (each shared token earns, each unshared one costs), so a
   path's total counts every token once and splitting a 2:2 link cannot hide a crossing number.
   Debris lines (OCR dust, dot leaders) are free to leave unaligned and cost to swallow.
4. Linear time and memory: the search runs in anti-diagonal coordinates (a = i + j) on a band of
   fixed width around a guide path. The guide comes from the same DP on vectors averaged in
   pairs, recursively, down to a size where a full table is cheap (vecalign's coarse-to-fine).
   If the best path touches the band's edge the band is widened and the level is redone.
5. Each link's confidence is its posterior probability: forward-backward over all paths in the
   band with the scores as log-potentials (on the dev set, links above 0.8 are right 94% of
   the time, links below 0.5 less than half the time).

The public entry points are `align_features` (one pair of sentence lists, features ready) and
`align_blocks` (many blocks, hard boundaries, fixed links kept as anchors, texts embedded
through a callback). The text form of links lives in `align.align_scoring`.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from align import align_signals as sig
from align.errors import InputError

Move = tuple[int, int]
IMPOSSIBLE = -1e30  # score of what cannot happen (finite, so sums and exponentials stay clean)
MAX_HALF_WIDTH = 128  # the band stops widening here: memory is (n + m) x moves x band width


@dataclass(frozen=True)
class Link:
    """src ids <-> tgt ids (0-based, consecutive, either may be empty) with a confidence in [0, 1]."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    def shifted(self, src_offset: int, tgt_offset: int) -> "Link":
        return Link(tuple(i + src_offset for i in self.src), tuple(j + tgt_offset for j in self.tgt), self.score)


@dataclass(frozen=True)
class AlignConfig:
    """The few knobs; defaults are principled, not tuned per link (see README)."""

    max_src: int = 4          # longest run of source sentences in one link
    max_tgt: int = 4
    max_total: int = 8        # a + b <= max_total: every shape up to 4:4 (vecalign's limit)
    skip: float = -1.0        # score of leaving one sentence unaligned, in z units (chance = 0)
    width: int = 12           # half-width of the band around the guide path, in sentences
    full_dp_cells: int = 250_000   # below n*m, no coarse pass: the full table is cheap
    length_weight: float = 1.5     # weight of the length term (Gale-Church log-likelihood)
    anchor_weight: float = 1.0     # weight of the numbers/names term (0 switches it off)
    anchor_match: float = 2.0      # per anchor token present on both sides of a link, per side
    anchor_miss: float = 0.5       # per anchor token of a link that its other side lacks
    bridge_weight: float = 1.0     # weight of the MT-bridge z-score when MT is given
    member_weight: float = 1.0     # weight of the penalty for members of an m:n link unrelated to its other side
    random_samples: int = 256      # spans sampled per side for the chance baseline
    seed: int = 0

    def moves(self) -> list[Move]:
        out = [(a, b) for a in range(1, self.max_src + 1) for b in range(1, self.max_tgt + 1)
               if a + b <= self.max_total]
        return out + [(1, 0), (0, 1)]


# --------------------------------------------------------------------------------------------
# Features of one side
# --------------------------------------------------------------------------------------------

@dataclass
class SideFeatures:
    """Everything the scorer needs about one sentence list.

    vecs[k-1, e]: unit vector of sentences e-k+1..e (k = 1..K); lengths[e]: characters;
    anchors[k-1, e]: packed bit set (uint8) of the anchor tokens of that span (optional);
    profiles[k-1, e]: unit char n-gram profile (source side: of the MT output) for the bridge;
    debris[e]: the sentence has nothing to translate (see `align_signals.is_debris`).
    """

    vecs: np.ndarray
    lengths: np.ndarray
    anchors: np.ndarray | None = None
    profiles: np.ndarray | None = None
    debris: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.vecs = np.asarray(self.vecs, dtype=np.float32)
        if self.vecs.ndim == 2:  # sentence vectors only: spans become normalised sums
            self.vecs = span_vectors_from_sentences(self.vecs, 1)
        self.lengths = np.asarray(self.lengths, dtype=np.float32)
        if self.vecs.shape[1] != self.lengths.shape[0]:
            raise InputError("span vectors and lengths disagree on the number of sentences")
        if self.debris is None:
            self.debris = np.zeros(self.lengths.shape[0], dtype=bool)
        self.debris = np.asarray(self.debris, dtype=bool)
        if self.debris.shape != self.lengths.shape:
            raise InputError("debris flags and lengths disagree on the number of sentences")

    @property
    def size(self) -> int:
        return int(self.lengths.shape[0])

    @property
    def max_span(self) -> int:
        return int(self.vecs.shape[0])

    def slice(self, start: int, stop: int) -> "SideFeatures":
        """Sentences start..stop-1; spans reaching before `start` are never asked for."""
        cut = (lambda arr: None if arr is None else arr[:, start:stop])
        return SideFeatures(self.vecs[:, start:stop], self.lengths[start:stop],
                            cut(self.anchors), cut(self.profiles), self.debris[start:stop])


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def span_vectors_from_sentences(vecs: np.ndarray, max_span: int) -> np.ndarray:
    """Span vectors as normalised sums of sentence vectors (when concatenations were not embedded)."""
    return unit_rows(sig.span_sums(vecs, max_span))


# --------------------------------------------------------------------------------------------
# Bulk dot products for cells that lie near a path
# --------------------------------------------------------------------------------------------

def pair_dots(a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """sum(a[ia] * b[ib], axis=-1) for index pairs that lie near a path.

    Pairs are taken in the order given (the DP passes them diagonal by diagonal, so neighbours
    in the list are neighbours in the table); each chunk becomes one small matrix product over
    the rows and columns it touches (BLAS speed), from which its pairs are picked. A chunk whose
    pairs are scattered is gathered instead, so the cost never exceeds a few times the pairs.
    """
    out = np.empty(ia.shape[0], dtype=np.float32)
    for lo in range(0, ia.shape[0], chunk):
        ra, rb = ia[lo:lo + chunk], ib[lo:lo + chunk]
        a0, a1, b0, b1 = int(ra.min()), int(ra.max()) + 1, int(rb.min()), int(rb.max()) + 1
        if (a1 - a0) * (b1 - b0) <= 8 * ra.shape[0] + 4096:
            block = a[a0:a1] @ b[b0:b1].T
            out[lo:lo + chunk] = block[ra - a0, rb - b0]
        else:
            out[lo:lo + chunk] = np.einsum("cd,cd->c", a[ra], b[rb])
    return out


def shared_bits(a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """popcount(a[ia] & b[ib]) per index pair: how many tokens two spans' bit sets share.

    Pairs come diagonal by diagonal, so a chunk covers one stretch of each text; tokens are
    numbered by first occurrence, so that stretch uses few of the bytes. Only the bytes set on
    both sides somewhere in the chunk are compared, which keeps the cost independent of the
    size of the document's vocabulary.
    """
    out = np.empty(ia.shape[0], dtype=np.float32)
    for lo in range(0, ia.shape[0], chunk):
        ra, rb = ia[lo:lo + chunk], ib[lo:lo + chunk]
        used_a = np.bitwise_or.reduce(a[int(ra.min()):int(ra.max()) + 1], axis=0)
        used_b = np.bitwise_or.reduce(b[int(rb.min()):int(rb.max()) + 1], axis=0)
        cols = np.flatnonzero(used_a & used_b)
        out[lo:lo + chunk] = sig.bit_counts(a[ra[:, None], cols] & b[rb[:, None], cols])
    return out


# --------------------------------------------------------------------------------------------
# Scorers: score(move, i, j) for arrays of end positions (i, j exclusive)
# --------------------------------------------------------------------------------------------

class ChanceNormaliser:
    """Turns cosines into z-scores against random pairs of this document (vecalign's idea).

    Per link shape (a, b): a span's baseline is its mean cosine to random spans of b sentences
    of the other side, and the unit is the spread of cosines of random (a-span, b-span) pairs.
    Longer spans look more alike by chance; comparing like with like keeps a 2:2 link and two
    1:1 links on the same scale.
    """

    def __init__(self, src: np.ndarray, tgt: np.ndarray, chance: "ChanceSamples"):
        ks, kt = src.shape[0], tgt.shape[0]
        if len(chance.src) < ks or len(chance.tgt) < kt:
            raise InputError("the document context has shorter spans than the block being aligned")
        src_samples, tgt_samples = chance.src[:ks], chance.tgt[:kt]
        # src_mu[a, i, b]: span (a+1 sentences ending at i) vs random target spans of b+1 sentences
        self.src_mu = self._baselines(src, tgt_samples)
        self.tgt_mu = self._baselines(tgt, src_samples)
        self.sigma = np.ones((ks, kt), np.float32)
        for a in range(ks):
            for b in range(kt):
                sims = (src_samples[a] @ tgt_samples[b].T).ravel()
                if sims.size > 1:
                    self.sigma[a, b] = max(float(np.std(sims)), 1e-3)

    @staticmethod
    def _baselines(mine: np.ndarray, other_samples: list[np.ndarray]) -> np.ndarray:
        means = np.stack([s.mean(axis=0) if s.shape[0] else np.zeros(mine.shape[-1], np.float32)
                          for s in other_samples])                      # (K_other, d)
        return np.einsum("knd,bd->knb", mine, means).astype(np.float32)  # (K_mine, n, K_other)

    def z(self, move: Move, cos: np.ndarray, si: np.ndarray, tj: np.ndarray) -> np.ndarray:
        a, b = move[0] - 1, move[1] - 1
        mu = 0.5 * (self.src_mu[a, si, b] + self.tgt_mu[b, tj, a])
        return (cos - mu) / self.sigma[a, b]


@dataclass(frozen=True)
class ChanceSamples:
    """Random spans of each size (1..K sentences) from each side: the chance baseline."""

    src: list[np.ndarray]
    tgt: list[np.ndarray]

    @classmethod
    def draw(cls, src: np.ndarray, tgt: np.ndarray, rng: np.random.Generator, samples: int) -> "ChanceSamples":
        return cls([cls._sample(src[a], rng, samples) for a in range(src.shape[0])],
                   [cls._sample(tgt[b], rng, samples) for b in range(tgt.shape[0])])

    @staticmethod
    def _sample(vecs: np.ndarray, rng: np.random.Generator, samples: int) -> np.ndarray:
        # Spans that would start before their block are zero rows: not spans at all.
        valid = vecs[np.any(vecs != 0, axis=-1)]
        if valid.shape[0] == 0:
            return np.zeros((0, vecs.shape[-1]), np.float32)
        return valid[rng.integers(0, valid.shape[0], size=min(samples, 4 * valid.shape[0]))]


@dataclass(frozen=True)
class DocumentContext:
    """What each block's scorer takes from the whole document rather than from the block: the
    random spans of the chance baseline and the typical length ratio. A turn of three
    sentences has too few of its own (its "random" pairs would be a third translations), and
    a one-sentence block would make any length ratio look typical.
    """

    vecs: ChanceSamples
    profiles: ChanceSamples | None
    log_ratio: float  # log(source chars / target chars)

    @classmethod
    def of(cls, src: Sequence[SideFeatures], tgt: Sequence[SideFeatures], config: AlignConfig) -> "DocumentContext":
        rng = np.random.default_rng(config.seed)
        vecs = ChanceSamples.draw(np.concatenate([f.vecs for f in src], axis=1),
                                  np.concatenate([f.vecs for f in tgt], axis=1), rng, config.random_samples)
        src_prof = [f.profiles for f in src if f.profiles is not None]
        tgt_prof = [f.profiles for f in tgt if f.profiles is not None]
        profiles = None
        if src_prof and tgt_prof:
            profiles = ChanceSamples.draw(np.concatenate(src_prof, axis=1), np.concatenate(tgt_prof, axis=1),
                                          rng, config.random_samples)
        src_chars = sum(float(f.lengths.sum()) for f in src)
        tgt_chars = sum(float(f.lengths.sum()) for f in tgt)
        return cls(vecs, profiles, float(np.log(max(src_chars, 1.0) / max(tgt_chars, 1.0))))


class SpanScorer:
    """Final-level scorer: embeddings (+ length, anchors, bridge) for every move type."""

    def __init__(self, src: SideFeatures, tgt: SideFeatures, config: AlignConfig,
                 context: DocumentContext | None = None):
        self.src, self.tgt, self.config = src, tgt, config
        context = context or DocumentContext.of([src], [tgt], config)
        self.norm = ChanceNormaliser(src.vecs, tgt.vecs, context.vecs)
        # Typical length ratio of this document pair: log(source chars / target chars).
        self.log_ratio = context.log_ratio
        self.src_len_csum = np.concatenate([[0.0], np.cumsum(src.lengths, dtype=np.float64)])
        self.tgt_len_csum = np.concatenate([[0.0], np.cumsum(tgt.lengths, dtype=np.float64)])
        self.bridge = None
        if (src.profiles is not None and tgt.profiles is not None and config.bridge_weight
                and context.profiles is not None):
            self.bridge = ChanceNormaliser(src.profiles, tgt.profiles, context.profiles)
        if src.anchors is not None and tgt.anchors is not None:
            self.src_anchor_n = sig.bit_counts(src.anchors)
            self.tgt_anchor_n = sig.bit_counts(tgt.anchors)
        self.src_debris_csum = np.concatenate([[0], np.cumsum(src.debris)])
        self.tgt_debris_csum = np.concatenate([[0], np.cumsum(tgt.debris)])

    @staticmethod
    def _chance_z(src: np.ndarray, tgt: np.ndarray, norm: "ChanceNormaliser", move: Move,
                  i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cosine of the move's spans, in standard deviations above random pairs."""
        a, b = move
        si, tj = i - 1, j - 1
        return norm.z(move, pair_dots(src[a - 1], tgt[b - 1], si, tj), si, tj)

    def semantic(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self._chance_z(self.src.vecs, self.tgt.vecs, self.norm, move, i, j)

    def length(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = move
        ls = (self.src_len_csum[i] - self.src_len_csum[i - a]).astype(np.float32)
        lt = (self.tgt_len_csum[j] - self.tgt_len_csum[j - b]).astype(np.float32)
        # Gale & Church (1993): after scaling by the document's length ratio, the difference of
        # the lengths is normal with variance proportional to the length (s^2 = 6.8 characters).
        lt = lt * np.exp(self.log_ratio)
        dev = (lt - ls) / np.sqrt(6.8 * np.maximum((ls + lt) / 2.0, 1.0))
        # log-likelihood relative to a perfect ratio; capped so one odd ratio cannot veto a link
        return np.maximum(-0.5 * dev * dev, -4.0).astype(np.float32)

    def anchors(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = move
        si, tj = i - 1, j - 1
        shared = shared_bits(self.src.anchors[a - 1], self.tgt.anchors[b - 1], si, tj)
        return sig.anchor_score(shared, self.src_anchor_n[a - 1, si], self.tgt_anchor_n[b - 1, tj],
                                self.config.anchor_match, self.config.anchor_miss)

    def debris_members(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """How many debris sentences the link would pair with real text (none when the link is
        debris on both sides: '.....' for '.....' is harmless)."""
        a, b = move
        in_src = self.src_debris_csum[i] - self.src_debris_csum[i - a]
        in_tgt = self.tgt_debris_csum[j] - self.tgt_debris_csum[j - b]
        all_debris = (in_src == a) & (in_tgt == b)
        return np.where(all_debris, 0, in_src + in_tgt).astype(np.float32)

    def skip_gain(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Leaving one sentence unaligned costs `skip`, nothing when it is debris."""
        debris = self.src.debris[i - 1] if move == (1, 0) else self.tgt.debris[j - 1]
        return np.where(debris, 0.0, self.config.skip).astype(np.float32)

    def bridge_z(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self._chance_z(self.src.profiles, self.tgt.profiles, self.bridge, move, i, j)

    def members(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Sum over the members of the larger side(s) of min(0, z(member, the other side's span)).

        The embedding of a concatenation barely changes when an unrelated sentence ("....", a
        caption) is appended, so without this a link swallows such sentences instead of leaving
        them unaligned. A member below chance (z < 0) costs what it falls short by, in the same
        units as a skip; members that the other side explains at all cost nothing.
        """
        a, b = move
        si, tj = i - 1, j - 1
        penalty = np.zeros(i.shape, np.float32)
        for k in range(a if a > 1 else 0):
            cos = pair_dots(self.src.vecs[0], self.tgt.vecs[b - 1], si - k, tj)
            penalty += np.minimum(self.norm.z((1, b), cos, si - k, tj), 0.0)
        for k in range(b if b > 1 else 0):
            cos = pair_dots(self.src.vecs[a - 1], self.tgt.vecs[0], si, tj - k)
            penalty += np.minimum(self.norm.z((a, 1), cos, si, tj - k), 0.0)
        return penalty

    def __call__(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        cfg = self.config
        score = self.semantic(move, i, j)
        if cfg.member_weight and move != (1, 1):
            score = score + cfg.member_weight * self.members(move, i, j)
        # Pairing debris with real text costs twice a skip: more than leaving both unaligned
        # (a skip for the real sentence, nothing for the debris), so it seldom pays (only when
        # the debris evens out the lengths a lot).
        score = score + 2.0 * cfg.skip * self.debris_members(move, i, j)
        if cfg.length_weight:
            score = score + cfg.length_weight * self.length(move, i, j)
        if cfg.anchor_weight and self.src.anchors is not None and self.tgt.anchors is not None:
            score = score + cfg.anchor_weight * self.anchors(move, i, j)
        if self.bridge is not None:
            score = score + cfg.bridge_weight * self.bridge_z(move, i, j)
        return score.astype(np.float32)


class CoarseScorer:
    """Guide-path scorer on (downsampled) sentence vectors: z-scored cosine, 1:1 only."""

    def __init__(self, src: np.ndarray, tgt: np.ndarray, config: AlignConfig):
        self.src, self.tgt = src, tgt
        rng = np.random.default_rng(config.seed)
        self.norm = ChanceNormaliser(src[None], tgt[None],
                                     ChanceSamples.draw(src[None], tgt[None], rng, config.random_samples))

    def __call__(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        cos = pair_dots(self.src, self.tgt, i - 1, j - 1)
        return self.norm.z((1, 1), cos, i - 1, j - 1).astype(np.float32)


def downsample(vecs: np.ndarray) -> np.ndarray:
    """Average consecutive pairs, centre, renormalise (one coarser level)."""
    half = vecs.shape[0] // 2
    pairs = vecs[: 2 * half].reshape(half, 2, -1).sum(axis=1)
    if half:
        pairs = pairs - pairs.mean(axis=0, keepdims=True)
    return unit_rows(pairs)


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

    if posteriors:
        beta = _backward(prev, gain, band)
        log_z = alpha[n_diag * width - width + (m - band.offset[-1])]

    steps = []
    ci, cj = n, m
    while ci > 0 or cj > 0:
        a = ci + cj
        k = cj - band.offset[a]
        if not (0 <= k < width) or total[a * width + k] <= IMPOSSIBLE / 2:
            raise RuntimeError("alignment band does not reach the end of the table")
        t = int(back[a, k])
        da, db = moves[t]
        if posteriors:
            score = float(np.exp(min(0.0, alpha[prev[a, t, k]] + gain[a, t, k] + beta[a * width + k] - log_z)))
        else:
            score = float(gain[a, t, k]) if da and db else float("nan")
        steps.append((ci - da, ci, cj - db, cj, score))
        ci, cj = ci - da, cj - db
    steps.reverse()
    return steps


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
    if guide is None:
        return band_dp(Band.full(n, m), moves, scorer, config.skip, posteriors)
    half = config.width
    while True:
        band = Band.around(n, m, guide[0], guide[1], half)
        steps = band_dp(band, moves, scorer, config.skip, posteriors)
        pa, pj = _path_points(steps, n, m)
        if (band.width >= min(n, m) + 1 or half >= MAX_HALF_WIDTH
                or not band.touches_edge(pa.astype(np.int64), pj.astype(np.int64))):
            return steps
        # The path ran along the band's edge: centre on it, widen, and redo this level.
        guide, half = (pa, pj), min(2 * half, MAX_HALF_WIDTH)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def align_features(src: SideFeatures, tgt: SideFeatures, config: AlignConfig = AlignConfig(),
                   forced_src: np.ndarray | None = None, forced_tgt: np.ndarray | None = None,
                   context: DocumentContext | None = None) -> list[Link]:
    """Align two sentence lists given their features; every sentence appears in exactly one link.

    forced_src/forced_tgt: boolean masks of sentences that must stay unaligned (fixed 1:0 / 0:1).
    context: chance baseline and length ratio of the whole document (default: of these two lists).
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
        steps = _banded_search(n, m, guide, moves, scorer, cfg, posteriors=True)
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
    """DP steps (one move each, a skip is one sentence) -> links scored by their posterior."""
    return [Link(tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 4) if np.isfinite(score) else 0.0)
            for i0, i1, j0, j1, score in steps]


def check_anchors(anchors: Sequence[Link], n: int, m: int) -> list[Link]:
    """Fixed links in order; raises InputError when they overlap, cross or fall outside the block."""
    for link in anchors:
        for ids, size in ((link.src, n), (link.tgt, m)):
            if ids and (min(ids) < 0 or max(ids) >= size or list(ids) != list(range(ids[0], ids[-1] + 1))):
                raise InputError(f"fixed link {list(link.src)}:{list(link.tgt)} is outside its block "
                                 "or not a run of consecutive sentences")
        if not link.src and not link.tgt:
            raise InputError("a fixed link needs at least one sentence")
    two_sided = sorted((l for l in anchors if l.src and l.tgt), key=lambda l: l.src[0])
    for before, after in zip(two_sided, two_sided[1:]):
        if after.src[0] <= before.src[-1] or after.tgt[0] <= before.tgt[-1]:
            raise InputError(f"fixed links {list(before.src)}:{list(before.tgt)} and "
                             f"{list(after.src)}:{list(after.tgt)} overlap or cross")
    seen_s = [i for l in anchors for i in l.src]
    seen_t = [j for l in anchors for j in l.tgt]
    if len(seen_s) != len(set(seen_s)) or len(seen_t) != len(set(seen_t)):
        raise InputError("two fixed links share a sentence")
    return two_sided


def align_with_anchors(src: SideFeatures, tgt: SideFeatures, anchors: Sequence[Link] = (),
                       config: AlignConfig = AlignConfig(), context: DocumentContext | None = None) -> list[Link]:
    """Keep `anchors` (links fixed by a person) as they are; align only what lies between them.

    Two-sided anchors cut the table into independent gaps. One-sided anchors (a sentence fixed
    as unaligned) stay inside their gap as sentences no link may cover.
    """
    two_sided = check_anchors(anchors, src.size, tgt.size)
    one_sided = [l for l in anchors if not (l.src and l.tgt)]
    if context is None and src.size and tgt.size:  # the gaps between anchors share the block's baseline
        context = DocumentContext.of([src], [tgt], config)
    forced_src = np.zeros(src.size, bool)
    forced_tgt = np.zeros(tgt.size, bool)
    for link in one_sided:
        forced_src[list(link.src)] = True
        forced_tgt[list(link.tgt)] = True
    out: list[Link] = []
    s0 = t0 = 0
    for link in two_sided + [None]:
        s1 = link.src[0] if link is not None else src.size
        t1 = link.tgt[0] if link is not None else tgt.size
        gap = align_features(src.slice(s0, s1), tgt.slice(t0, t1), config,
                             forced_src[s0:s1], forced_tgt[t0:t1], context)
        out.extend(g.shifted(s0, t0) for g in gap)
        if link is not None:
            out.append(link)
            s0, t0 = link.src[-1] + 1, link.tgt[-1] + 1
    fixed = {(l.src, l.tgt): l for l in one_sided}
    # the DP left forced sentences as skips; report the person's link (with its score) for them
    return [fixed.get((l.src, l.tgt), l) for l in out]


def side_features(sentences: Sequence[str], embed: Callable[[list[str]], np.ndarray], max_span: int,
                  anchor_sets: Sequence[set[str]] | None = None,
                  profile_texts: Sequence[str] | None = None,
                  anchor_index: dict[str, int] | None = None) -> SideFeatures:
    """Embed every span of 1..max_span sentences (through `embed`) and add the cheap signals.

    anchor_sets: per sentence, the anchor tokens (numbers, names) to compare across sides.
    anchor_index: token -> bit, the same for both sides (`align_signals.token_index` over the
      tokens of both); required with `anchor_sets`, since bits only compare under one index.
    profile_texts: per sentence, the text whose character profile is compared across sides
      (the MT output on the source side, the sentence itself on the target side).
    """
    texts = sig.span_texts(sentences, max_span)
    flat = [t for row in texts for t in row if t]
    vec_of = dict(zip(flat, embed(flat))) if flat else {}
    # A side of empty sentences has nothing to embed; it still needs the encoder's width.
    dim = next(iter(vec_of.values())).shape[-1] if vec_of else getattr(embed, "dim", 1)
    vecs = np.zeros((max_span, len(sentences), dim), dtype=np.float32)
    for k, row in enumerate(texts):
        for e, text in enumerate(row):
            if text:
                vecs[k, e] = vec_of[text]
    anchors = None
    if anchor_sets is not None:
        if anchor_index is None:
            raise ValueError("anchor_sets need the anchor_index shared with the other side")
        anchors = sig.span_union_bits(sig.token_bits(anchor_sets, anchor_index), max_span)
    profiles = None
    if profile_texts is not None:
        profiles = unit_rows(sig.span_sums(sig.char_ngram_profiles(profile_texts, normalise=False), max_span))
    debris = np.array([sig.is_debris(s) for s in sentences], dtype=bool)
    return SideFeatures(vecs, sig.char_lengths(sentences), anchors, profiles, debris)


def shared_anchor_sets(src_sentences: Sequence[str], tgt_sentences: Sequence[str],
                       src_cased: bool = True, tgt_cased: bool = True) -> tuple[list[set[str]], list[set[str]]]:
    """Anchor tokens per sentence, keeping only tokens that occur somewhere on both sides.

    A capitalised German noun that never shows up in the French text is not a name for this
    pair and would only dilute the agreement of the names that are.
    """
    src_sets = [sig.anchor_tokens(s, cased=src_cased) for s in src_sentences]
    tgt_sets = [sig.anchor_tokens(s, cased=tgt_cased) for s in tgt_sentences]
    shared = set().union(*src_sets) & set().union(*tgt_sets) if src_sets and tgt_sets else set()
    return [t & shared for t in src_sets], [t & shared for t in tgt_sets]


Block = tuple[Sequence[str], Sequence[str]]


def align_blocks(blocks: Sequence[Block], embed: Callable[[list[str]], np.ndarray], *,
                 anchors: Sequence[Sequence[Link]] | None = None,
                 bridge: Sequence[Sequence[str] | None] | None = None,
                 src_cased: bool = True, tgt_cased: bool = True,
                 config: AlignConfig = AlignConfig(),
                 context_blocks: Sequence[Block] = ()) -> list[list[Link]]:
    """Align each (source sentences, target sentences) block on its own: blocks are hard boundaries.

    embed: texts -> unit vectors (e.g. models.encoders.CachedEncoder.encode); called once for
      all span texts of all blocks, so a caching encoder sees each text once.
    anchors[b]: links fixed by a person in block b (block-local ids); kept, only gaps re-aligned.
    bridge[b]: MT of block b's source sentences into the target language (or None).
    context_blocks: more of the document (e.g. the turns around the one being re-aligned),
      not aligned, only read for the chance baseline, the length ratio and the shared tokens.
    Returns block-local links per block.
    """
    anchors = anchors or [()] * len(blocks)
    bridge = bridge or [None] * len(blocks)
    if len(anchors) != len(blocks) or len(bridge) != len(blocks):
        raise InputError("anchors and bridge need one entry per block")
    n_aligned = len(blocks)
    blocks = list(blocks) + list(context_blocks)
    bridge = list(bridge) + [None] * len(context_blocks)
    k_src, k_tgt = config.max_src, config.max_tgt
    # One embedding call for everything; the vectors are then handed out per block.
    all_texts: list[str] = []
    for src, tgt in blocks:
        for texts in (sig.span_texts(src, k_src), sig.span_texts(tgt, k_tgt)):
            all_texts.extend(t for row in texts for t in row if t)
    unique = list(dict.fromkeys(all_texts))
    table = dict(zip(unique, embed(unique))) if unique else {}
    width = next(iter(table.values())).shape[-1] if table else 1

    def lookup(texts: list[str]) -> np.ndarray:
        return np.stack([table[t] for t in texts]) if texts else np.zeros((0, width), np.float32)
    lookup.dim = width  # type: ignore[attr-defined]  # read by side_features for empty sides
    # Anchor tokens are filtered against the whole document, not one block.
    src_anchor_sets, tgt_anchor_sets = shared_anchor_sets(
        [s for src, _ in blocks for s in src], [t for _, tgt in blocks for t in tgt], src_cased, tgt_cased)
    index = sig.token_index(src_anchor_sets + tgt_anchor_sets)
    features = []
    s_pos = t_pos = 0
    for (src, tgt), mt in zip(blocks, bridge):
        if mt is not None and len(mt) != len(src):
            raise InputError("the MT bridge needs one translation per source sentence")
        fs = side_features(src, lookup, k_src, src_anchor_sets[s_pos:s_pos + len(src)], mt, index)
        ft = side_features(tgt, lookup, k_tgt, tgt_anchor_sets[t_pos:t_pos + len(tgt)],
                           list(tgt) if mt is not None else None, index)
        s_pos, t_pos = s_pos + len(src), t_pos + len(tgt)
        features.append((fs, ft))
    # The chance baseline and length ratio come from the whole document, not from each turn.
    filled = [(fs, ft) for fs, ft in features if fs.size and ft.size]
    context = DocumentContext.of([fs for fs, _ in filled], [ft for _, ft in filled], config) if filled else None
    return [align_with_anchors(fs, ft, fixed, config, context)
            for (fs, ft), fixed in zip(features[:n_aligned], anchors)]
