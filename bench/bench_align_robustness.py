"""The aligner on documents shaped unlike the dev documents: prints figures, asserts nothing.

    python bench/bench_align_robustness.py               # both dev sets (zh-en from ../shared)
    python bench/bench_align_robustness.py --sets defr   # the shipped de-fr set only
    python bench/bench_align_robustness.py --baseline bertalign   # bitext beside Bertalign's search,
                                                                  # every variant, both sets

The defaults were chosen on the two dev sets; held-out documents differ from them in ways we
can imitate without reading any held-out text. Each dev document is changed, with its gold
links changed to match, and aligned with the defaults:

- pieces: cut into short documents of about 100 gold links, each aligned alone (a short
  article: the chance baseline and the length ratio come from far fewer sentences);
- mostly 1:1: the m:n gold links dropped from both texts except one in five (two draws), so
  the document is nearly sentence for sentence, as most translations are, where both dev
  sets split and merge sentences a lot;
- resegmented: in one in five of the 1:1 links, that target sentence is joined to the next
  1:1 link's (a translation cut into sentences differently), giving 2:1 gold links;
- abridged: the target of 50 consecutive gold links (from a third of the way in) left out;
- partial: only the first third of the target (a translation of the opening), against the
  whole source;
- swapped: target and source exchanged (French or English as the source language);
- no null links: the sentences the gold leaves unlinked taken out of both texts, so every
  null link predicted is wrong (a translation that leaves nothing out; the de-fr dev
  document is unusually full of null links, 41 of 422);
- running headers: OCR of a printed book leaves the page header (title and page number) inside
  the sentence that runs over each page break, every 2,500 characters; the two editions break
  their pages at different sentences (the de-fr dev document has two such headers).

--noise R puts the same seeded random offset of length R on each text's vector for both
systems (a weaker encoder, or a freer translation: gold 1:1 links less above chance).
--gold-set DIR SRC TGT runs a folder of gold-aligned documents you bring (a held-out set;
the layouts of `dev_set.gold_set_files`) instead of the dev sets, e.g.

    python bench/bench_align_robustness.py --gold-set path/to/text+berg de fr --only "as it is" \
        --baseline bertalign --dump mistakes.jsonl --config skip_pays_misses=true

Strict and lax F1 per variant, summed over the documents (vecalign's score). With --baseline,
Bertalign's search (bench_align_baseline.py) runs on the same vectors beside bitext: strict
P/R/F1, lax F1, null links right/predicted/gold for both, per variant and per document, and a
"mistakes" line counting each system's wrong links by kind (bench/align_errors.py; --dump
writes the cases themselves). --config changes bitext's AlignConfig. Vectors: the shipped
de-fr file and the embedding cache; texts in neither (the joined sentences of the
resegmented variant, mostly) are encoded live. The zh-en set is read in place from
../shared/eval/align-dev-zh-en ($BITEXT_ALIGN_DEV_ZH_EN), absent from a user's clone: skipped
with a note.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from align.alignment.evaluation import score_alignments, score_null_links  # noqa: E402
import align_errors  # noqa: E402
from bench_align import dev_sets  # noqa: E402

Gold = list[tuple[tuple[int, ...], tuple[int, ...]]]


def rebuild(src, tgt, groups) -> tuple[list[str], list[str], Gold]:
    """Texts and gold from (source ids, target ids) groups kept in order, renumbered."""
    s_out, t_out, gold = [], [], []
    for s_ids, t_ids in groups:
        new_s = tuple(range(len(s_out), len(s_out) + len(s_ids)))
        new_t = tuple(range(len(t_out), len(t_out) + len(t_ids)))
        if new_s and new_t:
            gold.append((new_s, new_t))
        else:  # a sentence with no counterpart is a link of its own, as in the gold files
            gold += [((i,), ()) for i in new_s] + [((), (j,)) for j in new_t]
        s_out += [src[i] for i in s_ids]
        t_out += [tgt[j] for j in t_ids]
    return s_out, t_out, gold


def pieces(src, tgt, gold, size=100):
    out, start = [], 0
    while start < len(gold):
        stop = min(start + size, len(gold))
        if len(gold) - stop < size // 2:  # no stub of a few links at the end
            stop = len(gold)
        out.append(rebuild(src, tgt, gold[start:stop]))
        start = stop
    return out


def mostly_one_to_one(src, tgt, gold, seed, keep=0.2):
    rng = random.Random(seed)
    return [rebuild(src, tgt, [(s, t) for s, t in gold if (len(s) <= 1 and len(t) <= 1) or rng.random() < keep])]


def resegmented(src, tgt, gold, seed=1, share=0.2):
    """Join a target sentence of a 1:1 link to the next 1:1 link's target sentence."""
    rng = random.Random(seed)
    new_tgt, groups, k = [], [], 0
    while k < len(gold):
        s, t = gold[k]
        nxt = gold[k + 1] if k + 1 < len(gold) else None
        if len(s) == 1 and len(t) == 1 and nxt and len(nxt[0]) == 1 and len(nxt[1]) == 1 and rng.random() < share:
            groups.append((s + nxt[0], (len(new_tgt),)))
            new_tgt.append(tgt[t[0]] + " " + tgt[nxt[1][0]])
            k += 2
            continue
        groups.append((s, tuple(range(len(new_tgt), len(new_tgt) + len(t)))))
        new_tgt += [tgt[j] for j in t]
        k += 1
    return [rebuild(src, new_tgt, groups)]


