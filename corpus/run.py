"""A corpus run: read the manifest, skip what is done, process the rest, write the output.

    OUTPUT/documents/<key>.json   each finished document (the checkpoint; see checkpoint.py)
    OUTPUT/data/part-*.jsonl      the rows of every document of the manifest, in its order,
    OUTPUT/data/part-*.parquet      written when the run ends (see shards.py)
    OUTPUT/summary.json           this run: documents done, skipped, failed (with the reason),
    OUTPUT/runs/<time>-<engine>.json   sentences, rows, time; one file per run is kept

Models are checked (tokenizers loaded, the route's models on disk) before any document, so a
missing model stops the run at once with the command that fetches it. A bad document is
recorded as failed with its one-line reason and the run goes on. One run at a time writes to
an output folder (a lock file says so).
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from align.errors import BitextError, InputError
from corpus.atomic import write_atomic
from corpus.batches import plan_blocks
from corpus.checkpoint import Checkpoint, input_key
from corpus.document import DocumentTools, one_line
from corpus.engines import ENGINES, run_local, run_ray
from corpus.manifest import read_manifest
from corpus.settings import CorpusSettings, fingerprint
from corpus.shards import ROWS_PER_SHARD, write_shards

ProgressFn = Callable[[int, int, dict], None]


def run_corpus(manifest: str | Path, output: str | Path, settings: CorpusSettings, *,
               engine: str = "local", align_with: Mapping[str, str] | None = None,
               address: str | None = None, actors: int | None = None, cpus_per_actor: int = 1,
               gpus_per_actor: float | None = None, rows_per_shard: int = ROWS_PER_SHARD,
               progress: ProgressFn | None = None) -> dict:
    """Run the pipeline over a manifest; returns the run's summary (also written to disk)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose {' or '.join(ENGINES)}")
    if engine == "ray":
        from corpus.engines import require_ray

        require_ray()       # before anything is loaded or written
    clock, started = time.perf_counter(), datetime.now(timezone.utc)
    tasks = read_manifest(manifest, settings.source_lang, align_with, settings.langs)
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: exists and is not a folder")
    # Tokenizers and configs load here (a missing model fails now, before anything is
    # written); the local loop keeps these tools, Ray actors make their own.
    tools = DocumentTools(settings, warm=False)
    settings_fp = fingerprint(settings, tools.details())
    output.mkdir(parents=True, exist_ok=True)
    with _lock(output):
        checkpoint = Checkpoint(output)
        entries: list[dict] = []
        documents = []      # every usable document, done or not: blocks are planned on all
        for task in tasks:
            entry = {"id": task.id, "line": task.line, "status": "", "key": "", "reason": ""}
            entries.append(entry)
            if task.problem:
                entry.update(status="failed", reason=task.problem)
                continue
            try:
                entry["key"] = input_key(task, settings_fp)
            except BitextError as exc:
                entry.update(status="failed", reason=one_line(exc))
                continue
            todo = not checkpoint.done(entry["key"])
            if not todo:
                entry["status"] = "skipped"
            documents.append((task, entry["key"], todo, _size(task.source)))
        work = plan_blocks(documents, settings.batch_size)
        to_do = sum(todo for block in work for _, _, todo in block)
        by_key = {e["key"]: e for e in entries if e["key"]}
        finished = 0

        def on_result(result: dict) -> None:
            nonlocal finished
            entry = by_key[result["key"]]
            if result["status"] == "done":
                checkpoint.save(result)
            entry.update(status=result["status"], reason=result.get("reason", ""),
                         seconds=result.get("seconds", 0.0))
            finished += 1
            if progress:
                progress(finished, to_do, entry)

        layout = None
        if engine == "ray":
            if work:
                tools.prepare()
            layout = run_ray(work, settings, on_result, address=address, actors=actors,
                             cpus_per_actor=cpus_per_actor, gpus_per_actor=gpus_per_actor)
        else:
            run_local(work, settings, on_result, tools)

        shards = write_shards(output, _document_rows(entries, checkpoint), settings.source_lang,
                              settings.langs, rows_per_shard, settings.include_suggested)
        summary = _summary(entries, settings, engine, layout, manifest, output, shards, started,
                           time.perf_counter() - clock)
        data = json.dumps(summary, ensure_ascii=False, indent=1).encode("utf-8")
        stamp = started.strftime("%Y%m%dT%H%M%S.%fZ")
        write_atomic(output / "runs" / f"{stamp}-{engine}.json", data)
        write_atomic(output / "summary.json", data)
    return summary


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:     # hashed a moment ago; the document fails with its reason when read
        return 0


def _document_rows(entries: list[dict], checkpoint: Checkpoint):
    """Each finished document's rows, in manifest order (counting sentences on the way)."""
    for entry in entries:
        if entry["status"] in ("done", "skipped"):
            result = checkpoint.load(entry["key"])
            entry["sentences"] = result["sentences"]
            entry["rows"] = len(result["rows"])
            entry["suggestions_left_out"] = result.get("suggestions_left_out", 0)
            yield result["rows"]


def _summary(entries, settings, engine, layout, manifest, output, shards, started, seconds) -> dict:
    count = {s: sum(1 for e in entries if e["status"] == s) for s in ("done", "skipped", "failed")}
    kept = [e for e in entries if e["status"] in ("done", "skipped")]
    return {
        "started": started.isoformat(timespec="seconds"),
        "engine": engine,
        "layout": layout,
        "manifest": str(manifest),
        "output": str(output),
        "settings": {k: v for k, v in settings.to_json().items() if k != "cache"},
        "documents": len(entries),
        **count,
        "sentences": sum(e.get("sentences", 0) for e in kept),
        "rows": sum(e.get("rows", 0) for e in kept),
        # links the aligner was unsure of, not in the rows (kept with --include-suggested)
        "suggestions_left_out": sum(e.get("suggestions_left_out", 0) for e in kept),
        "seconds": round(seconds, 2),
        "failures": [{"id": e["id"], "line": e["line"], "reason": e["reason"]}
                     for e in entries if e["status"] == "failed"],
        "shards": shards,
        "docs": [{k: e[k] for k in ("id", "status", "key", "sentences", "rows", "seconds", "reason")
                  if k in e} for e in entries],
    }


class _lock:
    """One run per output folder: a second one is refused rather than interleaved."""

    def __init__(self, output: Path):
        self.path = output / ".lock"

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise InputError(f"{self.path.parent}: another bitext corpus run is writing here") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
