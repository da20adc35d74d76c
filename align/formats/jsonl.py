"""JSONL: one JSON object per line, in the shape Hugging Face `datasets` uses for translation.

    {"translation": {"de": "...", "en": "...", "zh": "..."}, "speaker": "Jack Ma",
     "turn": 3, "kind": "turn", "status": {"en": "reviewed", ...},
     "origin": {"en": "human", ...}, "score": {"en": 0.91, ...},
     "confidence": {"en": -0.4213, ...}}

`score` is the link's alignment score (the aligner's posterior; null where the text was
linked without aligning, as a machine translation is to its source). `confidence` is the
model's mean log-probability per token for a machine translation no one has corrected (null
for human text). When suggestions are exported (include_suggested), every line also has
`"suggested": {"en": true, ...}`: true for a link the aligner was unsure of and no person
accepted.

`datasets.load_dataset("json", data_files=...)` reads it as is. Keys are written in a fixed
order and non-ASCII text as itself (ensure_ascii=False), so exports compare byte for byte.
"""
from __future__ import annotations

import json

from align.errors import InputError
from align.formats.rows import Cell, Row, SOURCE_STATUS, STATUS_RANK, Table, primary_lang


def row_object(table: Table, row: Row) -> dict:
    """One row as the JSON object a line holds (also the row shape of `bitext corpus run`)."""
    targets = table.target_langs
    return {
        "translation": {lang: row.cells[lang].text for lang in table.langs},
        "speaker": row.speaker,
        "turn": row.turn,
        "kind": row.kind,
        "status": {lang: row.cells[lang].status for lang in targets},
        "origin": {lang: row.cells[lang].origin for lang in targets},
        "score": {lang: row.cells[lang].score for lang in targets},
        "confidence": {lang: row.cells[lang].confidence for lang in targets},
        **({"suggested": {lang: row.cells[lang].suggested for lang in targets}}
           if table.with_suggested else {}),
    }


# Line separators JSON leaves as they are inside strings, but that str.splitlines() and other
# line readers break a line at: written escaped, so one object is always one line.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def line(obj: dict) -> str:
    text = json.dumps(obj, ensure_ascii=False)
    for char, escaped in _LINE_BREAKS.items():
        text = text.replace(char, escaped)
    return text


def write(table: Table) -> bytes:
    out = [line(row_object(table, row)) for row in table.rows]
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def read(data: bytes, name: str = "file.jsonl", source_lang: str | None = None) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}, line {line}: not UTF-8 text") from None
    rows = []
    langs: list[str] = []
    with_suggested = False
    for number, record in enumerate(text.split("\n"), start=1):
        if not record.strip():
            continue
        try:
            obj = json.loads(record)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}, line {number}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("translation"), dict):
            raise InputError(f"{name}, line {number}: expected an object with a "
                             f"\"translation\" object")
        statuses = obj.get("status") or {}
        origins = obj.get("origin") or {}
        scores = obj.get("score") or {}
        confidences = obj.get("confidence") or {}
        suggested = obj.get("suggested") or {}
        if not isinstance(suggested, dict):
            raise InputError(f"{name}, line {number}: \"suggested\" is not an object")
        with_suggested = with_suggested or "suggested" in obj
        cells = {}
        for tag, value in obj["translation"].items():
            lang = primary_lang(tag, f"{name}, line {number}")
            if not isinstance(value, str):
                raise InputError(f"{name}, line {number}: the {lang} text is not a string")
            if lang not in langs:
                langs.append(lang)
            if tag in statuses or tag in origins:
                status = statuses.get(tag, "")
                score = scores.get(tag)
                if score is not None and not isinstance(score, (int, float)):
                    raise InputError(f"{name}, line {number}: the {lang} score is not a number")
                confidence = confidences.get(tag)
                if confidence is not None and not isinstance(confidence, (int, float)):
                    raise InputError(f"{name}, line {number}: the {lang} confidence is not a number")
                cells[lang] = Cell(value, status if status in STATUS_RANK else "edited",
                                   str(origins.get(tag, "")),
                                   None if score is None else round(float(score), 4),
                                   None if confidence is None else round(float(confidence), 4),
                                   suggested.get(tag) is True)
            else:
                cells[lang] = Cell(value, SOURCE_STATUS, "source")
        turn = obj.get("turn")
        rows.append(Row(turn=turn if isinstance(turn, int) else 0, speaker=obj.get("speaker"),
                        cells=cells, kind=str(obj.get("kind") or "turn")))
    if source_lang is None:
        source_lang = next((lang for lang in langs
                            if all(r.cells.get(lang, Cell("")).status == SOURCE_STATUS
                                   for r in rows if lang in r.cells)), langs[0] if langs else "")
    return Table(source_lang=source_lang, langs=tuple(langs), rows=tuple(rows),
                 with_suggested=with_suggested)
