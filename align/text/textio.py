"""Reading user text: files and pasted strings become clean, NFC-normalised Python text.

Every refusal is an `InputError` whose one-line message names the file and says what
was wrong, so the CLI and the app can show it as is.
"""
from __future__ import annotations

import codecs
import os
import re
import unicodedata
from pathlib import Path

from align.errors import InputError

MAX_BYTES = 20 * 1024 * 1024

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

# Control characters that never occur in text a person wrote (tab, newlines and form
# feed are fine); C1 controls (U+0080-U+009F) are the trace of a wrong code page.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?|[\x85\u2028\u2029]")

# charset-normalizer's "chaos" (0..1, share of odd-looking characters) above which a
# guessed legacy encoding is not trusted, and the fewest non-ASCII bytes it needs to
# tell legacy CJK encodings apart.
_MAX_CHAOS = 0.1
_MIN_NON_ASCII = 16
_WIDE_CODECS = ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be", "utf_7")
# Windows-1252 typography that may stand between words.
_WESTERN_PUNCT = frozenset("„“”‚‘’–—…«»‹›€£¥¢¤§°±×÷·•\u00a0¡¿©®™ªº¹²³¼½¾µ¶´¨¸¯¬¦†‡‰")
_MAX_ACCENTED_SHARE = 0.3


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"


def read_user_bytes(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a file the user named, or a one-line InputError (missing, a folder,
    not a regular file, unreadable, over `max_bytes`). Shared by every file import."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a file")
    if not p.is_file():
        raise InputError(f"{p}: not a regular file")
    size = p.stat().st_size
    # Checked before reading: a huge file is refused without reading it.
    if size > max_bytes:
        raise InputError(f"{p}: file is too big ({_mib(size)}; the limit is {_mib(max_bytes)})")
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # +1: a file that grew since stat() is still caught
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{p}: file is too big (more than {_mib(max_bytes)})")
    return data


def read_text_file(path: str | os.PathLike, max_bytes: int = MAX_BYTES) -> str:
    """Read a text file given by the user and return normalised text (see `decode_text`)."""
    return decode_text(read_user_bytes(path, max_bytes), str(Path(path)))


def decode_text(data: bytes, name: str = "input") -> str:
    """Decode bytes to normalised text, or raise `InputError` naming `name`.

    UTF-8 (with or without BOM) and UTF-16/32 with BOM are decoded exactly. Other
    encodings (Latin-1, Windows-1252, GB18030...) are accepted only when
    charset-normalizer is confident; binary data and BOM-less UTF-16 are refused.
    """
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {label} byte-order mark but is not valid {label} "
                    f"(byte {exc.start})") from exc
            return normalize_text(text, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        if b"\x00" in data:
            _refuse_nul_bytes(data, name)
        text = _decode_legacy(data, name)
    return normalize_text(text, name)


def _refuse_nul_bytes(data: bytes, name: str) -> None:
    """NUL bytes: UTF-16/32 without a byte-order mark, or a binary file. Both are refused."""
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2 or 1
    # Latin-script UTF-16 has a NUL in (almost) every other byte, on one side only.
    if max(even_nuls, odd_nuls) > 0.3 * half and min(even_nuls, odd_nuls) < 0.05 * half:
        order = "little-endian" if odd_nuls > even_nuls else "big-endian"
        raise InputError(
            f"{name}: looks like UTF-16 ({order}) without a byte-order mark; "
            "save it as UTF-8 (or UTF-16 with a byte-order mark) and try again")
    raise InputError(f"{name}: looks like a binary file (it contains NUL bytes), not text")


def _decode_legacy(data: bytes, name: str) -> str:
    """Decode bytes that are not UTF-8, or refuse them: a wrong guess must never pass as text.

    Western text (Latin-1/Windows-1252) is recognised by its shape: a few accented
    letters inside words. Other legacy encodings (GB18030, Big5, Shift-JIS...) are
    left to charset-normalizer and accepted only when its guess decodes strictly and
    cleanly. UTF-16/32 guesses are never taken: without a byte-order mark they are
    indistinguishable from short texts in other encodings.
    """
    text = _decode_western(data)
    if text is not None:
        return text
    from charset_normalizer import from_bytes

    refusal = InputError(
        f"{name}: is not UTF-8 and its encoding cannot be recognised with confidence; "
        "save it as UTF-8 and try again")
    non_ascii = sum(1 for b in data if b > 0x7F)
    best = from_bytes(data, cp_exclusion=list(_WIDE_CODECS)).best()
    if best is None or best.chaos > _MAX_CHAOS or non_ascii < _MIN_NON_ASCII:
        raise refusal
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise refusal from None
    if _CONTROL.search(text) or "\ufffd" in text:
        raise refusal
    return text


def _decode_western(data: bytes) -> str | None:
    """Windows-1252 text, or None when the bytes do not look like Western text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text):
        return None
    letters = [c for c in text if c.isalpha()]
    accented = [i for i, c in enumerate(text) if ord(c) > 0x7F]
    if not letters or not accented:
        return None
    plausible = sum(1 for i in accented if text[i].isalpha() or text[i] in _WESTERN_PUNCT)
    # Accented letters are a small share of Western text; mojibake of CJK text is almost
    # all high bytes, random bytes are mostly symbols (or undefined in cp1252).
    if plausible < 0.95 * len(accented):
        return None
    if sum(1 for c in letters if ord(c) > 0x7F) > _MAX_ACCENTED_SHARE * len(letters):
        return None
    return text


def normalize_text(text: str, name: str = "pasted text") -> str:
    """Normalise text from any source: one newline convention, NFC, no BOM.

    Also used for text pasted into the app. Raises `InputError` for empty text and for
    control characters (the sign of binary data or a wrong encoding).
    """
    text = text.lstrip("\ufeff")
    text = _NEWLINES.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputError(
            f"{name}: contains a control character (U+{ord(bad.group()):04X} on line {line}); "
            "this looks like a binary file or a wrong encoding, not text")
    if not text.strip():
        raise InputError(f"{name}: the text is empty")
    return text
