"""One document through the steps of a project: read, segment, translate, align, rows.

Every step is the function the CLI and the app call: `align.imports.source.import_text`
(segment and store, after `read_text_file`'s encoding rules), the translation import of
`bitext import-translation` (a human translation, aligned by the sentence aligner, or a
parallel file matched by its text), `models.project_translate.translate_project` (MarianMT;
machine translations are linked 1:1 to their sources), and `align.formats.rows.build_table`
with the JSONL export's row shape. The project lives in a temporary folder for the length of
the document; the rows are what is kept.

`DocumentTools` holds what is loaded once per worker (a Ray actor, or the local loop): the
translators (through models.project_translate's per-process cache) and the sentence encoder.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus.manifest import DocTask
from corpus.settings import CorpusSettings

MAX_REASON = 300
MAX_NOTES = 20


class DocumentTools:
    """Models loaded once per worker and reused for every document it processes."""

    def __init__(self, settings: CorpusSettings, warm: bool = True):
        from models.project_translate import get_translator, model_for, needed_pairs

        self.settings = settings
        self._encoder = None
        self._batch_translators = None
        self.pairs = needed_pairs(settings.source_lang, settings.mt_langs, settings.zh_route)
        # The process's shared translators: the run's fingerprint and a document processed
        # alone (process_document); blocks use block_translators.
        self.translators = {
            pair: get_translator(model_for(pair, settings.models), backend=settings.backend,
                                 settings=settings.generation(), cache=settings.cache,
                                 threads=settings.threads)
            for pair in self.pairs}
        if warm:   # the weights now, not in the middle of the first block
            for translator in self.batch_translators.values():
                getattr(translator.engine, "get", lambda: None)()

    def block_translators(self, memo) -> dict:
        """For one block of documents (batches.py): a translator per pair that shares the
        loaded model and keeps its translations in `memo`, the block's own (and its own
        lock: one block's translation never holds up the documents of another)."""
        from models.marian import MarianTranslator

        return {pair: MarianTranslator(t.ref, t.tokenizer, t.engine,
                                       max_positions=t.max_positions, settings=t.settings,
                                       cache=memo)
                for pair, t in self.batch_translators.items()}

    @property
    def batch_translators(self) -> dict:
        """The models blocks are translated with, loaded once per worker (no translation
        cache: a block's batches must not depend on what an earlier run left there)."""
        if self._batch_translators is None:
            from models.marian import load_translator
            from models.project_translate import default_backend, model_for

            settings = self.settings
            self._batch_translators = {
                pair: load_translator(model_for(pair, settings.models),
                                      backend=settings.backend or default_backend(),
                                      settings=settings.generation(), cache=settings.cache,
                                      use_cache=False, threads=settings.threads)
                for pair in self.pairs}
        return self._batch_translators

    def prepare(self) -> None:
        """Make what workers would otherwise race to make: the CTranslate2 conversion of each
        model (actors on one machine share the cache folder)."""
        from models.ct2_backend import ensure_converted
        from models.hub import cache_dir

        for translator in self.translators.values():
            if translator.engine.name.startswith("ctranslate2"):   # int8, or int8_float16 on a GPU
                ensure_converted(translator.ref, cache_dir(self.settings.cache))

    def details(self) -> dict[str, dict]:
        """Each pair's model, revision, backend and settings (for the run's fingerprint)."""
        return {pair: tr.origin_detail for pair, tr in self.translators.items()}

    @property
    def encoder(self):
        if self._encoder is None:
            from models.encoders import get_encoder

            threads = self.settings.threads
            before = os.environ.get("BITEXT_THREADS")
            if threads:     # e5 reads its thread count from here
                os.environ["BITEXT_THREADS"] = str(threads)
            try:
                self._encoder = get_encoder(self.settings.encoder)
            finally:
                if threads:
                    _restore_env("BITEXT_THREADS", before)
        return self._encoder

    def aligner(self, lang: str):
        """What `bitext import-translation` aligns with: a transcript whose turns do not match
        the document's is placed turn by turn first (the aligner's `similarity`)."""
        from models.alignment import BlockAligner

        return BlockAligner(self.settings.source_lang, lang, encoder=self.encoder)


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def one_line(exc: BaseException) -> str:
    from align.errors import BitextError

    text = str(exc) if isinstance(exc, BitextError) else f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"


def failed(task: DocTask, key: str, reason: str, seconds: float = 0.0) -> dict:
    return {"id": task.id, "key": key, "status": "failed", "reason": reason,
            "seconds": round(seconds, 3)}


def process_document(task: DocTask, key: str, tools: DocumentTools) -> dict:
    """The document's result as plain data: status "done" with its rows, or "failed" with a
    one-line reason. Never raises for a bad document (KeyboardInterrupt still stops the run)."""
    staged = stage_document(task, key, tools)
    return staged if isinstance(staged, dict) else finish_document(staged, tools)


@dataclass
class StagedDocument:
    """A document read, segmented and stored in its temporary project, with its human
    translations imported: what is left is machine translation and the rows. `wanted` holds,
    per route (e.g. ("de-en",) or ("de-en", "en-zh")), the sentences the translation will
    send, so that a block of documents can be translated together beforehand (batches.py)."""
    task: DocTask
    key: str
    started: float
    tmp: tempfile.TemporaryDirectory
    folder: Path
    source: Path
    source_sha256: str
    human: dict[str, str]
    machine: list[str]
    wanted: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def close(self) -> None:
        self.tmp.cleanup()


