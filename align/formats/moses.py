"""Moses: one plain UTF-8 file per language, line k of each file is the same unit.

The shape MT toolkits (Moses, fairseq, Marian, OpenNMT, sacrebleu) read: `corpus.de`,
`corpus.en`, `corpus.zh`. Only text travels; a row with text in every chosen language is
one line in every file (rows with a missing language are left out before, so lines never
drift apart).
"""
from __future__ import annotations

from align.errors import InputError
from align.formats.rows import Cell, Row, SOURCE_STATUS, Table, clean


def write(table: Table) -> dict[str, bytes]:
    """language -> file contents."""
    return {lang: "".join(clean(row.cells[lang].text) + "\n" for row in table.rows).encode("utf-8")
            for lang in table.langs}


def read(files: dict[str, bytes], source_lang: str, name: str = "corpus") -> Table:
    """Read line-aligned files back (statuses and speakers are not in this format)."""
    lines: dict[str, list[str]] = {}
    for lang, data in files.items():
        try:
            lines[lang] = data.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(f"{name}.{lang}, line {line}: not UTF-8 text") from None
    counts = {lang: len(v) for lang, v in lines.items()}
    if len(set(counts.values())) > 1:
        raise InputError(f"{name}: the files are not line-aligned ("
                         + ", ".join(f"{lang}: {n} lines" for lang, n in counts.items()) + ")")
    langs = tuple(files)
    n = next(iter(counts.values()), 0)
    rows = tuple(Row(turn=0, speaker=None,
                     cells={lang: Cell(lines[lang][k], SOURCE_STATUS if lang == source_lang else "",
                                       "source" if lang == source_lang else "")
                            for lang in langs})
                 for k in range(n))
    return Table(source_lang=source_lang, langs=langs, rows=rows)
