"""Bad and hostile documents: a one-line error, and the project already there untouched."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from align.cli import main
from align.errors import InputError
from align.text.readers import read_document

DATA = Path(__file__).resolve().parent / "data" / "formats"

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                  + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                              else b"&lol;" * 10)
                             for i in range(1, 10))
                  + b"]>\n")


def rezip(original: Path, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> bytes:
    """The archive with members replaced or added (compressed, as a zip bomb would be)."""
    out = io.BytesIO()
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info, data, compress_type=info.compress_type)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def project_state(folder: Path) -> tuple:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return tuple((p.relative_to(folder).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
                 for p in files)


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "p"
    assert main(["import", str(DATA / "interview.de.md"), "--project", str(folder)]) == 0
    return folder


def refused(project: Path, path: Path, capsys) -> str:
    """Import `path` into the existing project: exit 2, one line, nothing changed."""
    before = project_state(project)
    capsys.readouterr()
    assert main(["import", str(path), "--project", str(project)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert project_state(project) == before
    return err


@pytest.mark.parametrize("name, member", [("interview.de.docx", "word/media/image1.png"),
                                          ("interview.de.odt", "Pictures/image.png"),
                                          ("story.de.epub", "images/cover.png")])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(name, member, project, tmp_path, capsys):
    bomb = tmp_path / name
    bomb.write_bytes(rezip(DATA / name, add={member: bytes(8 * 1024 * 1024)}))
    assert bomb.stat().st_size < 200_000
    err = refused(project, bomb, capsys)
    assert "zip bomb" in err and member in err


@pytest.mark.parametrize("name, member", [("interview.de.docx", "word/document.xml"),
                                          ("interview.de.odt", "content.xml"),
                                          ("story.de.epub", "story.de_split_001.html")])
def test_xml_entities_are_refused(name, member, project, tmp_path, capsys):
    with zipfile.ZipFile(DATA / name) as z:
        original = z.read(member)
    body = original.split(b"?>", 1)[1] if original.startswith(b"<?xml") else original
    hostile = tmp_path / name
    hostile.write_bytes(rezip(DATA / name, replace={member: BILLION_LAUGHS + body}))
    err = refused(project, hostile, capsys)
    assert "declares XML entities" in err and member in err


def test_an_html_page_with_entities_is_refused(project, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_bytes(BILLION_LAUGHS + b"<html><body><p>&lol9;</p></body></html>")
    assert "declares XML entities" in refused(project, page, capsys)


def test_an_encrypted_pdf_is_refused(project, capsys):
    err = refused(project, DATA / "encrypted.pdf", capsys)
    assert err == ("error: encrypted.pdf: the PDF is encrypted (password-protected); save an "
                   "unprotected copy and try again")


def test_a_pdf_without_text_says_so(project, capsys):
    err = refused(project, DATA / "scanned.pdf", capsys)
    assert "has no text layer" in err


def test_a_huge_file_is_refused_before_it_is_read(project, tmp_path, capsys):
    huge = tmp_path / "huge.epub"
    with huge.open("wb") as fh:      # sparse: nothing is written to disk
        fh.truncate(65 * 1024 * 1024)
    assert "file is too big" in refused(project, huge, capsys)


@pytest.mark.parametrize("name, data, words", [
    ("broken.srt", b"1\nkeine Zeitangabe\nHallo.\n", "not a valid SRT file"),
    ("broken.vtt", b"WEBVTT\n\nkeine Zeit --> auch nicht\nHallo.\n", "no subtitle text found"),
    ("fake.docx", b"just text", "not a valid DOCX file (its content is text)"),
    ("fake.epub", b"PK\x03\x04garbage", "not a valid EPUB file"),
    ("empty.html", b"<html><body><nav>Start</nav></body></html>", "no main text found in this web page"),
])
def test_broken_files_are_refused_in_one_line(name, data, words, project, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(data)
    assert words in refused(project, path, capsys)


def test_a_damaged_docx_is_refused_by_the_reader():
    data = (DATA / "interview.de.docx").read_bytes()
    with pytest.raises(InputError) as info:
        read_document(data[: len(data) // 2], "half.docx")
    assert "\n" not in str(info.value) and str(info.value).startswith("half.docx: ")
