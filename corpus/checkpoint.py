"""Per-document results on disk, keyed by a content hash: what makes a run resumable.

A document's key is the SHA-256 of its id, the bytes of its German file and of its
translations, and the run's settings fingerprint. Its result is written, atomically, to
`OUTPUT/documents/<key>.json` the moment it comes back from a worker, so a run killed half-way
keeps every finished document, and the next run skips it. Change a file or a setting and the
key changes, so the document is done again (the old result stays: change the setting back
and it is found again).
Failed documents are not stored here: a re-run tries them again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from corpus.atomic import remove_partials, write_atomic
from corpus.manifest import DocTask

MAX_TRANSLATION_BYTES = 64 * 1024 * 1024   # as `bitext import-translation` takes
FOLDER = "documents"


def input_key(task: DocTask, fingerprint: str) -> str:
    """The document's key; raises InputError (one line) for a missing or oversized file."""
    from align.text.readers import size_limit
    from align.text.textio import read_user_bytes

    digest = hashlib.sha256()
    digest.update(json.dumps({"id": task.id, "settings": fingerprint}, sort_keys=True).encode())
    digest.update(hashlib.sha256(read_user_bytes(task.source, size_limit(task.source))).digest())
    for lang in sorted(task.translations):
        data = read_user_bytes(task.translations[lang], MAX_TRANSLATION_BYTES)
        digest.update(lang.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


class Checkpoint:
    def __init__(self, output: Path):
        self.folder = Path(output) / FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_partials(self.folder)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def done(self, key: str) -> bool:
        """A readable result is there; a damaged one (edited, cut by a full disk) is redone."""
        try:
            return isinstance(self.load(key), dict)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return False

    def save(self, result: dict) -> None:
        data = json.dumps(result, ensure_ascii=False).encode("utf-8")
        write_atomic(self.path(result["key"]), data)

    def load(self, key: str) -> dict:
        return json.loads(self.path(key).read_bytes().decode("utf-8"))
