"""QA checks measured on damaged reference translations: precision and recall per check.

The reference is a hand-written English of 155 sentences of the bundled interview
(tests/data/interview_reference_en.tsv; it includes the 13 pairs typed in tests/conftest.py).
In each round three sentences are damaged each way (24 of 155; one damage a sentence, fewer
where few sentences allow it), the way MT goes wrong (tests/qa_damage.py): a number garbled (45,000 -> 45, trillion -> billion), a
name dropped, a decoder loop added, the source copied, the output emptied, the sentence cut
to a third, a closing bracket or quote lost, a glossary term rendered otherwise. Then every
check runs on the whole damaged document (its length ratio and names come from the damaged
document itself, as in a real project) with a five-term glossary.

Per check: recall = sentences damaged that way and flagged by that check / sentences damaged
that way; precision = flags of that check that fall on a sentence damaged that way / all its
flags. Flags on sentences with another kind of damage are counted apart ("other"): a cut
sentence also loses its numbers, which the numbers check rightly reports, but it is not the
damage that check is measured on. "clean" counts flags on undamaged sentences: false alarms.

    python bench/bench_qa.py [--rounds 40] [--per-kind 3]
    python bench/bench_qa.py --reader [--runs 7]

`--reader` times what QA adds to a page of the reader, without a browser: the interview
machine-translated into English and Chinese by the tiny random MarianMT (as bench_app.py
does; random weights make poor translations, so many rows are flagged), then
`load_snapshot` + `build_view` + the HTML of the first page (10 turns), with QA off, with
QA cold (the first read after the app started: every pair checked) and warm (cached).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from align.qa.checks import CHECKS, DocumentContext, check_pair  # noqa: E402
from tests.qa_damage import DAMAGES, glossary_pairs, reference_pairs  # noqa: E402


def damage_document(pairs, rng: random.Random, per_kind: int):
    """The pairs with `per_kind` sentences damaged in each way (fewer where fewer sentences
    allow it: only so many have a bracket); returns (pairs, damage kind or None each)."""
    out = list(pairs)
    kinds: list[str | None] = [None] * len(pairs)
    for name in rng.sample(list(DAMAGES), len(DAMAGES)):
        order = rng.sample(range(len(pairs)), len(pairs))
        done = 0
        for i in order:
            if done == per_kind:
                break
            if kinds[i] is not None:
                continue
            damaged = DAMAGES[name](*pairs[i], rng)
            if damaged is not None and damaged != pairs[i][1]:
                out[i], kinds[i] = (pairs[i][0], damaged), name
                done += 1
    return out, kinds


def bench_reader(runs: int) -> None:
    import statistics
    import tempfile

    from align import quality
    from align import reader as rd
    from bench_app import translated_interview
    from align.store import Project

    with tempfile.TemporaryDirectory() as tmp:
        directory = translated_interview(Path(tmp))
        langs = ["en", "zh"]

        def page() -> int:
            with Project.open(directory) as p:
                snap = rd.load_snapshot(p, langs)
            items = rd.paginate(rd.build_view(snap, langs), 1, 10).items
            terms = rd.glossary_marks(snap, langs)
            html = "".join(rd.row_html(r, langs, terms=terms) for v in items for r in v.rows)
            return len(html)

        with Project.open(directory) as p:
            p.add_glossary_terms("en", [("Sesame Credit", "Sesame Credit"), ("WTO", "WTO")])
            flagged = {lang: len(quality.run_qa(p, lang)) for lang in langs}
            n_units = {lang: len(quality.project_units(p, lang)) for lang in langs}
        real_attach = rd.attach_qa
        timings: dict[str, list[float]] = {"QA off": [], "QA cold": [], "QA warm": []}
        for _ in range(runs):
            rd.attach_qa = lambda project, snapshot: None
            t0 = time.perf_counter(); page(); timings["QA off"].append(time.perf_counter() - t0)
            rd.attach_qa = real_attach
            quality._CACHE.clear()
            quality._CONTEXTS.clear()
            t0 = time.perf_counter(); page(); timings["QA cold"].append(time.perf_counter() - t0)
            t0 = time.perf_counter(); page(); timings["QA warm"].append(time.perf_counter() - t0)
    print(f"interview, tiny-MarianMT output: {n_units} links checked, {flagged} flags")
    for name, values in timings.items():
        print(f"{name}: median {statistics.median(values) * 1000:.0f} ms "
              f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}; {runs} runs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--per-kind", type=int, default=3,
                    help="sentences damaged each way per round (default 3: 24 of 155)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reader", action="store_true", help="time QA in the reader's page instead")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if args.reader:
        bench_reader(args.runs)
        return
    reference = reference_pairs()
    glossary = glossary_pairs()
    counts = {c: {"damaged": 0, "caught": 0, "flags": 0, "right": 0, "other": 0, "clean": 0}
              for c in CHECKS}
    clean_pairs = clean_flagged = damaged_pairs = damaged_flagged = 0
    rng = random.Random(args.seed)
    elapsed = 0.0
    baseline_ctx = DocumentContext(reference).context("de", "en", glossary)
    baseline = sum(bool(check_pair(s, t, baseline_ctx)) for s, t in reference)
    for _ in range(args.rounds):
        pairs, kinds = damage_document(reference, rng, args.per_kind)
        t0 = time.perf_counter()
        ctx = DocumentContext(pairs).context("de", "en", glossary)
        flags = [check_pair(s, t, ctx) for s, t in pairs]
        elapsed += time.perf_counter() - t0
        for kind, found in zip(kinds, flags):
            codes = {f.code for f in found}
            if kind is None:
                clean_pairs += 1
                clean_flagged += bool(codes)
            else:
                damaged_pairs += 1
                damaged_flagged += bool(codes)
                counts[kind]["damaged"] += 1
                counts[kind]["caught"] += kind in codes
            for code in codes:
                c = counts[code]
                c["flags"] += 1
                if kind == code:
                    c["right"] += 1
                elif kind is None:
                    c["clean"] += 1
                else:
                    c["other"] += 1
    n = len(reference)
    print(f"reference: {n} sentence pairs ({baseline} flagged undamaged); {args.rounds} rounds, "
          f"{args.per_kind} sentences damaged each way per round; glossary of {len(glossary)} terms")
    print(f"checking time: {elapsed / args.rounds * 1000:.1f} ms per document "
          f"({elapsed / args.rounds / n * 1e6:.0f} µs per sentence, uncached)")
    print()
    print("| check | damaged | caught | recall | flags | on its damage | other damage | clean | precision |")
    print("|---|---|---|---|---|---|---|---|---|")
    for code, c in counts.items():
        recall = c["caught"] / c["damaged"] if c["damaged"] else float("nan")
        precision = c["right"] / c["flags"] if c["flags"] else float("nan")
        print(f"| {code} | {c['damaged']} | {c['caught']} | {recall:.3f} | {c['flags']} | "
              f"{c['right']} | {c['other']} | {c['clean']} | {precision:.3f} |")
    print()
    print(f"any flag on a damaged sentence: {damaged_flagged}/{damaged_pairs} "
          f"= {damaged_flagged / max(damaged_pairs, 1):.3f}; "
          f"on a clean one (false alarm): {clean_flagged}/{clean_pairs} "
          f"= {clean_flagged / max(clean_pairs, 1):.3f}")


if __name__ == "__main__":
    main()
