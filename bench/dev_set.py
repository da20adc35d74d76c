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


def gold_set_files(folder: str | os.PathLike, src_lang: str, tgt_lang: str) -> list[tuple[Path, Path, Path]]:
    """(source, target, gold) files of every document in a folder of gold-aligned documents,
    in name order, in either layout the public aligners' test sets use:

    - one folder: NAME.<src>, NAME.<tgt> and NAME.gold or NAME.<src><tgt> (vecalign's
      bleualign_data: test1.de, test1.fr, test1.defr);
    - three folders: <src>/NAME, <tgt>/NAME, gold/NAME (one file per document each).

    Gold lines as vecalign writes them: `[3]:[4, 5]`, `[7]:[]`. Exits with one line when
    the folder holds no complete document.
    """
    folder = Path(folder).expanduser()
    found = []
    if (folder / src_lang).is_dir() and (folder / tgt_lang).is_dir() and (folder / "gold").is_dir():
        for src in sorted((folder / src_lang).iterdir()):
            tgt, gold = folder / tgt_lang / src.name, folder / "gold" / src.name
            if src.is_file() and tgt.is_file() and gold.is_file():
                found.append((src, tgt, gold))
    else:
        for src in sorted(folder.glob(f"*.{src_lang}")):
            stem = src.name[: -len(src_lang) - 1]
            tgt = folder / f"{stem}.{tgt_lang}"
            golds = [folder / f"{stem}.gold", folder / f"{stem}.{src_lang}{tgt_lang}"]
            gold = next((g for g in golds if g.is_file()), None)
            if tgt.is_file() and gold is not None:
                found.append((src, tgt, gold))
    if not found:
        sys.exit(f"error: no gold-aligned {src_lang}-{tgt_lang} document in {folder} (expected NAME.{src_lang}, "
                 f"NAME.{tgt_lang} and NAME.gold or NAME.{src_lang}{tgt_lang}; or {src_lang}/, {tgt_lang}/ "
                 f"and gold/ folders with one file per document)")
    return found
