"""What one input may cost: a ladder of inputs, each through `bitext import`, `bitext
import-translation` and `bitext export` as whole processes, with wall time, the child's peak
RSS and the outcome (done, or refused with its message).

    nice python bench/bench_limits.py [ROW ...] [--timeout SECONDS] [--keep DIR]

Rows (all built from the bundled interview, data/davos_interview_de.txt, and the hand-made
English reference of 155 of its sentences, tests/data/interview_reference_en.tsv; nothing
outside the repository is read):

  interview-x1 / x10 / x100   the interview repeated 1, 10, 100 times, and its English likewise
  unpunctuated-200k           a 200 KB German line without a full stop, and a 200 KB English one
  one-line-200k               the same without colons either (no speaker label cuts it): one
                              200 KB line the segmenter can barely split, on the source side
  hello-2.6mb                 the interview, and 'Hello world. ' * 200000 as its "translation"
  translation-17x             the interview, and its English repeated to 17 times its length
  translation-17x-forced      the same, imported with --force (a lopsided pair aligned)
  translation-10x-shorter     the interview, and the first tenth of its English (a partial one)
  source-20mb                 the interview repeated to just under the 20 MB limit, and its
                              English as long (a real pair at that size)

With `--translate`, each row also runs `bitext translate-project --to en` after the import,
on the tiny MarianMT the tests build (tests/tiny_marian.py, random weights: the figures are
the pipeline's, not a real model's; built once in the scratch folder).

Each step gets `--timeout` seconds (default 600). Besides time and memory, "silent" is the
longest stretch without a byte on stdout/stderr (the goal: none over 2 minutes). The e5
vectors go to a cache in the scratch folder (BITEXT_EMBED_CACHE), shared by the rows: a text
repeated across rows is encoded once, as in real use. Asserts nothing; goal: nothing above
1.5 GB, every row done or refused with a message.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTERVIEW = ROOT / "data" / "davos_interview_de.txt"
sys.path.insert(0, str(ROOT))
from tests.qa_damage import reference_pairs  # noqa: E402
LIMIT_BYTES = 20 * 1024 * 1024


def english() -> str:
    lines = [en for _, en in reference_pairs()]
    # a paragraph per five sentences, as a plain-text translation would have them
    return "\n\n".join(" ".join(lines[k:k + 5]) for k in range(0, len(lines), 5)) + "\n"


def german() -> str:
    return INTERVIEW.read_text(encoding="utf-8")


def repeat(text: str, times: int) -> str:
    return "\n\n".join([text.strip()] * times) + "\n"


def up_to(text: str, size: int) -> str:
    """`text` repeated to just under `size` bytes of UTF-8."""
    unit = len((text.strip() + "\n\n").encode("utf-8"))
    return repeat(text, max(1, (size - 1024) // unit))


def unpunctuated(words: list[str], size: int) -> str:
    out, k, length = [], 0, 0
    while length < size:
        out.append(words[k % len(words)])
        length += len(out[-1]) + 1
        k += 1
    return " ".join(out) + "\n"


def no_colons(words: list[str]) -> list[str]:
    return [w.replace(":", "") for w in words if w.replace(":", "")]


def rows() -> dict[str, tuple]:
    de, en = german(), english()
    de_words = de.replace(".", " ").replace("?", " ").replace("!", " ").split()
    en_words = en.replace(".", " ").replace("?", " ").replace("!", " ").split()
    tenth = en[: len(en) // 10].rsplit(".", 1)[0] + "."
    return {
        "interview-x1": (lambda: de, lambda: en),
        "interview-x10": (lambda: repeat(de, 10), lambda: repeat(en, 10)),
        "interview-x100": (lambda: repeat(de, 100), lambda: repeat(en, 100)),
        "unpunctuated-200k": (lambda: unpunctuated(de_words, 200_000),
                              lambda: unpunctuated(en_words, 200_000)),
        "one-line-200k": (lambda: unpunctuated(no_colons(de_words), 200_000),
                          lambda: unpunctuated(no_colons(en_words), 200_000)),
        "hello-2.6mb": (lambda: de, lambda: "Hello world. " * 200_000 + "\n"),
        "translation-17x": (lambda: de, lambda: repeat(en, round(17 * len(de) / len(en)))),
        "translation-17x-forced": (lambda: de, lambda: repeat(en, round(17 * len(de) / len(en))),
                                   ["--force"]),
        "translation-10x-shorter": (lambda: de, lambda: tenth),
        "source-20mb": (lambda: up_to(de, LIMIT_BYTES), lambda: up_to(en, LIMIT_BYTES)),
    }


def run(cmd: list[str], timeout: float, env: dict) -> dict:
    """Run `cmd`; wall time, the child's peak RSS (wait4), exit code, last output line, and
    the longest silence on its output."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    last = [start]
    silent = [0.0]
    tail: list[bytes] = [b""]

    def read():
        while True:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                return
            now = time.monotonic()
            silent[0] = max(silent[0], now - last[0])
            last[0] = now
            tail[0] = (tail[0] + chunk)[-4000:]

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = start + timeout
    status = rusage = None
    while True:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    wall = time.monotonic() - start
    reader.join(5)
    silent[0] = max(silent[0], time.monotonic() - last[0] if wall < timeout else 0)
    lines = [x for x in tail[0].decode("utf-8", "replace").replace("\r", "\n").splitlines()
             if x.strip()]
    code = os.waitstatus_to_exitcode(status)
    outcome = ("timeout" if wall >= timeout else "done" if code == 0 else
               "refused" if code == 2 else f"failed ({code})")
    return {"wall": wall, "rss_mb": rusage.ru_maxrss / 1024, "outcome": outcome,
            "message": lines[-1] if lines else "(no output)", "silent": min(silent[0], wall)}


