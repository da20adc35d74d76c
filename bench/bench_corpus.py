"""Corpus throughput: `bitext corpus run` (local loop, Ray with 1 and 2 actors) beside the
translator alone on the same sentences.

Documents of about --sentences sentences each are made from the interview's sentences, each
numbered so that no sentence repeats (the translation cache answers nothing); a model with
opus-mt-de-en's exact shape and random weights (`</s>` masked: every sentence generates
exactly --max-length tokens, the same work on every path) translates them into English with
beam 4. Each engine runs in its own process with its own fresh translation cache (the
CTranslate2 conversion is made once beforehand and copied in); its peak memory is the
highest sum of resident memory over the process and all its descendants (Ray's raylet, GCS
and actor processes included), sampled every 0.2 s.

Then the translator alone translates the German of the rows the pipeline wrote (the very
sentences), with the same threads and batch size, in one `translate` call per process (all
sentences sorted by length: full batches, least padding), no cache, the model loaded
beforehand: 1 process x 2 threads beside the local loop, 1 x 1 beside Ray with one actor,
2 processes x 1 thread side by side beside Ray with two actors. "ratio" is the pipeline's
steady-state rate (from the first results back to the last) over the translator's own.

    python bench/bench_corpus.py                          # 200 documents of ~50 sentences
    python bench/bench_corpus.py --docs 40 --max-length 8 --engines local,ray2
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


def tree_stats(root: int) -> tuple[float, dict[int, float]]:
    """Resident memory of `root` and every descendant, in MB, and each one's CPU seconds so
    far (user + system, all its threads), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        after_name = stat.rsplit(")", 1)[1].split()
        cpu[pid] = (int(after_name[11]) + int(after_name[12])) / tick    # utime, stime
    total, seen, todo = 0, {}, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        seen[pid] = cpu.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total / 1024, seen


class PeakRSS:
    """The highest resident memory of this process and all its descendants, sampled every
    0.2 s in a thread, and the CPU seconds they used (each process's last sample: a process
    that ends between samples loses at most 0.2 s)."""

    def __init__(self):
        self.peak = 0.0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def cpu_s(self) -> float:
        return sum(self._cpu.values())

    def _sample(self):
        while True:
            rss, cpu = tree_stats(os.getpid())
            self.peak = max(self.peak, rss)
            self._cpu.update(cpu)
            if self._stop.wait(0.2):
                self._cpu.update(tree_stats(os.getpid())[1])
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def child(args) -> None:
    """One engine, timed in this process; prints a JSON line."""
    from corpus.run import run_corpus
    from corpus.settings import CorpusSettings

    actors = int(args.engine[3:] or 2) if args.engine.startswith("ray") else None
    settings = CorpusSettings(langs=("en",), mt_langs=("en",), models={"de-en": args.model},
                              backend=args.backend, max_length=args.max_length,
                              batch_size=args.batch_size, cache=args.cache,
                              threads=args.threads if actors is None else None)
    stamps = []
    with PeakRSS() as rss:
        started = time.perf_counter()
        summary = run_corpus(args.manifest, args.output, settings,
                             engine="ray" if actors else "local", actors=actors,
                             progress=lambda done, total, entry: stamps.append(time.perf_counter()))
        wall = time.perf_counter() - started
    # Steady state: from the first results that came back (a group, or an actor's call of
    # several documents, arrives at once) to the last.
    first = [t for t in stamps if t - stamps[0] < 0.5] if stamps else []
    steady_docs = len(stamps) - len(first)
    steady = stamps[-1] - first[-1]
    if not steady_docs:     # everything came back at once: the whole run is all there is
        steady_docs, steady = len(stamps), wall
    print(json.dumps({"engine": args.engine, "done": summary["done"], "failed": summary["failed"],
                      "sentences": summary["sentences"], "wall_s": wall,
                      "steady_docs": steady_docs, "steady_s": steady,
                      "peak_rss_mb": rss.peak, "cpu_s": rss.cpu_s,
                      "modules": _heavy_modules()}))


def _heavy_modules() -> list[str]:
    return sorted(m for m in ("torch", "transformers", "pandas", "ray") if m in sys.modules)


def alone(args) -> None:
    """The translator by itself: the sentences of --sentences-file (one per line), one
    `translate` call (sorted by length, full batches), no translation cache; prints a JSON
    line with the seconds of that call (the model loaded beforehand)."""
    from models.marian import GenerationSettings, load_translator

    sentences = Path(args.sentences_file).read_text(encoding="utf-8").splitlines()
    with PeakRSS() as rss:
        translator = load_translator(args.model, backend=args.backend, cache=args.cache,
                                     use_cache=False, threads=args.threads,
                                     settings=GenerationSettings(max_length=args.max_length,
                                                                 batch_size=args.batch_size))
        translator.engine.get()
        cpu_before = sum(os.times()[:2])
        started = time.perf_counter()
        translator.translate(sentences)
        seconds = time.perf_counter() - started
        cpu = sum(os.times()[:2]) - cpu_before
    print(json.dumps({"sentences": len(sentences), "seconds": seconds, "peak_rss_mb": rss.peak,
                      "cpu_s": cpu, "modules": _heavy_modules()}))


