"""BITEXT_MODELS="de-en=DIR,en-zh=DIR" names model folders for the CLI as it does for the app:
`bitext translate`, `translate-project`, `prepare` and `corpus run` take them without --model,
and an explicit --model wins. The models are the tiny real MarianMT; the cache folder is empty,
so a pair's default Hub model is never on disk and only the folder can have answered."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.cli import main
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

GERMAN = ["Guten Morgen, meine Damen und Herren.", "Wie geht es Ihnen heute?",
          "Die Wirtschaft wächst langsam."]
FAST = ["--max-length", "6", "--threads", "1"]


@pytest.fixture(scope="module")
def folders() -> dict[str, str]:
    return {"de-en": str(cached_tiny_marian()),
            "en-zh": str(cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1))}


@pytest.fixture
def env_models(folders, monkeypatch):
    monkeypatch.setenv("BITEXT_MODELS", f"de-en={folders['de-en']}, en-zh={folders['en-zh']}")
    monkeypatch.delenv("BITEXT_BACKEND", raising=False)


def german_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_text("\n".join(GERMAN) + "\n", encoding="utf-8")
    return path


def project(tmp_path: Path, name: str = "p") -> Path:
    folder = tmp_path / name
    source = tmp_path / f"{name}.txt"
    source.write_text(" ".join(GERMAN) + "\n", encoding="utf-8")
    assert main(["import", str(source), "--project", str(folder)]) == 0
    return folder


def english(folder: Path) -> list[str]:
    from align.store import Project

    with Project.open(folder) as p:
        return [t.text for t in p.target_segments("en")]


def test_translate_takes_the_pair_folder_from_bitext_models(env_models, folders, tmp_path, capsys):
    src, cache = german_file(tmp_path), str(tmp_path / "cache")
    assert main(["translate", "--input", str(src), "--output", str(tmp_path / "env.txt"),
                 "--cache-dir", cache, "--no-cache", *FAST]) == 0          # default pair de-en
    assert main(["translate", "--model", "de-en", "--input", str(src), "--output",
                 str(tmp_path / "pair.txt"), "--cache-dir", cache, "--no-cache", *FAST]) == 0
    assert main(["translate", "--model", folders["de-en"], "--input", str(src), "--output",
                 str(tmp_path / "folder.txt"), "--cache-dir", cache, "--no-cache", *FAST]) == 0
    outputs = {(tmp_path / f"{n}.txt").read_text(encoding="utf-8") for n in ("env", "pair", "folder")}
    assert len(outputs) == 1 and len(outputs.pop().splitlines()) == len(GERMAN)


def test_translate_without_bitext_models_names_the_missing_model(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("BITEXT_MODELS", raising=False)
    assert main(["translate", "--input", str(german_file(tmp_path)), "--output",
                 str(tmp_path / "out.txt"), "--cache-dir", str(tmp_path / "cache"), *FAST]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "bitext models pull" in err and err.count("\n") == 1


def test_an_explicit_model_wins_over_bitext_models(folders, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BITEXT_MODELS", f"de-en={tmp_path / 'no-such-folder'}")
    src, cache = german_file(tmp_path), str(tmp_path / "cache")
    assert main(["translate", "--model", folders["de-en"], "--input", str(src), "--output",
                 str(tmp_path / "out.txt"), "--cache-dir", cache, *FAST]) == 0
    folder = project(tmp_path)
    assert main(["translate-project", str(folder), "--to", "en", "--model",
                 f"de-en={folders['de-en']}", "--cache-dir", cache, *FAST]) == 0
    assert len(english(folder)) == len(GERMAN)
    # and without the explicit choice, the folder BITEXT_MODELS names is the one looked for
    assert main(["translate", "--input", str(src), "--output", str(tmp_path / "x.txt"),
                 "--cache-dir", cache, *FAST]) == 2
    assert "no-such-folder" in capsys.readouterr().err


def test_translate_project_and_prepare_take_bitext_models(env_models, tmp_path, capsys):
    cache = str(tmp_path / "cache")
    first = project(tmp_path, "first")
    assert main(["translate-project", str(first), "--to", "en,zh", "--cache-dir", cache, *FAST]) == 0
    out = capsys.readouterr()
    # BITEXT_MODELS names pairs a command may not need: no warning for those
    assert "en: 3 translated" in out.out and "zh: 3 translated" in out.out
    assert "warning" not in out.err
    second = project(tmp_path, "second")
    assert main(["prepare", str(second), "--to", "en", "--cache-dir", cache, *FAST]) == 0
    assert english(second) == english(first) and len(english(first)) == len(GERMAN)


def test_corpus_run_takes_bitext_models(env_models, folders, tmp_path, capsys):
    text = tmp_path / "doc.txt"
    text.write_text(" ".join(GERMAN) + "\n", encoding="utf-8")
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"id": "d1", "de": "doc.txt"}) + "\n", encoding="utf-8")
    cache = str(tmp_path / "cache")
    assert main(["corpus", "run", str(manifest), "--output", str(tmp_path / "env"), "--to", "en",
                 "--cache-dir", cache, *FAST]) == 0
    assert main(["corpus", "run", str(manifest), "--output", str(tmp_path / "explicit"), "--to",
                 "en", "--model", f"de-en={folders['de-en']}", "--cache-dir", cache, *FAST]) == 0
    env = json.loads((tmp_path / "env" / "summary.json").read_text(encoding="utf-8"))
    assert (env["done"], env["rows"]) == (1, len(GERMAN))
    assert ((tmp_path / "env" / "data" / "part-00000.jsonl").read_bytes()
            == (tmp_path / "explicit" / "data" / "part-00000.jsonl").read_bytes())


def test_a_malformed_bitext_models_is_one_line_and_touches_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BITEXT_MODELS", "de-en")
    folder = project(tmp_path)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"id": "d1", "de": "p.txt"}) + "\n", encoding="utf-8")
    for argv in (["translate", "--input", str(german_file(tmp_path)), "--output",
                  str(tmp_path / "out.txt")],
                 ["translate-project", str(folder), "--to", "en"],
                 ["corpus", "run", str(manifest), "--output", str(tmp_path / "out")]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err == "error: BITEXT_MODELS: 'de-en' is not PAIR=MODEL (e.g. de-en=/path)\n"
    assert not (tmp_path / "out.txt").exists() and not (tmp_path / "out").exists()
    assert english(folder) == []
