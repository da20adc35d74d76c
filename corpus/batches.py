"""Documents in groups, so the translator always has full batches and never waits for the store.

A document of 50 sentences at batch size 16 makes three full batches and one of two; the
translator takes nearly as long for the two as for sixteen. So documents are staged (read,
segmented, stored: document.stage_document) into groups of at least `GROUP_BATCHES` batches
of sentences, and each group's sentences go to the translator together, longest first, in
full batches (`prefetch`). What comes back lands in the translation cache, so that each
document's own `translate_project` (document.finish_document: the very code `bitext
translate-project` runs) finds every sentence there: the rows are those of a document
translated alone, byte for byte (a sentence's translation does not depend on its batch
neighbours; tests/test_corpus_batches.py checks it).

The group's translation runs in a thread of its own (CTranslate2 and torch release the GIL
while they compute) while this thread stages the next group and finishes the one before:
store writes, rows and checkpoints stay off the translator's path. At most two groups are
in memory at once.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, Iterator, Sequence

from corpus.document import DocumentTools, StagedDocument, finish_document, stage_document
from corpus.manifest import DocTask

# Sentences per group, in batches of the run's batch size: 16 batches leave at most one part-
# filled batch in 16 (the translator alone on all sentences at once is the reference).
GROUP_BATCHES = 16

OnResult = Callable[[dict], None]


def process_grouped(work: Iterable[tuple[DocTask, str]], tools: DocumentTools,
                    on_result: OnResult, group_sentences: int | None = None) -> None:
    """Every document of `work` through the pipeline, handing each result to `on_result`
    (failed documents at once, finished ones group by group)."""
    size = group_sentences or tools.settings.batch_size * GROUP_BATCHES
    staged_open: list[StagedDocument] = []     # staged, not yet finished (to clean up)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bitext-translate")
    try:
        pending: tuple[list[StagedDocument], Future] | None = None
        for group in _groups(work, tools, on_result, size, staged_open):
            ahead = pool.submit(prefetch, group, tools)
            if pending:
                _finish_group(*pending, tools, on_result, staged_open)
            pending = (group, ahead)
        if pending:
            _finish_group(*pending, tools, on_result, staged_open)
    finally:
        # Interrupted: no group waits for its translation, no temporary project stays.
        pool.shutdown(wait=not staged_open, cancel_futures=True)
        for staged in staged_open:
            staged.close()


def _groups(work: Iterable[tuple[DocTask, str]], tools: DocumentTools, on_result: OnResult,
            size: int, staged_open: list[StagedDocument]) -> Iterator[list[StagedDocument]]:
    group: list[StagedDocument] = []
    count = 0
    for task, key in work:
        staged = stage_document(task, key, tools)
        if isinstance(staged, dict):        # failed before any translation
            on_result(staged)
            continue
        staged_open.append(staged)
        group.append(staged)
        count += sum(len(texts) for texts in staged.wanted.values())
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _finish_group(group: list[StagedDocument], ahead: Future, tools: DocumentTools,
                  on_result: OnResult, staged_open: list[StagedDocument]) -> None:
    try:
        ahead.result()
    except Exception:   # noqa: BLE001 - see prefetch: each document meets the error itself
        pass
    for staged in group:
        result = finish_document(staged, tools)     # removes its temporary project
        staged_open.remove(staged)
        on_result(result)


def prefetch(group: Sequence[StagedDocument], tools: DocumentTools) -> None:
    """Translate the sentences the group's documents will ask for, all of a language pair in
    one call, into the translation cache. Only a speed-up: whatever is not translated here
    (a failure, a route this does not foresee) each document translates itself, and an
    error then fails that document with its reason."""
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
            outputs = tools.batch_translators[pair].translate(ordered)
            done.setdefault(pair, {}).update(zip(ordered, (o.text for o in outputs)))
