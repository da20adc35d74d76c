"""Sentence-first encoding: embed sentences, let a first pass say which runs of sentences could
form an m:n link, embed only those as joined texts, align again (`AlignConfig.span_encoding`).

The toy encoder is test_aligner's concept model: a text's vector is the normalised sum of its
concepts plus noise, so the joined text of a run is known to match the other side exactly when
the run is a true m:n link.
"""
import numpy as np
import pytest

from align.alignment import AlignConfig, Band, SideFeatures, align_blocks, align_features
from align.alignment.search import _solve
from align.errors import InputError
from tests.test_aligner import concept_embed, concept_text, features, pairs

# 30 sentences a side, 1:1 except a 1:2 (source 10 = targets 10, 11) and a 2:1 (source 20, 21 =
# target 21), all concept texts ("c5 c6").
SRC = [[c] for c in range(10)] + [[100, 101, 102, 103]] + [[c] for c in range(11, 20)] \
    + [[200, 201], [202, 203]] + [[c] for c in range(22, 30)]
TGT = [[c] for c in range(10)] + [[100, 101], [102, 103]] + [[c] for c in range(11, 20)] \
    + [[200, 201, 202, 203]] + [[c] for c in range(22, 30)]


def texts():
    """Source and target texts; target ones end in a word the toy encoder ignores, so that no
    target run's joined text is also a source sentence's text."""
    return [concept_text(s) for s in SRC], [concept_text(t) + " x" for t in TGT]


def recording():
    calls = []

    def embed(texts):
        calls.append(list(texts))
        return concept_embed(texts)
    return embed, calls


def test_first_pass_embeds_sentences_then_only_the_runs_of_likely_links():
    src, tgt = texts()
    embed, calls = recording()
    links = align_blocks([(src, tgt)], embed, src_cased=False, tgt_cased=False,
                         config=AlignConfig(min_chance_spans=0))[0]
    assert sorted(calls[0]) == sorted(set(src + tgt))          # first call: sentences only
    joined = set(calls[1])
    assert f"{tgt[10]} {tgt[11]}" in joined and f"{src[20]} {src[21]}" in joined
    every_run = {" ".join(side[e - k:e + 1]) for side in (src, tgt) for k in range(1, 4)
                 for e in range(k, len(side))}
    assert joined <= every_run
    assert len(joined) < len(every_run) / 4                    # far fewer than every run of 2-4
    assert ([10], [10, 11]) in pairs(links) and ([20, 21], [21]) in pairs(links)
    # the same links as embedding every run
    everything = align_blocks([(src, tgt)], concept_embed, src_cased=False, tgt_cased=False,
                              config=AlignConfig(span_encoding="all"))[0]
    assert pairs(links) == pairs(everything)


def test_a_low_floor_embeds_more_runs_than_a_high_one():
    src, tgt = texts()
    counts = []
    for floor in (1e-4, 0.5):
        embed, calls = recording()
        align_blocks([(src, tgt)], embed, config=AlignConfig(refine_floor=floor, min_chance_spans=0))
        counts.append(len(calls[1]))
    assert counts[0] > counts[1] > 0


def test_chance_baseline_is_topped_up_with_random_runs():
    src, tgt = texts()
    embed, calls = recording()
    align_blocks([(src, tgt)], embed, config=AlignConfig(refine_floor=0.99, min_chance_spans=5))
    runs = [{" ".join(side[e - k:e + 1]) for e in range(k, len(side))} for side in (src, tgt) for k in (1, 2, 3)]
    # at a floor of 0.99 hardly any link is likely; each side still gets 5 runs of each size
    assert all(len(set(calls[1]) & of_size) >= 5 for of_size in runs)


def test_links_over_a_run_without_a_vector_are_not_considered():
    fs, ft = features(SRC, seed=1), features(TGT, seed=2)
    assert ([20, 21], [21]) in pairs(align_features(fs, ft))
    embedded = np.ones(fs.vecs.shape[:2], bool)
    embedded[1, 21] = False                                    # the 2-run ending at source 21
    masked = SideFeatures(fs.vecs, fs.lengths, embedded=embedded)
    assert ([20, 21], [21]) not in pairs(align_features(masked, ft))
    with pytest.raises(InputError):
        SideFeatures(fs.vecs, fs.lengths, embedded=embedded[:, :5])


def test_likely_links_are_those_whose_posterior_reaches_the_floor():
    moves = [(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)]
    rng = np.random.default_rng(5)
    table = {(mv, i, j): rng.normal(0, 1.5) for mv in moves[:3] for i in range(5) for j in range(5)}

    def scorer(move, i, j):
        return np.array([table[(move, a, b)] for a, b in zip(i, j)], np.float32)

    solved = _solve(Band.full(4, 4), moves, scorer, -0.7, posteriors=True)
    log_p = {}
    width = solved.band.width
    for t, (da, db) in enumerate(moves[:3]):
        for a in range(solved.gain.shape[0]):
            for k in range(width):
                j = solved.band.offset[a] + k
                i = a - j
                if 0 <= i <= 4 and 0 <= j <= 4 and solved.gain[a, t, k] > -1e29:
                    log_p[((da, db), i, j)] = (solved.alpha[solved.prev[a, t, k]] + solved.gain[a, t, k]
                                               + solved.beta[a * width + k] - solved.log_z)
    # posteriors of the links along any one column of the table sum to at most one
    for floor in (0.01, 0.2):
        got = {(mv, int(i), int(j)) for mv, ii, jj in solved.likely_links(floor) for i, j in zip(ii, jj)}
        assert got == {key for key, lp in log_p.items() if lp >= np.log(floor)}
    assert solved.likely_links(0.2) and len(solved.likely_links(0.01)) == 3


def test_unknown_span_encoding_is_refused():
    with pytest.raises(InputError):
        align_blocks([(["a"], ["b"])], concept_embed, config=AlignConfig(span_encoding="some"))


def test_no_blocks_and_empty_blocks():
    assert align_blocks([], concept_embed) == []
    out = align_blocks([([], []), (["c1"], [])], concept_embed)
    assert pairs(out[0]) == [] and pairs(out[1]) == [([0], [])]
