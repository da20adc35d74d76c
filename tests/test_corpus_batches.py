"""Documents translated in groups (corpus/batches.py) give the rows of each document translated
alone, byte for byte: English and Chinese through English, a document with its own English
(whose Chinese pivots from it, per document), bad documents among them; the group's
sentences really went to the translator together (the per-document translators never loaded
their weights)."""
from __future__ import annotations

import json

import pytest

from corpus.batches import process_grouped
from corpus.document import DocumentTools, process_document
from corpus.manifest import read_manifest
from corpus.settings import CorpusSettings
from tests.corpus_data import BAD, make_corpus
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian

DOCUMENTS = 8


@pytest.fixture(scope="module")
def tasks(tmp_path_factory):
    manifest = make_corpus(tmp_path_factory.mktemp("corpus"), DOCUMENTS)
    return [(task, f"key-{n}") for n, task in enumerate(read_manifest(manifest, "de", None,
                                                                        ("en", "zh")))]


def settings(cache) -> CorpusSettings:
    models = {"de-en": str(cached_tiny_marian()),
              "en-zh": str(cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1))}
    # batch size 4 and groups of 12 sentences: several groups, batches across documents
    return CorpusSettings(models=models, max_length=6, batch_size=4, cache=str(cache), threads=1)


def as_bytes(results: list[dict]) -> list[bytes]:
    return [json.dumps({k: v for k, v in r.items() if k != "seconds"}, ensure_ascii=False,
                       sort_keys=True).encode() for r in results]


def test_grouped_rows_are_those_of_each_document_alone(tasks, tmp_path):
    # Alone: each document through stage + finish, translated by its own translate_project.
    alone_tools = DocumentTools(settings(tmp_path / "alone"))
    alone = [process_document(task, key, alone_tools) for task, key in tasks]
    grouped_tools = DocumentTools(settings(tmp_path / "grouped"), warm=False)
    grouped: list[dict] = []
    process_grouped(tasks, grouped_tools, grouped.append, group_sentences=12)
    assert sorted(r["id"] for r in grouped) == sorted(r["id"] for r in alone)
    by_id = {r["id"]: r for r in grouped}
    assert as_bytes([by_id[r["id"]] for r in alone]) == as_bytes(alone)
    assert {r["id"] for r in grouped if r["status"] == "failed"} == set(BAD)
    assert sum(len(r.get("rows", ())) for r in grouped) > 100
    # Every machine-translated German sentence was translated with its group; the translator
    # a document uses by itself loaded its weights only for the Chinese pivoted from the
    # human document's English (which the group does not foresee).
    assert not grouped_tools.translators["de-en"].engine.loaded
    assert all(t.engine.loaded for t in grouped_tools.batch_translators.values())


def test_failed_documents_come_back_at_once_finished_ones_by_group(tasks, tmp_path):
    tools = DocumentTools(settings(tmp_path / "cache"), warm=False)
    order: list[str] = []
    process_grouped(tasks, tools, lambda r: order.append(r["status"]), group_sentences=12)
    # the bad documents sit in the middle of the manifest; each is reported when it is read,
    # before the group it interrupted is finished
    first_failed = order.index("failed")
    assert 0 < first_failed < len(order) - len(BAD)
    assert order.count("done") == DOCUMENTS + 1


def test_an_interrupted_run_leaves_no_temporary_project(tasks, tmp_path, monkeypatch):
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
        process_grouped(tasks, tools, stop_after_two, group_sentences=12)
    assert list(scratch.iterdir()) == []
