"""`bitext import / show / backup / backups / restore / check` through the real command line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from align.cli import main
from align.store import DB_NAME, Project

ROOT = Path(__file__).resolve().parent.parent
INTERVIEW = ROOT / "data" / "davos_interview_de.txt"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """The interview imported once through a real `python -m align.cli` process."""
    directory = tmp_path_factory.mktemp("cli") / "davos"
    done = subprocess.run([sys.executable, "-m", "align.cli", "import", str(INTERVIEW),
                           "--project", str(directory)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"created {directory}: ")
    return directory


@pytest.fixture
def project_dir(imported, tmp_path) -> Path:
    """A private copy (through the backup API) so tests can change it."""
    directory = tmp_path / "davos"
    directory.mkdir()
    with Project.open(imported) as src:
        src.backup("copy")
        copy = src.list_backups()[-1]
    copy.rename(directory / DB_NAME)
    return directory


def translate_some(directory: Path) -> dict[str, str]:
    """MT for the first 10 sentences in English; edit 3, review 1 of them."""
    with Project.open(directory) as p:
        for s in p.source_segments()[:10]:
            p.set_machine_translation(s.id, "en", f"EN: {s.text}", {"model": "typed"})
        targets = p.target_segments("en")
        fixes = {}
        for t in targets[:3]:
            fixes[t.id] = p.edit_segment(t.id, f"Fixed: {t.text}", t.version).text
        p.set_status(targets[3].id, "reviewed", targets[3].version)
    return fixes


def test_show_prints_a_readable_summary(project_dir, capsys):
    translate_some(project_dir)
    code, out, err = cli(capsys, "show", project_dir)
    assert code == 0, err
    assert "document:  davos_interview_de (davos_interview_de.txt, de)" in out
    with Project.open(project_dir) as p:
        s = p.summary()
    blocks_line = "blocks:    " + ", ".join(f"{n} {k}" for k, n in sorted(s.blocks.items()))
    assert blocks_line in out and "turn" in blocks_line
    assert f"sentences: {s.sentences} ({s.excluded_sentences} excluded as boilerplate)" in out
    assert "Sorkin:" in out and "merged: Solkin" in out and "Jack Ma:" in out
    included = s.sentences - s.excluded_sentences
    assert (f"en: 10/{included} de sentences translated; 10 en sentences - 6 mt, 0 imported, 3 edited, "
            f"1 reviewed; 10 links\n") in out + "\n"


def test_show_counts_unaligned_sentences_apart_from_links(project_dir, capsys):
    translate_some(project_dir)
    with Project.open(project_dir) as p:
        first, *rest = p.links("en", p.links("en")[0].block_id)
        # the first English sentence becomes a 0:1 link, its source sentence a 1:0 link
        p.replace_links(first.block_id, "en", [(first.src_ids, (), None), ((), first.tgt_ids, None)]
                        + [(l.src_ids, l.tgt_ids, l.score) for l in rest])
    code, out, err = cli(capsys, "show", project_dir)
    assert code == 0, err
    assert "; 9 links, 2 sentences unaligned" in out


def test_show_without_translations_says_how_to_make_them(project_dir, capsys):
    code, out, _ = cli(capsys, "show", project_dir)
    assert code == 0 and "translations: none yet" in out


def test_reimporting_the_same_file_keeps_every_translation(project_dir, capsys):
    fixes = translate_some(project_dir)
    code, out, err = cli(capsys, "import", INTERVIEW, "--project", project_dir)
    assert code == 0, err
    assert out.startswith(f"re-imported into {project_dir}")
    assert " 0 new, 0 no longer in the text" in out
    with Project.open(project_dir) as p:
        for seg_id, text in fixes.items():
            assert p.segment(seg_id).text == text and p.segment(seg_id).active
        assert len(p.target_segments("en")) == 10
        assert any("before-reimport" in b.name for b in p.list_backups())


def test_reimporting_a_changed_file_keeps_corrections_visible(project_dir, tmp_path, capsys):
    fixes = translate_some(project_dir)
    with Project.open(project_dir) as p:
        first_three = [s.text for s in p.source_segments()[:3]]
    text = INTERVIEW.read_text(encoding="utf-8")
    # The first sentence disappears from the text; the others stay.
    assert first_three[0] in text
    changed = tmp_path / "davos_interview_de.txt"
    changed.write_text(text.replace(first_three[0], "", 1), encoding="utf-8")
    code, out, err = cli(capsys, "import", changed, "--project", project_dir)
    assert code == 0, err
    with Project.open(project_dir) as p:
        live = {t.text for t in p.target_segments("en")}
        orphans = {o.text for o in p.orphans()}
        for text in fixes.values():
            assert text in live or text in orphans
        assert orphans, "the removed sentence's correction must stay visible"
    code, out, _ = cli(capsys, "show", project_dir)
    assert "orphaned human translations kept: 1" in out


def test_backup_backups_restore_and_check(project_dir, capsys):
    code, out, _ = cli(capsys, "backup", project_dir)
    assert code == 0
    backup = Path(out.strip())
    assert backup.is_file() and backup.parent == project_dir / "backups"
    code, out, _ = cli(capsys, "backups", project_dir)
    assert str(backup) in out.splitlines()
    fixes = translate_some(project_dir)
    code, out, err = cli(capsys, "restore", project_dir, backup.name)
    assert code == 0, err
    assert out.startswith(f"restored {backup.name}; the state before the restore was saved as")
    with Project.open(project_dir) as p:
        assert p.target_segments("en") == []
    code, out, _ = cli(capsys, "check", project_dir)
    assert code == 0 and out.strip().endswith(": ok")
    # The state before the restore is itself a backup: restoring it brings the work back.
    code, out, err = cli(capsys, "restore", project_dir, _newest_before_restore(project_dir))
    assert code == 0, err
    with Project.open(project_dir) as p:
        assert {p.segment(i).text for i in fixes} == set(fixes.values())


def _newest_before_restore(directory: Path) -> str:
    return sorted(p.name for p in (directory / "backups").glob("*before-restore.sqlite"))[-1]


def test_check_reports_damage_in_one_line(project_dir, capsys):
    (project_dir / DB_NAME).write_bytes(b"scrambled" * 500)
    code, _, err = cli(capsys, "check", project_dir)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "bitext restore" in err


@pytest.mark.parametrize("command", ["show", "backup", "backups", "check", "restore"])
def test_commands_on_a_folder_that_is_not_a_project(tmp_path, capsys, command):
    (tmp_path / "empty").mkdir()
    code, _, err = cli(capsys, command, tmp_path / "empty")
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_import_into_a_path_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("x")
    code, _, err = cli(capsys, "import", INTERVIEW, "--project", target)
    assert code == 2 and "not a folder" in err
    assert target.read_text() == "x"
