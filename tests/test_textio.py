"""Reading user text: accepted encodings, normalisation, and every kind of refusal."""
from __future__ import annotations

import codecs
import random
import unicodedata
from pathlib import Path

import pytest

from align.errors import InputError
from align.text.textio import decode_text, normalize_text, read_text_file

GERMAN = "Grüße aus Köln. Über „Fälschungen“ sprach Jack Ma – 45.000 Mitarbeiter, 100 %!\n"
CHINESE = "我们不招人。阿里巴巴有四万五千名员工！你觉得呢？全球化是好事，但需要优化。\n"


@pytest.mark.parametrize("data, expected", [
    (GERMAN.encode("utf-8"), GERMAN),
    (codecs.BOM_UTF8 + GERMAN.encode("utf-8"), GERMAN),
    (GERMAN.encode("utf-16"), GERMAN),  # Python writes a BOM
    (codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), GERMAN),
    (GERMAN.encode("utf-32"), GERMAN),
    (GERMAN.encode("cp1252"), GERMAN),
    ("Grüße aus Köln. Die Straße ist schön, Äpfel und Öl.\n".encode("latin-1"),
     "Grüße aus Köln. Die Straße ist schön, Äpfel und Öl.\n"),
    # Short Latin-1 text that charset-normalizer alone takes for Big5.
    ("Ein kurzer Text über Öl.".encode("latin-1"), "Ein kurzer Text über Öl."),
    ("Où est la bibliothèque ? C'est très élégant, à côté du café.".encode("latin-1"),
     "Où est la bibliothèque ? C'est très élégant, à côté du café."),
    ((CHINESE * 2).encode("gb18030"), CHINESE * 2),
], ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom", "utf32-bom", "cp1252", "latin1",
        "latin1-short", "latin1-french", "gb18030"])
def test_decodes_supported_encodings(data, expected):
    assert decode_text(data, "t.txt") == expected


@pytest.mark.parametrize("raw, expected", [
    ("a\r\nb\rc\n", "a\nb\nc\n"),
    ("Zeile\u2028zwei\u2029drei", "Zeile\nzwei\ndrei"),
    ("Ko\u0308ln", "Köln"),  # decomposed umlaut -> NFC
    ("\ufeffText", "Text"),
])
def test_normalises_newlines_unicode_and_bom(raw, expected):
    assert normalize_text(raw) == expected
    assert decode_text(raw.encode("utf-8"), "x") == expected
    assert unicodedata.is_normalized("NFC", normalize_text(raw))


def _random_bytes(n: int, seed: int, low: int = 1) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(n))


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\t\r\n ", "empty"),
    (codecs.BOM_UTF8 + b"  \n", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64) + b"IHDR", "binary"),
    (b"hello\x07world, a bell in text", "control character"),
    ("Text mit\x1bEscape".encode("utf-8"), "control character"),
    (GERMAN.encode("utf-16-le"), "UTF-16 (little-endian) without a byte-order mark"),
    (GERMAN.encode("utf-16-be"), "UTF-16 (big-endian) without a byte-order mark"),
    (_random_bytes(3000, seed=1), "cannot be recognised"),
    (_random_bytes(3000, seed=2, low=0x20), "cannot be recognised"),
    (b"PK\x03\x04" + _random_bytes(500, seed=3), "cannot be recognised"),
    # CJK UTF-16 without BOM has no NUL bytes: refused, never shown as mojibake.
    ("我们不招人。阿里巴巴有员工！".encode("utf-16-le"), "cannot be recognised"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),  # lone surrogate
], ids=["empty", "whitespace", "bom-only", "png", "bell", "escape", "utf16le-no-bom",
        "utf16be-no-bom", "random", "random-printable", "zip", "cjk-utf16-no-bom",
        "broken-utf16"])
def test_refuses_bad_input_with_one_line_naming_the_file(data, message):
    with pytest.raises(InputError) as info:
        decode_text(data, "upload.txt")
    text = str(info.value)
    assert message in text
    assert text.startswith("upload.txt: ")
    assert "\n" not in text


def test_reads_a_file(tmp_path: Path):
    path = tmp_path / "interview.txt"
    path.write_bytes(codecs.BOM_UTF8 + GERMAN.replace("\n", "\r\n").encode("utf-8"))
    assert read_text_file(path) == GERMAN


def test_missing_path(tmp_path: Path):
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_text_file(tmp_path / "nope.txt")


def test_directory(tmp_path: Path):
    with pytest.raises(InputError, match="is a directory"):
        read_text_file(tmp_path)


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        read_text_file(path)


def test_latin1_file(tmp_path: Path):
    path = tmp_path / "alt.txt"
    path.write_bytes("Grüße aus Köln. Die Straße ist schön.".encode("latin-1"))
    assert read_text_file(path) == "Grüße aus Köln. Die Straße ist schön."


def test_utf16_file_without_bom(tmp_path: Path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(GERMAN.encode("utf-16-le"))
    with pytest.raises(InputError, match=r"utf16\.txt: looks like UTF-16"):
        read_text_file(path)


def test_binary_file(tmp_path: Path):
    path = tmp_path / "program.bin"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    with pytest.raises(InputError, match=r"program\.bin: looks like a binary file"):
        read_text_file(path)


def test_50_mb_file_is_refused_before_reading(tmp_path: Path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: no 50 MB written to disk
        fh.truncate(50 * 1024 * 1024)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    with pytest.raises(InputError, match=r"huge\.txt: file is too big \(50\.0 MiB; the limit is 20\.0 MiB\)"):
        read_text_file(path)
    assert opened == []  # refused from its size alone


def test_limit_is_a_parameter(tmp_path: Path):
    path = tmp_path / "small.txt"
    path.write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match="too big"):
        read_text_file(path, max_bytes=1000)
    assert read_text_file(path, max_bytes=2000) == "x" * 2000


@pytest.mark.parametrize("text, message", [
    ("", "pasted text: the text is empty"),
    (" \n \t", "pasted text: the text is empty"),
    ("abc\x00def", "control character (U+0000 on line 1)"),
    ("ok\nok\n\x85\x9b", "control character (U+009B on line 4)"),
])
def test_pasted_text_refusals(text, message):
    with pytest.raises(InputError) as info:
        normalize_text(text)
    assert message in str(info.value)
