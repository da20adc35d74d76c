"""What each part of the aligner's score is worth on both dev sets: prints figures, asserts nothing.

    python bench/bench_align_ablation.py                # both dev sets, every variant
    python bench/bench_align_ablation.py --sets defr    # one

Runs the German-French dev set (Text+Berg) and the Chinese-English one (six MAC-Dev chapters)
end to end through `models.alignment.align_texts`, once with the defaults and once per variant
with one knob moved. Defaults are chosen on both sets together, so every row shows both, and
each document's figure (the de-fr set is one document: its two halves, cut at the gold link
nearest the middle and aligned on their own, stand in), so that a choice that helps one
document and hurts the others shows as noise.

Vectors: the shipped de-fr file (tests/data/align_dev_e5_query.npz, every run of 1-4
sentences) and the embedding cache (~/.cache/bitext/embeddings.sqlite); texts in neither are
encoded live (the zh-en set's first run takes the better part of an hour on two busy cores).
The de-fr set ships in tests/data/align-dev ($BITEXT_ALIGN_DEV for another copy); zh-en is read
in place from ../shared/eval/align-dev-zh-en ($BITEXT_ALIGN_DEV_ZH_EN);
an absent one is skipped with a note.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align.alignment.evaluation import score_alignments  # noqa: E402
from align.alignment import AlignConfig  # noqa: E402
from bench_align import dev_sets  # noqa: E402

DEFAULT = AlignConfig()
VARIANTS = [
    ("defaults", DEFAULT),
    ("every run of 1-4 embedded (span_encoding=all, the old path)", replace(DEFAULT, span_encoding="all")),
    ("runs of links with posterior >= 0.01 embedded (refine_floor)", replace(DEFAULT, refine_floor=0.01)),
    ("runs of links with posterior >= 0.003 embedded", replace(DEFAULT, refine_floor=0.003)),
    ("runs of links with posterior >= 0.1 embedded", replace(DEFAULT, refine_floor=0.1)),
    ("no dictionary, zh-en (lexicon_weight=0)", replace(DEFAULT, lexicon_weight=0.0)),
    ("dictionary weighted 0.35 (lexicon_weight)", replace(DEFAULT, lexicon_weight=0.35)),
    ("dictionary weighted 0.7", replace(DEFAULT, lexicon_weight=0.7)),
    ("no quoted-speech agreement (quote_weight=0)", replace(DEFAULT, quote_weight=0.0)),
    ("quoted speech weighted 0.5 (quote_weight)", replace(DEFAULT, quote_weight=0.5)),
    ("quoted speech weighted 1.0", replace(DEFAULT, quote_weight=1.0)),
    ("no numbers/names/stems term (anchor_weight=0)", replace(DEFAULT, anchor_weight=0.0)),
    ("anchor tokens: shared ones only earn (anchor_miss=0)", replace(DEFAULT, anchor_miss=0.0)),
    ("no length term (length_weight=0)", replace(DEFAULT, length_weight=0.0)),
    ("length term at Gale-Church's own scale (length_weight=1)", replace(DEFAULT, length_weight=1.0)),
    ("length term weighted 2 (length_weight=2)", replace(DEFAULT, length_weight=2.0)),
    ("no member penalty (member_weight=0)", replace(DEFAULT, member_weight=0.0)),
    ("skip cost -1.0", replace(DEFAULT, skip=-1.0)),
    ("skip cost -2.0", replace(DEFAULT, skip=-2.0)),
    ("every unaligned sentence costs the same (skip_extend = skip)", replace(DEFAULT, skip_extend=DEFAULT.skip)),
    ("runs of unaligned sentences up to 8 per step (max_skip_run)", replace(DEFAULT, max_skip_run=8)),
]


def split_in_halves(src, tgt, gold):
    """The document cut at the first two-sided gold link from the middle on, ids renumbered."""
    mid = len(gold) // 2
    while not (gold[mid][0] and gold[mid][1]):
        mid += 1
    s_cut, t_cut = min(gold[mid][0]), min(gold[mid][1])
    second = [([i - s_cut for i in s], [j - t_cut for j in t]) for s, t in gold[mid:]]
    return [(src[:s_cut], tgt[:t_cut], gold[:mid]), (src[s_cut:], tgt[t_cut:], second)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=["defr", "zhen"], choices=["defr", "zhen"])
    parser.add_argument("--variants", nargs="+", type=int, metavar="K",
                        help="only these rows (0 = defaults), e.g. --variants 0 5")
    args = parser.parse_args()
    from models.alignment import align_texts
    from models.encoders import default_cache_path, get_encoder

    encoder = get_encoder("e5", default_cache_path())
    encoder.import_vectors(ROOT / "tests/data/align_dev_e5_query.npz")
    sets = dev_sets(args.sets, None)
    for name, docs in sets:
        if len(docs) == 1:  # one document: its halves stand in for documents
            src, tgt, gold, sl, tl = docs[0]
            parts = [(s, t, g, sl, tl) for s, t, g in split_in_halves(src, tgt, gold)]
        else:
            parts = docs
        print(f"{name}: {len(docs)} document(s); per-document column: "
              + ("the two halves aligned alone" if len(docs) == 1 else "each chapter"))
        print(f"  {'variant':<62} {'strict P/R/F1':>17} {'lax F1':>6}  per document      time")
        for k, (label, config) in enumerate(VARIANTS):
            if args.variants and k not in args.variants:
                continue
            start = time.perf_counter()
            preds = [[(l.src, l.tgt) for l in align_texts(s, t, sl, tl, encoder=encoder, config=config)]
                     for s, t, _, sl, tl in docs]
            elapsed = time.perf_counter() - start
            res = score_alignments([d[2] for d in docs], preds)
            per = [score_alignments([g], [[(l.src, l.tgt) for l in align_texts(s, t, sl, tl, encoder=encoder,
                                                                                 config=config)]]).f1_strict
                   for s, t, g, sl, tl in parts]
            print(f"  {label:<62} {res.precision_strict:.3f}/{res.recall_strict:.3f}/{res.f1_strict:.3f}"
                  f" {res.f1_lax:>6.3f}  {' '.join(f'{x:.3f}' for x in per)}  {elapsed:5.1f}s", flush=True)
    if encoder.encoded_count:
        print(f"note: {encoder.encoded_count} texts were in neither the shipped file nor the cache and were encoded live")


if __name__ == "__main__":
    main()
