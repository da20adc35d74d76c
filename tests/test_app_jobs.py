"""Translate and Re-align as the app runs them (issue 21): in a worker thread
(`models.background`), reporting progress, and cancelled at a report with the project exactly
as it was: the translation holds its chunks and writes them in one transaction at the end,
the re-alignment writes its links only after its last report. A real store, the real
MarianMT code path on a tiny model (tests/tiny_marian.py), a stand-in encoder held at a gate
so the cancel lands mid-encoding."""
from __future__ import annotations

import threading
import time

import pytest

import models.alignment
from align.imports.source import import_text
from align.jobs import Cancelled, Job
from align.store import Project
from models import app_services as svc
from models.encoders import CachedEncoder
from tests.conftest import make_interview_project
from tests.test_limits import GatedEncoder, HashEncoder, project_dump


@pytest.fixture(scope="module")
def tiny_de_en(tmp_path_factory):
    from tests.tiny_marian import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny") / "de-en")


@pytest.fixture
def with_model(tiny_de_en, monkeypatch, tmp_path):
    monkeypatch.setenv("BITEXT_MODELS", f"de-en={tiny_de_en}")
    monkeypatch.setenv("BITEXT_CACHE", str(tmp_path / "cache"))
    svc._status_cache.clear()
    yield
    svc._status_cache.clear()


def short_interview(directory):
    """The interview's first turns only (about 60 sentences: two chunks of 32)."""
    make_interview_project(directory)
    with Project.open(directory) as p:
        kept = 0
        for block in p.blocks():
            if kept >= 40:
                p.set_block_excluded(block.id, True)
            elif not block.excluded:
                kept += len(p.source_segments(block.id))
        todo = svc.count_untranslated(p, "en")
    assert 32 < todo <= 96
    return todo


@pytest.mark.slow
def test_a_translation_cancelled_after_its_first_chunk_saves_nothing(tmp_path, with_model):
    directory = tmp_path / "p"
    todo = short_interview(directory)
    before = project_dump(directory)
    seen = []

    def show(stage, fraction):
        if not seen or seen[-1] != stage:   # reported again after each batch of the model
            seen.append(stage)
        if stage.startswith("translating: 32 of"):
            job.cancel()       # 32 sentences translated, held in memory, none written
    job = Job(show, name="the translation")
    with Project.open(directory) as p, pytest.raises(Cancelled, match="nothing was changed"):
        svc.translate_missing(p, "en", job)
    assert seen[:3] == ["loading the model", f"translating: 0 of {todo} sentences",
                        f"translating: 32 of {todo} sentences"]
    assert project_dump(directory) == before
    # Not cancelled: everything is written at the end.
    job = Job(name="the translation")
    with Project.open(directory) as p:
        assert svc.translate_missing(p, "en", job) == todo
        assert svc.count_untranslated(p, "en") == 0
    assert job.stages[-1] == f"translating: {todo} of {todo} sentences"


@pytest.mark.slow
def test_the_translate_job_runs_in_its_thread_and_says_what_it_did(tmp_path, with_model):
    directory = tmp_path / "p"
    todo = short_interview(directory)
    job = svc.translate_job(directory, "en")
    assert job.wait(300) and job.error is None
    assert job.summary() == f"Translated {todo} sentences into English"
    # A cancel before its first report: nothing was changed, and it says so.
    with Project.open(directory) as p:
        p.set_block_excluded(p.blocks()[-1].id, False)
        assert svc.count_untranslated(p, "en") > 0
    before = project_dump(directory)
    job = svc.translate_job(directory, "en")
    job.cancel()
    assert job.wait(300) and job.cancelled
    assert job.summary() == "The translation was cancelled: nothing was changed."
    assert project_dump(directory) == before


def one_long_turn(directory, n: int = 150) -> list:
    text = " ".join(f"Satz {k} dieses Tests spricht von {k * 7919 % 1000} Menschen." for k in range(n))
    import_text(text + "\n", directory, "turn.txt")
    with Project.open(directory) as p:
        sources = p.source_segments()
        for k, s in enumerate(sources):
            p.set_machine_translation(s.id, "en", f"Sentence {k} of this test speaks of "
                                                  f"{k * 7919 % 1000} people.", {"model": "test"})
    return sources


def test_a_realign_job_cancelled_mid_encoding_changes_nothing(tmp_path, monkeypatch):
    gate = threading.Event()
    monkeypatch.setattr(models.alignment, "_default_encoder", CachedEncoder(GatedEncoder(gate)))
    directory = tmp_path / "p"
    sources = one_long_turn(directory)
    before = project_dump(directory)
    job = svc.realign_job(directory, sources[0].block_id, "en")
    deadline = time.monotonic() + 60
    while "encoding" not in job.stage and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.stage.startswith("encoding sentences") and not job.done.is_set()
    assert job.title == "Re-aligning this turn (English)"
    job.cancel()
    gate.set()
    assert job.wait(60) and job.cancelled and job.result is None
    assert job.summary() == "The re-alignment was cancelled: nothing was changed."
    assert project_dump(directory) == before
    # Not cancelled: the links are replaced, and the job says how many there are.
    monkeypatch.setattr(models.alignment, "_default_encoder", CachedEncoder(HashEncoder()))
    job = svc.realign_job(directory, sources[0].block_id, "en")
    assert job.wait(120) and job.error is None
    assert job.summary() == f"Re-aligned this turn (English): {job.result} links"
    assert project_dump(directory) != before


def test_long_sentences_are_translated_in_smaller_chunks_so_progress_and_cancel_keep_coming():
    from align.store.rows import SegmentRow
    from models.project_translate import CHUNK, CHUNK_CHARS, _chunks

    def seg(n: int, length: int) -> SegmentRow:
        return SegmentRow(f"s{n}", "b", "de", n, "x" * length, "source", {}, "source", 1)

    short = [seg(n, 80) for n in range(70)]
    assert [len(c) for c in _chunks(short)] == [CHUNK, CHUNK, 70 - 2 * CHUNK]
    # 28,000-character "sentences" (an unpunctuated text): one per chunk, each reported.
    long = [seg(n, 28_000) for n in range(3)] + [seg(3, 80), seg(4, 80)]
    assert [len(c) for c in _chunks(long)] == [1, 1, 1, 2]
    assert all(sum(len(s.text) for s in c) <= CHUNK_CHARS or len(c) == 1 for c in _chunks(long))


@pytest.mark.slow
def test_a_cancel_is_taken_inside_one_long_sentence(tmp_path, with_model):
    """An unpunctuated text: one "sentence" of many model windows. The translation reports
    after each batch of its pieces, so Cancel does not wait for the whole sentence."""
    directory = tmp_path / "p"
    words = " ".join(f"wort{k} und noch eines" for k in range(700))     # ~15,000 characters
    import_text(words + "\n", directory, "long.txt")
    before = project_dump(directory)
    stages = []

    def show(stage, fraction):
        stages.append(stage)
        if stages.count("translating: 0 of 1 sentences") == 2:   # a first batch is done
            job.cancel()
    job = Job(show, name="the translation")
    with Project.open(directory) as p, pytest.raises(Cancelled):
        svc.translate_missing(p, "en", job)
    assert "translating: 1 of 1 sentences" not in stages
    assert project_dump(directory) == before
