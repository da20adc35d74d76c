"""Where translation models come from: names, the cache folder, downloading, listing.

Models live in a Hugging Face-layout cache folder (default `~/.cache/bitext/models`,
overridden by `$BITEXT_CACHE` or `--cache-dir`). Only `pull` talks to the network;
`resolve` (used by every load) reads the disk only, and a missing model is answered with
the command that fetches it.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from align.errors import InputError, ModelNotFoundError

DEFAULT_CACHE = Path("~/.cache/bitext/models")

# Short names for the language pairs the reader uses.
PAIRS: dict[str, str] = {
    "de-en": "Helsinki-NLP/opus-mt-de-en",
    # Direct German->Chinese: a multi-target model that needs a `>>id<<` token.
    "de-zh": "Helsinki-NLP/opus-mt-de-ZH",
    # Second step of the default Chinese route (German -> English -> Chinese).
    "en-zh": "Helsinki-NLP/opus-mt-en-zh",
}
# What `bitext models pull` fetches without arguments: the default routes to en and zh.
DEFAULT_PULL = ("de-en", "en-zh")

# Files a MarianMT model needs (no TF/Flax/Rust weights).
_TOKENIZER_FILES = ["config.json", "generation_config.json", "tokenizer_config.json",
                    "vocab.json", "source.spm", "target.spm", "target_vocab.json"]
_WEIGHT_FILES = ["model.safetensors", "pytorch_model.bin"]
_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


@dataclass(frozen=True)
class ModelRef:
    """A model on disk: its name, the folder, and the exact revision of its files."""
    model_id: str
    path: Path
    revision: str

    @property
    def identity(self) -> dict[str, str]:
        return {"model_id": self.model_id, "revision": self.revision}


def cache_dir(override: str | Path | None = None) -> Path:
    chosen = override or os.environ.get("BITEXT_CACHE") or DEFAULT_CACHE
    return Path(chosen).expanduser()


def hub_id(name: str) -> str:
    """`de-en` -> `Helsinki-NLP/opus-mt-de-en`; a full Hub id is returned unchanged."""
    return PAIRS.get(name.lower(), name)


def pull_hint(model_id: str) -> str:
    short = next((pair for pair, mid in PAIRS.items() if mid == model_id), model_id)
    return f"bitext models pull {short}"


_folder_revisions: dict[tuple, str] = {}


def _folder_revision(path: Path) -> str:
    """A content hash of a local model folder, so edited weights never reuse stale cache.

    Remembered per process by the files' names, sizes and modification times: a corpus run
    resolves the model once per document, and hashing 300 MB of weights each time would
    cost more than translating."""
    files = sorted(p for p in path.rglob("*") if p.is_file())
    stamp = (str(path.resolve()),) + tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    if stamp not in _folder_revisions:
        _folder_revisions[stamp] = _hash_folder(path, files)
    return _folder_revisions[stamp]


def _hash_folder(path: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()[:16]


def resolve(model: str | Path, cache: str | Path | None = None) -> ModelRef:
    """Find a model on disk without touching the network.

    `model` is a folder, a pair short name (`de-en`) or a Hub id; Hub ids are looked up in
    the cache folder filled by `bitext models pull`.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise InputError(f"{path} is not a model folder (it has no config.json)")
        return ModelRef(model_id=str(path.resolve()), path=path.resolve(),
                        revision=_folder_revision(path))
    model_id = hub_id(str(model))
    if not _HUB_ID.match(model_id):
        raise InputError(f"no model folder at {model} (and it is not a Hugging Face model id)")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    folder = cache_dir(cache)
    try:
        snapshot = Path(snapshot_download(model_id, cache_dir=folder, local_files_only=True))
    except LocalEntryNotFoundError:
        raise ModelNotFoundError(
            f"model {model_id} is not on disk (looked in {folder}); "
            f"fetch it with: {pull_hint(model_id)}") from None
    if not (snapshot / "config.json").is_file() or not any(
            (snapshot / w).is_file() for w in _WEIGHT_FILES):
        raise ModelNotFoundError(
            f"model {model_id} is only partly on disk ({snapshot}); "
            f"finish the download with: {pull_hint(model_id)}")
    return ModelRef(model_id=model_id, path=snapshot, revision=snapshot.name)


class HubUnreachableError(ModelNotFoundError):
    """A model could not be downloaded because the Hub cannot be reached (offline, or
    HF_HUB_OFFLINE). `short` is the one line the app and `bitext prepare` show."""

    def __init__(self, message: str, short: str):
        super().__init__(message)
        self.short = short


BytesFn = Callable[[int, int], None]