def abridged(src, tgt, gold, length=50):
    start = len(gold) // 3
    cut = set(range(start, min(start + length, len(gold))))
    groups = [(s, () if k in cut else t) for k, (s, t) in enumerate(gold)]
    return [rebuild(src, tgt, [(s, t) for s, t in groups if s or t])]


def partial(src, tgt, gold):
    """A translation of the first third only: the whole source against a third of the target."""
    third = len(gold) // 3
    groups = [(s, t if k < third else ()) for k, (s, t) in enumerate(gold)]
    return [rebuild(src, tgt, [(s, t) for s, t in groups if s or t])]


def swapped(src, tgt, gold):
    return [(list(tgt), list(src), [(t, s) for s, t in gold])]


def no_nulls(src, tgt, gold):
    return [rebuild(src, tgt, [(s, t) for s, t in gold if s and t])]


PAGE_CHARS = 2500  # a printed page of the de-fr dev document's yearbook holds about this much


def _with_headers(sentences, header, phase):
    """The page header (title and page number) put inside the sentence at each page break,
    every PAGE_CHARS characters from `phase` on, as OCR of a printed book leaves it."""
    out, done, page = [], 0, 17
    next_break = phase
    for text in sentences:
        while done + len(text) > next_break:
            words = text.split(" ")
            cut = max(1, min(len(words) - 1, len(text[:int(next_break - done)].split(" "))))
            text = " ".join(words[:cut] + [f"{header} {page}"] + words[cut:])
            page += 1
            next_break += PAGE_CHARS
        done += len(text)
        out.append(text)
    return out


def running_headers(src, tgt, gold):
    """Each side's title and page number inside the sentence at each of its page breaks; the
    two editions' pages break at different sentences, so the same page number lands in
    sentences that are not translations of each other (the de-fr dev document has two)."""
    return [(_with_headers(src, src[0].strip()[:40], 0.3 * PAGE_CHARS),
             _with_headers(tgt, tgt[0].strip()[:40], 0.8 * PAGE_CHARS), gold)]


class NoisyEncoder:
    """An encoder whose vectors are moved by a fixed random offset of length `radius` per
    text (seeded by the text: the same text always gets the same vector), then renormalised."""

    def __init__(self, inner, radius: float, fraction: float = 1.0):
        self.inner, self.radius, self.fraction = inner, radius, fraction
        self.id = f"{inner.id}+noise{radius}" + (f"x{fraction}" if fraction < 1 else "")
        self.dim = getattr(inner, "dim", 384)

    def encode(self, texts):
        vecs = self.inner.encode(list(texts)).astype(np.float64)
        for k, text in enumerate(texts):
            rng = np.random.default_rng(zlib.crc32(text.encode("utf-8")))
            offset = rng.standard_normal(vecs.shape[1])
            if self.fraction < 1 and rng.random() >= self.fraction:  # patchy: only this share moves
                continue
            vecs[k] += self.radius * offset / np.linalg.norm(offset)
        return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)


