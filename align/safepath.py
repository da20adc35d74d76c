"""Safe file names for uploads and exports: a name a user (or a browser) sends can never
reach outside the folder it is meant for."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from align.errors import InputError

# Names Windows reserves; refused everywhere so a project folder can be copied anywhere.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 255


def check_file_name(name: str) -> str:
    """Return `name` if it is one plain file name, else raise InputError saying why."""
    if not isinstance(name, str) or not name.strip():
        raise InputError("empty file name")
    shown = ascii(name)[1:-1][:80]
    if "\x00" in name or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InputError(f"file name {shown!r} contains control characters")
    if "/" in name or "\\" in name or (os.sep != "/" and os.sep in name):
        raise InputError(f"file name {shown!r} contains a folder separator; give a plain name")
    if name in (".", "..") or name.strip(". ") == "":
        raise InputError(f"file name {shown!r} is not a file name")
    if name.startswith("."):
        raise InputError(f"file name {shown!r} would be hidden; give a name not starting with '.'")
    if len(name) >= 2 and name[1] == ":":
        raise InputError(f"file name {shown!r} looks like a drive path; give a plain name")
    if name.split(".")[0].strip().upper() in _RESERVED:
        raise InputError(f"file name {shown!r} is reserved on Windows")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise InputError(f"file name {shown[:40]!r}... is longer than {MAX_NAME_BYTES} bytes")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"file name {shown!r} is not valid Unicode") from None
    return name


def safe_output_path(base_dir: str | os.PathLike, name: str) -> Path:
    """`base_dir / name` for a plain file name; absolute paths, `..`, separators, NUL and
    other control characters raise InputError. The result is checked once more after
    resolving symlinks, so a link planted in `base_dir` cannot redirect the write."""
    check_file_name(name)
    base = Path(base_dir).resolve()
    path = (base / name).resolve()
    if path.parent != base:
        raise InputError(f"file name {ascii(name)[1:-1][:80]!r} leads outside {base}")
    return path
