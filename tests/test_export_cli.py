"""`bitext export` and `bitext import-translation` as a user runs them."""
from __future__ import annotations

import json
import os
import stat

import pytest

from align.cli import main
from align.formats import tsv
from align.store import Project
from tests.test_formats_roundtrip import ENGLISH, make_sample_project, sample_document


@pytest.fixture
def project_dir(tmp_path):
    return make_sample_project(tmp_path / "project")


def fresh(tmp_path, name="copy"):
    directory = tmp_path / name
    with Project.create(directory) as project:
        project.import_document(sample_document(), "sample.txt", "sample")
    return directory


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_export_every_format(project_dir, tmp_path, capsys):
    for fmt, name in [("tmx", "a.tmx"), ("tsv", "a.tsv"), ("jsonl", "a.jsonl")]:
        code, out, _ = run(capsys, "export", project_dir, "--format", fmt, "--output", tmp_path / name)
        assert code == 0 and "6 units (de, en, zh)" in out
    rows = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["translation"]["en"] == ENGLISH[0] and rows[0]["status"]["en"] == "reviewed"
    assert tsv.read((tmp_path / "a.tsv").read_bytes()).langs == ("de", "en", "zh")
    code, out, _ = run(capsys, "export", project_dir, "--format", "moses", "--langs", "de,en",
                       "--output", tmp_path / "corpus")
    assert code == 0
    de = (tmp_path / "corpus.de").read_text(encoding="utf-8").splitlines()
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert len(de) == len(en) == 7 and en[0] == ENGLISH[0]
    assert not (tmp_path / "corpus.zh").exists()
    code, out, _ = run(capsys, "export", project_dir, "--format", "xliff", "--langs", "de,en",
                       "--status", "reviewed", "--output", tmp_path / "a.xlf")
    assert code == 0 and "2 units (de, en)" in out and "left out 5 units below status reviewed" in out


def test_boilerplate_only_when_asked(project_dir, tmp_path, capsys):
    run(capsys, "export", project_dir, "--format", "moses", "--langs", "de,en", "--output", tmp_path / "c")
    assert "Qingyun" not in (tmp_path / "c.de").read_text(encoding="utf-8")
    run(capsys, "export", project_dir, "--format", "moses", "--langs", "de,en",
        "--include-boilerplate", "--output", tmp_path / "d")
    assert "Qingyun" in (tmp_path / "d.de").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, message", [
    (["--format", "xliff"], "xliff holds one language pair"),
    (["--format", "tmx", "--langs", "de,fr"], "the project has no fr text"),
    (["--format", "tmx", "--langs", "en"], "at least two languages"),
    (["--format", "tsv", "--langs", "zh,de"], "the source language must come first in --langs (e.g. --langs de,zh)"),
    (["--format", "xliff", "--langs", "en,de"], "the source language must come first"),
])
def test_export_errors_are_one_line(project_dir, tmp_path, capsys, argv, message):
    code, _, err = run(capsys, "export", project_dir, *argv, "--output", tmp_path / "x.out")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "x.out").exists()


def test_output_paths_are_checked(project_dir, tmp_path, capsys):
    code, _, err = run(capsys, "export", project_dir, "--format", "tmx", "--output",
                       tmp_path / "missing" / "a.tmx")
    assert code == 2 and "no such folder" in err
    code, _, err = run(capsys, "export", project_dir, "--format", "tmx", "--output", tmp_path)
    assert code == 2 and "is a folder" in err
    code, _, err = run(capsys, "export", project_dir, "--format", "tmx", "--output",
                       project_dir / "project.sqlite")
    assert code == 2 and "project database" in err
    target = tmp_path / "a.tmx"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "export", project_dir, "--format", "tmx", "--output", target)
    assert code == 2 and "exists; use --force" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run(capsys, "export", project_dir, "--format", "tmx", "--output", target, "--force")
    assert code == 0 and target.read_bytes().startswith(b"<?xml")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")] == []


