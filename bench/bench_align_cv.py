"""Cross-validated ablation of the aligner: each signal and setting chosen on some documents and
judged on others. Prints figures, asserts nothing.

    python bench/bench_align_cv.py                      # align what is missing, print the table
    python bench/bench_align_cv.py --sets defr          # de-fr units only (a few minutes)
    python bench/bench_align_cv.py --table-only         # print from the results file

A component (the skip cost, affine gaps, the length weight, ...) has a few settings, the first
one neutral (the signal off, or the setting before any tuning). Every setting is run once on
every unit (one knob moved from the defaults, the rest at their defaults), and the predictions
are kept in a results file (--results), so a rerun aligns only what is new. Then, per fold, the
setting with the best strict F1 on the fold's training units (pooled, as vecalign scores) is
chosen (a tie goes to the neutral setting: fewer knobs), and judged on the held-out units:

- zh-en -> de-fr and de-fr -> zh-en: chosen on one dev set as it is, judged on the other;
- leave one chapter out: chosen on five MAC-Dev chapters, judged on the sixth;
- de-fr thirds: the document cut in three at gold links, each third aligned alone; chosen on
  two, judged on the third;
- leave one variant out: the robustness variants (bench_align_robustness: mostly 1:1, pieces,
  abridged, partial, swapped), chosen on the others, judged on the one left out.

Per component and fold family: the setting chosen in each fold, and the held-out strict F1
with the chosen setting against the neutral one (mean over the folds), with how many folds
gained and lost. A component whose choice does not gain on held-out folds goes (or stays at
its neutral setting).

Vectors: the shipped de-fr file and the embedding cache, as bench_align_ablation; texts in
neither are encoded live (counted at the end). zh-en is read from ../shared/eval (or
$BITEXT_ALIGN_DEV_ZH_EN); without it only the de-fr folds are printed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align.alignment import AlignConfig  # noqa: E402
from align.alignment.evaluation import score_alignments, score_null_links  # noqa: E402
from bench_align import dev_sets  # noqa: E402
from bench_align_robustness import (NoisyEncoder, abridged, mostly_one_to_one, no_nulls, partial, pieces,  # noqa: E402
                                    rebuild, swapped)

D = AlignConfig()
# (component, field overrides per setting); the first setting is the neutral one.
COMPONENTS: list[tuple[str, list[tuple[str, dict]]]] = [
    ("skip cost", [("-1.5", {}), ("-1.0", {"skip": -1.0}), ("-2.0", {"skip": -2.0}), ("-2.5", {"skip": -2.5}),
                   ("-3.0", {"skip": -3.0})]),
    ("affine gaps", [("off", {"skip_extend": D.skip}), ("-0.5", {})]),
    ("length weight", [("0", {"length_weight": 0.0}), ("1", {"length_weight": 1.0}), ("1.5", {}),
                       ("2", {"length_weight": 2.0})]),
    ("member penalty", [("off", {"member_weight": 0.0}), ("1", {})]),
    ("shared tokens", [("off", {"anchor_weight": 0.0}), ("1", {})]),
    ("dictionary", [("off", {"lexicon_weight": 0.0}), ("0.35", {"lexicon_weight": 0.35}), ("0.5", {})]),
    ("quoted speech", [("off", {"quote_weight": 0.0}), ("0.75", {})]),
    ("partner evidence", [("off", {}), ("on", {"partner_evidence": True})]),
    ("a skip pays its anchor misses", [("off", {}), ("on", {"skip_pays_misses": True})]),
    ("skip scaled to the link strength", [("off", {"strength_scaled_skip": False}), ("on", {})]),
]
# Results are keyed by the fields moved from the defaults, so a file made under other defaults
# would silently answer for the wrong settings: each file records the defaults it was made with.
DEFAULTS_KEY = "__defaults__"


def _key(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True)


def thirds(src, tgt, gold):
    """The document cut in three at two-sided gold links, each third renumbered."""
    cuts, out, start = [], [], 0
    for k in (len(gold) // 3, 2 * len(gold) // 3):
        while not (gold[k][0] and gold[k][1]):
            k += 1
        cuts.append(k)
    for stop in cuts + [len(gold)]:
        out.append(rebuild(src, tgt, gold[start:stop]))
        start = stop
    return out


NOISY = "noisy vectors "  # in a unit's name: aligned with NoisyEncoder


def units_of(sets: dict, zhen_variants: bool = False, noise: float = 0.0) -> list[tuple[str, str, list]]:
    """(unit name, family, [(src, tgt, gold, src_lang, tgt_lang), ...]) in the order they run.
    With `noise`, each set as it is once more with noisy vectors (`NOISY` in the name: aligned
    with `NoisyEncoder`), a variant like the others."""
    units = []
    for name, docs in sets.items():
        if name == "defr":
            units.append(("defr", "asis", docs))
            units += [(f"defr third {k + 1}", "part", [(s, t, g, "de", "fr")])
                      for k, (s, t, g) in enumerate(thirds(*docs[0][:3]))]
        else:  # the set as it is is the six chapters pooled
            units += [(f"zhen {k + 1:03d}", "part", [d]) for k, d in enumerate(docs)]
    variants = [("mostly 1:1 d1", lambda s, t, g: mostly_one_to_one(s, t, g, 1), False),
                ("mostly 1:1 d2", lambda s, t, g: mostly_one_to_one(s, t, g, 2), False),
                ("pieces", pieces, False), ("abridged", abridged, False),
                ("partial", partial, False), ("swapped", swapped, True), ("no nulls", no_nulls, False)]
    for name, docs in sets.items():  # de-fr first: cheap
        for label, make, swap in variants:
            if name == "zhen" and not zhen_variants:
                continue  # cold, an hour or more per variant on two busy cores (minutes once cached)
            shaped = [(s, t, g, tl if swap else sl, sl if swap else tl)
                      for src, tgt, gold, sl, tl in docs for s, t, g in make(src, tgt, gold)]
            units.append((f"{name} {label}", "variant", shaped))
    if noise:
        units += [(f"{name} {NOISY}{noise}", "variant", docs) for name, docs in sets.items()]
    return units


# Which settings run first (on two busy cores a zh-en setting takes minutes): the defaults, the
# null-link knobs the issue is about, each signal off, then the finer grid.
FIRST = [{}, {"skip": -1.0}, {"partner_evidence": True}, {"skip_pays_misses": True}, {"skip_extend": D.skip},
         {"lexicon_weight": 0.0}, {"quote_weight": 0.0}, {"member_weight": 0.0}, {"anchor_weight": 0.0},
         {"skip": -2.0}, {"length_weight": 0.0}]


def settings() -> list[dict]:
    seen, out = set(), []
    for _, grid in COMPONENTS:
        for _, fields in grid:
            if _key(fields) not in seen:
                seen.add(_key(fields))
                out.append(fields)
    first = [_key(f) for f in FIRST]

    def rank(fields: dict) -> int:
        return first.index(_key(fields)) if _key(fields) in first else len(first)
    return sorted(out, key=rank)


def run(units, results: dict, path: Path, encoder, budget_s: float | None, reverse: bool = False,
        only: list[dict] | None = None) -> None:
    from models.alignment import align_texts
    from models.encoders import CachedEncoder

    noisy: dict[str, CachedEncoder] = {}  # in memory only: noisy vectors never reach the disk cache

    start = time.perf_counter()
    # every setting on the documents first (the folds across sets, chapters, thirds), variants after
    chosen = settings()[::-1 if reverse else 1]
    if only:
        chosen = [f for f in chosen if _key(f) in {_key(o) for o in only}]
    order = [(fields, u) for phase in (False, True) for fields in chosen
             for u in units if (u[1] == "variant") == phase]
    for fields, (unit, _, docs) in order:
        key = f"{unit}|{_key(fields)}"
        if key in results:
            continue
        if budget_s and time.perf_counter() - start > budget_s:
            return
        if set(fields) == {"lexicon_weight"} and not unit.startswith("zhen") and f"{unit}|{{}}" in results:
            results[key] = results[f"{unit}|{{}}"]  # the dictionary is Chinese-English only: the defaults
            continue
        t0 = time.perf_counter()
        config = replace(D, **fields)
        enc = encoder
        if NOISY in unit:
            radius = float(unit.split(NOISY)[1])
            if unit not in noisy:
                noisy[unit] = CachedEncoder(NoisyEncoder(encoder, radius))
                noisy[unit].show_progress = False
            enc = noisy[unit]
        results[key] = [[[list(l.src), list(l.tgt)] for l in align_texts(s, t, sl, tl, encoder=enc,
                                                                           config=config)]
                        for s, t, _, sl, tl in docs]
        path.write_text(json.dumps(results))
        print(f"  aligned {unit:<22} {_key(fields):<40} {time.perf_counter() - t0:6.1f}s", flush=True)


def _pairs(pred) -> list:
    return [(tuple(s), tuple(t)) for s, t in pred]


def f1(units_by_name: dict, results: dict, names: list[str], fields: dict) -> float | None:
    golds, preds = [], []
    for name in names:
        key = f"{name}|{_key(fields)}"
        if key not in results:
            return None
        golds += [d[2] for d in units_by_name[name][1]]
        preds += [_pairs(p) for p in results[key]]
    return score_alignments(golds, preds).f1_strict


def folds(units_by_name: dict) -> dict[str, list[tuple[list[str], list[str]]]]:
    have = set(units_by_name)
    out: dict[str, list] = {}
    chapters = sorted(n for n in have if n.startswith("zhen 0"))
    if chapters and "defr" in have:
        out["zh-en -> de-fr, de-fr -> zh-en"] = [(chapters, ["defr"]), (["defr"], chapters)]
    if chapters:
        out["leave one chapter out (6)"] = [([c for c in chapters if c != k], [k]) for k in chapters]
    parts = sorted(n for n in have if n.startswith("defr third"))
    if parts:
        out["de-fr thirds (3)"] = [([p for p in parts if p != k], [k]) for k in parts]
    variants = [n for n, (fam, _) in units_by_name.items() if fam == "variant"]
    if len(variants) > 1:
        out[f"leave one variant out ({len(variants)})"] = [([v for v in variants if v != k], [k]) for k in variants]
    return out


def table(units_by_name: dict, results: dict) -> None:
    fams = folds(units_by_name)
    print("\nCross-validated ablation: per fold family, the setting chosen on each fold's training units;"
          "\nheld-out strict F1 with the chosen setting vs the neutral one (mean over folds), folds gained/lost,"
          "\nand the defaults' held-out F1 on the same folds.")
    for comp, grid in COMPONENTS:
        if len(grid) < 2:
            continue
        print(f"\n{comp} (neutral: {grid[0][0]}; settings: {', '.join(label for label, _ in grid)})")
        deltas, picks = [], []
        for fam, fold_list in fams.items():
            chosen, with_, without, default, gains, losses = [], [], [], [], 0, 0
            for train, test in fold_list:
                scores = [(f1(units_by_name, results, train, fields), -k, label, fields)
                          for k, (label, fields) in enumerate(grid)]
                if any(s[0] is None for s in scores) or f1(units_by_name, results, test, grid[0][1]) is None:
                    continue
                best = max(scores)  # a tie goes to the earlier (neutral first) setting
                a = f1(units_by_name, results, test, best[3])
                b = f1(units_by_name, results, test, grid[0][1])
                if a is None:
                    continue
                chosen.append(best[2])
                with_.append(a)
                without.append(b)
                default.append(f1(units_by_name, results, test, {}))
                gains += a > b + 1e-9
                losses += a < b - 1e-9
            if not with_:
                print(f"  {fam:<38} (not run yet)")
                continue
            deltas += [a - b for a, b in zip(with_, without)]
            picks += chosen
            mean_w, mean_n = sum(with_) / len(with_), sum(without) / len(without)
            print(f"  {fam:<38} chosen {' '.join(chosen):<44} held-out {mean_w:.4f} vs {mean_n:.4f} "
                  f"({mean_w - mean_n:+.4f}; {gains} up, {losses} down; defaults {sum(default) / len(default):.4f})")
        if deltas:
            up, down = sum(d > 1e-9 for d in deltas), sum(d < -1e-9 for d in deltas)
            moved = [p for p in picks if p != grid[0][0]] or picks
            common = max(set(moved), key=moved.count)
            verdict = (f"earns its place held out (chosen most often when not neutral: {common})" if sum(deltas) > 0 and up > down
                       else f"no held-out gain: the neutral setting ({grid[0][0]})")
            print(f"  verdict over {len(deltas)} held-out folds: {up} up, {down} down, "
                  f"mean {sum(deltas) / len(deltas):+.4f} -> {verdict}")


def null_table(units_by_name: dict, results: dict, baseline: dict) -> None:
    print("\nNull links (sentences left unlinked): right/predicted/gold, precision, recall; strict F1")
    chapters = sorted(n for n in units_by_name if n.startswith("zhen 0"))
    groups = {n: [n] for n, (fam, _) in units_by_name.items() if fam != "part"}
    if chapters:
        groups = {"zhen": chapters, **groups}

    def pooled(names, fields):
        got = [results.get(f"{n}|{_key(fields)}") for n in names]
        return None if None in got else [p for g in got for p in g]

    for name, names in groups.items():
        golds = [d[2] for n in names for d in units_by_name[n][1]]
        rows = [("defaults", pooled(names, {}))]
        rows += [(label, pooled(names, fields)) for label, fields in (
            ("skip cost -1.0", {"skip": -1.0}), ("skip cost -2.0", {"skip": -2.0}),
            ("no affine gaps", {"skip_extend": D.skip}), ("partner evidence", {"partner_evidence": True}))]
        base = [baseline.get(n) for n in names]
        rows += [("bertalign (same vectors)", None if None in base else [p for b in base for p in b])]
        for label, pred in rows:
            if pred is None:
                continue
            preds = [_pairs(p) for p in pred]
            nulls, score = score_null_links(golds, preds), score_alignments(golds, preds)
            members = wrong_null_members(golds, preds)
            print(f"  {name:<22} {label:<28} {nulls.right:>4}/{nulls.predicted:<4}/{nulls.gold:<4} "
                  f"P {nulls.precision:.3f} R {nulls.recall:.3f}  F1 {score.f1_strict:.3f} lax {score.f1_lax:.3f}"
                  f"  wrong: {members[0]} of {members[1]} members of a gold m:n link")


def wrong_null_members(golds, preds) -> tuple[int, int]:
    """Of the sentences left unlinked that have a partner in the gold: how many belong to a
    gold link with two or more sentences on a side (a member of an m:n link), of how many."""
    member = total = 0
    for gold, pred in zip(golds, preds):
        of_src = {i: g for g in gold for i in g[0]}
        of_tgt = {j: g for g in gold for j in g[1]}
        for s, t in pred:
            if bool(s) == bool(t):
                continue
            g = of_src.get(s[0]) if s else of_tgt.get(t[0])
            if g and g[0] and g[1]:
                total += 1
                member += max(len(g[0]), len(g[1])) > 1
    return member, total


def link_strength(sets: dict, encoder) -> None:
    """Per document: how far above chance its translations score. The median z of the gold 1:1
    pairs' sentence cosines against random sentence pairs of the same document (a skip cost in
    z units means less where this is high)."""
    import numpy as np
    from align.alignment.signals import detokenize
    from align.text.long_sentences import scoring_text

    print("\nLink strength: gold 1:1 pairs' cosine in z units against 2,000 random pairs (median, 10th percentile)")
    rng = np.random.default_rng(0)
    for name, docs in sets.items():
        for k, (src, tgt, gold, _, _) in enumerate(docs):
            vs = encoder.encode([scoring_text(detokenize(t)) for t in src])
            vt = encoder.encode([scoring_text(detokenize(t)) for t in tgt])
            rand = np.sum(vs[rng.integers(0, len(src), 2000)] * vt[rng.integers(0, len(tgt), 2000)], axis=1)
            z = np.array([(float(vs[s[0]] @ vt[t[0]]) - rand.mean()) / rand.std()
                          for s, t in gold if len(s) == 1 and len(t) == 1])
            print(f"  {name} document {k + 1}: {len(src)} x {len(tgt)} sentences, {len(z)} gold 1:1 links, "
                  f"z median {np.median(z):.2f}, 10th percentile {np.percentile(z, 10):.2f}")


def cached_only(encoder):
    """encoder.encode that refuses texts the cache lacks (the baseline needs runs of up to four
    sentences as joined text; zh-en's are encoded by bench_align.py --baseline, not here)."""
    def encode(texts):
        keys = [encoder._key(t) for t in texts]
        missing = [k for k in keys if k not in encoder._memory]
        if missing:
            encoder._memory.update(encoder._from_disk(missing))
        if any(k not in encoder._memory for k in keys):
            raise LookupError("not in the embedding cache")
        return encoder.encode(texts)
    return encode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=["defr", "zhen"], choices=["defr", "zhen"])
    parser.add_argument("--results", type=Path, default=Path.home() / ".cache/bitext/cv_results.json",
                        help="predictions per unit and setting, reused by later runs")
    parser.add_argument("--also", nargs="*", type=Path, default=[],
                        help="more results files to read (another process's), never written")
    parser.add_argument("--zhen-variants", action="store_true",
                        help="also the robustness variants of the zh-en chapters (hours on a busy machine)")
    parser.add_argument("--noise", type=float, default=0.0, metavar="R",
                        help="also each set as it is with every vector moved by a seeded random offset of "
                             "length R (bench_align_robustness --noise), as one more variant")
    parser.add_argument("--reverse", action="store_true",
                        help="the settings in reverse order (a second process sharing the work)")
    parser.add_argument("--settings", nargs="+", metavar="JSON",
                        help='only these settings, e.g. \'{"skip": -1.0}\' (as the results file keys them)')
    parser.add_argument("--table-only", action="store_true", help="print from the results file, align nothing")
    parser.add_argument("--budget", type=float, default=None, help="stop aligning after this many seconds")
    parser.add_argument("--units", nargs="+", metavar="WORD", help="only units whose name has one of these words")
    args = parser.parse_args()
    from models.encoders import default_cache_path, get_encoder
    import bench_align_baseline

    results = {DEFAULTS_KEY: repr(D)}
    for path in [*args.also, args.results]:  # the written file last: its entries win
        if path.is_file():
            loaded = json.loads(path.read_text())
            if loaded.get(DEFAULTS_KEY, repr(D)) != repr(D) or (DEFAULTS_KEY not in loaded and loaded):
                print(f"error: {path} was made under other aligner defaults (or before they were recorded); "
                      "give a new --results file", file=sys.stderr)
                raise SystemExit(2)
            results.update(loaded)
    sets = dict(dev_sets(args.sets, None))
    units = units_of(sets, args.zhen_variants, args.noise)
    if args.units:
        units = [u for u in units if any(w in u[0] for w in args.units)]
    units_by_name = {name: (fam, docs) for name, fam, docs in units}
    encoder = get_encoder("e5", default_cache_path())
    encoder.import_vectors(ROOT / "tests/data/align_dev_e5_query.npz")
    if not args.table_only:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        run(units, results, args.results, encoder, args.budget, args.reverse,
            [json.loads(o) for o in args.settings] if args.settings else None)
    baseline = {}
    for name, (fam, docs) in units_by_name.items():
        if (fam == "part" and not name.startswith("zhen")) or NOISY in name:
            continue
        try:
            baseline[name] = [[[list(s), list(t)] for s, t in bench_align_baseline.align_texts(
                d[0], d[1], cached_only(encoder))] for d in docs]
        except LookupError:
            pass
    table(units_by_name, results)
    null_table(units_by_name, results, baseline)
    link_strength(sets, encoder)
    load = os.getloadavg()
    print(f"\nload average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}")
    if encoder.encoded_count:
        print(f"note: {encoder.encoded_count} texts were in neither the shipped file nor the cache and were encoded live")


if __name__ == "__main__":
    main()
