"""CLI edge cases found by a new-user review: each gives one clear line, never a traceback."""
from __future__ import annotations

import pytest

from align.cli import main
from align.errors import InputError
from align.text.languages import check_language

INTERVIEW = "data/davos_interview_de.txt"


@pytest.mark.parametrize("code,expected", [("de", "de"), ("de_AT", "de-at"), ("zh-Hans", "zh-hans"),
                                           ("FR", "fr")])
def test_known_language_codes_are_normalised(code, expected):
    assert check_language(code) == expected


@pytest.mark.parametrize("code", ["xx", "", "deutsch", "12"])
def test_unknown_language_codes_are_refused(code):
    with pytest.raises(InputError, match="unknown language code"):
        check_language(code)


@pytest.mark.parametrize("argv", [
    ["segment", INTERVIEW, "--lang", "xx"],
    ["import", INTERVIEW, "--project", "{tmp}/p", "--lang", "xx"],
    ["import", INTERVIEW, "--project", "/dev/null/x"],
])
def test_one_line_error_and_exit_2(argv, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "p").exists()


def test_keep_apart_of_an_unmerged_label_warns(capsys):
    assert main(["segment", INTERVIEW, "--keep-apart", "Nobody"]) == 0
    assert "no speaker label 'Nobody' was merged" in capsys.readouterr().err


def test_restore_twice_does_not_undo_the_first_restore(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["import", INTERVIEW, "--project", str(project)]) == 0
    assert main(["backup", str(project)]) == 0
    manual = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["restore", str(project)]) == 0
    assert main(["restore", str(project)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    # Both runs name the manual snapshot they restored, not the safety copy of the first.
    assert all(line.startswith(f"restored {manual.rsplit('/', 1)[-1]}") for line in out)


def test_speaker_merge_can_be_undone_and_redone(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["import", INTERVIEW, "--project", str(project)]) == 0
    capsys.readouterr()
    assert main(["speakers", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Sorkin: 16 turns" in out and "Solkin -> Sorkin: merged" in out
    assert main(["speakers", str(project), "--keep-apart", "Solkin"]) == 0
    out = capsys.readouterr().out
    assert "Sorkin: 8 turns" in out and "Solkin: 8 turns" in out and "kept apart" in out
    assert main(["speakers", str(project), "--merge", "Solkin"]) == 0
    assert "Sorkin: 16 turns" in capsys.readouterr().out
    assert main(["speakers", str(project), "--keep-apart", "Nobody"]) == 2
    assert "never merged" in capsys.readouterr().err
