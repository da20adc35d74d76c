"""What a corpus run's output holds: `bitext corpus stats OUT`.

Documents (done, already done, failed with their reasons) and suggestions left out come
from the run's summary; sentences and rows per language are counted in the Parquet shards
themselves (one column at a time, one shard at a time: memory stays that of one column of
one shard), so the figures describe the files a person loads, not what the run meant to write.
"""
from __future__ import annotations

from pathlib import Path

from align.errors import InputError
from corpus.open import _read_json
from corpus.shards import FOLDER


def corpus_stats(output: str | Path) -> dict:
    output = Path(output)
    summary_file = output / "summary.json"
    if not summary_file.is_file():
        raise InputError(f"{output}: not the output of a corpus run (no summary.json)")
    summary = _read_json(summary_file, ("documents", "done", "skipped", "failed", "failures",
                                        "settings", "shards"))
    source = summary["settings"]["source_lang"]
    langs = [source, *summary["settings"]["langs"]]
    per_lang = {lang: {"rows": 0, "machine": 0, "human": 0} for lang in langs}
    documents: set[str] = set()
    rows = 0
    for name in summary["shards"]:
        path = output / FOLDER / f"{name}.parquet"
        if not path.is_file():
            raise InputError(f"{path}: missing; run the corpus again")
        table = _read_parquet(path)
        rows += table.num_rows
        documents.update(table.column("document").unique().to_pylist())
        translation = table.column("translation").combine_chunks()
        origin = table.column("origin").combine_chunks()
        for lang in langs:
            texts = translation.field(lang).to_pylist()
            filled = [bool(t) for t in texts]
            per_lang[lang]["rows"] += sum(filled)
            if lang == source:
                continue
            kinds = origin.field(lang).to_pylist()
            per_lang[lang]["machine"] += sum(1 for f, o in zip(filled, kinds)
                                             if f and o and o.startswith("mt"))
            per_lang[lang]["human"] += sum(1 for f, o in zip(filled, kinds)
                                           if f and o and not o.startswith("mt"))
    return {
        "output": str(output),
        "engine": summary.get("engine", ""),
        "documents": summary["documents"],
        "done": summary["done"],
        "skipped": summary["skipped"],
        "failed": summary["failed"],
        "documents_in_rows": len(documents),
        "sentences": summary.get("sentences", 0),
        "rows": rows,
        "shards": len(summary["shards"]),
        "source_lang": source,
        "languages": per_lang,
        "suggestions_left_out": summary.get("suggestions_left_out", 0),
        "include_suggested": bool(summary["settings"].get("include_suggested")),
        "failures": summary["failures"],
    }


def _read_parquet(path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path, columns=["document", "translation", "origin"])
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path}: damaged, not Parquet ({' '.join(str(exc).split())[:200]}); "
                         f"run the corpus again") from None


def format_stats(stats: dict, failures_shown: int = 20) -> list[str]:
    """The report as lines of text."""
    lines = [f"{stats['output']}: {stats['documents']} documents in the manifest: "
             f"{stats['done']} done in the last run, {stats['skipped']} done before, "
             f"{stats['failed']} failed",
             f"{stats['sentences']} {stats['source_lang']} sentences; {stats['rows']} rows from "
             f"{stats['documents_in_rows']} documents in {stats['shards']} "
             f"shard{'' if stats['shards'] == 1 else 's'}"]
    for lang, counts in stats["languages"].items():
        if lang == stats["source_lang"]:
            lines.append(f"  {lang}: {counts['rows']} rows with text (the source)")
        else:
            lines.append(f"  {lang}: {counts['rows']} rows with a translation "
                         f"({counts['machine']} machine, {counts['human']} human)")
    left = stats["suggestions_left_out"]
    if stats["include_suggested"]:
        lines.append("suggested links: kept in the rows, marked (--include-suggested)")
    else:
        lines.append(f"suggested links left out: {left}"
                     + (" (add --include-suggested to keep them, marked)" if left else ""))
    failures = stats["failures"]
    for failure in failures[:failures_shown]:
        lines.append(f"failed {failure['id']} (manifest line {failure['line']}): {failure['reason']}")
    if len(failures) > failures_shown:
        lines.append(f"... {len(failures) - failures_shown} more failures in "
                     f"{Path(stats['output']) / 'summary.json'}")
    return lines
