"""A persistent cache of machine translations, so translating the same text twice costs nothing.

The key is a hash of everything that decides the output: the model id and its revision
(a Hub commit or a hash of a local folder's files), the backend, the generation settings
and the source text. One SQLite file (standard library), shared by every model.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Mapping


def cache_key(model: Mapping[str, object], settings: Mapping[str, object], text: str) -> str:
    """Stable hash of (model identity, generation settings, source text)."""
    blob = json.dumps({"model": dict(model), "settings": dict(settings), "text": text},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class TranslationCache:
    """key -> (translation, notes, confidence). Safe to share between processes (SQLite WAL).
    An entry stored without a confidence (an older cache) counts as missing, so every
    translation handed out carries the model's confidence."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS translations ("
            " key TEXT PRIMARY KEY, translation TEXT NOT NULL, notes TEXT NOT NULL,"
            " model TEXT NOT NULL, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(translations)")}
        if "confidence" not in columns:   # a cache written before confidences were kept
            self._db.execute("ALTER TABLE translations ADD COLUMN confidence REAL")
        self._db.commit()

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[str, list[str], float]]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, tuple[str, list[str], float]] = {}
        with self._lock:
            # SQLite limits the number of bound parameters; ask in chunks.
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self._db.execute(
                    f"SELECT key, translation, notes, confidence FROM translations"
                    f" WHERE confidence IS NOT NULL AND key IN ({','.join('?' * len(chunk))})",
                    chunk)
                for key, translation, notes, confidence in rows:
                    found[key] = (translation, json.loads(notes), confidence)
        return found

    def put_many(self, items: Iterable[tuple[str, str, list[str], float | None]],
                 model: str) -> None:
        """items: (key, translation, notes, confidence); one transaction."""
        rows = [(k, t, json.dumps(list(n), ensure_ascii=False), model, c)
                for k, t, n, c in items]
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (key, translation, notes, model, confidence)"
                " VALUES (?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