def _figures(score, nulls) -> str:
    """Strict P/R/F1, lax F1 and null links right/predicted/gold, as the docs' tables give them."""
    return (f"strict {score.precision_strict:.3f}/{score.recall_strict:.3f}/{score.f1_strict:.3f} "
            f"lax {score.f1_lax:.3f} null {nulls.right}/{nulls.predicted}/{nulls.gold}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=None, choices=["defr", "zhen"],
                        help="dev sets to run (default: both, or none with --gold-set)")
    parser.add_argument("--gold-set", nargs=3, metavar=("DIR", "SRC", "TGT"),
                        help="a folder of gold-aligned documents you bring, e.g. a held-out set")
    parser.add_argument("--noise", type=float, default=0.0, metavar="R",
                        help="move every text's vector by a seeded random offset of length R (both systems)")
    parser.add_argument("--noise-fraction", type=float, default=1.0, metavar="F",
                        help="with --noise: move only this share of the texts (chosen by the text), a "
                             "translation free in places: some true partners near chance, the rest not")
    parser.add_argument("--only", nargs="+", metavar="WORD", help="only the variants whose label has one of these words")
    parser.add_argument("--baseline", choices=["bertalign"], default=None,
                        help="also align with Bertalign's search on the same vectors (bench_align_baseline.py) "
                             "and print it beside bitext, with null-link right/predicted/gold")
    parser.add_argument("--dump", metavar="FILE.jsonl",
                        help="with --baseline: append every mistake of both systems (kind, link, the gold "
                             "links it touches, their texts) to this file; keep it out of the repository "
                             "for the zh-en set, whose texts stay in ../shared")
    parser.add_argument("--config", nargs="+", default=[], metavar="NAME=VALUE",
                        help="bitext with these AlignConfig fields changed, e.g. partner_evidence=true "
                             "(the baseline is not affected)")
    args = parser.parse_args()
    if args.noise_fraction != 1.0 and not args.noise:
        parser.error("--noise-fraction needs --noise R (the length of the offset)")
    if not 0.0 < args.noise_fraction <= 1.0:
        parser.error("--noise-fraction is a share of the texts, in (0, 1]")
    sets = args.sets if args.sets is not None else ([] if args.gold_set else ["defr", "zhen"])
    run(sets, args.only, args.baseline, args.dump, config_overrides(args.config), args.gold_set, args.noise, args.noise_fraction)


def config_overrides(pairs):
    """AlignConfig with NAME=VALUE fields changed (true/false, numbers; anything else as text)."""
    from dataclasses import fields, replace

    from align.alignment.config import AlignConfig

    known = {f.name for f in fields(AlignConfig)}
    changes = {}
    for pair in pairs:
        name, _, text = pair.partition("=")
        if name not in known or not text:
            print(f"error: --config {pair!r}: not NAME=VALUE of an AlignConfig field", file=sys.stderr)
            raise SystemExit(2)
        low = text.lower()
        if low in ("true", "false"):
            changes[name] = low == "true"
        else:
            try:
                changes[name] = int(text)
            except ValueError:
                try:
                    changes[name] = float(text)
                except ValueError:
                    changes[name] = text
    config = replace(AlignConfig(), **changes)
    if changes:
        print("bitext with " + ", ".join(f"{k}={v!r}" for k, v in changes.items()))
    return config


def _dump(path, set_name, label, golds, texts, systems) -> None:
    """Every mistake of every system as one JSON line (document, kind, link, gold links it
    touches, their texts), appended to `path`: the concrete cases behind the counts."""
    import json

    def said(link, s, t):
        return [" ".join(s[i] for i in link[0]), " ".join(t[j] for j in link[1])]

    with open(path, "a", encoding="utf-8") as out:
        for system, preds in systems.items():
            for doc, (g, p, (s, t)) in enumerate(zip(golds, preds, texts)):
                for kind, link, touching in align_errors.classify(g, p):
                    out.write(json.dumps({"set": set_name, "variant": label, "document": doc + 1,
                                          "system": system, "kind": kind, "link": link, "text": said(link, s, t),
                                          "gold": [[g2, said(g2, s, t)] for g2 in touching]},
                                         ensure_ascii=False) + "\n")


