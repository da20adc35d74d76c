"""TSV: one row per aligned unit, for spreadsheets, pandas and quick inspection.

Columns: turn, speaker, one column per chosen language (source first), then for each target
language status_<lang>, origin_<lang>, score_<lang>. UTF-8, a header line, "\n" line ends,
no quoting: text never holds a tab or a newline (whitespace inside a sentence is collapsed
to single spaces), so `cut -f3` or `pandas.read_csv(f, sep="\t", quoting=csv.QUOTE_NONE)`
read it as written. The sentences of a many-side (a 2:1 link) are joined with a space
(nothing for Chinese and Japanese).
"""
from __future__ import annotations

from align.errors import InputError
from align.formats.rows import Cell, Row, SOURCE_STATUS, STATUS_RANK, Table, clean, primary_lang

FIXED = ("turn", "speaker")
PER_TARGET = ("status", "origin", "score")


def header(table: Table) -> list[str]:
    cols = [*FIXED, *table.langs]
    for lang in table.target_langs:
        cols += [f"{field}_{lang}" for field in PER_TARGET]
    return cols


def write(table: Table) -> bytes:
    lines = ["\t".join(header(table))]
    for row in table.rows:
        fields = [str(row.turn), clean(row.speaker or "")]
        fields += [clean(row.cells[lang].text) for lang in table.langs]
        for lang in table.target_langs:
            cell = row.cells[lang]
            fields += [cell.status, clean(cell.origin),
                       "" if cell.score is None else f"{cell.score:.4f}"]
        lines.append("\t".join(fields))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}, line {line}: not UTF-8 text") from None


def read(data: bytes, name: str = "file.tsv") -> Table:
    lines = _decode(data, name).splitlines()
    if not lines:
        raise InputError(f"{name}: the file is empty")
    cols = lines[0].split("\t")
    if tuple(cols[:2]) != FIXED:
        raise InputError(f"{name}, line 1: expected a header starting with 'turn<TAB>speaker', "
                         f"found {lines[0][:60]!r}")
    meta = {c for c in cols[2:] if c.split("_", 1)[0] in PER_TARGET and "_" in c}
    langs = [primary_lang(c, f"{name}, line 1") for c in cols[2:] if c not in meta]
    if len(langs) < 2:
        raise InputError(f"{name}, line 1: a parallel TSV needs at least two language columns")
    targets = [lang for lang in langs if f"status_{lang}" in cols]
    source = next((lang for lang in langs if lang not in targets), langs[0])
    index = {c: k for k, c in enumerate(cols)}
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(cols):
            raise InputError(f"{name}, line {number}: {len(fields)} columns, the header has "
                             f"{len(cols)}")
        cells = {}
        for lang, col in zip(langs, [c for c in cols[2:] if c not in meta]):
            text = fields[index[col]]
            if lang in targets:
                status = fields[index[f"status_{lang}"]]
                score = fields[index[f"score_{lang}"]] if f"score_{lang}" in index else ""
                try:
                    score_value = round(float(score), 4) if score else None
                except ValueError:
                    raise InputError(f"{name}, line {number}: score {score!r} is not a number") from None
                cells[lang] = Cell(text, status if status in STATUS_RANK else "edited",
                                   fields[index[f"origin_{lang}"]] if f"origin_{lang}" in index else "",
                                   score_value)
            else:
                cells[lang] = Cell(text, SOURCE_STATUS, "source")
        turn = fields[0]
        rows.append(Row(turn=int(turn) if turn.isdigit() else 0, speaker=fields[1] or None,
                        cells=cells))
    return Table(source_lang=source, langs=tuple(langs), rows=tuple(rows))
