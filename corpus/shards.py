"""The run's output: its rows in shards of JSONL and Parquet, in manifest order.

    OUTPUT/data/part-00000.jsonl     one row per line: the JSONL export's shape + "document"
    OUTPUT/data/part-00000.parquet   the same rows, columns typed (a struct per language field)

A shard holds whole documents, about `rows_per_shard` rows. Shards are made on the driver from
the per-document results, so their bytes do not depend on the engine or on the order in which
workers finished. Each file is written beside its place and renamed (never half a shard);
shards a smaller run no longer needs are removed.

Parquet needs pyarrow: a core dependency (streamlit needs it too), so both engines write it.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable, Iterator

from corpus.atomic import remove_partials, write_atomic

FOLDER = "data"
ROWS_PER_SHARD = 50_000


def _schema(source_lang: str, langs: tuple[str, ...], with_suggested: bool = False):
    import pyarrow as pa

    every = [source_lang, *[lang for lang in langs if lang != source_lang]]
    targets = every[1:]

    def struct(names, kind):
        return pa.struct([pa.field(name, kind) for name in names])

    return pa.schema([
        pa.field("document", pa.string()),
        pa.field("translation", struct(every, pa.string())),
        pa.field("speaker", pa.string()),
        pa.field("turn", pa.int64()),
        pa.field("kind", pa.string()),
        pa.field("status", struct(targets, pa.string())),
        pa.field("origin", struct(targets, pa.string())),
        pa.field("score", struct(targets, pa.float64())),
        pa.field("confidence", struct(targets, pa.float64())),   # the MT model's, per language
        # links the aligner was unsure of, when the run keeps them (--include-suggested)
        *([pa.field("suggested", struct(targets, pa.bool_()))] if with_suggested else []),
    ])


def _group(documents: Iterable[list[dict]], rows_per_shard: int) -> Iterator[list[dict]]:
    shard: list[dict] = []
    for rows in documents:
        if shard and len(shard) + len(rows) > rows_per_shard:
            yield shard
            shard = []
        shard.extend(rows)
    if shard:
        yield shard


def jsonl_bytes(rows: list[dict]) -> bytes:
    from align.formats.jsonl import line   # the JSONL export's escaping: one row, one line

    return "".join(line(row) + "\n" for row in rows).encode("utf-8")


def parquet_bytes(rows: list[dict], schema) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def write_shards(output: Path, documents: Iterable[list[dict]], source_lang: str,
                 langs: tuple[str, ...], rows_per_shard: int = ROWS_PER_SHARD,
                 with_suggested: bool = False) -> list[str]:
    """Write the rows of `documents` (an iterable of each document's rows, in manifest order);
    returns the shard names written (without extension)."""
    folder = Path(output) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    remove_partials(folder)
    schema = _schema(source_lang, langs, with_suggested)
    names = []
    for number, rows in enumerate(_group(documents, rows_per_shard)):
        name = f"part-{number:05d}"
        write_atomic(folder / f"{name}.jsonl", jsonl_bytes(rows))
        write_atomic(folder / f"{name}.parquet", parquet_bytes(rows, schema))
        names.append(name)
    for old in folder.glob("part-*.*"):
        if old.name.split(".")[0] not in names:
            old.unlink(missing_ok=True)
    return names
