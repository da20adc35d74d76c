"""Build german_nouns.txt.gz (the names check's German noun lexicon) from the PyPI package
german-nouns (Wiktionary DE's nouns with their inflected forms, CC BY-SA 4.0).

The package cannot be a dependency: it pins lxml < 5 through wiktionary-de-parser, and
bitext needs lxml >= 5. Its data is only a CSV, so this script reads the wheel and keeps
what the check needs: every form of every noun, split into common nouns (casefolded) and nouns
that Wiktionary marks only as names (Toponym, Vorname, Nachname, Eigenname, Straßenname).

    python align/qa/data/make_german_nouns.py [--wheel german_nouns-1.2.5-py3-none-any.whl]

Without --wheel it runs `pip download --no-deps german-nouns==VERSION` into a temporary
folder. The output is deterministic for a given wheel.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

VERSION = "1.2.5"
OUT = Path(__file__).resolve().parent / "german_nouns.txt.gz"
PROPER = ("Toponym", "Vorname", "Nachname", "Eigenname", "Straßenname")
PROPER_MARK = "#proper"     # the line that separates the two parts of the file


def forms_of(rows) -> tuple[set[str], set[str]]:
    """(forms of common nouns, casefolded; forms only ever of names, as written) from the CSV
    rows."""
    common: set[str] = set()
    proper: set[str] = set()
    for row in rows:
        pos = row[1].split(",")
        # The lemma and every inflected form; multi-word entries and affixes ("-heit") out.
        forms = {w for w in [row[0]] + row[7:]
                 if w and " " not in w and not w.startswith("-") and not w.endswith("-")}
        (proper if any(p in PROPER for p in pos) else common).update(forms)
    folded = {w.casefold() for w in common}
    return folded, {w for w in proper if w.casefold() not in folded}


def build(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        text = z.read("german_nouns/nouns.csv").decode("utf-8")
    rows = csv.reader(io.StringIO(text, newline=""))
    next(rows)                                      # the header
    common, proper = forms_of(rows)
    # Sorted by code point, as align/qa/german_nouns.py bisects them.
    body = "\n".join(sorted(common) + [PROPER_MARK] + sorted(proper)) + "\n"
    return gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="a downloaded german-nouns wheel")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if wheel is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp,
                            f"german-nouns=={VERSION}"], check=True)
            wheel = next(Path(tmp).glob("german_nouns-*.whl"))
        OUT.write_bytes(build(wheel))
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
