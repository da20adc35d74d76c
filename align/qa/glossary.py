"""The glossary's file form: one term pair a line, source<TAB>target (UTF-8). Blank lines
and lines starting with # are skipped; a header line "source<TAB>target" is allowed."""
from __future__ import annotations

from typing import Iterable

from align.errors import InputError

MAX_TERMS = 50_000


def parse_tsv(text: str) -> list[tuple[str, str]]:
    """Term pairs from TSV text; a malformed line is refused with its line number."""
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 2 or not cols[0].strip() or not cols[1].strip():
            raise InputError(f"glossary line {number}: expected two columns, source<TAB>target "
                             f"(got {line.strip()[:60]!r})")
        if number == 1 and [c.strip().casefold() for c in cols] == ["source", "target"]:
            continue
        pairs.append((cols[0].strip(), cols[1].strip()))
        if len(pairs) > MAX_TERMS:
            raise InputError(f"the glossary has more than {MAX_TERMS} terms")
    if not pairs:
        raise InputError("the glossary file holds no term pairs (source<TAB>target per line)")
    return pairs


def format_tsv(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f"{s}\t{t}\n" for s, t in pairs)
