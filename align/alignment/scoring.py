"""Scoring a link: score(move, i, j) for arrays of end positions, in z units above chance.

Cosines are normalised per document (`DocumentContext`), then length, shared tokens, the MT
bridge and the cost of unexplained members of an m:n link are added."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from align.alignment import signals as sig
from align.errors import InputError
from align.alignment.config import IMPOSSIBLE, AlignConfig, Move
from align.alignment.features import SideFeatures, pair_dots, shared_bits, unit_rows

QUOTE_SHARE = 0.02  # quoted speech in this share of each side's sentences: the text has dialogue


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
        self.sigma = chance.sigma(ks, kt)

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
    # Spreads computed once per document, not once per block (a transcript has dozens).
    _sigmas: dict = field(default_factory=dict, compare=False, repr=False)

    def sigma(self, ks: int, kt: int) -> np.ndarray:
        """sigma[a, b]: the spread of cosines of random (a+1)-spans against (b+1)-spans."""
        if (ks, kt) not in self._sigmas:
            sigma = np.ones((ks, kt), np.float32)
            for a in range(ks):
                for b in range(kt):
                    sims = (self.src[a] @ self.tgt[b].T).ravel()
                    if sims.size > 1:
                        sigma[a, b] = max(float(np.std(sims)), 1e-3)
            self._sigmas[(ks, kt)] = sigma
        return self._sigmas[(ks, kt)]

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
    quotes: bool = False  # both sides quote: links should agree on opening and closing one

    @classmethod
    def of(cls, src: Sequence[SideFeatures], tgt: Sequence[SideFeatures], config: AlignConfig) -> "DocumentContext":
        rng = np.random.default_rng(config.seed)
        vecs = ChanceSamples.draw(np.concatenate([f.vecs for f in src], axis=1),
                                  np.concatenate([f.vecs for f in tgt], axis=1), rng, config.random_samples)
        src_prof = [f.profiles for f in src if f.profiles is not None]
        tgt_prof = [f.profiles for f in tgt if f.profiles is not None]
        profiles = None
        if src_prof and tgt_prof:
            # its own draw: which spans have vectors (sentence-first encoding) must not move it
            profiles = ChanceSamples.draw(np.concatenate(src_prof, axis=1), np.concatenate(tgt_prof, axis=1),
                                          np.random.default_rng(config.seed + 1), config.random_samples)
        src_chars = sum(float(f.lengths.sum()) for f in src)
        tgt_chars = sum(float(f.lengths.sum()) for f in tgt)
        quoting = [sum(int(np.any(f.quotes > 0, axis=1).sum()) for f in side) for side in (src, tgt)]
        sizes = [sum(f.size for f in side) for side in (src, tgt)]
        quotes = all(q >= max(3, QUOTE_SHARE * n) for q, n in zip(quoting, sizes))
        return cls(vecs, profiles, float(np.log(max(src_chars, 1.0) / max(tgt_chars, 1.0))), quotes)


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
        self.use_quotes = context.quotes and bool(config.quote_weight)
        self.src_quote_csum = np.concatenate([np.zeros((1, 2), np.int64), np.cumsum(src.quotes, axis=0)])
        self.tgt_quote_csum = np.concatenate([np.zeros((1, 2), np.int64), np.cumsum(tgt.quotes, axis=0)])
        self.partner_evidence = config.partner_evidence  # search.py: skipping a clear partner costs more
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
        # Both are put in the units of the side with fewer characters (Chinese against English:
        # Chinese characters either way round), so the term weighs the same in both directions.
        if self.log_ratio <= 0:
            lt = lt * np.exp(self.log_ratio)
        else:
            ls = ls * np.exp(-self.log_ratio)
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

    def quote_mismatch(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """0-2: whether the two sides disagree on opening a quotation, and on closing one."""
        a, b = move
        src = (self.src_quote_csum[i] - self.src_quote_csum[i - a]) > 0
        tgt = (self.tgt_quote_csum[j] - self.tgt_quote_csum[j - b]) > 0
        return (src != tgt).sum(axis=-1).astype(np.float32)

    def skip_gain(self, move: Move, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Leaving a run of sentences unaligned: `skip` for its first sentence, `skip_extend`
        for each further one; debris is free."""
        a, b = move
        if b == 0:
            real = a - (self.src_debris_csum[i] - self.src_debris_csum[i - a])
        else:
            real = b - (self.tgt_debris_csum[j] - self.tgt_debris_csum[j - b])
        cost = np.where(real > 0, self.config.skip + (real - 1) * self.config.skip_extend, 0.0)
        cfg = self.config
        if cfg.skip_pays_misses and cfg.anchor_weight and self.src.anchors is not None and self.tgt.anchors is not None:
            # A number or name the other side lacks is missing whether its sentence is linked
            # or left out: leaving a sentence out must not be a way around its anchor misses.
            count = self.src_anchor_n[a - 1, i - 1] if b == 0 else self.tgt_anchor_n[b - 1, j - 1]
            cost = cost - cfg.anchor_weight * cfg.anchor_miss * count
        return cost.astype(np.float32)

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
        if self.use_quotes:
            score = score - cfg.quote_weight * self.quote_mismatch(move, i, j)
        a, b = move
        if self.src.embedded is not None and a > 1:
            score = np.where(self.src.embedded[a - 1, i - 1], score, IMPOSSIBLE)
        if self.tgt.embedded is not None and b > 1:
            score = np.where(self.tgt.embedded[b - 1, j - 1], score, IMPOSSIBLE)
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
