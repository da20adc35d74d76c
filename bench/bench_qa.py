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

Two modes (issue 26): "full", every reference pair translated; "partial", only a fifth of
them (31 pairs, drawn anew each round, one sentence damaged each way), the rest of the
interview's German known but untranslated, as in a project where a person imported a
handful of English sentences. Names come from the translated pairs, all the German
sentences and the speakers (`--translations-only`: from the translated pairs alone, the
evidence before issue 26). "precision (flag true)" also counts as right a flag on another
damage that the damage caused (a cut sentence loses its names: the undamaged translation
did not raise that flag).

    python bench/bench_qa.py [--rounds 40] [--per-kind 3] [--mode full|partial|both]
    python bench/bench_qa.py --human [--no-transcript] [--french]
    python bench/bench_qa.py --reader [--runs 7]

`--human` runs every check over the human English in tests/data (the reference, the layout
translations on their gold links, the loose transcript imported with the real aligner; see
tests/qa_human.py) and prints flags per 100 English sentences per check, then each flag.

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
from tests.qa_damage import (DAMAGES, glossary_pairs, interview_knowledge,  # noqa: E402
                             reference_pairs)


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


def reference_flags(reference, glossary, knowledge) -> dict[str, set[str]]:
    """The checks each sentence of the undamaged reference already raises (in the whole
    reference's context): a discrepancy of the human English itself ("Iran-Krieg" -> "the
    Iraq war"), not a response to damage."""
    ctx = DocumentContext(reference, *knowledge).context("de", "en", glossary)
    return {s: {f.code for f in check_pair(s, t, ctx)} for s, t in reference}


def measure(reference, glossary, knowledge, rounds: int, per_kind: int, fraction: float,
            rng: random.Random, listing: dict | None = None):
    """Damage and check `rounds` documents; with `fraction` < 1 only that share of the
    reference pairs (drawn anew each round, in document order) is translated, the rest of
    the German known untranslated. Returns (counts per check, totals, seconds)."""
    sources, speakers = knowledge
    counts = {c: {"damaged": 0, "caught": 0, "flags": 0, "right": 0, "other": 0,
                  "other_true": 0, "clean": 0, "in_reference": 0} for c in CHECKS}
    already = reference_flags(reference, glossary, knowledge)
    totals = {"clean": 0, "clean_flagged": 0, "damaged": 0, "damaged_flagged": 0}
    elapsed = 0.0
    for _ in range(rounds):
        if fraction < 1:
            keep = sorted(rng.sample(range(len(reference)), round(len(reference) * fraction)))
            chosen = [reference[i] for i in keep]
        else:
            chosen = list(reference)
        pairs, kinds = damage_document(chosen, rng, per_kind)
        t0 = time.perf_counter()
        ctx = DocumentContext(pairs, sources, speakers).context("de", "en", glossary)
        flags = [check_pair(s, t, ctx) for s, t in pairs]
        elapsed += time.perf_counter() - t0
        for (source, good), kind, found in zip(chosen, kinds, flags):
            codes = {f.code for f in found}
            if kind is None:
                totals["clean"] += 1
                totals["clean_flagged"] += bool(codes)
            else:
                totals["damaged"] += 1
                totals["damaged_flagged"] += bool(codes)
                counts[kind]["damaged"] += 1
                counts[kind]["caught"] += kind in codes
            undamaged = {f.code for f in check_pair(source, good, ctx)} if kind else set()
            if listing is not None:
                _note(listing, source, good, kind, found, ctx, pairs)
            for code in codes:
                c = counts[code]
                c["flags"] += 1
                if kind == code:
                    c["right"] += 1
                elif kind is None:
                    c["clean"] += 1
                    c["in_reference"] += code in already.get(source, set())
                else:
                    c["other"] += 1
                    # Another damage that made this check's complaint true (a cut sentence
                    # loses its names): the undamaged translation did not raise it.
                    c["other_true"] += code not in undamaged
    return counts, totals, elapsed


