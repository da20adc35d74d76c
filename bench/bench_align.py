"""Aligner benchmark: prints figures, asserts nothing.

    python bench/bench_align.py                 # synthetic 10,000 x ~10,000 sentences from vectors
    python bench/bench_align.py --sizes 1000 5000 10000 20000   # growth with document length
    python bench/bench_align.py --dev           # de-fr dev set end to end, cold: old path vs sentence-first
    python bench/bench_align.py --dev --sets defr zhen --limit 60   # both dev sets, first 60 gold links each

Synthetic documents: a chain of "meanings" (random 384-d vectors, like e5's); each link type
(1:1, 1:2, 2:1, 2:2, 1:3, 3:1, 1:0, 0:1) splits a meaning's pieces over its sentences, with
noise. Span vectors are normalised sums of sentence vectors, lengths follow the pieces. Half
the meanings also carry 1-3 shared tokens (numbers, names): mostly new ones, so the shared
vocabulary grows with the document as a book's does, some from a pool of 200 recurring ones.
Each size is aligned twice, without and with those tokens, side by side. The alignment part
is what is timed; peak memory is the process's maximum resident set.
Run it with the thread count you want to measure, e.g. OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from align.alignment import signals as sig  # noqa: E402
from align.alignment import AlignConfig, SideFeatures, align_features  # noqa: E402
from align.alignment.features import span_vectors_from_sentences, unit_rows  # noqa: E402
from align.alignment.evaluation import read_links, score_alignments  # noqa: E402

MOVES = [(1, 1)] * 14 + [(1, 2), (2, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1)]


def synthetic_pair(n_src: int, dim: int = 384, noise: float = 0.6, seed: int = 0):
    rng = np.random.default_rng(seed)
    gold, s, t = [], 0, 0
    while s < n_src:
        a, b = MOVES[rng.integers(len(MOVES))]
        gold.append((tuple(range(s, s + a)), tuple(range(t, t + b))))
        s, t = s + a, t + b
    src, tgt = np.zeros((s, dim), np.float32), np.zeros((t, dim), np.float32)
    src_len, tgt_len = np.zeros(s, np.float32), np.zeros(t, np.float32)
    src_tokens: list[set[str]] = [set() for _ in range(s)]
    tgt_tokens: list[set[str]] = [set() for _ in range(t)]
    for k, (src_ids, tgt_ids) in enumerate(gold):
        if src_ids and tgt_ids and rng.random() < 0.5:
            for n_tok in range(rng.integers(1, 4)):
                token = f"r{rng.integers(200)}" if rng.random() < 0.2 else f"t{k}-{n_tok}"
                src_tokens[src_ids[rng.integers(len(src_ids))]].add(token)
                tgt_tokens[tgt_ids[rng.integers(len(tgt_ids))]].add(token)
    for src_ids, tgt_ids in gold:
        pieces = rng.normal(size=(max(len(src_ids), len(tgt_ids), 1), dim)).astype(np.float32)
        for ids, vecs, lens in ((src_ids, src, src_len), (tgt_ids, tgt, tgt_len)):
            if not ids:
                continue
            cuts = np.sort(rng.choice(np.arange(1, len(pieces)), len(ids) - 1, replace=False)) if len(ids) > 1 else []
            for i, part in zip(ids, np.split(pieces, cuts)):
                vecs[i] = part.sum(0) + noise * np.sqrt(len(part)) * rng.normal(size=dim)
                lens[i] = len(part) * rng.uniform(40, 120)
    return unit_rows(src), unit_rows(tgt), src_len, tgt_len, gold, src_tokens, tgt_tokens


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bench_synthetic(sizes: list[int]) -> None:
    print(f"threads: OMP={os.environ.get('OMP_NUM_THREADS', '-')} "
          f"OPENBLAS={os.environ.get('OPENBLAS_NUM_THREADS', '-')}  cores={os.cpu_count()}")
    cfg = AlignConfig()
    for n in sizes:
        src, tgt, src_len, tgt_len, gold, src_tokens, tgt_tokens = synthetic_pair(n)
        k = max(cfg.max_src, cfg.max_tgt)
        index = sig.token_index(src_tokens + tgt_tokens)
        src_vecs, tgt_vecs = span_vectors_from_sentences(src, k), span_vectors_from_sentences(tgt, k)
        for label, with_tokens in (("vectors", False), ("+tokens", True)):
            fs = SideFeatures(src_vecs, src_len, sig.span_union_bits(sig.token_bits(src_tokens, index), k)
                              if with_tokens else None)
            ft = SideFeatures(tgt_vecs, tgt_len, sig.span_union_bits(sig.token_bits(tgt_tokens, index), k)
                              if with_tokens else None)
            rss_before = peak_rss_mb()
            start = time.perf_counter()
            links = align_features(fs, ft, cfg)
            elapsed = time.perf_counter() - start
            res = score_alignments([gold], [[(l.src, l.tgt) for l in links]])
            print(f"synthetic {len(src):>6} x {len(tgt):>6} {label}: align {elapsed:6.2f} s  "
                  f"({elapsed / len(src) * 1e3:.3f} ms/sentence)  peak RSS {peak_rss_mb():7.0f} MB "
                  f"(before {rss_before:.0f} MB)  f1_strict={res.f1_strict:.3f} f1_lax={res.f1_lax:.3f}"
                  + (f"  ({len(index)} shared tokens)" if with_tokens else ""))


def _read_document(src_f: Path, tgt_f: Path, gold_f: Path) -> tuple[list[str], list[str], list]:
    """Sentences and gold links of one document; a file that is not UTF-8 text, a malformed
    gold line or a link to a sentence the text lacks stops the bench with one line naming it."""
    from align.errors import InputError

    lines = {}
    for path in (src_f, tgt_f, gold_f):
        try:
            lines[path] = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            sys.exit(f"error: {path}: not UTF-8 text")
    try:
        gold = read_links(lines[gold_f])
    except InputError as exc:
        sys.exit(f"error: {gold_f}: {exc}")
    for side, ids, path in (("source", [i for s, _ in gold for i in s], src_f),
                            ("target", [j for _, t in gold for j in t], tgt_f)):
        if ids and max(ids) >= len(lines[path]):
            sys.exit(f"error: {gold_f}: a link to {side} sentence {max(ids)}, but {path} has {len(lines[path])} lines")
    return lines[src_f], lines[tgt_f], gold


def dev_sets(names: list[str], limit: int | None, gold_set: tuple[str, str, str] | None = None):
    """(name, documents) per dev set found: documents are (src, tgt, gold, src_lang, tgt_lang).

    de-fr: Text+Berg (tests/data/align-dev or $BITEXT_ALIGN_DEV); zh-en: six MAC-Dev
    chapters (../shared/eval/align-dev-zh-en or $BITEXT_ALIGN_DEV_ZH_EN), read in place, never
    copied. `limit`: each document cut after its first `limit` gold links (a cold run of the
    old path on a busy machine takes the better part of an hour).
    gold_set: (folder, source language, target language) of documents with gold links you
    bring (`dev_set.gold_set_files`: a held-out set, your own), read like the dev sets.
    """
    shared = Path(__file__).resolve().parents[2] / "shared/eval"
    found = []
    if gold_set is not None:
        from dev_set import gold_set_files

        folder, sl, tl = gold_set
        names = list(names) + [(Path(folder).name or str(folder), gold_set_files(folder, sl, tl), sl, tl)]
    for name in names:
        if isinstance(name, tuple):  # a gold set brought by the user
            name, triples, sl, tl = name
            files = [(s, t, g, sl, tl) for s, t, g in triples]
            folder = triples[0][0].parent
        elif name == "defr":
            from dev_set import dev_folder  # shipped in tests/data/align-dev

            folder = dev_folder()
            files = [(folder / "dev.de", folder / "dev.fr", folder / "dev.defr", "de", "fr")]
        else:
            folder = Path(os.environ.get("BITEXT_ALIGN_DEV_ZH_EN", shared / "align-dev-zh-en"))
            files = [(folder / f"{d}.zh", folder / f"{d}.en", folder / f"{d}.gold", "zh", "en")
                     for d in ("001", "002", "003", "004", "005", "006")]
        if not all(f.is_file() for group in files for f in group[:3]):
            print(f"{name}: dev set not found under {folder} (absent here): skipped")
            continue
        docs = []
        for src_f, tgt_f, gold_f, sl, tl in files:
            src, tgt, gold = _read_document(src_f, tgt_f, gold_f)
            if limit:
                gold = gold[:limit]
                src = src[:1 + max((i for s, _ in gold for i in s), default=-1)]
                tgt = tgt[:1 + max((j for _, t in gold for j in t), default=-1)]
            docs.append((src, tgt, gold, sl, tl))
        found.append((name, docs))
    return found


def bench_dev(encoder_spec: str, names: list[str], paths: list[str], limit: int | None) -> None:
    """Cold end to end, old path (every run of 1-4 sentences embedded) and sentence-first side by
    side in one process: each path gets an empty cache, so everything it needs is encoded."""
    from dataclasses import replace

    from models.alignment import align_texts
    from models.encoders import CachedEncoder, get_encoder

    start = time.perf_counter()
    model = get_encoder(encoder_spec).encoder  # loaded once, outside the timings
    print(f"model load {time.perf_counter() - start:.1f} s ({model.id}); cpu = process CPU seconds "
          f"(all threads; steadier than wall time on a shared machine)")
    for name, docs in dev_sets(names, limit):
        print(f"{name}: {len(docs)} document(s), {sum(len(d[0]) for d in docs)} x "
              f"{sum(len(d[1]) for d in docs)} sentences, {sum(len(d[2]) for d in docs)} gold links")
        for path in paths:
            config = replace(AlignConfig(), span_encoding=path)
            encoder = CachedEncoder(model)  # in memory only: cold
            texts: list[str] = []
            inner = encoder.encoder.encode
            encoder.encoder.encode = lambda batch: texts.extend(batch) or inner(batch)  # count what is encoded
            wall, cpu = time.perf_counter(), time.process_time()
            preds = [[(l.src, l.tgt) for l in align_texts(s, t, sl, tl, encoder=encoder, config=config)]
                     for s, t, _, sl, tl in docs]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            encoder.encoder.encode = inner
            again = time.perf_counter()
            for s, t, _, sl, tl in docs:
                align_texts(s, t, sl, tl, encoder=encoder, config=config)
            realign = time.perf_counter() - again
            res = score_alignments([d[2] for d in docs], preds)
            per_doc = " ".join(f"{score_alignments([d[2]], [p]).f1_strict:.3f}" for d, p in zip(docs, preds))
            print(f"  {path:<9} cold {wall:7.1f} s wall {cpu:7.1f} s cpu  {len(texts):>6} texts "
                  f"{sum(map(len, texts)):>8} chars  re-align {realign:5.2f} s  "
                  f"strict P/R/F1 {res.precision_strict:.3f}/{res.recall_strict:.3f}/{res.f1_strict:.3f} "
                  f"lax F1 {res.f1_lax:.3f}" + (f"  per document {per_doc}" if len(docs) > 1 else ""),
                  flush=True)
    print(f"peak RSS {peak_rss_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--dev", action="store_true", help="end-to-end on the dev sets instead")
    parser.add_argument("--sets", nargs="+", default=["defr"], choices=["defr", "zhen"])
    parser.add_argument("--paths", nargs="+", default=["all", "selective"], choices=["all", "selective"],
                        help="span encodings to compare: all (the old path) and selective (sentence-first)")
    parser.add_argument("--limit", type=int, default=None, help="first N gold links of each document")
    parser.add_argument("--encoder", default="e5")
    parser.add_argument("--baseline", choices=["bertalign"], default=None,
                        help="every dev document and robustness variant aligned by bitext and by "
                             "Bertalign's search on the same vectors, side by side "
                             "(bench_align_robustness.py --baseline)")
    args = parser.parse_args()
    if args.baseline:
        from bench_align_robustness import run

        run(args.sets, None, args.baseline)
    elif args.dev:
        bench_dev(args.encoder, args.sets, args.paths, args.limit)
    else:
        bench_synthetic(args.sizes)


if __name__ == "__main__":
    main()
