"""The QA checks on the German-French dev document (tests/data/align-dev, gold links, French
as the target): a check set the names rules were not tuned on (issue 26). Prints flags per
100 French sentences per check, for this checkout and any other given with --code (each in
its own process with that checkout's `align` first on the path), so a change can be compared
with the code before it. `-v` lists every names flag with its texts.

    python bench/bench_qa_defr.py [--code DIR ...] [-v]

The pairs are built here, with nothing but `align.qa.checks` (so an older checkout runs
too), the way tests/qa_human.defr_document builds them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "align-dev"


def measure(verbose: bool) -> None:
    from align.qa.checks import CHECKS, DocumentContext, check_pair

    de = (DATA / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (DATA / "dev.fr").read_text(encoding="utf-8").splitlines()
    pairs, sentences = [], 0
    for line in (DATA / "dev.defr").read_text(encoding="utf-8").splitlines():
        src, tgt = (json.loads(side) for side in line.split(":"))
        if src and tgt:
            pairs.append((" ".join(de[i].strip() for i in src), " ".join(fr[j].strip() for j in tgt)))
            sentences += len(tgt)
    ctx = DocumentContext(pairs, tuple(t.strip() for t in de), ()).context("de", "fr", [])
    flags = [check_pair(s, t, ctx) for s, t in pairs]
    import align
    print(f"{Path(align.__file__).parent.parent}: {len(pairs)} links, {sentences} French sentences")
    for code in CHECKS:
        n = sum(any(f.code == code for f in found) for found in flags)
        print(f"  {code}: {n} ({100 * n / sentences:.2f} per 100)")
    if verbose:
        for (source, target), found in zip(pairs, flags):
            for flag in found:
                if flag.code == "names":
                    print(f"- {flag.reason}\n    de: {source}\n    fr: {target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, action="append", default=[],
                    help="another checkout to measure beside this one")
    ap.add_argument("-v", action="store_true", help="list every names flag")
    ap.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.here:
        measure(args.v)
        return
    for code in [ROOT] + args.code:
        env = dict(os.environ, PYTHONPATH=str(code))
        subprocess.run([sys.executable, __file__, "--here"] + (["-v"] if args.v else []),
                       env=env, check=True, cwd=code)


if __name__ == "__main__":
    main()
