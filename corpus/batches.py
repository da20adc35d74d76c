"""Documents in blocks, so the translator always has full batches and never waits for the store.

A document of 50 sentences at batch size 16 makes three full batches and one of two; the
translator takes nearly as long for the two as for sixteen. So consecutive documents of the
manifest form blocks of about `BLOCK_BATCHES` batches of sentences (planned from the files'
sizes, before anything is read: `plan_blocks`), and each block's sentences go to the
translator together, longest first, in full batches (`prefetch`). The translations land in
a memo of the block's own, from which each document's `translate_project` (the very code
`bitext translate-project` runs: document.finish_document) takes them.

A sentence's translation may differ in the last digits of its confidence with the sentences
it shares a batch with (CTranslate2's arithmetic depends on the batch's shape), so a block
is a function of the manifest and its files only, never of the engine, the order in which
workers finish, a resumed run's leftovers or a translation cache: a block with a document to
do is translated whole (its finished documents too, as context), and its memo starts
empty. The rows are the same bytes from the local loop and from Ray, fresh or resumed.

The block's translation runs in a thread of its own (CTranslate2 and torch release the GIL
while they compute) while this thread stages the next block and finishes the one before:
store writes, rows and checkpoints stay off the translator's path. At most two blocks are in
memory at once.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, Mapping, Sequence

from corpus.document import DocumentTools, StagedDocument, finish_document, stage_document
from corpus.manifest import DocTask

# Sentences per block, in batches of the run's batch size, and a rough size of a sentence
# on disk to plan blocks by before any file is read.
BLOCK_BATCHES = 8
BYTES_PER_SENTENCE = 120
MAX_BLOCK_DOCS = 64

OnResult = Callable[[dict], None]
# (task, key, to do): a document already done rides along as context for its block's batches
Block = list[tuple[DocTask, str, bool]]


def plan_blocks(documents: Iterable[tuple[DocTask, str, bool, int]], batch_size: int) -> list[Block]:
    """Consecutive documents (task, key, to do, bytes of the source file), in manifest order,
    into blocks of about BLOCK_BATCHES batches; blocks with nothing to do are dropped."""
    target = batch_size * BLOCK_BATCHES * BYTES_PER_SENTENCE
    blocks: list[Block] = []
    block: Block = []
    size = 0
    for task, key, todo, nbytes in documents:
        block.append((task, key, todo))
        size += nbytes
        if size >= target or len(block) >= MAX_BLOCK_DOCS:
            blocks.append(block)
            block, size = [], 0
    if block:
        blocks.append(block)
    return [b for b in blocks if any(todo for _, _, todo in b)]


class MemoCache:
    """A block's translations, in memory: the translation cache's interface (get_many,
    put_many) for a translator that lives as long as its block."""

    def __init__(self):
        self.entries: dict[str, tuple[str, list[str], float | None]] = {}

    def get_many(self, keys: Iterable[str]) -> dict:
        return {k: self.entries[k] for k in keys if k in self.entries}

    def put_many(self, items, model: str) -> None:
        for key, text, notes, confidence in items:
            self.entries[key] = (text, list(notes), confidence)


def process_blocks(blocks: Iterable[Block], tools: DocumentTools, on_result: OnResult) -> None:
    """Every document to do of `blocks` through the pipeline, handing each result to
    `on_result` (a document that fails before translation at once, the others block by block)."""
    staged_open: list[StagedDocument] = []     # staged, not yet finished (to clean up)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bitext-translate")
    try:
        pending = None
        for block in blocks:
            staged = _stage_block(block, tools, on_result, staged_open)
            translators = tools.block_translators(MemoCache())
            ahead = pool.submit(prefetch, [s for s, _ in staged], translators)
            if pending:
                _finish_block(*pending, tools, on_result, staged_open)
            pending = (staged, translators, ahead)
        if pending:
            _finish_block(*pending, tools, on_result, staged_open)
    finally:
        # Interrupted: no block waits for its translation, no temporary project stays.
        pool.shutdown(wait=not staged_open, cancel_futures=True)
        for staged in staged_open:
            staged.close()


def _stage_block(block: Block, tools: DocumentTools, on_result: OnResult,
                 staged_open: list[StagedDocument]) -> list[tuple[StagedDocument, bool]]:
    staged = []
    for task, key, todo in block:
        doc = stage_document(task, key, tools)
        if isinstance(doc, dict):       # failed before any translation
            if todo:
                on_result(doc)
            continue
        staged_open.append(doc)
        staged.append((doc, todo))
    return staged


def _finish_block(staged: list[tuple[StagedDocument, bool]], translators: Mapping,
                  ahead: Future, tools: DocumentTools, on_result: OnResult,
                  staged_open: list[StagedDocument]) -> None:
    try:
        ahead.result()
    except Exception:   # noqa: BLE001 - see prefetch: each document meets the error itself
        pass
    for doc, todo in staged:
        if todo:
            result = finish_document(doc, tools, translators)   # removes its temporary project
        else:
            doc.close()
        staged_open.remove(doc)
        if todo:
            on_result(result)


def prefetch(group: Sequence[StagedDocument], translators: Mapping) -> None:
    """Translate the sentences the block's documents will ask for, all of a language pair in
    one call, into the block's memo. Whatever is not translated here (a failure, a pivot from
    a person's English) each document translates itself, and an error then fails that
    document with its reason."""
    routes: dict[tuple[str, ...], list[str]] = {}
    for staged in group:
        for pairs, texts in staged.wanted.items():
            routes.setdefault(pairs, []).extend(texts)
    done: dict[str, dict[str, str]] = {}     # pair -> input text -> output text
    for step in range(max((len(p) for p in routes), default=0)):
        inputs: dict[str, dict[str, None]] = {}
        for pairs, texts in routes.items():
            if step >= len(pairs):
                continue
            if step:    # a pivot's next step starts from the previous step's output
                before = done[pairs[step - 1]]
                texts = [before[t] for t in texts if t in before]
            inputs.setdefault(pairs[step], {}).update(dict.fromkeys(texts))
        for pair, texts in inputs.items():
            ordered = [t for t in texts if t.strip()]
            outputs = translators[pair].translate(ordered)
            done.setdefault(pair, {}).update(zip(ordered, (o.text for o in outputs)))
