"""Documents translated in blocks (corpus/batches.py): a document's rows depend on its block
only — the same bytes whether the blocks run in one worker or each in a worker of its own,
and when its block is run again with the other documents already done (a resumed run);
the same translations as each document translated alone; the block's sentences really went
to the translator together. English and Chinese through English, a document with its own
English (whose Chinese pivots from it, per document), bad documents among them."""
from __future__ import annotations

import json

import pytest

from corpus.batches import plan_blocks, process_blocks
from corpus.document import DocumentTools, process_document
from corpus.manifest import read_manifest
from corpus.settings import CorpusSettings
from tests.corpus_data import BAD, make_corpus
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

DOCUMENTS = 8


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    manifest = make_corpus(tmp_path_factory.mktemp("corpus"), DOCUMENTS)
    tasks = read_manifest(manifest, "de", None, ("en", "zh"))
    return [(task, f"key-{n}", True, 1000) for n, task in enumerate(tasks)]


def settings(cache) -> CorpusSettings:
    models = {"de-en": str(cached_tiny_marian()),
              "en-zh": str(cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1))}
    # batch size 2: blocks of 8 batches are planned on about 1,920 bytes, two documents here
    return CorpusSettings(models=models, max_length=6, batch_size=2, cache=str(cache), threads=1)


def run(blocks, tools) -> dict[str, bytes]:
    out: list[dict] = []
    process_blocks(blocks, tools, out.append)
    return {r["id"]: json.dumps({k: v for k, v in r.items() if k != "seconds"},
                                ensure_ascii=False, sort_keys=True).encode() for r in out}


@pytest.fixture(scope="module")
def one_worker(documents, tmp_path_factory):
    tools = DocumentTools(settings(tmp_path_factory.mktemp("cache")), warm=False)
    return run(plan_blocks(documents, 2), tools), tools


def test_blocks_are_consecutive_documents_planned_by_size(documents):
    blocks = plan_blocks(documents, 2)
    assert [t.id for b in blocks for t, _, _ in b] == [t.id for t, _, _, _ in documents]
    assert {len(b) for b in blocks[:-1]} == {2}
    # the first two done: their block has nothing to do and goes; the others stay as they were
    done_first = [(t, k, n > 1, size) for n, (t, k, _, size) in enumerate(documents)]
    assert plan_blocks(done_first, 2) == blocks[1:]


def test_a_document_s_rows_depend_on_its_block_only(documents, one_worker, tmp_path):
    together, _ = one_worker
    assert set(together) == {t.id for t, _, _, _ in documents}
    assert {i for i, r in together.items() if json.loads(r)["status"] == "failed"} == set(BAD)
    # each block in a worker of its own (as Ray's actors take them), in reverse order
    blocks = plan_blocks(documents, 2)
    apart: dict[str, bytes] = {}
    for number, block in enumerate(reversed(blocks)):
        apart.update(run([block], DocumentTools(settings(tmp_path / f"c{number}"), warm=False)))
    assert apart == together
    # a resumed run: only the second document of each block still to do
    resumed_blocks = [[(t, k, n == 1) for n, (t, k, _) in enumerate(b)] for b in blocks]
    resumed = run(resumed_blocks, DocumentTools(settings(tmp_path / "resumed"), warm=False))
    assert resumed and all(together[i] == r for i, r in resumed.items())


def test_the_translations_are_those_of_each_document_alone(documents, one_worker, tmp_path):
    together, tools = one_worker
    alone_tools = DocumentTools(settings(tmp_path / "alone"))
    for task, key, _, _ in documents:
        alone = process_document(task, key, alone_tools)
        ours = json.loads(together[task.id])
        assert ours["status"] == alone["status"]
        if alone["status"] != "done":
            continue
        assert [r["translation"] for r in ours["rows"]] == [r["translation"] for r in alone["rows"]]
        # the model's confidence may differ in its last digits with the batch's shape
        for a, b in zip(ours["rows"], alone["rows"]):
            for lang, value in a["confidence"].items():
                other = b["confidence"][lang]
                assert (value is None and other is None) or abs(value - other) < 0.01
    # every sentence of the block went to the translator with its block: the process's
    # shared translator (what a document alone uses) never loaded its weights
    assert not tools.translators["de-en"].engine.loaded
    assert tools.batch_translators["de-en"].engine.loaded


def test_failed_documents_come_back_at_once_finished_ones_by_block(documents, tmp_path):
    tools = DocumentTools(settings(tmp_path / "cache"), warm=False)
    order: list[str] = []
    process_blocks(plan_blocks(documents, 2), tools, lambda r: order.append(r["status"]))
    assert 0 < order.index("failed") < len(order) - len(BAD)
    assert order.count("done") == DOCUMENTS + 1


def test_an_interrupted_run_leaves_no_temporary_project(documents, tmp_path, monkeypatch):
    from corpus import document

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(document, "_scratch", lambda: str(scratch))
    tools = DocumentTools(settings(tmp_path / "cache"), warm=False)
    seen = []

    def stop_after_two(result: dict) -> None:
        seen.append(result)
        if len([r for r in seen if r["status"] == "done"]) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        process_blocks(plan_blocks(documents, 2), tools, stop_after_two)
    assert list(scratch.iterdir()) == []
