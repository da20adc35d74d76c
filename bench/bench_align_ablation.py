"""What each part of the aligner's score is worth on the dev set: prints figures, asserts nothing.

    python bench/bench_align_ablation.py

Runs the German-French dev set (Text+Berg) end to end through `models.alignment.align_texts`
with the e5 vectors shipped for the regression test (tests/data/align_dev_e5_query.npz, so it
takes seconds, not the quarter of an hour that encoding takes), once with the defaults and
once per variant with one knob moved. Each variant also runs on the two halves of the
document separately (cut at the gold link nearest the middle): the dev set is the only gold
here and the defaults were chosen on it, so a choice that helps on one half and hurts on the
other is noise, and the differences, not the absolute figure, are the evidence.
"""
from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.alignment.evaluation import read_links, score_alignments  # noqa: E402
from align.alignment import AlignConfig  # noqa: E402

DEFAULT = AlignConfig()
VARIANTS = [
    ("defaults", DEFAULT),
    ("no numbers/names/stems term (anchor_weight=0)", replace(DEFAULT, anchor_weight=0.0)),
    ("anchor tokens: shared ones only earn (anchor_miss=0)", replace(DEFAULT, anchor_miss=0.0)),
    ("no length term (length_weight=0)", replace(DEFAULT, length_weight=0.0)),
    ("length term at Gale-Church's own scale (length_weight=1)", replace(DEFAULT, length_weight=1.0)),
    ("length term weighted 2 (length_weight=2)", replace(DEFAULT, length_weight=2.0)),
    ("no member penalty (member_weight=0)", replace(DEFAULT, member_weight=0.0)),
    ("shapes up to a+b=5, Bertalign's limit (max_total=5)", replace(DEFAULT, max_total=5)),
    ("skip cost -0.5", replace(DEFAULT, skip=-0.5)),
    ("skip cost -1.5", replace(DEFAULT, skip=-1.5)),
]


def main() -> None:
    from models.alignment import align_texts
    from models.encoders import CachedEncoder, E5Encoder

    from dev_set import read_dev_set

    src, tgt, gold_lines = read_dev_set()
    gold = read_links(gold_lines)
    encoder = CachedEncoder(E5Encoder("query"))
    encoder.import_vectors(ROOT / "tests/data/align_dev_e5_query.npz")
    halves = split_in_halves(src, tgt, gold)
    print(f"dev set {len(src)} x {len(tgt)} sentences, {len(gold)} gold links; e5 vectors from the shipped file")
    print(f"{'variant':<58} {'strict P/R/F1':>20} {'lax F1':>7} {'half 1':>7} {'half 2':>7} {'time':>7}")
    for name, config in VARIANTS:
        start = time.perf_counter()
        links = align_texts(src, tgt, "de", "fr", encoder=encoder, config=config)
        elapsed = time.perf_counter() - start
        res = score_alignments([gold], [[(l.src, l.tgt) for l in links]])
        by_half = [score_alignments([g], [[(l.src, l.tgt) for l in align_texts(s, t, "de", "fr", encoder=encoder,
                                                                                 config=config)]]).f1_strict
                   for s, t, g in halves]
        print(f"{name:<58} {res.precision_strict:.3f}/{res.recall_strict:.3f}/{res.f1_strict:.3f}"
              f" {res.f1_lax:>7.3f} {by_half[0]:>7.3f} {by_half[1]:>7.3f} {elapsed:>6.2f}s")
    if encoder.encoded_count:
        print(f"note: {encoder.encoded_count} span texts were not in the shipped file and were encoded live")


def split_in_halves(src, tgt, gold):
    """The document cut at the first two-sided gold link from the middle on, ids renumbered."""
    mid = len(gold) // 2
    while not (gold[mid][0] and gold[mid][1]):
        mid += 1
    s_cut, t_cut = min(gold[mid][0]), min(gold[mid][1])
    second = [([i - s_cut for i in s], [j - t_cut for j in t]) for s, t in gold[mid:]]
    return [(src[:s_cut], tgt[:t_cut], gold[:mid]), (src[s_cut:], tgt[t_cut:], second)]


if __name__ == "__main__":
    main()