def translator_alone(work: Path, model: Path, args, sentences: list[str], processes: int,
                     threads: int) -> dict:
    """`processes` translators of `threads` threads each, side by side, each on its share of
    the sentences (as Ray's actors share the documents); the rate is all sentences over the
    slowest one's time."""
    share = -(-len(sentences) // processes)
    procs = []
    for n in range(processes):
        file = work / f"alone-{processes}x{threads}-{n}.txt"
        file.write_text("\n".join(sentences[n * share:(n + 1) * share]) + "\n", encoding="utf-8")
        command = [sys.executable, __file__, "--alone", "--model", str(model), "--cache",
                   str(work / "cache-base"), "--backend", args.backend, "--threads", str(threads),
                   "--max-length", str(args.max_length), "--batch-size", str(args.batch_size),
                   "--sentences-file", str(file)]
        procs.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT))
    outs = []
    for proc in procs:
        stdout, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"translator alone failed (exit {proc.returncode})")
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    seconds = max(o["seconds"] for o in outs)
    return {"sentences": sum(o["sentences"] for o in outs), "seconds": seconds,
            "rate": sum(o["sentences"] for o in outs) / seconds,
            "peak_rss_mb": sum(o["peak_rss_mb"] for o in outs),
            "cpu_s": sum(o["cpu_s"] for o in outs)}


# Which translator-alone layout each engine is set beside: (processes, threads each).
ENGINES = {"local": ("local loop, 2 threads", (1, 2)),
           "ray1": ("Ray, 1 actor x 1 CPU", (1, 1)),
           "ray2": ("Ray, 2 actors x 1 CPU", (2, 1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=50, help="sentences per document")
    parser.add_argument("--max-length", type=int, default=24, help="tokens generated per sentence")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--backend", default="ctranslate2", choices=("torch", "ctranslate2"))
    parser.add_argument("--engines", default="local,ray1,ray2",
                        help="of local, ray1 (one actor), ray2 (two actors)")
    parser.add_argument("--threads", type=int, default=2, help="the local loop's threads")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--alone", action="store_true", help=argparse.SUPPRESS)
    for name in ("engine", "model", "manifest", "output", "cache", "sentences-file"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.alone:
        alone(args)
        return
    from tests.tiny_marian import build_tiny_marian

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        raise SystemExit(f"--engines: choose from {', '.join(ENGINES)}")
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
        base.mkdir(exist_ok=True)
        manifest = make_documents(work / "corpus", args.docs, args.sentences)
        results, loads = [], []
        for engine in engines:
            cache = work / f"cache-{engine}"
            shutil.copytree(base, cache)
            command = [sys.executable, __file__, "--child", "--engine", engine, "--model", str(model),
                       "--manifest", str(manifest), "--output", str(work / f"out-{engine}"),
                       "--cache", str(cache), "--backend", args.backend,
                       "--threads", str(args.threads),
                       "--max-length", str(args.max_length), "--batch-size", str(args.batch_size)]
            print(f"{engine}...", file=sys.stderr)
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            loads.append(os.getloadavg()[0])
            print(json.dumps({**results[-1], "load": loads[-1]}), file=sys.stderr)  # as it goes
            shutil.rmtree(cache)
        # The very sentences the pipeline translated: the German of its rows.
        first = work / f"out-{engines[0]}" / "data" / "part-00000.jsonl"
        sentences = [json.loads(line)["translation"]["de"]
                     for line in first.read_text(encoding="utf-8").splitlines()]
        references = {}
        for layout in dict.fromkeys(ENGINES[e][1] for e in engines):
            if layout == (1, 2):
                layout = (1, args.threads)
            print(f"translator alone, {layout[0]} x {layout[1]} threads...", file=sys.stderr)
            references[layout] = translator_alone(work, model, args, sentences, *layout)
            loads.append(os.getloadavg()[0])
            print(json.dumps({**references[layout], "load": loads[-1]}), file=sys.stderr)
        same = len({(work / f"out-{e}" / "data" / "part-00000.jsonl").read_bytes()
                    for e in engines}) == 1
        print(f"{args.docs} documents x {args.sentences} sentences ({len(sentences)} sentences), "
              f"de->en, {args.backend}, beam 4, {args.max_length} tokens out, batch "
              f"{args.batch_size}; {os.cpu_count()} cores, load average "
              f"{min(loads):.1f}-{max(loads):.1f} (1-minute, sampled after each part)")
        print(f"{'':<24}{'sent/s':>8}{'steady':>8}{'alone':>8}{'ratio':>7}{'CPU ratio':>10}"
              f"{'peak RSS MB':>13}{'wall s':>8}  heavy modules")
        for r in results:
            name, layout = ENGINES[r["engine"]]
            if layout == (1, 2):
                layout = (1, args.threads)
                name = f"local loop, {args.threads} threads"
            per_doc = r["sentences"] / max(r["done"], 1)
            steady = r["steady_docs"] * per_doc / r["steady_s"]
            ref = references[layout]
            # CPU seconds per sentence, translator alone over the whole pipeline: what share of
            # the pipeline's work is translation (loading and Ray's start included), whatever
            # else the shared machine was doing
            cpu = ref["cpu_s"] / ref["sentences"] / (r["cpu_s"] / r["sentences"]) \
                if r.get("cpu_s") else float("nan")
            print(f"{name:<24}{r['sentences'] / r['wall_s']:>8.2f}{steady:>8.2f}"
                  f"{ref['rate']:>8.2f}{steady / ref['rate']:>7.0%}{cpu:>10.0%}"
                  f"{r['peak_rss_mb']:>13.0f}{r['wall_s']:>8.0f}  {','.join(r['modules']) or '-'}")
        for (procs, threads), ref in references.items():
            print(f"translator alone {procs} x {threads} thread(s): {ref['rate']:.2f} sent/s, "
                  f"{ref['seconds']:.0f} s, {ref['cpu_s']:.0f} CPU s, peak RSS "
                  f"{ref['peak_rss_mb']:.0f} MB")
        print(f"rows identical across engines: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
