"""`bitext corpus run|open`: a 20-document corpus cut from the interview, the tiny MarianMT,
the local loop and Ray Data (a local cluster on 2 cores) giving the same rows, bad documents
recorded and skipped over, a killed run resumed, one document opened as a project."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from align.cli import main
from corpus.manifest import read_manifest
from tests.conftest import REFERENCE, ROOT
from tests.conftest import gold_document
from tests.corpus_data import BAD, DOCUMENTS, make_corpus
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

SHAPE = ["document", "translation", "speaker", "turn", "kind", "status", "origin", "score",
         "confidence"]


@pytest.fixture(scope="module")
def models():
    return {"de-en": str(cached_tiny_marian()),
            "en-zh": str(cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1))}


def model_args(models, cache: Path) -> list[str]:
    # --threads 1: the same thread count as one Ray actor (see docs/how-to/corpus.md on identical rows)
    return ["--model", f"de-en={models['de-en']}", "--model", f"en-zh={models['en-zh']}",
            "--max-length", "8", "--threads", "1", "--cache-dir", str(cache)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def local_run(corpus, models, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    assert main(["corpus", "run", str(corpus), "--output", str(out),
                 *model_args(models, tmp_path_factory.mktemp("cache-local"))]) == 0
    return out


@pytest.fixture(scope="module")
def ray_run(corpus, models, tmp_path_factory, ray_local) -> Path:
    out = tmp_path_factory.mktemp("ray") / "out"
    # its own translation cache: every sentence is translated again, by the actors
    assert main(["corpus", "run", str(corpus), "--output", str(out), "--engine", "ray",
                 *model_args(models, tmp_path_factory.mktemp("cache-ray"))]) == 0
    return out


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for part in sorted((out / "data").glob("part-*.jsonl"))
            for line in part.read_text(encoding="utf-8").splitlines()]


def test_local_run_writes_rows_parquet_and_summary(local_run):
    s = summary(local_run)
    assert (s["documents"], s["done"], s["skipped"], s["failed"]) == (DOCUMENTS + 1 + len(BAD),
                                                                      DOCUMENTS + 1, 0, len(BAD))
    reasons = {f["id"]: f["reason"] for f in s["failures"]}
    assert reasons.keys() == BAD.keys()
    for doc_id, words in BAD.items():
        assert words in reasons[doc_id] and "\n" not in reasons[doc_id]
    got = rows(local_run)
    # every sentence of the cut interview (segmented again, document by document) and the six
    # of the human document, each its own row (machine translation links 1:1)
    gold = sum(len(b.sentences) for b in gold_document().blocks if b.kind in ("turn", "narration"))
    assert s["sentences"] == s["rows"] == len(got) == gold + 6
    assert [list(r) for r in got[:1]] == [SHAPE]
    order = list(dict.fromkeys(r["document"] for r in got))
    assert order == [f"doc-{n:02d}" for n in range(1, DOCUMENTS + 1)] + ["human"]  # manifest order
    assert all(r["translation"]["en"] and r["translation"]["zh"] for r in got)
    human = [r for r in got if r["document"] == "human"]
    assert [r["translation"]["en"] for r in human] == [REFERENCE[r["translation"]["de"]][0]
                                                       for r in human]
    assert {r["origin"]["en"] for r in human} == {"human"}
    assert all(r["origin"]["en"].startswith("mt:") for r in got if r["document"] != "human")
    table = pq.read_table(local_run / "data" / "part-00000.parquet")
    assert table.to_pylist() == got
    assert not list(local_run.rglob("*.partial"))


def test_rows_are_what_the_project_commands_export(local_run, corpus, models, tmp_path, capsys):
    """One document through `bitext import`, `translate-project`, `export --format jsonl`."""
    project = tmp_path / "p"
    source = corpus.parent / "texts" / "doc-03.txt"
    assert main(["import", str(source), "--project", str(project)]) == 0
    args = model_args(models, tmp_path / "cache")
    assert main(["translate-project", str(project), "--to", "en,zh", *args]) == 0
    assert main(["export", str(project), "--format", "jsonl", "--output", str(tmp_path / "x.jsonl")]) == 0
    exported = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text().splitlines()]
    ours = [{k: v for k, v in r.items() if k != "document"} for r in rows(local_run)
            if r["document"] == "doc-03"]
    assert ours == exported and len(ours) > 5


def test_ray_gives_the_same_files_as_the_local_loop(local_run, ray_run):
    s = summary(ray_run)
    assert s["engine"] == "ray" and s["layout"]["actors"] == 2
    assert [(d["id"], d["status"], d["key"]) for d in s["docs"]] == \
        [(d["id"], d["status"], d["key"]) for d in summary(local_run)["docs"]]
    for part in sorted((local_run / "data").iterdir()):
        assert (ray_run / "data" / part.name).read_bytes() == part.read_bytes(), part.name


def test_a_rerun_skips_what_is_done_and_redoes_what_changed(local_run, corpus, models, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(local_run, out)
    before = {p.name: p.read_bytes() for p in (out / "data").iterdir()}
    cache = tmp_path / "cache"
    assert main(["corpus", "run", str(corpus), "--output", str(out), *model_args(models, cache)]) == 0
    s = summary(out)
    assert (s["done"], s["skipped"], s["failed"]) == (0, DOCUMENTS + 1, len(BAD))
    assert {p.name: p.read_bytes() for p in (out / "data").iterdir()} == before
    assert len(list((out / "runs").glob("*.json"))) == 2

    changed = corpus.parent / "changed"
    shutil.copytree(corpus.parent / "texts", changed / "texts")
    doc = changed / "texts" / "doc-05.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "Das ist ein neuer Satz.\n", encoding="utf-8")
    manifest = changed / "manifest.jsonl"
    shutil.copy(corpus, manifest)
    assert main(["corpus", "run", str(manifest), "--output", str(out), *model_args(models, cache)]) == 0
    s = summary(out)
    assert (s["done"], s["skipped"]) == (1, DOCUMENTS)
    assert [d["id"] for d in s["docs"] if d["status"] == "done"] == ["doc-05"]
    assert any(r["translation"]["de"] == "Das ist ein neuer Satz." for r in rows(out))


def test_a_killed_run_resumes_where_it_stopped(local_run, corpus, models, tmp_path):
    """SIGKILL after two documents (of eight) are on disk; the next run does only the rest."""
    manifest = tmp_path / "eight.jsonl"
    lines = corpus.read_text(encoding="utf-8").splitlines()[:8]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "texts").symlink_to(corpus.parent / "texts")
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "align.cli", "corpus", "run", str(manifest), "--output",
               str(out), *model_args(models, cache)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while len(list((out / "documents").glob("*.json"))) < 2:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    kept = list((out / "documents").glob("*.json"))
    assert 2 <= len(kept) < 8
    for file in kept:                       # every result on disk is whole
        assert json.loads(file.read_text(encoding="utf-8"))["status"] == "done"
    assert not (out / "summary.json").exists()
    assert main(["corpus", "run", str(manifest), "--output", str(out), *model_args(models, cache)]) == 0
    s = summary(out)
    assert (s["skipped"], s["done"]) == (len(kept), 8 - len(kept))
    assert not list(out.rglob("*.partial"))
    ids = [json.loads(line)["id"] for line in lines]
    assert rows(out) == [r for r in rows(local_run) if r["document"] in ids]


def test_open_makes_a_project_that_exports_the_same_rows(local_run, tmp_path, capsys, monkeypatch):
    project = tmp_path / "doc"
    monkeypatch.chdir(tmp_path)
    assert main(["corpus", "open", str(local_run), "human", "--project", "doc"]) == 0
    out = capsys.readouterr().out
    assert "created" in out and f"PROJECT={project} make app" in out
    assert main(["export", str(project), "--format", "jsonl", "--output", str(tmp_path / "x.jsonl")]) == 0
    exported = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text().splitlines()]
    ours = [{k: v for k, v in r.items() if k != "document"}
            for r in rows(local_run) if r["document"] == "human"]
    # the human English keeps its status and origin; the machine Chinese its model and the
    # model's confidence
    assert exported == ours and all(r["confidence"]["zh"] is not None for r in ours)
    # a second open into the same folder is refused, and a failed document cannot be opened
    assert main(["corpus", "open", str(local_run), "human", "--project", str(project)]) == 2
    assert "already" in capsys.readouterr().err
    assert main(["corpus", "open", str(local_run), "bad-empty", "--project", str(tmp_path / "e")]) == 2
    assert "the file is empty" in capsys.readouterr().err
    assert not (tmp_path / "e").exists()


def test_open_refuses_a_damaged_output_folder_in_one_line(local_run, tmp_path, capsys):
    out = tmp_path / "out"
    shutil.copytree(local_run, out)
    key = next(d["key"] for d in summary(out)["docs"] if d["id"] == "human")
    result = out / "documents" / f"{key}.json"
    result.write_bytes(result.read_bytes()[:100])            # cut short
    (out / "summary.json").write_bytes(b"\x00garbage")
    for damaged in ("summary.json", f"documents/{key}.json"):
        assert main(["corpus", "open", str(out), "human", "--project", str(tmp_path / "p")]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and err.startswith(f"error: {out / damaged}: damaged")
        assert not (tmp_path / "p").exists()
        shutil.copy(local_run / "summary.json", out / "summary.json")


def test_a_damaged_result_is_done_again(local_run, corpus, models, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(local_run, out)
    key = next(d["key"] for d in summary(out)["docs"] if d["id"] == "human")
    (out / "documents" / f"{key}.json").write_text("{not json", encoding="utf-8")
    assert main(["corpus", "run", str(corpus), "--output", str(out),
                 *model_args(models, tmp_path / "cache")]) == 0
    s = summary(out)
    assert [d["id"] for d in s["docs"] if d["status"] == "done"] == ["human"]
    assert rows(out) == rows(local_run)


def test_plain_text_translation_is_aligned_by_the_sentence_aligner(models, tmp_path):
    german = list(REFERENCE)[:7]
    (tmp_path / "de.txt").write_text(" ".join(german) + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(REFERENCE[g][0] for g in german) + "\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("id,de,english\none,de.txt,en.txt\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["corpus", "run", str(tmp_path / "m.csv"), "--output", str(out), "--to", "",
                 "--align-with", "en=english", *model_args(models, tmp_path / "cache")]) == 0
    got = rows(out)
    assert [(r["translation"]["de"], r["translation"]["en"]) for r in got] == \
        [(g, REFERENCE[g][0]) for g in german]
    assert all(r["score"]["en"] is not None and r["origin"]["en"] == "human" for r in got)


def test_manifest_lines_that_cannot_be_used_fail_alone(tmp_path):
    (tmp_path / "a.txt").write_text("Ein Satz.\n", encoding="utf-8")
    (tmp_path / "m.jsonl").write_text(
        '{"id": "a", "de": "a.txt", "en": "a.en.txt"}\n'
        'not json\n'
        '{"de": "a.txt"}\n'
        '{"id": "a", "de": "a.txt"}\n'
        '{"id": "b", "zh": "b.zh.txt"}\n', encoding="utf-8")
    tasks = read_manifest(tmp_path / "m.jsonl", "de", {}, ("en",))
    assert [(t.id, t.problem.split(": ", 1)[-1]) for t in tasks] == [
        ("a", ""), ("<line 2>", "not JSON (Expecting value)"), ("<line 3>", "no id"),
        ("a", "the id 'a' is already used on line 1"),
        ("b", "no de file (a column de, source or file)")]
    assert tasks[0].translations == {"en": str(tmp_path / "a.en.txt")}
    with pytest.raises(Exception, match="no column 'english'"):
        read_manifest(tmp_path / "m.jsonl", "de", {"en": "english"})
    (tmp_path / "m.csv").write_text("name,de\nx,a.txt\n", encoding="utf-8")
    with pytest.raises(Exception, match="needs a header row with an id column"):
        read_manifest(tmp_path / "m.csv")


def test_manifest_paths_do_not_depend_on_the_folder_the_run_started_in(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Ein Satz.\n", encoding="utf-8")
    (tmp_path / "m.jsonl").write_text('{"id": "a", "de": "a.txt", "en": "a.en.txt"}\n',
                                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    task, = read_manifest("m.jsonl", "de", {}, ("en",))
    monkeypatch.chdir(ROOT)          # where `corpus open` may be run later
    assert Path(task.source).is_absolute() and Path(task.source).read_text() == "Ein Satz.\n"
    assert task.translations == {"en": str(tmp_path / "a.en.txt")}


def test_engine_ray_without_ray_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)       # as if the extra were not installed
    (tmp_path / "m.jsonl").write_text('{"id": "a", "de": "a.txt"}\n', encoding="utf-8")
    assert main(["corpus", "run", str(tmp_path / "m.jsonl"), "--output", str(tmp_path / "o"),
                 "--engine", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "pip install -e '.[scale]'" in err
    assert not (tmp_path / "o").exists()


def test_a_missing_model_stops_the_run_before_anything_is_written(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["corpus", "run", str(corpus), "--output", str(out),
                 "--cache-dir", str(tmp_path / "empty-cache")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bitext models pull de-en" in err
    assert not out.exists()


def test_ray_pool_takes_gpus_when_the_cluster_has_them():
    from corpus.engines import _layout

    assert _layout({"CPU": 2.0}, 20, None, 1, None)["actors"] == 2
    assert _layout({"CPU": 2.0}, 1, None, 1, None)["actors"] == 1          # never idle actors
    gpu = _layout({"CPU": 32.0, "GPU": 4.0}, 100, None, 1, None)
    assert (gpu["actors"], gpu["gpus_per_actor"]) == (4, 1)
    assert _layout({"CPU": 32.0, "GPU": 4.0}, 100, None, 1, 0)["actors"] == 32   # CPUs only
    with pytest.raises(Exception, match="has 0 GPUs"):
        _layout({"CPU": 2.0}, 5, None, 1, 1)