def run(sets, only=None, baseline=None, dump=None, config=None, gold_set=None, noise=0.0, noise_fraction=1.0) -> None:
    from align.alignment.config import AlignConfig
    from models.alignment import align_texts
    from models.encoders import default_cache_path, get_encoder

    config = config or AlignConfig()

    encoder = get_encoder("e5", default_cache_path())
    encoder.import_vectors(ROOT / "tests/data/align_dev_e5_query.npz")
    live = encoder
    if noise:
        from models.encoders import CachedEncoder

        encoder = CachedEncoder(NoisyEncoder(encoder, noise, noise_fraction))  # in memory: never into the disk cache
        encoder.show_progress = False
        print(f"vectors moved by a random offset of length {noise} per text (both systems)"
              + (f", {noise_fraction:.0%} of the texts" if noise_fraction < 1 else ""))
    variants = [
        ("as it is", lambda s, t, g: [(s, t, g)], False),
        ("pieces of ~100 gold links, each alone", pieces, False),
        ("mostly 1:1 (m:n links dropped but 1 in 5), draw 1", lambda s, t, g: mostly_one_to_one(s, t, g, 1), False),
        ("mostly 1:1, draw 2", lambda s, t, g: mostly_one_to_one(s, t, g, 2), False),
        ("resegmented target (1 in 5 1:1 links joined to the next)", resegmented, False),
        ("abridged (target of 50 consecutive links left out)", abridged, False),
        ("partial (a translation of the first third only)", partial, False),
        ("swapped (target language as the source)", swapped, True),
        ("no null links (what the gold leaves unlinked taken out)", no_nulls, False),
        ("running headers (a page header inside the sentence at each page break)", running_headers, False),
    ]
    if baseline:
        import bench_align_baseline
    for name, docs in dev_sets(sets, None, gold_set):
        print(f"{name}: {len(docs)} document(s)")
        if baseline:
            print(f"  {'variant':<58} {'docs':>4} {'links':>6} bitext | {baseline} on the same vectors"
                  f" (BEHIND: bitext's strict F1 below the baseline's)")
        else:
            print(f"  {'variant':<58} {'docs':>4} {'links':>6} {'strict F1':>9} {'lax F1':>7}   time")
        for label, make, swap in variants:
            if only and not any(word in label for word in only):
                continue
            start = time.perf_counter()
            golds, preds, base, texts = [], [], [], []
            for src, tgt, gold, sl, tl in docs:
                for s, t, g in make(src, tgt, gold):
                    texts.append((s, t))
                    langs = (tl, sl) if swap else (sl, tl)
                    preds.append([(l.src, l.tgt) for l in align_texts(s, t, *langs, encoder=encoder, config=config)])
                    golds.append(g)
                    if baseline:
                        base.append(bench_align_baseline.align_texts(s, t, encoder.encode))
            res = score_alignments(golds, preds)
            if baseline:
                theirs = score_alignments(golds, base)
                line = (f"  {label:<58} {len(golds):>4} {sum(map(len, golds)):>6} "
                        f"{_figures(res, score_null_links(golds, preds))} | {baseline} "
                        f"{_figures(theirs, score_null_links(golds, base))}"
                        f"{'  BEHIND' if res.f1_strict < theirs.f1_strict else ''}")
            else:
                line = (f"  {label:<58} {len(golds):>4} {sum(map(len, golds)):>6} {res.f1_strict:>9.3f} "
                        f"{res.f1_lax:>7.3f}")
            print(line + f" {time.perf_counter() - start:5.1f}s", flush=True)
            if baseline:
                print(f"    mistakes: bitext {align_errors.summary(align_errors.count(golds, preds))} | "
                      f"{baseline} {align_errors.summary(align_errors.count(golds, base))}", flush=True)
                if dump:
                    _dump(dump, name, label, golds, texts, {"bitext": preds, baseline: base})
            if baseline and len(golds) > 1:  # every document, to find where bitext trails
                for k, g in enumerate(golds):
                    mine, theirs = score_alignments([g], [preds[k]]), score_alignments([g], [base[k]])
                    print(f"    document {k + 1}: bitext {_figures(mine, score_null_links([g], [preds[k]]))} | "
                          f"{baseline} {_figures(theirs, score_null_links([g], [base[k]]))}"
                          f"{'  BEHIND' if mine.f1_strict < theirs.f1_strict else ''}", flush=True)
    if live.encoded_count:
        print(f"note: {live.encoded_count} texts were in neither the shipped file nor the cache and were encoded live")


if __name__ == "__main__":
    main()