def main() -> int:
    ladder = rows()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", nargs="*", choices=[[], *ladder], default=[], metavar="ROW",
                    help=f"rows to run (default all): {', '.join(ladder)}")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per step")
    ap.add_argument("--keep", help="scratch folder to use and keep (default: a temporary one)")
    ap.add_argument("--translate", action="store_true",
                    help="also translate-project --to en after the import (the tiny test model)")
    args = ap.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="bench-limits-"))
    scratch.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.setdefault("BITEXT_EMBED_CACHE", str(scratch / "embeddings.sqlite"))
    if args.translate:
        tiny = scratch / "tiny-de-en"
        if not (tiny / "config.json").is_file():
            # In a process of its own: torch loaded here would count in every child's peak
            # RSS (Linux carries the high-water mark across fork and exec).
            subprocess.run([sys.executable, "-c", "import sys; from tests.tiny_marian import "
                            "build_tiny_marian; build_tiny_marian(sys.argv[1])", str(tiny)],
                           env=env, check=True, capture_output=True)
        env.update(BITEXT_MODELS=f"de-en={tiny}", BITEXT_CACHE=str(scratch / "mt-cache"))
    cli = [sys.executable, "-m", "align.cli"]
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {os.cpu_count()} cores;"
          f" timeout {args.timeout:.0f} s per step; scratch {scratch}", flush=True)
    print(f"{'row':<24} {'step':<19} {'input':>9} {'wall s':>7} {'peak MB':>8} {'silent s':>8}"
          f"  outcome", flush=True)
    worst = 0.0
    for name in args.rows or ladder:
        make_source, make_translation, *extra = ladder[name]
        extra = extra[0] if extra else []
        folder = scratch / name
        folder.mkdir(exist_ok=True)
        source, translation = folder / "source.txt", folder / "translation.txt"
        source.write_text(make_source(), encoding="utf-8")
        translation.write_text(make_translation(), encoding="utf-8")
        project = folder / "project"
        steps = [("import", source, [*cli, "import", str(source), "--project", str(project)]),
                 *([("translate (tiny)", None, [*cli, "translate-project", str(project), "--to",
                                                 "en", "--backend", "torch"])]
                   if args.translate else []),
                 ("import-translation", translation,
                  [*cli, "import-translation", str(project), str(translation), "--lang", "en",
                   *extra]),
                 ("export", None, [*cli, "export", str(project), "--format", "tsv", "--langs", "de,en",
                                   "--output", str(folder / "out.tsv"), "--force",
                                   "--include-suggested"])]
        for step, path, cmd in steps:
            result = run(cmd, args.timeout, env)
            worst = max(worst, result["rss_mb"])
            size = f"{path.stat().st_size / 1e6:.2f}MB" if path else ""
            message = result["message"][:150]
            print(f"{name:<24} {step:<19} {size:>9} {result['wall']:7.1f} {result['rss_mb']:8.0f} "
                  f"{result['silent']:8.1f}  {result['outcome']}: {message}", flush=True)
            if step == "import" and result["outcome"] != "done":
                break
    print(f"highest peak RSS {worst:.0f} MB; load average now {os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