def _note(listing: dict, source: str, good: str, kind, found, ctx, pairs) -> None:
    """Names cases for `--list`: a name damage missed, or a names flag on a sentence not
    damaged that way (counted by sentence, so a case that recurs each round shows once)."""
    damaged = dict((s, t) for s, t in pairs).get(source, good)
    names_flags = [f.reason for f in found if f.code == "names"]
    if kind == "names" and not names_flags:
        from align.qa import names as nm
        gone = [w for w in dict.fromkeys(good.split()) if w not in damaged.split()]
        dropped = [t for t in dict.fromkeys(nm.name_tokens(good)) if not nm.kept(t, damaged)]
        def why_one(t: str) -> str:
            if not nm.name_of(t, ctx.names):
                return "no document name in this round"
            if nm.named_in_part(source, nm.name_of(t, ctx.names), damaged):
                return "another part of the titled name kept"
            return "a document name, kept() matched"
        why = ", ".join(f"{t}: {why_one(t)}" for t in dropped)
        key = ("missed", source, " ".join(gone) + f" ({why})")
    elif names_flags and kind != "names":
        key = (f"flag on {kind or 'clean'}", source, "; ".join(names_flags))
    else:
        return
    listing[key] = listing.get(key, 0) + 1


def print_listing(listing: dict) -> None:
    for (what, source, detail), n in sorted(listing.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"- {what} ×{n}: {detail}")
        print(f"    de: {source}")


