"""Upload and export names can never leave the folder they are meant for."""
from __future__ import annotations

import os

import pytest

from align.errors import InputError
from align.safepath import check_file_name, safe_output_path

REFUSED = [
    ("../../etc/passwd", "separator"),
    ("..", "not a file name"),
    (".", "not a file name"),
    ("...", "not a file name"),
    ("/etc/passwd", "separator"),
    ("sub/file.tmx", "separator"),
    ("..\\..\\windows\\system32", "separator"),
    ("C:evil.txt", "drive"),
    ("name\x00.txt", "control"),
    ("line\nbreak.txt", "control"),
    ("", "empty"),
    ("   ", "empty"),
    (".bashrc", "hidden"),
    ("CON", "reserved"),
    ("nul.txt", "reserved"),
    ("a" * 256, "longer"),
    ("bad\udc80.txt", "Unicode"),
]


@pytest.mark.parametrize("name,why", REFUSED)
def test_refused_names(tmp_path, name, why):
    with pytest.raises(InputError, match=why):
        safe_output_path(tmp_path, name)


@pytest.mark.parametrize("name", ["interview.tmx", "Grüße aus München.tsv", "访谈.jsonl",
                                  "a..b.txt", "export (2).xliff"])
def test_plain_names_land_inside_the_folder(tmp_path, name):
    path = safe_output_path(tmp_path, name)
    assert path == tmp_path.resolve() / name
    assert check_file_name(name) == name


def test_a_symlink_planted_in_the_folder_cannot_redirect_the_write(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "exports"
    base.mkdir()
    os.symlink(outside / "target.txt", base / "link.txt")
    with pytest.raises(InputError, match="outside"):
        safe_output_path(base, "link.txt")


def test_error_messages_are_one_line_even_for_hostile_names(tmp_path):
    with pytest.raises(InputError) as err:
        safe_output_path(tmp_path, "a\nb\r\x1b[31mred")
    assert "\n" not in str(err.value) and "\x1b" not in str(err.value)
