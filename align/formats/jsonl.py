"""JSONL: one JSON object per line, in the shape Hugging Face `datasets` uses for translation.

    {"translation": {"de": "...", "en": "...", "zh": "..."}, "speaker": "Jack Ma",
     "turn": 3, "kind": "turn", "status": {"en": "reviewed", ...},
     "origin": {"en": "human", ...}, "score": {"en": 0.91, ...},
     "confidence": {"en": -0.4213, ...}}

`confidence` is the model's mean log-probability per token for a machine translation no
one has corrected (null for human text).

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
    }


def write(table: Table) -> bytes:
    out = [json.dumps(row_object(table, row), ensure_ascii=False) for row in table.rows]
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def read(data: bytes, name: str = "file.jsonl", source_lang: str | None = None) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{name}, line {line}: not UTF-8 text") from None
    rows = []
    langs: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}, line {number}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("translation"), dict):
            raise InputError(f"{name}, line {number}: expected an object with a "
                             f"\"translation\" object")
        statuses = obj.get("status") or {}
        origins = obj.get("origin") or {}
        scores = obj.get("score") or {}
        confidences = obj.get("confidence") or {}
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
                                   None if confidence is None else round(float(confidence), 4))
            else:
                cells[lang] = Cell(value, SOURCE_STATUS, "source")
        turn = obj.get("turn")
        rows.append(Row(turn=turn if isinstance(turn, int) else 0, speaker=obj.get("speaker"),
                        cells=cells, kind=str(obj.get("kind") or "turn")))
    if source_lang is None:
        source_lang = next((lang for lang in langs
                            if all(r.cells.get(lang, Cell("")).status == SOURCE_STATUS
                                   for r in rows if lang in r.cells)), langs[0] if langs else "")
    return Table(source_lang=source_lang, langs=tuple(langs), rows=tuple(rows))
