"""TSV: one row per aligned unit, for spreadsheets, pandas and quick inspection.

Columns: turn, speaker, one column per chosen language (source first), then for each target
language status_<lang>, origin_<lang>, score_<lang> (the link's alignment score: the
aligner's posterior). Two more per target language when asked for: confidence_<lang> (the
model's mean log-probability per token for a machine translation no one has corrected;
`bitext export --with-confidence`) and suggested_<lang> (1 for a link the aligner was unsure
of and no person accepted, else 0; written whenever suggestions are exported,
`--include-suggested`). The plain layout stays the default for tools that expect it.

UTF-8, a header line, "\n" line ends. Text never holds a tab or a newline (whitespace inside
a sentence is collapsed to single spaces), so nearly every field is written as it is and
`cut -f3` reads it. The one exception is a field that begins with a double quote: CSV
readers (Python's csv module, pandas, spreadsheets) take such a field as quoted and would
drop its quotes or, with an unbalanced quote, run it into the next lines; it is written
quoted the CSV way ("" for each quote inside). So `csv.reader(f, delimiter="\t")` and
`pandas.read_csv(f, sep="\t", keep_default_na=False)` read every field back exactly. The
reader here takes one record per line and unquotes only a fully quoted field, so files
from before this rule (a bare leading quote) still read as written. The
sentences of a many-side (a 2:1 link) are joined with a space (nothing for Chinese and
Japanese).
"""
from __future__ import annotations

from align.errors import InputError
from align.formats.rows import (Cell, Row, SOURCE_STATUS, STATUS_RANK, Table, clean, is_true,
                                primary_lang)

FIXED = ("turn", "speaker")
PER_TARGET = ("status", "origin", "score")
OPTIONAL = ("confidence", "suggested")       # per target language, when asked for
QUOTE = '"'


def header(table: Table, confidence: bool = False) -> list[str]:
    fields = [*PER_TARGET, *(["confidence"] if confidence else []),
              *(["suggested"] if table.with_suggested else [])]
    cols = [*FIXED, *table.langs]
    for lang in table.target_langs:
        cols += [f"{field}_{lang}" for field in fields]
    return cols


def field(text: str) -> str:
    """A field as written: as it is, unless a CSV reader would take its first quote for
    quoting (see the module notes)."""
    if text.startswith(QUOTE):
        return QUOTE + text.replace(QUOTE, QUOTE * 2) + QUOTE
    return text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def write(table: Table, confidence: bool = False) -> bytes:
    """confidence: also write confidence_<lang> columns."""
    lines = ["\t".join(header(table, confidence))]
    for row in table.rows:
        fields = [str(row.turn), clean(row.speaker or "")]
        fields += [clean(row.cells[lang].text) for lang in table.langs]
        for lang in table.target_langs:
            cell = row.cells[lang]
            fields += [cell.status, clean(cell.origin), _number(cell.score)]
            if confidence:
                fields.append(_number(cell.confidence))
            if table.with_suggested:
                fields.append("1" if cell.suggested else "0")
        lines.append("\t".join(field(f) for f in fields))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}, line {line}: not UTF-8 text") from None


def _float(value: str, name: str, line: int, what: str) -> float | None:
    try:
        return round(float(value), 4) if value else None
    except ValueError:
        raise InputError(f"{name}, line {line}: {what} {value!r} is not a number") from None


def unquote(text: str) -> str:
    """A field as read: a CSV-quoted field (wrapped in quotes, every quote inside doubled)
    loses its quoting; anything else is taken as it is, so files written before fields were
    quoted (and by tools that never quote) read as they were meant."""
    inner = text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == QUOTE and QUOTE not in inner.replace(QUOTE * 2, ""):
        return inner.replace(QUOTE * 2, QUOTE)
    return text


def read(data: bytes, name: str = "file.tsv") -> Table:
    # One record per line: no field this format writes holds a line break.
    records = [(number, [unquote(f) for f in line.rstrip("\r").split("\t")])
               for number, line in enumerate(_decode(data, name).split("\n"), start=1)
               if line.strip()]
    if not records:
        raise InputError(f"{name}: the file is empty")
    cols = records[0][1]
    if tuple(cols[:2]) != FIXED:
        raise InputError(f"{name}, line 1: expected a header starting with 'turn<TAB>speaker', "
                         f"found {chr(9).join(cols)[:60]!r}")
    meta = {c for c in cols[2:] if c.split("_", 1)[0] in (*PER_TARGET, *OPTIONAL) and "_" in c}
    langs = [primary_lang(c, f"{name}, line 1") for c in cols[2:] if c not in meta]
    if len(langs) < 2:
        raise InputError(f"{name}, line 1: a parallel TSV needs at least two language columns")
    targets = [lang for lang in langs if f"status_{lang}" in cols]
    source = next((lang for lang in langs if lang not in targets), langs[0])
    index = {c: k for k, c in enumerate(cols)}
    rows = []
    for number, fields in records[1:]:
        if len(fields) != len(cols):
            raise InputError(f"{name}, line {number}: {len(fields)} columns, the header has "
                             f"{len(cols)}")

        def get(col: str) -> str:
            return fields[index[col]] if col in index else ""

        cells = {}
        for lang, col in zip(langs, [c for c in cols[2:] if c not in meta]):
            text = fields[index[col]]
            if lang in targets:
                status = get(f"status_{lang}")
                cells[lang] = Cell(text, status if status in STATUS_RANK else "edited",
                                   get(f"origin_{lang}"),
                                   _float(get(f"score_{lang}"), name, number, "score"),
                                   _float(get(f"confidence_{lang}"), name, number, "confidence"),
                                   is_true(get(f"suggested_{lang}")))
            else:
                cells[lang] = Cell(text, SOURCE_STATUS, "source")
        turn = fields[0]
        rows.append(Row(turn=int(turn) if turn.isdigit() else 0, speaker=fields[1] or None,
                        cells=cells))
    return Table(source_lang=source, langs=tuple(langs), rows=tuple(rows),
                 with_suggested=any(c.startswith("suggested_") for c in cols))
