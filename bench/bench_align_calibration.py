"""How far to trust a link's score: prints figures, asserts nothing.

    python bench/bench_align_calibration.py            # both dev sets, default settings

Aligns each dev set with the defaults and, for thresholds on the link score (its posterior
probability over all paths, `Link.score`), prints per dev set the precision of the two-sided
links kept as links (score >= threshold; right = exactly a gold link, vecalign's strict
sense), the share of two-sided links that would become suggestions instead (score below it),
and how often those suggestions are right anyway. Links leaving a sentence unaligned (1:0,
0:1) are not counted: they link nothing.

Dev sets: tests/data/align-dev (de-fr, Text+Berg, shipped; $BITEXT_ALIGN_DEV) and
../shared/eval/align-dev-zh-en (zh-en, six MAC-Dev chapters; $BITEXT_ALIGN_DEV_ZH_EN), read in
place; a set that is absent is skipped and says so. Vectors come from the shipped de-fr file
(tests/data/align_dev_e5_query.npz) and the embedding cache (~/.cache/bitext/embeddings.sqlite);
what neither has is encoded, which on two busy cores takes a long while the first time.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_align import dev_sets  # noqa: E402

THRESHOLDS = [0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]
TARGET_PRECISION = 0.95


def main() -> None:
    from models.alignment import align_texts
    from models.encoders import get_encoder, default_cache_path

    encoder = get_encoder("e5", default_cache_path())
    encoder.import_vectors(ROOT / "tests/data/align_dev_e5_query.npz")
    chosen = {}
    for name, docs in dev_sets(["defr", "zhen"], None):
        scored = []  # (score, right) per two-sided link
        for src, tgt, gold, sl, tl in docs:
            wanted = {(tuple(s), tuple(t)) for s, t in gold}
            for link in align_texts(src, tgt, sl, tl, encoder=encoder):
                if link.src and link.tgt:
                    scored.append((link.score, (link.src, link.tgt) in wanted))
        print(f"{name}: {len(scored)} two-sided links, {sum(r for _, r in scored) / len(scored):.3f} right")
        print(f"  {'threshold':>9} {'kept precision':>14} {'to suggestions':>14} {'suggestions right':>17}")
        for t in THRESHOLDS:
            kept = [r for s, r in scored if s >= t]
            low = [r for s, r in scored if s < t]
            precision = sum(kept) / len(kept) if kept else float("nan")
            print(f"  {t:>9.2f} {precision:>14.3f} {len(low) / len(scored):>14.3f} "
                  f"{(sum(low) / len(low)) if low else float('nan'):>17.3f}")
            if precision >= TARGET_PRECISION and name not in chosen:
                chosen[name] = t
    if chosen:
        print(f"lowest threshold whose kept links are right >= {TARGET_PRECISION:.0%} of the time: "
              + ", ".join(f"{k} {v:.2f}" for k, v in chosen.items())
              + f"; for both: {max(chosen.values()):.2f}")


if __name__ == "__main__":
    main()
