"""The manifest: which documents a corpus run takes, one per line (JSONL) or row (CSV).

    {"id": "davos-2017", "de": "texts/davos.txt", "en": "human/davos.en.txt"}
    id,de,en
    davos-2017,texts/davos.txt,human/davos.en.txt

Columns: `id` (required, unique), the German file (`de` — the source language's code — or
`source` or `file`), and any number of other columns. A column holds an existing translation
when `--align-with LANG=COLUMN` names it, or when it is named after an output language
(`en`, `zh`); an empty cell means "none for this document". Relative paths are taken from the
manifest's folder.

A manifest that cannot be read at all (missing, not UTF-8, a CSV without an `id` column) is
an InputError. A bad line (not JSON, no id, no German file, an id seen before) becomes a task
that fails with its one-line reason, like any other bad document: it never stops the run.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from align.errors import InputError
from align.text.textio import read_user_bytes

SOURCE_COLUMNS = ("source", "file")
MAX_MANIFEST_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class DocTask:
    """One document to process: where its files are, and a problem found in the manifest."""
    id: str
    line: int
    source: str = ""
    translations: dict[str, str] = field(default_factory=dict)   # lang -> file
    problem: str = ""                                            # set: fails without running

    def to_json(self) -> dict:
        return {"id": self.id, "line": self.line, "source": self.source,
                "translations": dict(self.translations), "problem": self.problem}

    @classmethod
    def from_json(cls, data: Mapping) -> "DocTask":
        return cls(id=data["id"], line=data["line"], source=data["source"],
                   translations=dict(data["translations"]), problem=data["problem"])


def read_manifest(path: str | Path, source_lang: str = "de",
                  align_with: Mapping[str, str] | None = None,
                  out_langs: tuple[str, ...] = ()) -> list[DocTask]:
    """The tasks of a manifest, in its order. `align_with` maps a language to the column
    holding its human translation; columns named after an `out_langs` language are used too."""
    path = Path(path)
    data = read_user_bytes(path, MAX_MANIFEST_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the manifest is not UTF-8 text (byte {exc.start})") from None
    records = _csv_records(text, path) if path.suffix.lower() == ".csv" else _jsonl_records(text, path)
    if not records:
        raise InputError(f"{path}: the manifest lists no documents")
    for lang, column in (align_with or {}).items():
        if not any(column in record for _, record, _ in records):
            raise InputError(f"{path}: no column {column!r} (named by --align-with {lang}={column})")
    columns = {lang: lang for lang in out_langs if lang != source_lang}
    columns.update(align_with or {})
    base = path.parent
    tasks: list[DocTask] = []
    first_line: dict[str, int] = {}
    for line, record, problem in records:
        tasks.append(_task(line, record, problem, source_lang, columns, base, first_line))
    return tasks


def _task(line: int, record: Mapping, problem: str, source_lang: str, columns: Mapping[str, str],
          base: Path, first_line: dict[str, int]) -> DocTask:
    raw_id = record.get("id")
    doc_id = "" if raw_id is None else str(raw_id).strip()
    name = doc_id or f"<line {line}>"
    if problem:
        return DocTask(name, line, problem=f"manifest line {line}: {problem}")
    if not doc_id:
        return DocTask(name, line, problem=f"manifest line {line}: no id")
    if doc_id in first_line:
        return DocTask(name, line, problem=f"manifest line {line}: the id {doc_id!r} is already "
                                           f"used on line {first_line[doc_id]}")
    first_line[doc_id] = line
    source = next((_cell(record, c) for c in (source_lang, *SOURCE_COLUMNS) if _cell(record, c)), "")
    if not source:
        return DocTask(doc_id, line, problem=f"manifest line {line}: no {source_lang} file (a "
                                             f"column {source_lang}, source or file)")
    translations = {lang: str(base / _cell(record, column)) for lang, column in columns.items()
                    if _cell(record, column)}
    return DocTask(doc_id, line, str(base / source), translations)


def _cell(record: Mapping, column: str) -> str:
    value = record.get(column)
    return value.strip() if isinstance(value, str) else ""


def _jsonl_records(text: str, path: Path) -> list[tuple[int, dict, str]]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append((number, {}, f"not JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict):
            records.append((number, {}, "expected a JSON object"))
            continue
        records.append((number, obj, ""))
    return records


def _csv_records(text: str, path: Path) -> list[tuple[int, dict, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "id" not in [f.strip() for f in reader.fieldnames]:
        raise InputError(f"{path}: the CSV manifest needs a header row with an id column")
    records = []
    for row in reader:
        clean = {(k or "").strip(): v for k, v in row.items() if isinstance(v, str)}
        if any(v.strip() for v in clean.values()):
            records.append((reader.line_num, clean, ""))
    return records