def print_table(counts, totals) -> None:
    print("| check | damaged | caught | recall | flags | on its damage | other damage (caused by it) "
          "| clean (raised by the reference itself) | precision (its damage) | precision (flag true) "
          "| precision (flag true; the reference's own flags aside) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for code, c in counts.items():
        recall = c["caught"] / c["damaged"] if c["damaged"] else float("nan")
        precision = c["right"] / c["flags"] if c["flags"] else float("nan")
        good = c["right"] + c["other_true"]
        true = good / c["flags"] if c["flags"] else float("nan")
        rest = c["flags"] - c["in_reference"]
        aside = good / rest if rest else float("nan")
        print(f"| {code} | {c['damaged']} | {c['caught']} | {recall:.3f} | {c['flags']} | "
              f"{c['right']} | {c['other']} ({c['other_true']}) | {c['clean']} ({c['in_reference']}) "
              f"| {precision:.3f} | {true:.3f} | {aside:.3f} |")
    print()
    print(f"any flag on a damaged sentence: {totals['damaged_flagged']}/{totals['damaged']} "
          f"= {totals['damaged_flagged'] / max(totals['damaged'], 1):.3f}; "
          f"on a clean one (false alarm): {totals['clean_flagged']}/{totals['clean']} "
          f"= {totals['clean_flagged'] / max(totals['clean'], 1):.3f}")


def bench_human(with_transcript: bool = True, with_french: bool = False) -> None:
    """Every check over the human English in tests/data: flags per 100 English sentences
    per check (with --french, the German-French dev document apart), then every flag with
    its texts (the cause is read from them)."""
    from tests import qa_human

    docs = [qa_human.reference_document()]
    docs += [qa_human.layout_document(name) for name in qa_human.layout_names()]
    if with_transcript:
        docs.append(qa_human.transcript_document())
    if with_french:
        docs.append(qa_human.defr_document())
    per_doc = []
    for doc in docs:
        per_doc.append((doc, qa_human.flags_of(doc)))
    print("| document | links | target sentences | " + " | ".join(CHECKS) + " |")
    print("|---|---|---|" + "---|" * len(CHECKS))
    totals = {c: 0 for c in CHECKS}
    sentences = 0
    others = []                      # documents in another target language: apart
    for doc, flags in per_doc:
        counts = {c: sum(any(f.code == c for f in fl) for fl in flags) for c in CHECKS}
        print(f"| {doc.name} | {len(doc.pairs)} | {doc.sentences} | "
              + " | ".join(str(counts[c]) for c in CHECKS) + " |")
        if doc.tgt_lang != "en":
            others.append((doc, counts))
            continue
        sentences += doc.sentences
        for c in CHECKS:
            totals[c] += counts[c]
    print(f"| all English | {sum(len(d.pairs) for d, _ in per_doc if d.tgt_lang == 'en')} | "
          f"{sentences} | " + " | ".join(str(totals[c]) for c in CHECKS) + " |")
    print(f"| per 100 English sentences | | | "
          + " | ".join(f"{100 * totals[c] / max(sentences, 1):.2f}" for c in CHECKS) + " |")
    for doc, counts in others:
        print(f"| per 100 {doc.tgt_lang} sentences ({doc.name}) | | | "
              + " | ".join(f"{100 * counts[c] / max(doc.sentences, 1):.2f}" for c in CHECKS) + " |")
    print()
    for doc, flags in per_doc:
        for k, found in enumerate(flags):
            for flag in found:
                note = doc.notes.get(k, "")
                print(f"- {doc.name} [{flag.code}] {flag.reason}" + (f" ({note})" if note else ""))
                print(f"    de: {doc.pairs[k][0]}")
                print(f"    {doc.tgt_lang}: {doc.pairs[k][1]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--per-kind", type=int, default=None,
                    help="sentences damaged each way per round (default 3 of 155 translated; "
                         "1 of 31 in the partly translated mode)")
    ap.add_argument("--mode", choices=["full", "partial", "both"], default="both",
                    help="full: every sentence translated; partial: a fifth of them")
    ap.add_argument("--translations-only", action="store_true",
                    help="names from the translated pairs alone (no speakers, no untranslated "
                         "German): the evidence before issue 26")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--list", action="store_true",
                    help="list every missed names damage and every names flag on a sentence "
                         "not damaged that way")
    ap.add_argument("--reader", action="store_true", help="time QA in the reader's page instead")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--human", action="store_true",
                    help="false alarms on the human translations in tests/data instead")
    ap.add_argument("--no-transcript", dest="transcript", action="store_false",
                    help="--human without importing the transcript (no e5 aligner run)")
    ap.add_argument("--french", action="store_true",
                    help="--human also on the German-French dev document (gold links, French "
                         "target): a check set the names rules were not tuned on")
    args = ap.parse_args()
    if args.reader:
        bench_reader(args.runs)
        return
    if args.human:
        bench_human(args.transcript, args.french)
        return
    reference = reference_pairs()
    glossary = glossary_pairs()
    knowledge = ((), ()) if args.translations_only else interview_knowledge()
    modes = ["full", "partial"] if args.mode == "both" else [args.mode]
    for mode in modes:
        fraction = 1.0 if mode == "full" else 0.2
        per_kind = args.per_kind or (3 if mode == "full" else 1)
        rng = random.Random(args.seed)
        baseline_pairs = reference if mode == "full" else reference[::5]
        baseline_ctx = DocumentContext(baseline_pairs, *knowledge).context("de", "en", glossary)
        baseline = sum(bool(check_pair(s, t, baseline_ctx)) for s, t in baseline_pairs)
        listing: dict | None = {} if args.list else None
        counts, totals, elapsed = measure(reference, glossary, knowledge, args.rounds, per_kind,
                                          fraction, rng, listing)
        n = round(len(reference) * fraction)
        print(f"## {mode}: {n} of {len(reference)} sentence pairs translated"
              + (" (drawn anew each round)" if mode == "partial" else "")
              + (f", the other {len(knowledge[0]) - n} German sentences untranslated"
                 if mode == "partial" and knowledge[0] else ""))
        print(f"{args.rounds} rounds, {per_kind} sentences damaged each way per round; glossary of "
              f"{len(glossary)} terms; names from "
              + ("the translated pairs only" if args.translations_only else
                 f"the translated pairs, {len(knowledge[0])} German sentences and "
                 f"{len(knowledge[1])} speaker names") + f"; undamaged: {baseline} flagged")
        print(f"checking time: {elapsed / args.rounds * 1000:.1f} ms per document, uncached")
        print()
        print_table(counts, totals)
        print()
        if listing is not None:
            print_listing(listing)
            print()


if __name__ == "__main__":
    main()
