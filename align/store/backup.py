"""Backups of the project database: taking them, listing them, and restoring one, either
into an open project or in place of a database too damaged to open."""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from align.errors import ProjectError
from align.store.connection import ProjectConnection
from align.store.schema import DB_NAME, check_database

BACKUP_DIR = "backups"
KEEP_AUTOMATIC = 20  # automatic backups kept per kind; manual ones are never pruned


class BackupMixin(ProjectConnection):
    def backup(self, reason: str = "manual", keep: Path | None = None) -> Path:
        """A consistent snapshot through SQLite's online backup API (safe while others write).

        Written to a temporary name and renamed when complete, so a crash mid-backup never
        leaves a half backup that looks like a real one. The copy is a single self-contained
        file (rollback-journal mode, no -wal beside it). An automatic backup (reason
        "before-...") then prunes the oldest of its kind beyond KEEP_AUTOMATIC, never `keep`
        (the backup about to be restored), never the one a plain restore would pick, and never
        a manual one."""
        folder = self.dir / BACKUP_DIR
        folder.mkdir(exist_ok=True)
        safe_reason = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reason)[:40]
        dest = folder / f"{_stamp()}-{safe_reason}.sqlite"
        partial = folder / f".{dest.name}.partial"
        partial.unlink(missing_ok=True)
        target = sqlite3.connect(str(partial), isolation_level=None)
        try:
            with self._lock:
                self.conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        _fsync(partial)
        os.replace(partial, dest)
        _fsync(folder)
        if _is_automatic(dest):
            _prune_automatic(self.dir, _kind(dest), keep)
        return dest

    def list_backups(self) -> list[Path]:
        return _backups_in(self.dir)

    def resolve_backup(self, backup_path: str | os.PathLike | None = None) -> Path:
        """The newest backup, or the named one (a path, or a file name in backups/)."""
        return _resolve_backup(self.dir, backup_path)

    def restore(self, backup_path: str | os.PathLike | None = None) -> Path:
        """Bring back a backup (the newest when none is named); the current state is backed
        up first, so a restore can itself be undone. Returns that safety backup."""
        source = _checked_backup(self.dir, backup_path)
        # Opened (and read) before anything else happens: once open, the file stays readable
        # even if another process prunes it meanwhile.
        try:
            src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as err:
            raise ProjectError(f"{source}: cannot read this backup: {err}") from err
        try:
            safety = self.backup("before-restore", keep=source)
            with self._lock:
                src.backup(self.conn)
        finally:
            src.close()
        return safety


def restore_damaged(directory: str | os.PathLike, backup_path: str | os.PathLike | None = None) -> Path:
    """Restore a project whose database cannot even be opened: the damaged file is moved
    aside (never deleted) and the backup copied in its place. Returns the database path."""
    directory = Path(directory)
    source = _checked_backup(directory, backup_path)
    db = directory / DB_NAME
    incoming = directory / f".{DB_NAME}.restoring"
    shutil.copyfile(source, incoming)
    _fsync(incoming)
    if db.exists():
        aside = directory / f"{DB_NAME}.damaged-{_stamp()}"
        db.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(str(db) + suffix)
            if extra.exists():
                extra.rename(Path(str(aside) + suffix))
    os.replace(incoming, db)
    _fsync(directory)
    return db


def _stamp() -> str:
    # Sorts by time as text, so the newest backup is the last file name.
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")


def _backups_in(directory: Path) -> list[Path]:
    folder = Path(directory) / BACKUP_DIR
    return sorted(folder.glob("[0-9]*.sqlite")) if folder.is_dir() else []


def _is_automatic(backup: Path) -> bool:
    return "-before-" in backup.stem


def _kind(backup: Path) -> str:
    """'before-reimport', 'before-import-en', 'before-restore': what the backup was taken for."""
    return backup.stem[backup.stem.index("-before-") + 1:]


def _prune_automatic(directory: Path, kind: str, keep: Path | None) -> None:
    """Remove the oldest automatic backups of one kind beyond KEEP_AUTOMATIC, so disk use stays
    bounded when a project is re-imported or restored many times. Kinds are counted apart, so
    restore safety copies never push out the snapshots taken before imports. Best effort: a
    backup that cannot be removed stays, and the operation it protected goes on."""
    backups = _backups_in(directory)
    protected = {p.resolve() for p in (keep, _default_restore(backups)) if p is not None}
    same_kind = [b for b in backups if _is_automatic(b) and _kind(b) == kind]
    for old in same_kind[:-KEEP_AUTOMATIC]:
        if old.resolve() not in protected:
            try:
                old.unlink(missing_ok=True)
            except OSError:
                pass


def _default_restore(backups: list[Path]) -> Path | None:
    """The backup `restore` picks when none is named: the newest real snapshot. A
    "before-restore" safety copy is only restored when named, so running `bitext restore`
    twice does not undo the first restore."""
    real = [b for b in backups if not b.stem.endswith("before-restore")]
    return (real or backups)[-1] if backups else None


def _resolve_backup(directory: Path, backup_path: str | os.PathLike | None) -> Path:
    if backup_path is None:
        newest = _default_restore(_backups_in(directory))
        if newest is None:
            raise ProjectError(f"{directory}: no backups to restore")
        return newest
    source = Path(backup_path)
    if not source.is_file() and not source.is_absolute():
        source = Path(directory) / BACKUP_DIR / source
    if not source.is_file():
        raise ProjectError(f"{backup_path}: no such backup (see `bitext backups {directory}`)")
    return source


def _checked_backup(directory: Path, backup_path: str | os.PathLike | None) -> Path:
    """The backup to restore, refused before anything is touched when it is not healthy."""
    source = _resolve_backup(directory, backup_path)
    problem = check_database(source)
    if problem:
        raise ProjectError(f"{source}: cannot restore this backup: {problem}")
    return source


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
