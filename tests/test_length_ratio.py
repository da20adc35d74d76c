"""The first pass's length ratio when the translation covers only the opening of its source.

A partial translation's totals say nothing about how long each translated sentence is (on a
zh-en dev chapter they gave 2.8 times the sentences' ratio). Synthetic vectors stand in for
the encoder's: each target sentence is its source sentence plus noise, strong enough that
the right source is every target's best match but too weak for the strict clear-pair
thresholds to trust more than a couple of them."""
import numpy as np

from align.alignment.features import SideFeatures
from align.alignment.length_ratio import (CLEAR_MARGIN, CLEAR_Z, MIN_PAIRS, _top_two,
                                          clear_pair_ratio, first_length_ratio, totals_ratio)

N_SRC, N_TGT, DIM = 30, 10, 32
PAIR_RATIO = 2.5            # source characters per target character in each translated pair


def _partial_translation(signal: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    src = rng.normal(size=(N_SRC, DIM))
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    noise = rng.normal(size=(N_TGT, DIM))
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    tgt = signal * src[:N_TGT] + noise
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    tgt_len = rng.integers(30, 90, size=N_TGT).astype(float)
    # The translated opening keeps PAIR_RATIO; the untranslated rest is long sentences, so
    # the totals' ratio (source over target characters) is far above it.
    src_len = np.concatenate([tgt_len * PAIR_RATIO, rng.integers(300, 500, size=N_SRC - N_TGT)])
    return src.astype(np.float32), tgt.astype(np.float32), src_len, tgt_len


def test_a_partial_translation_with_few_strictly_clear_pairs_gets_its_sentences_ratio():
    src, tgt, src_len, tgt_len = _partial_translation(signal=0.8)
    # the case under test: fewer strictly clear pairs than MIN_PAIRS, though every target's
    # best source is its own
    top2, best, mean, spread = _top_two(tgt, src)
    z = (top2 - mean) / spread
    strict = (z[:, 0] >= CLEAR_Z) & (z[:, 0] - z[:, 1] >= CLEAR_MARGIN)
    assert int(strict.sum()) < MIN_PAIRS
    assert (best == np.arange(N_TGT)).all()

    feats = [(SideFeatures(src, src_len), SideFeatures(tgt, tgt_len))]
    totals = totals_ratio(feats)
    assert totals > 2 * PAIR_RATIO
    assert abs(clear_pair_ratio(src, tgt, src_len, tgt_len) - PAIR_RATIO) < 1e-6
    ratio = first_length_ratio(feats)
    assert ratio is not None and abs(ratio - PAIR_RATIO) < 1e-6


def test_without_any_standing_out_pair_the_totals_stand():
    src, tgt, src_len, tgt_len = _partial_translation(signal=0.0)
    assert clear_pair_ratio(src, tgt, src_len, tgt_len) is None
    assert first_length_ratio([(SideFeatures(src, src_len), SideFeatures(tgt, tgt_len))]) is None
