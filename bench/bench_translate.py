"""Translation speed: naive loop vs the project's torch path vs its CTranslate2 int8 path.

A model with Helsinki-NLP/opus-mt-de-en's exact shape (d_model 512, 6+6 layers, 8 heads,
FFN 2048, vocabulary 58101) and random weights translates 96 of the interview's sentences
with beam 4 and a fixed output length (`</s>` is masked, so every path generates exactly
--out-tokens tokens per sentence and does the same work). Each path runs in its own
process, so its peak memory is its own. Two figures per path, both from one run:
- process: the whole process, from start to exit (Python, imports, loading the model,
  translating): what a person running `bitext translate` waits for;
- translate: the translation call alone, after loading.
Ratios are to the naive loop (one `generate` call per sentence, transformers + torch).
Each process's CPU time (user + system, all its threads) is printed too: on a machine
shared with other work the wall times stretch with the load, the CPU times much less.

    python bench/bench_translate.py                # several minutes on 2 idle cores
    python bench/bench_translate.py --threads 1    # less sensitive to a busy machine

On a machine shared with other work, two-thread torch suffers most (its many small
parallel regions wait for a descheduled thread), which inflates the ratios; the load
average is printed so a reader can tell.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATHS = ("naive", "torch", "ctranslate2")


def sentences(n: int) -> list[str]:
    from tests.tiny_marian import interview_sentences

    every = interview_sentences()
    # Spread over the whole interview (short questions and long answers alike).
    step = max(1, len(every) // n)
    return every[::step][:n]


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM starts afresh at exec, unlike
    ru_maxrss, which a child inherits from the parent that built the model)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_path(path: str, model_dir: Path, cache: Path, args) -> dict:
    """One path, timed in this (child) process. Only what the path needs is imported: the
    CTranslate2 path never loads torch."""
    if path != "ctranslate2":
        import torch

        torch.set_num_threads(args.threads)
    texts = sentences(args.sentences)
    if path == "naive":
        import torch
        from transformers import MarianMTModel

        from models.marian import load_tokenizer

        tokenizer = load_tokenizer(model_dir)
        model = MarianMTModel.from_pretrained(model_dir).eval()

        def translate(batch):
            out = []
            with torch.inference_mode():
                for text in batch:
                    enc = tokenizer(text, return_tensors="pt")
                    # Lengths as max_length/min_length only (they count the decoder start
                    # token): the model's generation config already sets max_length, and
                    # max_new_tokens beside it makes transformers warn on every call.
                    ids = model.generate(**enc, num_beams=args.beam,
                                         max_length=args.out_tokens + 1,
                                         min_length=args.out_tokens + 1)
                    out.append(tokenizer.decode(ids[0], skip_special_tokens=True,
                                                use_source_tokenizer=False))
            return out
    else:
        from models.marian import GenerationSettings, load_translator

        translator = load_translator(
            model_dir, backend=path, cache=cache, use_cache=False, threads=args.threads,
            settings=GenerationSettings(beam=args.beam, max_length=args.out_tokens,
                                        batch_size=args.batch_size))

        def translate(batch):
            return [t.text for t in translator.translate(batch)]

    start = time.perf_counter()
    out = translate(texts)
    seconds = time.perf_counter() - start
    assert len(out) == len(texts) and all(out)
    return {
        "path": path,
        "sentences": len(texts),
        "seconds": seconds,
        "per_second": len(texts) / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=96)
    parser.add_argument("--out-tokens", type=int, default=24, help="fixed output length")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workdir", help="keep the model here (default: a temporary folder)")
    parser.add_argument("--child", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS),
                        help="which paths to run (the first is the baseline; default all)")
    args = parser.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench_translate-"))
    model_dir, cache = work / "opus-mt-de-en-shape", work / "cache"
    if args.child:
        print(json.dumps(run_path(args.child, model_dir, cache, args)))
        return

    from tests.tiny_marian import build_tiny_marian

    t0 = time.perf_counter()
    if not (model_dir / "config.json").is_file():
        build_tiny_marian(model_dir, "opus-mt-de-en", ban_eos=True)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    from models.ct2_backend import ensure_converted
    from models.hub import resolve

    ensure_converted(resolve(model_dir), cache)
    convert_s = time.perf_counter() - t0

    from models.marian import load_tokenizer

    tok = load_tokenizer(model_dir)
    texts = sentences(args.sentences)
    src_tokens = [len(tok(t)["input_ids"]) for t in texts]
    print(f"model: opus-mt-de-en shape, random weights ({model_dir}); built in {build_s:.0f} s, "
          f"CTranslate2 int8 conversion {convert_s:.0f} s (once, cached)")
    print(f"input: {len(texts)} interview sentences, {sum(src_tokens)} source tokens "
          f"(mean {sum(src_tokens) / len(texts):.0f}, max {max(src_tokens)}); "
          f"beam {args.beam}, {args.out_tokens} output tokens each, batch {args.batch_size}, "
          f"{args.threads} threads; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs visible, load average {os.getloadavg()[0]:.1f}")

    results = []
    for path in args.paths:
        cmd = [sys.executable, __file__, "--child", path, "--workdir", str(work),
               "--sentences", str(args.sentences), "--out-tokens", str(args.out_tokens),
               "--beam", str(args.beam), "--batch-size", str(args.batch_size),
               "--threads", str(args.threads)]
        start = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        process_s = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_s = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        if done.returncode != 0:
            sys.exit(f"{path} failed:\n{done.stderr[-3000:]}")
        results.append({**json.loads(done.stdout.strip().splitlines()[-1]), "process": process_s,
                        "cpu": cpu_s})
        print(f"{path}: process {process_s:.1f} s, CPU {cpu_s:.1f} s", flush=True)

    naive = results[0]
    labels = {"naive": "naive loop (generate per sentence)", "torch": "project, torch (fp32)",
              "ctranslate2": "project, CTranslate2 int8"}
    print()
    print(f"{'path':38} {'process s':>9} {'x naive':>8} {'CPU s':>7} {'x naive':>8} "
          f"{'translate s':>11} {'sent/s':>7} {'x naive':>8} {'peak RSS':>10}")
    for r in results:
        print(f"{labels[r['path']]:38} {r['process']:9.1f} {naive['process'] / r['process']:8.1f} "
              f"{r['cpu']:7.1f} {naive['cpu'] / r['cpu']:8.1f} "
              f"{r['seconds']:11.1f} {r['per_second']:7.2f} "
              f"{r['per_second'] / naive['per_second']:8.1f} {r['peak_rss_mb']:8.0f} MB")
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
