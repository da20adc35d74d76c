"""The whole interview into English and Chinese: wall time of `bitext translate-project`
per backend, as whole processes (start, imports, loading both models, translating, writing).

Two models of opus-mt's exact shape with random weights (tests/tiny_marian.py): de-en,
and en-zh with its `>>cmn_Hans<<` target tokens. `</s>` is masked, so every sentence is
--out-tokens tokens long in both steps (40 by default) and both backends do the same work.
Chinese goes through English (the default route), so the German is translated once and the
English once more. Each backend gets a fresh import of the interview and an empty
translation cache. Nothing is read from outside the repository.

    python bench/bench_interview.py [--out-tokens 40] [--threads 2] [--workdir DIR]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BACKENDS = ("torch", "ctranslate2")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-tokens", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    ap.add_argument("--workdir", help="keep the models here (default: a temporary folder)")
    args = ap.parse_args()

    from align.imports.source import import_text
    from models.ct2_backend import ensure_converted
    from models.hub import resolve
    from tests.conftest import INTERVIEW
    from tests.tiny_marian import CHINESE_TARGET_TOKENS, build_tiny_marian

    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench_interview-"))
    models = {"de-en": work / "de-en", "en-zh": work / "en-zh"}
    t0 = time.perf_counter()
    if not (models["de-en"] / "config.json").is_file():
        build_tiny_marian(models["de-en"], "opus-mt-de-en", ban_eos=True)
    if not (models["en-zh"] / "config.json").is_file():
        build_tiny_marian(models["en-zh"], "opus-mt-de-en", ban_eos=True,
                          target_tokens=CHINESE_TARGET_TOKENS, seed=1)
    models_cache = work / "converted"
    for folder in models.values():   # CTranslate2 converts once per model; not timed
        ensure_converted(resolve(folder), models_cache)
    print(f"models: two of opus-mt's shape (74M parameters each), random weights, built and "
          f"converted in {time.perf_counter() - t0:.0f} s (once)")

    rows = []
    for backend in args.backends:
        project = work / f"project-{backend}"
        shutil.rmtree(project, ignore_errors=True)
        report = import_text(INTERVIEW.read_text(encoding="utf-8"), project, INTERVIEW.name)
        cache = work / f"cache-{backend}"
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(models_cache, cache)   # the conversions, not any translations
        cmd = [sys.executable, "-m", "align.cli", "translate-project", str(project),
               "--to", "en,zh", "--backend", backend, "--max-length", str(args.out_tokens),
               "--batch-size", str(args.batch_size), "--threads", str(args.threads),
               "--cache-dir", str(cache),
               "--model", f"de-en={models['de-en']}", "--model", f"en-zh={models['en-zh']}"]
        load = os.getloadavg()[0]
        start = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        if done.returncode != 0:
            sys.exit(f"{backend} failed:\n{done.stderr[-3000:]}")
        translated = [l for l in done.stdout.splitlines() if "translated" in l]
        rows.append((backend, seconds, cpu, translated))
        print(f"{backend}: {seconds:.1f} s, CPU {cpu:.1f} s ({'; '.join(translated)}), load "
              f"average before {load:.1f}", flush=True)
    print()
    print(f"interview ({report.sentences} sentences; boilerplate left out) into en and zh, "
          f"{args.out_tokens} tokens a sentence, beam 4, batch {args.batch_size}, "
          f"{args.threads} threads:")
    base, base_cpu = rows[0][1], rows[0][2]
    for backend, seconds, cpu, _ in rows:
        print(f"  {backend:12} {seconds:6.1f} s wall ({base / seconds:.2f}x {rows[0][0]}), "
              f"CPU {cpu:.1f} s ({base_cpu / cpu:.2f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