def pull(name: str, cache: str | Path | None = None, *, endpoint: str | None = None,
         progress: bool = True, on_bytes: BytesFn | None = None) -> ModelRef:
    """Download one model into the cache (resumes a broken download).

    Progress: with `on_bytes(done, total)` it is called from the calling thread a few times
    a second while the files download (the app's progress bar runs in Streamlit's script
    thread; `bitext prepare` draws its own bar); otherwise huggingface_hub's bars show on
    stderr when `progress`. `endpoint` (default $HF_ENDPOINT, read at each call) is the Hub
    or a mirror of it.
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (LocalEntryNotFoundError, OfflineModeIsEnabled,
                                        RepositoryNotFoundError)
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    model_id = hub_id(name)
    if not _HUB_ID.match(model_id):
        raise InputError(f"{name!r} is neither a language pair ({', '.join(PAIRS)}) nor a Hub id")
    endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
    folder = cache_dir(cache)
    folder.mkdir(parents=True, exist_ok=True)
    (disable_progress_bars if not progress or on_bytes else enable_progress_bars)()
    try:
        listing = snapshot_download(model_id, cache_dir=folder, endpoint=endpoint,
                                    allow_patterns=_TOKENIZER_FILES + _WEIGHT_FILES, dry_run=True)
        names = {info.filename for info in listing}
        # One copy of the weights is enough; safetensors loads faster and safer.
        weights = next((w for w in _WEIGHT_FILES if w in names), None)
        if weights is None:
            raise ModelNotFoundError(f"{model_id} has no PyTorch weights to download")
        wanted = _TOKENIZER_FILES + [weights]

        def fetch() -> None:
            snapshot_download(model_id, cache_dir=folder, endpoint=endpoint, allow_patterns=wanted)
        if on_bytes is None:
            fetch()
        else:
            total = sum(info.file_size or 0 for info in listing
                        if info.filename in wanted and info.will_download)
            _fetch_reporting_bytes(fetch, _storage_folder(folder, model_id) / "blobs", total, on_bytes)
    except RepositoryNotFoundError:
        raise ModelNotFoundError(f"there is no model {model_id} on the Hugging Face Hub") from None
    except (LocalEntryNotFoundError, OfflineModeIsEnabled, OSError) as exc:
        from huggingface_hub import constants

        try:
            on_disk = resolve(model_id, folder)
        except ModelNotFoundError:
            on_disk = None
        if on_disk is not None:
            # Nothing to fetch that we know of: keep using the complete copy already here.
            print(f"{model_id}: could not check the Hub for updates (offline); "
                  f"the copy on disk is complete", file=sys.stderr)
            return on_disk
        reason = " ".join(str(exc).split())[:200]
        why = ("offline mode is on (HF_HUB_OFFLINE is set)" if constants.HF_HUB_OFFLINE
               else "the Hugging Face Hub is not reachable (offline?)")
        raise HubUnreachableError(
            f"cannot download {model_id}: {why} "
            f"[{reason}]. Run `{pull_hint(model_id)}` again when online (it resumes), "
            f"or copy a model folder here and pass it with --model DIR",
            short=f"cannot download {model_id}: {why}") from None
    return resolve(model_id, folder)


def _storage_folder(cache: Path, model_id: str) -> Path:
    """huggingface_hub's folder for one model in a cache (`models--Org--name`)."""
    return cache / ("models--" + model_id.replace("/", "--"))


def _fetch_reporting_bytes(fetch: Callable[[], None], blobs: Path, total: int,
                           on_bytes: BytesFn, every: float = 0.2) -> None:
    """Run `fetch` in a worker thread and report the bytes that have arrived in `blobs`
    (finished files and `.incomplete` ones) from this thread until it ends. Measuring the
    folder rather than hooking huggingface_hub's bars works the same for plain and Xet
    downloads, and a resumed download starts from what is already there."""
    def size(only_complete: bool = False) -> int:
        found = 0
        for file in blobs.glob("*") if blobs.is_dir() else ():
            if only_complete and file.name.endswith(".incomplete"):
                continue
            try:
                found += file.stat().st_size
            except FileNotFoundError:  # renamed from .incomplete while we looked
                pass
        return found

    before = size(only_complete=True)
    failure: list[BaseException] = []

    def work() -> None:
        try:
            fetch()
        except BaseException as exc:  # handed to the calling thread below
            failure.append(exc)

    worker = threading.Thread(target=work, name="bitext-pull", daemon=True)
    on_bytes(0, total)
    worker.start()
    while worker.is_alive():
        worker.join(every)
        on_bytes(min(max(size() - before, 0), total), total)
    if failure:
        raise failure[0]
    on_bytes(total, total)


@dataclass(frozen=True)
class LocalModel:
    model_id: str
    revision: str
    size_bytes: int
    path: Path


def list_models(cache: str | Path | None = None) -> list[LocalModel]:
    """Models in the cache folder (complete or not), newest revision per model."""
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    folder = cache_dir(cache)
    try:
        info = scan_cache_dir(folder)
    except CacheNotFound:
        return []
    found = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        for rev in sorted(repo.revisions, key=lambda r: r.last_modified, reverse=True):
            found.append(LocalModel(repo.repo_id, rev.commit_hash, rev.size_on_disk,
                                    rev.snapshot_path))
    return found