def stage_document(task: DocTask, key: str, tools: DocumentTools) -> "StagedDocument | dict":
    """The first half of a document's work; a bad document gives its failed result."""
    started = time.perf_counter()
    if task.problem:
        return failed(task, key, task.problem)
    tmp = tempfile.TemporaryDirectory(prefix="bitext-corpus-", dir=_scratch())
    try:
        return _stage(task, key, tools, started, tmp)
    except Exception as exc:  # a bad document is recorded, never stops the run
        tmp.cleanup()
        return failed(task, key, one_line(exc), time.perf_counter() - started)
    except BaseException:
        tmp.cleanup()
        raise


def finish_document(staged: StagedDocument, tools: DocumentTools,
                    translators: dict | None = None) -> dict:
    """The second half: machine translation (by `translators`, pair -> translator, where a
    block brings its own: batches.py), the rows. Removes the temporary project."""
    task, key = staged.task, staged.key
    try:
        result = _finish(staged, tools, translators)
    except Exception as exc:  # a bad document is recorded, never stops the run
        return failed(task, key, one_line(exc), time.perf_counter() - staged.started)
    finally:
        staged.close()
    return {"id": task.id, "key": key, "status": "done", **result,
            "seconds": round(time.perf_counter() - staged.started, 3)}


SCRATCH_MIN_FREE = 1 << 30


def _scratch() -> str | None:
    """Where temporary projects go: memory (/dev/shm) where there is one with room to spare
    (a container's is often 64 MB), since each is thrown away after its document and the
    store's fsync per write buys nothing there; else the system's temporary folder."""
    shm = Path("/dev/shm")
    try:
        stat = os.statvfs(shm)
    except OSError:
        return None
    roomy = stat.f_bavail * stat.f_frsize >= SCRATCH_MIN_FREE
    return str(shm) if roomy and os.access(shm, os.W_OK | os.X_OK) else None


def _stage(task: DocTask, key: str, tools: DocumentTools, started: float,
           tmp: tempfile.TemporaryDirectory) -> StagedDocument:
    from align.imports.source import import_data
    from align.store import Project
    from align.text.readers import size_limit
    from align.text.textio import read_user_bytes
    from models.project_translate import route

    settings = tools.settings
    source = Path(task.source)
    data = read_user_bytes(source, size_limit(source))   # documents may be larger than text
    folder = Path(tmp.name) / "project"
    import_data(data, folder, source.name, lang=settings.source_lang)
    with Project.open(folder) as project:
        human = {lang: path for lang, path in task.translations.items() if lang in settings.langs}
        for lang, path in human.items():
            _import_translation(project, lang, path, tools)
        machine = [lang for lang in settings.mt_langs if lang not in human]
        wanted: dict[tuple[str, ...], list[str]] = {}
        for lang in machine:
            pairs = tuple(route(settings.source_lang, lang, settings.zh_route))
            if len(pairs) > 1 and "en" in human:
                continue        # the pivot starts from a person's English: done per document
            texts = [s.text for s in project.segments_needing_translation(lang)]
            wanted.setdefault(pairs, []).extend(texts)
    return StagedDocument(task, key, started, tmp, folder, source, hashlib.sha256(data).hexdigest(),
                          human, machine, wanted)


def _finish(staged: StagedDocument, tools: DocumentTools, translators: dict | None) -> dict:
    from align.errors import InputError
    from align.formats.jsonl import row_object
    from align.formats.rows import build_table
    from align.store import Project
    from models.project_translate import translate_project

    settings = tools.settings
    task, source, human = staged.task, staged.source, staged.human
    with Project.open(staged.folder) as project:
        notes: list[str] = []
        if staged.machine:
            report = translate_project(
                project, staged.machine, cache=settings.cache, zh_route=settings.zh_route,
                models=settings.models, backend=settings.backend,
                settings=settings.generation(), threads=settings.threads,
                translators=translators)
            notes = [f"{r.lang}: {note}" for r in report.languages for _, note in r.notes]
        langs = [lang for lang in settings.langs if lang in project.languages()]
        if not langs:
            raise InputError(f"{source}: no translation to export (no human translation "
                             f"given and no machine translation asked for)")
        table = build_table(project, [settings.source_lang, *langs],
                            include_suggested=settings.include_suggested)
        sentences = sum(len(project.source_segments(b.id))
                        for b in project.blocks(include_excluded=False))
    rows = [{"document": task.id, **row_object(table, row)} for row in table.rows]
    return {"reason": "", "source": str(source),
            "source_sha256": staged.source_sha256,
            "translations": {lang: human[lang] for lang in human}, "langs": list(table.langs),
            "human": sorted(human), "sentences": sentences, "rows": rows,
            "skipped_rows": table.skipped, "suggestions_left_out": table.suggestions,
            "notes": notes[:MAX_NOTES], "note_count": len(notes)}


def _import_translation(project, lang: str, path: str, tools: DocumentTools) -> None:
    """What `bitext import-translation` does: a parallel file matched by its text, plain text
    aligned by the sentence aligner."""
    from align.imports import translation as ti
    from align.text.readers import read_translation_file

    fmt = ti.detect_format(path)
    if fmt == "text":
        ti.import_read(project, *read_translation_file(path), lang, path, tools.aligner(lang))
    else:
        ti.import_table(project, ti.read_parallel(path, fmt), lang, path, fmt)
