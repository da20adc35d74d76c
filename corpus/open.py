"""One document of a corpus run into a project, to read and correct it in the app.

The German file is imported again (`bitext import`'s path: same reading and segmentation,
so the same sentences), after checking that it is byte for byte the file the run read; then
each language's rows are imported as `bitext import-translation` imports a JSONL export:
each row's German is found among the stored sentences and its translation linked to it, with
its status, origin (mt:<model> or human), score, the model's confidence in a machine
translation and, for a run with --include-suggested, the suggestion mark (a suggested link
comes back as a suggestion to accept or reject). A row that joined several sentences of
a human translation (an m:n link) arrives as one sentence.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from align.errors import InputError
from corpus.checkpoint import FOLDER


def find_result(output: str | Path, doc_id: str) -> dict:
    """The stored result of `doc_id` in the latest run written to `output`."""
    output = Path(output)
    summary_file = output / "summary.json"
    if not summary_file.is_file():
        raise InputError(f"{output}: not the output of a corpus run (no summary.json)")
    summary = _read_json(summary_file, ("docs", "documents", "settings"))
    entry = next((d for d in summary["docs"] if isinstance(d, dict) and d.get("id") == doc_id),
                 None)
    if entry is None:
        raise InputError(f"{output}: no document {doc_id!r} in the last run "
                         f"({summary['documents']} documents)")
    if entry["status"] not in ("done", "skipped"):
        raise InputError(f"{doc_id}: the run could not process it ({entry['reason']})")
    result_file = output / FOLDER / f"{entry['key']}.json"
    if not result_file.is_file():
        raise InputError(f"{result_file}: the document's result is missing; run the corpus again")
    result = _read_json(result_file, ("source", "source_sha256", "langs", "rows"))
    result["source_lang"] = summary["settings"]["source_lang"]
    return result


def _read_json(path: Path, keys: tuple[str, ...]) -> dict:
    """A JSON object the run wrote, with `keys`; damaged (cut short, edited) is one line."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: damaged, not JSON ({exc.__class__.__name__}); run the corpus "
                         f"again") from None
    missing = [k for k in keys if k not in data] if isinstance(data, dict) else list(keys)
    if missing:
        raise InputError(f"{path}: damaged, no {', '.join(missing)}; run the corpus again")
    return data


def open_document(output: str | Path, doc_id: str, project_dir: str | Path) -> dict:
    """Create a project at `project_dir` holding the document and its rows; returns
    {"sentences": n, "languages": {lang: (linked, units)}}."""
    from align.formats import jsonl
    from align.imports import translation as ti
    from align.imports.source import import_data
    from align.store import Project
    from align.text.readers import size_limit
    from align.text.textio import read_user_bytes

    result = find_result(output, doc_id)
    project_dir = Path(project_dir)
    if Project.exists(project_dir):
        raise InputError(f"{project_dir}: a project is already there; choose a new folder")
    source = Path(result["source"])
    data = read_user_bytes(source, size_limit(source))   # documents may be larger than text
    if hashlib.sha256(data).hexdigest() != result["source_sha256"]:
        raise InputError(f"{source}: changed since the corpus run read it; run the corpus again")
    report = import_data(data, project_dir, source.name,
                         lang=result["source_lang"])
    rows = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result["rows"]).encode("utf-8")
    table = jsonl.read(rows, f"{doc_id}.jsonl", source_lang=result["source_lang"])
    languages = {}
    with Project.open(project_dir) as project:
        for lang in result["langs"][1:]:
            imported = ti.import_table(project, table, lang, f"{doc_id}.jsonl", "jsonl")
            languages[lang] = (imported.linked, imported.units)
    return {"sentences": report.sentences, "languages": languages}
