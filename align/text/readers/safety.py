"""Hostile files: zip bombs and XML entity bombs are refused before any library reads them.

DOCX, ODT and EPUB are zip archives of XML. Their members' uncompressed sizes are checked
from the archive's directory (and again while reading, since a directory can lie), and no
member may declare XML entities: office documents and e-books never need them, and an
entity that expands into itself (the "billion laughs") would eat all memory.
"""
from __future__ import annotations

import io
import re
import zipfile

from align.errors import InputError

MAX_MEMBERS = 10_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024      # all members together
MAX_MEMBER = 64 * 1024 * 1024             # one member
MAX_RATIO = 200                           # uncompressed / compressed, per large member
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_NAME = re.compile(r"\.(?:xml|xhtml|html?|opf|ncx|rels|svg)$", re.IGNORECASE)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB"


def open_zip(data: bytes, name: str, what: str) -> zipfile.ZipFile:
    """The archive, once its directory promises nothing unbounded; else a one-line error."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"{name}: not a valid {what} file (not a readable zip archive: {exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"{name}: refused: the {what} archive holds {len(infos)} files "
                         f"(more than {MAX_MEMBERS})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise InputError(f"{name}: the {what} file is encrypted (password-protected); "
                             f"save it without a password and try again")
        if info.file_size > MAX_MEMBER or (
                info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise InputError(f"{name}: refused: {info.filename} inside the {what} file unpacks "
                             f"to {_mib(info.file_size)} from {info.compress_size} bytes "
                             f"(a zip bomb?)")
    if total > MAX_UNCOMPRESSED:
        raise InputError(f"{name}: refused: the {what} file unpacks to {_mib(total)} "
                         f"(the limit is {_mib(MAX_UNCOMPRESSED)})")
    for info in infos:
        if _XML_NAME.search(info.filename) or info.filename == "mimetype":
            _refuse_entities(read_member(archive, info.filename, name, what), name,
                             info.filename)
    return archive


def read_member(archive: zipfile.ZipFile, member: str, name: str, what: str) -> bytes:
    """A member's bytes, never more than its directory entry announced."""
    try:
        info = archive.getinfo(member)
        with archive.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except KeyError:
        raise InputError(f"{name}: not a valid {what} file ({member} is missing)") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{name}: the {what} file is damaged ({member}: {exc})") from None
    if len(data) > info.file_size:
        raise InputError(f"{name}: refused: {member} inside the {what} file is larger than "
                         f"its archive entry says (a zip bomb?)")
    return data


def refuse_entities(data: bytes, name: str) -> None:
    """HTML and XML read on their own are held to the same rule as archive members."""
    _refuse_entities(data, name, None)


def _refuse_entities(data: bytes, name: str, member: str | None) -> None:
    head = data if len(data) < 1_000_000 else data[:1_000_000]
    if _ENTITY.search(head) or _ENTITY.search(data.replace(b"\x00", b"")[:1_000_000]):
        where = f" ({member})" if member else ""
        raise InputError(f"{name}: refused: the file declares XML entities{where}, which "
                         f"documents do not need and which can expand without bound")
