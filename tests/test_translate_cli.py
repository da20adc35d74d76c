"""`bitext translate`: one sentence per line in, exactly one per line out."""
import pytest

from align.cli import main
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian, interview_sentences

SENTENCES = interview_sentences()


@pytest.fixture(scope="module")
def tiny():
    return cached_tiny_marian()


def run(tmp_path, model, lines, *extra):
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("".join(l + "\n" for l in lines), encoding="utf-8")
    args = ["translate", "--input", str(src), "--output", str(dst), "--max-length", "12",
            "--threads", "1", "--cache-dir", str(tmp_path / "cache"), *extra]
    for m in ([model] if not isinstance(model, list) else model):
        args += ["--model", str(m)]
    return main(args), dst


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_line_count_is_kept(tiny, tmp_path, capsys, backend):
    longest = max(SENTENCES, key=len)
    lines = SENTENCES[:20] + ["", longest, "Nochmals willkommen, Herr Jack Ma!"]
    code, out = run(tmp_path, tiny, lines, "--backend", backend, "--batch-size", "4", "--beam", "2")
    assert code == 0
    written = out.read_text(encoding="utf-8").split("\n")
    assert written[-1] == "" and len(written) - 1 == len(lines)
    assert written[20] == ""
    assert all(written[i] for i in range(len(lines)) if i != 20)
    err = capsys.readouterr().err
    assert f"line {len(lines) - 1}: split into" in err     # the user is told
    assert f"translated {len(lines)} lines (0 from the cache)" in err


def test_second_run_comes_from_the_cache(tiny, tmp_path, capsys):
    lines = SENTENCES[:5]
    run(tmp_path, tiny, lines)
    first = (tmp_path / "out.txt").read_text(encoding="utf-8")
    capsys.readouterr()
    code, out = run(tmp_path, tiny, lines)
    assert code == 0 and out.read_text(encoding="utf-8") == first
    assert "translated 5 lines (5 from the cache)" in capsys.readouterr().err


def test_pivot_with_two_models_and_target_token(tiny, tmp_path):
    multi = cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)
    code, out = run(tmp_path, [tiny, multi], SENTENCES[:4], "--target-token", ">>cmn_Hant<<")
    assert code == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_unsupported_target_token_is_a_one_line_error(tmp_path, capsys):
    multi = cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)
    code, out = run(tmp_path, multi, SENTENCES[:2], "--target-token", ">>deu<<")
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: model") and "supported: >>cmn_Hans<< >>cmn_Hant<< >>yue_Hant<<" in err


def test_missing_input_and_missing_model(tiny, tmp_path, capsys):
    assert main(["translate", "--model", str(tiny), "--input", str(tmp_path / "none.txt"),
                 "--output", str(tmp_path / "o.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "in.txt").write_text("Hallo.\n", encoding="utf-8")
    assert main(["translate", "--model", "de-en", "--input", str(tmp_path / "in.txt"),
                 "--output", str(tmp_path / "o.txt"), "--cache-dir", str(tmp_path / "c")]) == 2
    assert "fetch it with: bitext models pull de-en" in capsys.readouterr().err


def test_non_utf8_input_is_refused(tiny, tmp_path, capsys):
    (tmp_path / "in.txt").write_bytes("Grüße\n".encode("latin-1"))
    assert main(["translate", "--model", str(tiny), "--input", str(tmp_path / "in.txt"),
                 "--output", str(tmp_path / "o.txt")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_lines_are_newline_separated_only(tiny, tmp_path):
    """CRLF files and odd separators inside a line must not change the line count."""
    src, dst = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes("Erster Satz.\r\nZweiter\u2028Satz.\x0cNoch.\r\nDritter Satz.".encode("utf-8"))
    assert main(["translate", "--model", str(tiny), "--input", str(src), "--output", str(dst),
                 "--max-length", "8", "--threads", "1", "--no-cache"]) == 0
    assert len(dst.read_text(encoding="utf-8").split("\n")) - 1 == 3


def test_translate_project_without_a_terminal_prints_plain_progress_lines(tiny, tmp_path, capsys,
                                                                          monkeypatch):
    """Piped to a log (the bench, a cron job) tqdm draws nothing: a long run still says how
    far it is, in plain lines (issue 21: nothing silent for minutes)."""
    import align.cli.translate as cli_translate
    from align.store import Project
    from tests.conftest import make_interview_project

    monkeypatch.setattr(cli_translate, "PLAIN_PROGRESS_S", 0)
    folder = make_interview_project(tmp_path / "p")
    with Project.open(folder) as p:
        todo = len(p.segments_needing_translation("en"))
    assert todo > 32
    assert main(["translate-project", str(folder), "--to", "en", "--model", f"de-en={tiny}",
                 "--max-length", "12", "--threads", "1", "--backend", "torch",
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    err = capsys.readouterr().err
    assert f"translating project: 32 of {todo} sentences" in err
