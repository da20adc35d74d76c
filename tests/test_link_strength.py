"""The skip cost scaled to how far above chance a document's links score (link_strength.py)."""
import numpy as np
import pytest

from align.alignment import AlignConfig, Link
from align.alignment.features import with_signals
from align.alignment.link_strength import (FACTOR_RANGE, MIN_LINKS, REFERENCE_STRENGTH, linked_strength,
                                           skip_factor)
from align.alignment.scoring import DocumentContext


def _pair(n: int, noise: float, seed: int = 0):
    """Source sentence vectors and targets that translate them, `noise` away from them."""
    rng = np.random.default_rng(seed)
    src = rng.standard_normal((n, 64))
    tgt = src + noise * rng.standard_normal((n, 64))
    unit = [v / np.linalg.norm(v, axis=1, keepdims=True) for v in (src, tgt)]
    words = [f"s{k}" for k in range(n)]
    fs, ft = (with_signals(words, v[None].astype(np.float32)) for v in unit)
    return fs, ft, DocumentContext.of([fs], [ft], AlignConfig())


def test_closer_translations_score_further_above_chance():
    links = [Link((k,), (k,)) for k in range(80)]
    strengths = []
    for noise in (0.5, 1.5, 3.0):
        fs, ft, context = _pair(80, noise)
        strengths.append(linked_strength([links], [(fs, ft)], context))
    assert strengths[0] > strengths[1] > strengths[2] > 0


def test_only_one_to_one_links_count_and_too_few_tell_nothing():
    fs, ft, context = _pair(80, 0.5)
    few = [Link((k,), (k,)) for k in range(MIN_LINKS - 1)]
    others = [Link((k, k + 1), (k,)) for k in range(40, 78, 2)] + [Link((79,), ())]
    assert linked_strength([few + others], [(fs, ft)], context) is None
    enough = [Link((k,), (k,)) for k in range(MIN_LINKS)]
    assert linked_strength([enough + others], [(fs, ft)], context) is not None


def test_the_factor_is_one_at_the_reference_and_bounded():
    assert skip_factor(None) == 1.0
    assert skip_factor(REFERENCE_STRENGTH) == pytest.approx(1.0)
    assert skip_factor(REFERENCE_STRENGTH / 2) == pytest.approx(2.0)
    assert skip_factor(2 * REFERENCE_STRENGTH) == FACTOR_RANGE[0] == 1.0   # never cheaper
    assert skip_factor(0.01) == FACTOR_RANGE[1]
    assert skip_factor(-1.0) == FACTOR_RANGE[1]                            # links at chance or below


def test_a_turn_aligned_alone_takes_the_strength_of_the_turns_around_it():
    """A turn of six sentences re-aligned in the reader has too few links to tell how strong
    the document's are; the turns read around it (its context) tell, through a first pass over
    them, so the turn's skip costs what it cost when the whole document was aligned."""
    from align.alignment.blocks import document_strength

    fs, ft, context = _pair(66, 3.0)
    whole = linked_strength([[Link((k,), (k,)) for k in range(66)]], [(fs, ft)], context)
    turn = (fs.slice(0, 6), ft.slice(0, 6))
    around = [(fs.slice(6, 36), ft.slice(6, 36)), (fs.slice(36, 66), ft.slice(36, 66))]
    first = [[Link((k,), (k,)) for k in range(6)]]
    alone = document_strength(first, [turn], 1, context, AlignConfig())
    with_context = document_strength(first, [turn, *around], 1, context, AlignConfig())
    assert alone is None and skip_factor(alone) == 1.0
    assert with_context == pytest.approx(whole, abs=0.2)
    assert skip_factor(with_context) > 1.5   # weak links: leaving a sentence out costs more
