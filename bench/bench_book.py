"""A 10,000-sentence book and its translation, aligned chapter by chapter: time, peak memory,
chapters paired and missing, strict F1 against the gold the benchmark built.

The book is built reproducibly from the German-French dev set (Text+Berg, shipped in
tests/data/align-dev; BITEXT_ALIGN_DEV points elsewhere): runs of gold-aligned sentences,
repeated from random starts into chapters under "# Kapitel N" / "# Chapitre N", one chapter
left out of the translation (`tests/book_pair.py`). No held-out data is read.

Both imports run as whole processes, as a user runs them:

    bitext import --project P book.de.md
    bitext import-translation P book.fr.md --lang fr

and each one's peak resident memory is read from the kernel (wait4's ru_maxrss).

The embeddings go to a fresh cache in the work folder, seeded with the dev set's vectors
that ship with the tests (tests/data/align_dev_e5_query.npz): the figure is the aligner's, not
two busy cores encoding the same sentences again (texts not there, such as the headings and
runs across the new paragraph order, are encoded live, once).

    nice python bench/bench_book.py                  # 10,000 sentences
    nice python bench/bench_book.py --sentences 2000 --seed 3
    nice python bench/bench_book.py --compare        # also: the translation without headings

With --compare the same translation, its heading lines taken out, is imported into a second
project: the whole book aligned as one text, side by side with chapter by chapter (it runs
second, so it finds the sentences the first run encoded in the cache: compare its memory,
and its time only as an upper bound of the chapters' gain).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dev_set import read_dev_set  # noqa: E402
from tests.book_pair import build_book, project_links, usable_units  # noqa: E402
from align.alignment.evaluation import score_alignments  # noqa: E402
from align.store import Project  # noqa: E402

VECTORS = ROOT / "tests" / "data" / "align_dev_e5_query.npz"
BITEXT = [sys.executable, "-m", "align.cli"]


def seed_cache(path: Path) -> int:
    """Write the shipped dev-set vectors into an embedding cache file (the format
    `models.encoders.CachedEncoder` reads: sha1 key -> float32 vector)."""
    with np.load(VECTORS) as data:
        keys, vecs = data["keys"], data["vecs"].astype(np.float32)
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    db = sqlite3.connect(str(path))
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL)")
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                       [(k.tobytes(), v.tobytes()) for k, v in zip(keys, vecs)])
    db.close()
    return len(keys)


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB, output) of one bitext command as its own process."""
    start = time.perf_counter()
    proc = subprocess.Popen(BITEXT + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"error: bitext {args[0]} failed ({code}):\n{out}")
    return wall, usage.ru_maxrss / 1024, out


def report(what: str, project: Path, book, wall: float, rss: float, out: str) -> None:
    print(f"import-translation, {what}: {wall:8.1f} s   peak RSS {rss:7.0f} MiB")
    print("  " + out.strip().replace("\n", "\n  "))
    with Project.open(project) as p:
        links, differ = project_links(p, "fr", book)
    score = score_alignments([book.gold], [links])
    print(f"  sentences that did not come back as built: {differ}")
    print(f"  strict P/R/F1 {score.precision_strict:.3f} {score.recall_strict:.3f} "
          f"{score.f1_strict:.3f}   lax F1 {score.f1_lax:.3f}")


def _gold_without_headings(book) -> list:
    """The gold with the translation's heading sentences taken out (target ids renumbered)."""
    headings = {k for k, t in enumerate(book.tgt_sentences) if t.startswith("Chapitre ")}
    new_id, n = {}, 0
    for k in range(len(book.tgt_sentences)):
        if k not in headings:
            new_id[k] = n
            n += 1
    return [(s, tuple(new_id[j] for j in t if j in new_id)) for s, t in book.gold]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chapter-units", default="60,260",
                        help="min,max gold units per chapter (default 60,260)")
    parser.add_argument("--keep", metavar="DIR", help="work here and keep the files")
    parser.add_argument("--compare", action="store_true",
                        help="also align the translation without its headings, as one text")
    opts = parser.parse_args()
    src, tgt, gold = read_dev_set()
    units = usable_units(src, tgt, gold, "de", "fr")
    lo, hi = (int(x) for x in opts.chapter_units.split(","))
    book = build_book(units, opts.sentences, (lo, hi), seed=opts.seed)
    work = Path(opts.keep or tempfile.mkdtemp(prefix="bench-book-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "book.de.md").write_text(book.source, encoding="utf-8")
    (work / "book.fr.md").write_text(book.translation, encoding="utf-8")
    cache = work / "embeddings.sqlite"
    cache.unlink(missing_ok=True)
    seeded = seed_cache(cache)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BITEXT_EMBED_CACHE": str(cache)}
    project = work / "project"
    if project.exists():
        import shutil
        shutil.rmtree(project)
    print(f"book: {len(book.src_sentences)} German sentences, {len(book.tgt_sentences)} French, "
          f"{book.chapters} chapters (chapter {book.dropped} left out of the translation); "
          f"{len(units)} usable dev-set units; {seeded} cached vectors; work folder {work}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    wall_src, rss_src, _ = run(["import", "--project", str(project), str(work / "book.de.md")], env)
    print(f"import (source):             {wall_src:8.1f} s   peak RSS {rss_src:7.0f} MiB")
    wall_tr, rss_tr, out = run(["import-translation", str(project), str(work / "book.fr.md"),
                                "--lang", "fr"], env)
    report("chapter by chapter", project, book, wall_tr, rss_tr, out)
    if opts.compare:
        flat = work / "book.fr.txt"
        flat.write_text("\n".join(line for line in book.translation.splitlines()
                                   if not line.startswith("#")), encoding="utf-8")
        flat_book = replace(book, gold=_gold_without_headings(book),
                            tgt_sentences=[t for t in book.tgt_sentences if not t.startswith("Chapitre ")])
        second = work / "project-flat"
        if second.exists():
            import shutil
            shutil.rmtree(second)
        run(["import", "--project", str(second), str(work / "book.de.md")], env)
        wall_flat, rss_flat, out = run(["import-translation", str(second), str(flat),
                                        "--lang", "fr"], env)
        report("as one text (no headings)", second, flat_book, wall_flat, rss_flat, out)
        rss_tr = max(rss_tr, rss_flat)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = max(rss_src, rss_tr) <= 1536
    print(f"peak RSS {max(rss_src, rss_tr):.0f} MiB {'within' if ok else 'OVER'} the 1.5 GB target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
