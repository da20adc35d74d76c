"""A corpus run's output as a dataset people load in one line — pandas, DuckDB, Hugging Face
`datasets` — and `bitext corpus stats OUT`. The run: six documents cut from the interview,
one bringing its own English, the five bad documents of tests/corpus_data.py, the tiny
MarianMT into English and Chinese (through English). The one-liners are those of the docs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.cli import main
from tests.corpus_data import BAD, make_corpus
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

DOCUMENTS = 6


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dataset")
    manifest = make_corpus(folder / "corpus", DOCUMENTS)
    de_en = cached_tiny_marian()
    en_zh = cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)
    output = folder / "out"
    # two shards: the readers must take every shard of the folder
    assert main(["corpus", "run", str(manifest), "--output", str(output), "--model",
                 f"de-en={de_en}", "--model", f"en-zh={en_zh}", "--max-length", "6",
                 "--threads", "1", "--cache-dir", str(folder / "cache"),
                 "--rows-per-shard", "40"]) == 0
    return output


def jsonl_rows(out: Path) -> list[dict]:
    return [json.loads(line) for part in sorted((out / "data").glob("part-*.jsonl"))
            for line in part.read_text(encoding="utf-8").splitlines()]


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_the_run_wrote_several_shards(out):
    assert len(summary(out)["shards"]) >= 2
    assert len(jsonl_rows(out)) == summary(out)["rows"] > 40


def test_pandas_reads_the_folder_in_one_line(out):
    import glob

    import pandas as pd

    # a list of the shards (the folder also holds the JSONL copies, which pandas would try)
    df = pd.read_parquet(sorted(glob.glob(f"{out}/data/*.parquet")))
    rows = jsonl_rows(out)
    assert len(df) == len(rows)
    assert list(df.columns) == list(rows[0])
    # struct columns arrive as dicts per row; manifest order is kept across the shards
    assert df["translation"].tolist() == [r["translation"] for r in rows]
    assert df["document"].tolist() == [r["document"] for r in rows]
    assert df["confidence"].tolist() == [r["confidence"] for r in rows]


def test_duckdb_queries_the_shards_in_one_line(out):
    import duckdb

    pattern = str(out / "data" / "*.parquet")
    got = duckdb.sql(f"SELECT document, translation.de AS de, translation.en AS en, "
                     f"translation.zh AS zh, origin.en AS origin FROM '{pattern}'").fetchall()
    rows = jsonl_rows(out)
    assert sorted(got) == sorted((r["document"], r["translation"]["de"], r["translation"]["en"],
                                  r["translation"]["zh"], r["origin"]["en"]) for r in rows)
    per_doc = dict(duckdb.sql(f"SELECT document, count(*) FROM '{pattern}' GROUP BY document")
                   .fetchall())
    assert per_doc == {d: sum(1 for r in rows if r["document"] == d)
                       for d in {r["document"] for r in rows}}


def test_hugging_face_datasets_loads_the_shards_in_one_line(out, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from datasets import load_dataset

    ds = load_dataset("parquet", data_files=str(out / "data" / "*.parquet"), split="train",
                      cache_dir=str(tmp_path / "hf"))
    rows = jsonl_rows(out)
    assert ds.num_rows == len(rows)
    assert ds.column_names == list(rows[0])
    assert sorted(json.dumps(r, sort_keys=True) for r in ds) == \
        sorted(json.dumps(r, sort_keys=True) for r in rows)


def test_stats_prints_documents_sentences_rows_per_language_and_failures(out, capsys):
    assert main(["corpus", "stats", str(out)]) == 0
    text = capsys.readouterr().out
    s, rows = summary(out), jsonl_rows(out)
    machine_en = sum(1 for r in rows if r["origin"]["en"].startswith("mt"))
    human_en = sum(1 for r in rows if r["origin"]["en"] == "human")
    assert human_en == 6 and machine_en == len(rows) - 6
    assert f"{DOCUMENTS + 1 + len(BAD)} documents in the manifest: {DOCUMENTS + 1} done" in text
    assert f"{len(BAD)} failed" in text
    assert f"{s['sentences']} de sentences; {len(rows)} rows from {DOCUMENTS + 1} documents" in text
    assert f"en: {len(rows)} rows with a translation ({machine_en} machine, 6 human)" in text
    zh = sum(1 for r in rows if r["translation"]["zh"])
    assert f"zh: {zh} rows with a translation ({zh} machine, 0 human)" in text
    assert "suggested links left out: 0" in text
    for doc_id, words in BAD.items():
        line = next(l for l in text.splitlines() if l.startswith(f"failed {doc_id} "))
        assert words in line


def test_stats_on_a_folder_that_is_not_a_run_is_one_line(tmp_path, capsys):
    assert main(["corpus", "stats", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path}: not the output of a corpus run (no summary.json)\n"


def test_stats_on_a_damaged_shard_is_one_line(out, tmp_path, capsys):
    import shutil

    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "data" / "part-00000.parquet").write_bytes(b"not parquet")
    assert main(["corpus", "stats", str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {copy / 'data' / 'part-00000.parquet'}: damaged, not Parquet")
    assert err.count("\n") == 1