def test_export_files_get_the_umask_mode(project_dir, tmp_path, capsys):
    old = os.umask(0o022)
    try:
        run(capsys, "export", project_dir, "--format", "tmx", "--output", tmp_path / "a.tmx")
        run(capsys, "export", project_dir, "--format", "moses", "--langs", "de,en",
            "--output", tmp_path / "m")
        os.umask(0o027)
        run(capsys, "export", project_dir, "--format", "tsv", "--output", tmp_path / "a.tsv")
    finally:
        os.umask(old)
    mode = lambda name: stat.S_IMODE((tmp_path / name).stat().st_mode)
    assert [mode("a.tmx"), mode("m.de"), mode("m.en")] == [0o644] * 3
    assert mode("a.tsv") == 0o640


def test_target_langs_keep_their_order(project_dir, tmp_path, capsys):
    code, out, _ = run(capsys, "export", project_dir, "--format", "tsv", "--langs", "de,zh,en",
                       "--output", tmp_path / "a.tsv")
    assert code == 0 and "(de, zh, en)" in out
    header = (tmp_path / "a.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header[2:5] == ["de", "zh", "en"]


def test_output_dash_is_stdout(project_dir, tmp_path, capsys, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    code, out, err = run(capsys, "export", project_dir, "--format", "jsonl", "--output", "-")
    assert code == 0 and not (here / "-").exists()
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 6 and set(rows[0]["translation"]) == {"de", "en", "zh"}
    assert "wrote standard output: 6 units" in err
    code, out, err = run(capsys, "export", project_dir, "--format", "moses", "--output", "-")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "give --output a file name prefix" in err
    assert list(here.iterdir()) == []


def test_export_then_import_translation(project_dir, tmp_path, capsys):
    run(capsys, "export", project_dir, "--format", "tmx", "--output", tmp_path / "all.tmx")
    copy = fresh(tmp_path)
    for lang in ("en", "zh"):
        code, out, _ = run(capsys, "import-translation", copy, "--lang", lang, tmp_path / "all.tmx")
        assert code == 0 and f"imported 6 of 6 {lang} units" in out
    run(capsys, "export", copy, "--format", "tmx", "--output", tmp_path / "again.tmx")
    original = (tmp_path / "all.tmx").read_text(encoding="utf-8")
    again = (tmp_path / "again.tmx").read_text(encoding="utf-8")
    strip = (lambda text: "\n".join(line for line in text.splitlines()
                                    if "x-origin" not in line and "creationdate" not in line))
    assert strip(again) == strip(original)


def test_import_a_file_from_another_text_changes_nothing(project_dir, tmp_path, capsys):
    other = tmp_path / "other.tsv"
    other.write_text("turn\tspeaker\tde\ten\n1\t\tGanz anders.\tQuite different.\n", encoding="utf-8")
    with Project.open(project_dir) as project:
        before = list(project.conn.iterdump())
    code, _, err = run(capsys, "import-translation", project_dir, "--lang", "en", other)
    assert code == 2 and "none of its 1 units matches" in err
    with Project.open(project_dir) as project:
        assert list(project.conn.iterdump()) == before
    code, _, err = run(capsys, "import-translation", project_dir, "--lang", "de", other)
    assert code == 2 and "de is the project's source language" in err
    with Project.open(project_dir) as project:
        assert list(project.conn.iterdump()) == before


ENGLISH_TEXT = """Early in the morning Jack Ma was interviewed in Davos. It is said that this was \
the most popular dialogue at the Davos Forum.

Sorkin: Welcome again, Mr Jack Ma! You have just met Donald Trump. Can you tell us about this meeting?

Jack Ma: The meeting was productive, much better than I had expected. Alibaba has 45,000 employees.
"""


@pytest.mark.slow
def test_import_plain_text_translation_is_aligned(tmp_path, capsys):
    """A human translation as plain text, aligned with the real sentence encoder (e5)."""
    copy = fresh(tmp_path)
    path = tmp_path / "translation_en.txt"
    path.write_text(ENGLISH_TEXT, encoding="utf-8")
    code, out, err = run(capsys, "import-translation", copy, "--lang", "en", path)
    assert code == 0, err
    assert "imported 7 en sentences" in out
    with Project.open(copy) as project:
        source = {s.id: s.text for s in project.source_segments()}
        target = {t.id: t.text for t in project.target_segments("en")}
        pairs = [([source[i] for i in link.src_ids], [target[t] for t in link.tgt_ids])
                 for link in project.links("en")]
    # Speaker labels are not part of the sentences; the 2:1 is found.
    assert (["Nochmals willkommen, Herr Jack Ma!"], ["Welcome again, Mr Jack Ma!"]) in pairs
    assert (["Das Treffen war produktiv.", "Es war viel besser, als ich erwartet hatte."],
            ["The meeting was productive, much better than I had expected."]) in pairs
    assert (["Alibaba hat 45.000 Mitarbeiter."], ["Alibaba has 45,000 employees."]) in pairs
    assert len(pairs) == 7


CHINESE_TEXT = """清晨，马云在达沃斯接受了采访。据说这是达沃斯论坛上最受欢迎的对话。

索金：再次欢迎马云先生！你刚刚见了特朗普。能谈谈这次会面吗？

马云：会谈很有成效，比我预想的好得多。阿里巴巴有45000名员工。
"""


@pytest.mark.slow
def test_import_chinese_transcript_drops_its_own_speaker_labels(tmp_path, capsys):
    """The translation's labels ("马云：") are not the project's ("Jack Ma"), yet they are found
    in the translation itself and kept out of the sentences."""
    copy = fresh(tmp_path)
    path = tmp_path / "translation_zh.txt"
    path.write_text(CHINESE_TEXT, encoding="utf-8")
    code, out, err = run(capsys, "import-translation", copy, "--lang", "zh", path)
    assert code == 0, err
    with Project.open(copy) as project:
        texts = [t.text for t in project.target_segments("zh")]
    assert "再次欢迎马云先生！" in texts and "会谈很有成效，比我预想的好得多。" in texts
    assert not any(t.startswith(("索金", "马云：")) for t in texts)


def test_every_line_break_ends_a_sentence():
    from align.imports.translation import split_lines

    text = "Hello world\nHow are you\n\nFine thanks. And you?\r\nAlso fine\n"
    assert split_lines(text, "en") == ["Hello world", "How are you", "Fine thanks.", "And you?",
                                       "Also fine"]


@pytest.mark.slow
def test_import_one_sentence_per_line(tmp_path, capsys):
    """A line-per-sentence file without final punctuation (as a Moses export) imports line by line."""
    source = tmp_path / "tp.txt"
    source.write_text("Anna: Hallo Welt. Wie geht es dir?\nBen: Gut, danke. Und dir?\n"
                      "Anna: Auch gut.\nBen: Schön.\n", encoding="utf-8")
    assert run(capsys, "import", source, "--project", tmp_path / "tp")[0] == 0
    lines = tmp_path / "tp.en"
    lines.write_text("Hello world\nHow are you\nFine thanks\nAnd you\nAlso fine\nNice\n", encoding="utf-8")
    code, out, err = run(capsys, "import-translation", tmp_path / "tp", "--lang", "en", lines)
    assert code == 0, err
    assert "imported 6 en sentences" in out
    with Project.open(tmp_path / "tp") as project:
        source = {s.id: s.text for s in project.source_segments()}
        target = {t.id: t.text for t in project.target_segments("en")}
        pairs = [([source[i] for i in link.src_ids], [target[t] for t in link.tgt_ids])
                 for link in project.links("en")]
    assert (["Hallo Welt."], ["Hello world"]) in pairs
    assert (["Und dir?"], ["And you"]) in pairs
