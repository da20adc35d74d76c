"""Bad input, each case with its test: a one-line error, a non-zero exit, and nothing
saved is touched (no partial project, no damaged project made worse)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from align.cli import main
from align.errors import InputError, ProjectError
from align.store import DB_NAME, Project, check_database
from tests.store_writer import make_project

ROOT = Path(__file__).resolve().parent.parent


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_one_line_error(err: str, *needles: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def no_project_left(parent: Path, name: str) -> bool:
    return not (parent / name).exists() and not list(parent.glob(f".{name}.importing-*"))


# ----- files given to `bitext import` -----------------------------------------------------
BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\n\t \n", "empty"),
    "binary.bin": (bytes(range(256)) * 40, "binary"),
    "utf16-no-bom.txt": ("Guten Tag. Wie geht es Ihnen heute? Sehr gut, danke schön."
                         .encode("utf-16-le"), "UTF-16"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_one_line_error_and_no_project(tmp_path, capsys, name):
    data, needle = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = run_cli(capsys, "import", str(path), "--project", str(tmp_path / "proj"))
    assert code == 2
    assert_one_line_error(err, name, needle)
    assert no_project_left(tmp_path, "proj")


def test_fifty_megabyte_file_is_refused_without_a_project(tmp_path, capsys):
    path = tmp_path / "huge.txt"
    line = "Dies ist ein ganz gewöhnlicher deutscher Satz, nur sehr oft wiederholt.\n".encode()
    with path.open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    code, _, err = run_cli(capsys, "import", str(path), "--project", str(tmp_path / "proj"))
    assert code == 2
    assert_one_line_error(err, "too big")
    assert no_project_left(tmp_path, "proj")


def test_missing_file_through_the_real_command_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "align.cli", "import",
                           str(tmp_path / "nope.txt"), "--project", str(tmp_path / "proj")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert_one_line_error(done.stderr, "nope.txt", "no such file")
    assert no_project_left(tmp_path, "proj")


def test_bad_file_into_an_existing_project_changes_nothing(tmp_path, capsys):
    directory = make_project(tmp_path / "proj")
    before = (directory / DB_NAME).read_bytes()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02" * 1000)
    code, _, err = run_cli(capsys, "import", str(bad), "--project", str(directory))
    assert code == 2 and "binary" in err
    assert (directory / DB_NAME).read_bytes() == before
    assert not (directory / "backups").exists()


# ----- text is stored exactly -------------------------------------------------------------
HOSTILE = [
    '<script>alert("x")</script> & <b>bold</b> &amp; &lt;tag&gt;',
    "<img src=x onerror=alert(1)>",
    "{{7*7}} ${jndi:ldap://x} '; DROP TABLE segments; --",
    "NUL\x00inside and a bell\x07 and a tab\tend",
    "\u202eRTL override\u202c, zero\u200bwidth, 😀, 你好",
    unicodedata.normalize("NFD", "Grüße, Café"),     # decomposed stays decomposed
]


@pytest.mark.parametrize("text", HOSTILE)
def test_store_keeps_markup_and_odd_characters_byte_exact(tmp_path, text):
    directory = make_project(tmp_path / "p", blocks=1, per_block=2)
    with Project.open(directory) as project:
        seg = project.target_segments("en")[0]
        saved = project.edit_segment(seg.id, text, seg.version)
        assert saved.text == text
        backup = project.backup("exact")
    raw = sqlite3.connect(str(directory / DB_NAME))
    try:
        blob = raw.execute("SELECT CAST(text AS BLOB) FROM segments WHERE id=?",
                           (seg.id,)).fetchone()[0]
    finally:
        raw.close()
    assert blob == text.encode("utf-8")
    with Project.open(directory) as project:
        project.restore(backup)
        assert project.segment(seg.id).text == text
        assert project.history(seg.id)[-1].new_value is not None


def test_imported_markup_is_kept_as_text(tmp_path, capsys):
    source = tmp_path / "markup.txt"
    sentence = 'Er schrieb <script>alert("hallo")</script> in das Feld und <b>nichts</b> passierte.'
    source.write_text(f"{sentence}\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "import", str(source), "--project", str(tmp_path / "p"))
    assert code == 0, err
    with Project.open(tmp_path / "p") as project:
        assert [s.text for s in project.source_segments()] == [sentence]


def test_lone_surrogates_are_refused_and_nothing_is_saved(tmp_path):
    directory = make_project(tmp_path / "p", blocks=1, per_block=1)
    with Project.open(directory) as project:
        seg = project.target_segments("en")[0]
        with pytest.raises(InputError, match="not valid Unicode"):
            project.edit_segment(seg.id, "broken \ud800 text", seg.version)
        assert project.segment(seg.id) == seg


# ----- a damaged project database ---------------------------------------------------------
def _corrupt_root_page(db: Path) -> None:
    conn = sqlite3.connect(str(db))
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='segments'").fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(bytes([0xA5]) * page_size)


def _other_database(db: Path) -> None:
    db.unlink()
    conn = sqlite3.connect(str(db))
    conn.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()


def _future_schema(db: Path) -> None:
    conn = sqlite3.connect(str(db))
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()


CORRUPTIONS = {
    "garbage": (lambda db: db.write_bytes(b"this is not a database\n" * 500), "damaged"),
    "truncated": (lambda db: db.write_bytes(db.read_bytes()[:len(db.read_bytes()) // 3]),
                  "damaged"),
    "bad-page": (_corrupt_root_page, "damaged"),
    "header": (lambda db: db.write_bytes(b"\x00" * 100 + db.read_bytes()[100:]), "damaged"),
    "empty-file": (lambda db: db.write_bytes(b""), "not a bitext project"),
    "other-database": (_other_database, "not a bitext project"),
    "future-schema": (_future_schema, "another version of bitext"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_damaged_database_gives_a_clear_error_and_restore_recovers(tmp_path, capsys, kind):
    corrupt, needle = CORRUPTIONS[kind]
    directory = make_project(tmp_path / "p", blocks=4, per_block=25)
    with Project.open(directory) as project:
        seg = project.target_segments("en")[0]
        project.edit_segment(seg.id, "Saved before the damage.", seg.version)
        project.backup("good")
    db = directory / DB_NAME
    corrupt(db)
    damaged = db.read_bytes()
    for _ in range(3):  # the same clear error every time: no crash loop, nothing rewritten
        with pytest.raises(ProjectError) as err:
            Project.open(directory)
        assert needle in str(err.value) and "bitext restore" in str(err.value)
        assert "\n" not in str(err.value)
        code, _, out_err = run_cli(capsys, "show", str(directory))
        assert code == 2
        assert_one_line_error(out_err, needle)
        assert db.read_bytes() == damaged
    code, out, err = run_cli(capsys, "restore", str(directory))
    assert code == 0, err
    assert check_database(db) is None
    with Project.open(directory) as project:
        assert project.segment(seg.id).text == "Saved before the damage."
    kept = list(directory.glob(f"{DB_NAME}.damaged-*"))
    assert [k for k in kept if not k.name.endswith(("-wal", "-shm"))][0].read_bytes() == damaged


def test_damaged_database_without_backup_says_so(tmp_path, capsys):
    directory = make_project(tmp_path / "p", blocks=1, per_block=2)
    (directory / DB_NAME).write_bytes(b"junk" * 100)
    code, _, err = run_cli(capsys, "restore", str(directory))
    assert code == 2
    assert_one_line_error(err, "no backups")
    assert (directory / DB_NAME).read_bytes() == b"junk" * 100
