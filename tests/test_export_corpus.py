"""The corpus pipeline keeps what the exports keep: suggested links only with
--include-suggested (marked, in the JSONL and the Parquet shards), the model's confidence in
every row, and `corpus open` brings both back into the project, so the opened document
exports the rows the run wrote.

One document: the interview's opening (the hand translations of tests/conftest.py), its
English given as a JSONL file whose three links are marked as suggestions (as an export with
--include-suggested writes them), its Chinese machine-translated by the tiny MarianMT."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from align.cli import main
from align.store import Project
from tests.conftest import REFERENCE
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

GERMAN = list(REFERENCE)
SUGGESTED = {GERMAN[2], GERMAN[5], GERMAN[8]}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "opening.txt").write_text(" ".join(GERMAN) + "\n", encoding="utf-8")
    rows = [{"translation": {"de": de, "en": REFERENCE[de][0]}, "status": {"en": "edited"},
             "origin": {"en": "human"}, "score": {"en": 0.42 if de in SUGGESTED else 0.97},
             "suggested": {"en": de in SUGGESTED}} for de in GERMAN]
    (folder / "opening.en.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    manifest = folder / "manifest.jsonl"
    manifest.write_text(json.dumps({"id": "opening", "de": "opening.txt",
                                    "en": "opening.en.jsonl"}) + "\n", encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def model_args(tmp_path_factory) -> list[str]:
    return ["--model", f"de-en={cached_tiny_marian()}",
            "--model", f"en-zh={cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)}",
            "--max-length", "8", "--threads", "1",
            "--cache-dir", str(tmp_path_factory.mktemp("cache"))]


def run(manifest, out, model_args, *extra) -> None:
    assert main(["corpus", "run", str(manifest), "--output", str(out), "--to", "en,zh",
                 *model_args, *extra]) == 0


def shard_rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in
            (out / "data" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()]


def test_suggestions_are_left_out_and_counted_by_default(manifest, model_args, tmp_path, capsys):
    run(manifest, tmp_path / "out", model_args)
    said = capsys.readouterr().out
    rows = shard_rows(tmp_path / "out")
    assert {r["translation"]["de"] for r in rows} == set(GERMAN) - SUGGESTED
    assert not any("suggested" in r for r in rows)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["suggestions_left_out"] == len(SUGGESTED)
    assert f"left out {len(SUGGESTED)} suggested links" in said
    assert "suggested" not in pq.read_table(tmp_path / "out" / "data" / "part-00000.parquet").schema.names


def test_include_suggested_keeps_them_marked_and_open_restores_them(manifest, model_args,
                                                                    tmp_path, capsys):
    out = tmp_path / "out"
    run(manifest, out, model_args, "--include-suggested")
    rows = shard_rows(out)
    assert [r["translation"]["de"] for r in rows] == GERMAN
    assert {r["translation"]["de"] for r in rows if r["suggested"]["en"]} == SUGGESTED
    assert not any(r["suggested"]["zh"] for r in rows)
    assert all(r["confidence"]["zh"] < 0 for r in rows)
    table = pq.read_table(out / "data" / "part-00000.parquet").to_pylist()
    assert [t["suggested"] for t in table] == [r["suggested"] for r in rows]

    project = tmp_path / "opened"
    assert main(["corpus", "open", str(out), "opening", "--project", str(project)]) == 0
    with Project.open(project) as p:
        text = {s.id: s.text for s in p.source_segments()}
        assert {text[link.src_ids[0]] for link in p.links("en") if link.suggested} == SUGGESTED
        confidences = p.mt_confidences("zh")
        restored = {text[link.src_ids[0]]: confidences.get(link.tgt_ids[0]) for link in p.links("zh")}
    assert restored == {r["translation"]["de"]: r["confidence"]["zh"] for r in rows}
    # The opened document exports the very rows the run wrote.
    assert main(["export", str(project), "--format", "jsonl", "--include-suggested",
                 "--output", str(tmp_path / "again.jsonl")]) == 0
    again = [json.loads(line) for line in
             (tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()]
    assert again == [{k: v for k, v in r.items() if k != "document"} for r in rows]


def test_a_rerun_redoes_documents_only_when_include_suggested_changes(manifest, model_args,
                                                                      tmp_path, capsys):
    out = tmp_path / "out"

    def counts() -> tuple[int, int]:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        return summary["done"], summary["skipped"]

    run(manifest, out, model_args)
    plain = shard_rows(out)
    run(manifest, out, model_args)
    assert counts() == (0, 1) and shard_rows(out) == plain
    run(manifest, out, model_args, "--include-suggested")
    assert counts() == (1, 0) and len(shard_rows(out)) == len(plain) + len(SUGGESTED)
    run(manifest, out, model_args, "--include-suggested")
    assert counts() == (0, 1) and all("suggested" in r for r in shard_rows(out))
