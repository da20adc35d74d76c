"""Corpus throughput: `bitext corpus run` with the local loop vs Ray Data with two actors.

Documents of about --sentences sentences each are made from the interview's sentences, each
numbered so that no sentence repeats (the translation cache answers nothing); a model with
opus-mt-de-en's exact shape and random weights (`</s>` masked: every sentence generates
exactly --max-length tokens, the same work on every path) translates them into English with
beam 4. Each engine runs in its own process with its own fresh translation cache (the
CTranslate2 conversion is made once beforehand and copied in); its peak memory is the
highest sum of resident memory over the process and all its descendants (Ray's raylet, GCS
and actor processes included), sampled every 0.2 s. Figures: documents and sentences per
second over the whole run (model load and actor start included) and in the steady state
(first result to last), from one run, side by side.

    python bench/bench_corpus.py                          # 200 documents of ~50 sentences
    python bench/bench_corpus.py --docs 20 --backend torch
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_documents(folder: Path, docs: int, per_doc: int) -> Path:
    from tests.tiny_marian import interview_sentences

    every = [s for s in interview_sentences() if re.search(r"[.!?]$", s) and len(s.split()) >= 4]
    texts = folder / "texts"
    texts.mkdir(parents=True)
    lines = []
    for d in range(docs):
        sentences = []
        for k in range(per_doc):
            s = every[(d * 7 + k) % len(every)]
            sentences.append(f"{s[:-1]} ({d + 1}.{k + 1}){s[-1]}")
        paragraphs = [" ".join(sentences[i:i + 5]) for i in range(0, per_doc, 5)]
        (texts / f"doc-{d:04d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        lines.append(json.dumps({"id": f"doc-{d:04d}", "de": f"texts/doc-{d:04d}.txt"}))
    manifest = folder / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and every descendant, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024


def child(args) -> None:
    """One engine, timed in this process; prints a JSON line."""
    from corpus.run import run_corpus
    from corpus.settings import CorpusSettings

    peak = [0.0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_mb(os.getpid()))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    settings = CorpusSettings(langs=("en",), mt_langs=("en",), models={"de-en": args.model},
                              backend=args.backend, max_length=args.max_length,
                              batch_size=args.batch_size, cache=args.cache,
                              threads=2 if args.engine == "local" else None)
    stamps = []
    started = time.perf_counter()
    summary = run_corpus(args.manifest, args.output, settings, engine=args.engine,
                         actors=2 if args.engine == "ray" else None,
                         progress=lambda done, total, entry: stamps.append(time.perf_counter()))
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    steady = stamps[-1] - stamps[0] if len(stamps) > 1 else wall
    print(json.dumps({"engine": args.engine, "done": summary["done"], "failed": summary["failed"],
                      "sentences": summary["sentences"], "wall_s": wall,
                      "steady_docs": len(stamps) - 1, "steady_s": steady,
                      "peak_rss_mb": peak[0]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=50, help="sentences per document")
    parser.add_argument("--max-length", type=int, default=24, help="tokens generated per sentence")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--backend", default="ctranslate2", choices=("torch", "ctranslate2"))
    parser.add_argument("--engines", default="local,ray")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("engine", "model", "manifest", "output", "cache"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    from tests.tiny_marian import build_tiny_marian

    work = Path(tempfile.mkdtemp(prefix="bench_corpus-"))
    try:
        print(f"building an opus-mt-de-en-shaped model (random weights) and {args.docs} documents "
              f"of {args.sentences} sentences...", file=sys.stderr)
        model = build_tiny_marian(work / "model", "opus-mt-de-en", ban_eos=True)
        base = work / "cache-base"
        if args.backend == "ctranslate2":
            from models.ct2_backend import ensure_converted
            from models.hub import resolve

            ensure_converted(resolve(model), base)
        manifest = make_documents(work / "corpus", args.docs, args.sentences)
        results = []
        for engine in args.engines.split(","):
            cache = work / f"cache-{engine}"
            shutil.copytree(base, cache) if base.exists() else cache.mkdir()
            command = [sys.executable, __file__, "--child", "--engine", engine, "--model", str(model),
                       "--manifest", str(manifest), "--output", str(work / f"out-{engine}"),
                       "--cache", str(cache), "--backend", args.backend,
                       "--max-length", str(args.max_length), "--batch-size", str(args.batch_size)]
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        same = len({(work / f"out-{e}" / "data" / "part-00000.jsonl").read_bytes()
                    for e in args.engines.split(",")}) == 1
        print(f"{args.docs} documents x {args.sentences} sentences, de->en, {args.backend}, beam 4, "
              f"{args.max_length} tokens out, batch {args.batch_size}; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'engine':<22}{'docs/s':>8}{'sent/s':>8}{'steady docs/s':>15}{'steady sent/s':>15}"
              f"{'peak RSS MB':>13}{'wall s':>9}")
        for r in results:
            name = "local loop, 2 threads" if r["engine"] == "local" else "Ray, 2 actors x 1 CPU"
            per_doc = r["sentences"] / max(r["done"], 1)
            steady = r["steady_docs"] / r["steady_s"]
            print(f"{name:<22}{r['done'] / r['wall_s']:>8.2f}{r['sentences'] / r['wall_s']:>8.1f}"
                  f"{steady:>15.2f}{steady * per_doc:>15.1f}{r['peak_rss_mb']:>13.0f}{r['wall_s']:>9.1f}")
        print(f"rows identical across engines: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
