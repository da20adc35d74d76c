"""Aligner benchmark: prints figures, asserts nothing.

    python bench/bench_align.py                 # synthetic 10,000 x ~10,000 sentences from vectors
    python bench/bench_align.py --sizes 1000 5000 10000 20000   # growth with document length
    python bench/bench_align.py --dev           # end-to-end on the dev set (encoding included)

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


def bench_dev(encoder_spec: str) -> None:
    from models.alignment import align_texts
    from models.encoders import get_encoder

    from dev_set import read_dev_set

    src, tgt, gold_lines = read_dev_set()
    gold = read_links(gold_lines)
    start = time.perf_counter()
    encoder = get_encoder(encoder_spec)  # in-memory cache only: everything is encoded
    loaded = time.perf_counter()
    links = align_texts(src, tgt, "de", "fr", encoder=encoder)
    total = time.perf_counter() - start
    again = time.perf_counter()
    align_texts(src, tgt, "de", "fr", encoder=encoder)  # re-align: nothing re-encoded
    realign = time.perf_counter() - again
    res = score_alignments([gold], [[(l.src, l.tgt) for l in links]])
    print(f"dev {len(src)} x {len(tgt)} ({encoder.id}): end-to-end {total:.1f} s "
          f"(model load {loaded - start:.1f} s, {encoder.encoded_count} texts encoded), "
          f"re-align {realign:.2f} s, peak RSS {peak_rss_mb():.0f} MB")
    print(res.report())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--dev", action="store_true", help="end-to-end on the dev set instead")
    parser.add_argument("--encoder", default="e5")
    args = parser.parse_args()
    if args.dev:
        bench_dev(args.encoder)
    else:
        bench_synthetic(args.sizes)


if __name__ == "__main__":
    main()
