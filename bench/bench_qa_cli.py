"""Time `bitext qa` on the bundled interview, as a person runs it: a fresh process each run
(imports, the names lexicon, the whole check).

The project is the interview imported as `bitext import` does, with the hand-written
reference English (tests/data/interview_reference_en.tsv) as the English of the 155
sentences it covers; the other German sentences stay untranslated (their German is still
names evidence).

    python bench/bench_qa_cli.py [--runs 7] [--code DIR ...]

`--code DIR` times another checkout's `align` (its root on PYTHONPATH) on the same project,
in the same run, alternating, so the figures compare under the same load: e.g. a `git
worktree` of the commit before a change.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.imports.source import import_text  # noqa: E402
from align.store import Project  # noqa: E402
from tests.conftest import INTERVIEW  # noqa: E402
from tests.qa_damage import reference_pairs  # noqa: E402


def build(folder: Path) -> tuple[Path, int]:
    project_dir = folder / "davos"
    import_text(INTERVIEW.read_text(encoding="utf-8"), project_dir, INTERVIEW.name)
    english = dict(reference_pairs())
    done = 0
    with Project.open(project_dir) as p:
        for seg in p.source_segments():
            if seg.text in english:
                p.set_machine_translation(seg.id, "en", english.pop(seg.text), "reference", None)
                done += 1
    return project_dir, done


def run_qa(code: Path, project_dir: Path) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(code))
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", "import sys; from align.cli import main; "
                          "sys.exit(main(sys.argv[1:]))", "qa", str(project_dir), "--lang", "en"],
                         env=env, capture_output=True, text=True, cwd=code)
    elapsed = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr)
    return elapsed, len(out.stdout.splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--code", type=Path, action="append", default=[],
                    help="another checkout to time beside this one")
    args = ap.parse_args()
    codes = [ROOT] + args.code
    with tempfile.TemporaryDirectory() as tmp:
        project_dir, done = build(Path(tmp))
        times: dict[Path, list[float]] = {c: [] for c in codes}
        lines: dict[Path, int] = {}
        for code in codes:                      # a warm-up each (disk cache, .pyc files)
            run_qa(code, project_dir)
        for _ in range(args.runs):
            for code in codes:
                elapsed, n = run_qa(code, project_dir)
                times[code].append(elapsed)
                lines[code] = n
    print(f"interview: {done} sentences with the reference English; "
          f"load average {os.getloadavg()[0]:.1f}")
    for code in codes:
        v = times[code]
        print(f"{code}: bitext qa --lang en: median {statistics.median(v) * 1000:.0f} ms "
              f"(min {min(v) * 1000:.0f}, max {max(v) * 1000:.0f}; {args.runs} runs); "
              f"{lines[code]} lines of output")


if __name__ == "__main__":
    main()
