"""Where the benchmarks find the German-French alignment dev set (Text+Berg).

The dev set ships with the repository in tests/data/align-dev (GPL-2.0 data; LICENSE and
README beside it), so the benchmarks need nothing outside the clone. BITEXT_ALIGN_DEV points
them at another copy (a folder with dev.de, dev.fr and dev.defr); when that folder lacks the
files, the benchmark stops with one line saying where it looked and how to get the data.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "tests" / "data" / "align-dev"
FILES = ("dev.de", "dev.fr", "dev.defr")


def dev_folder() -> Path:
    return Path(os.environ.get("BITEXT_ALIGN_DEV") or SHIPPED).expanduser()


def read_dev_set() -> tuple[list[str], list[str], list[str]]:
    """(German lines, French lines, gold link lines); exits with a one-line reason if absent."""
    folder = dev_folder()
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        hint = ("unset BITEXT_ALIGN_DEV to use the copy shipped in tests/data/align-dev"
                if os.environ.get("BITEXT_ALIGN_DEV") else
                "it ships with the repository: restore it with `git checkout -- tests/data/align-dev`")
        sys.exit(f"error: the alignment dev set is not in {folder} (missing {', '.join(missing)}); {hint}")
    return tuple((folder / name).read_text(encoding="utf-8").splitlines() for name in FILES)
