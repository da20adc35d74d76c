"""Bounds on what one input may cost (issue 21, part A): implausible translations refused with
their figures, over-long "sentences" cut before aligning, the DP band bounded by memory, and
an import stopped half-way leaving the project as it was."""
from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest

from align.alignment import band_budget
from align.alignment.band_budget import band_bytes, max_half_width
from align.alignment.config import AlignConfig, MAX_HALF_WIDTH
from align.alignment.search import _banded_solve
from align.cli import main
from align.errors import InputError
from align.formats.rows import Cell, Row, Table
from align.imports import translation as ti
from align.imports.plausibility import ImplausibleTranslation, Sizes, sizes_of, weighted_length
from align.store import DB_NAME, Project
from align.text.long_sentences import (MAX_SCORING_CHARS, MAX_SENTENCE_CHARS, cut_long_sentences,
                                       scoring_text)
from models.alignment import BlockAligner
from models.encoders import CachedEncoder
from tests.conftest import make_interview_project

DATA = Path(__file__).parent / "data"
TRANSCRIPT = DATA / "davos_transcript_en.txt"


def project_dump(directory: Path) -> list[str]:
    """Every row of every table of the project's database, and its backups: what 'nothing
    saved changed' means."""
    with sqlite3.connect(directory / DB_NAME) as db:
        rows = list(db.iterdump())
    return rows + sorted(p.name for p in directory.rglob("*") if "backup" in str(p))


# ----- implausible translations ----------------------------------------------------------------

def test_sizes_refuse_a_translation_far_longer_than_its_source_and_pass_a_short_one():
    assert Sizes(1000, 10, 4000, 12).problem() is None
    assert "4.1 times as long" in Sizes(1000, 10, 4100, 12).problem()
    assert "5,000 sentences" in Sizes(30_000, 277, 30_000, 5000).problem()
    assert Sizes(30_000, 277, 3_000, 30).problem() is None        # a partial translation
    assert Sizes(10, 1, 40, 50).problem() is None                   # a short source, split finely


def test_a_chinese_character_weighs_as_three_letters():
    assert weighted_length("马云 说") == 9 and weighted_length("a b\nc") == 3
    # German source, Chinese translation of about the same content: plausible
    assert sizes_of(["Das Treffen war produktiv."], ["会议很有成效。"]).problem() is None


@pytest.mark.parametrize("text", [
    "Hello world. " * 20_000,                                            # one repeated sentence
    " ".join(f"word{k % 977}" for k in range(30_000)),                  # 200 KB, no full stop
    "\n".join(["Short line."] * 2_000),                                  # 2,000 sentences
])
def test_cli_refuses_an_implausible_translation_with_figures_and_changes_nothing(
        tmp_path, capsys, text):
    directory = make_interview_project(tmp_path / "interview")
    path = tmp_path / "translation.txt"
    path.write_text(text, encoding="utf-8")
    before = project_dump(directory)
    assert main(["import-translation", str(directory), str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("error: ") and "--force" in err and "nothing was changed" in err
    assert ("times as long" in err and "characters against" in err) or "sentences for the" in err
    assert project_dump(directory) == before


def test_parallel_file_far_longer_than_its_source_is_refused(tmp_path):
    directory = make_interview_project(tmp_path / "interview")
    with Project.open(directory) as p:
        first = p.source_segments()[0].text
    table = Table("de", ("de", "en"), (Row(1, None, {"de": Cell(first), "en": Cell("Long. " * 500)}),))
    before = project_dump(directory)
    with Project.open(directory) as p, pytest.raises(ImplausibleTranslation, match="--force"):
        ti.import_table(p, table, "en", "long.tmx", "tmx")
    assert project_dump(directory) == before


class HashEncoder:
    """A deterministic stand-in encoder (the same vectors in every process: crc32, not the
    per-process str hash) for the *figures* tests: it records what it is given.
    (The alignment quality is the e5 tests' business; here only lengths and calls matter.)"""

    id = "hash-test"
    dim = 16

    def __init__(self):
        self.longest = 0
        self.count = 0

    def encode(self, texts):
        texts = list(texts)
        self.count += len(texts)
        self.longest = max([self.longest] + [len(t) for t in texts])
        out = np.stack([np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dim)
                        for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_force_imports_what_was_refused_and_a_partial_translation_needs_no_force(tmp_path):
    directory = make_interview_project(tmp_path / "interview")
    long_text = "Hi. " * 2_000      # 2,000 sentences for the interview's 295
    aligner = BlockAligner("de", "en", CachedEncoder(HashEncoder()))
    with Project.open(directory) as p:
        with pytest.raises(ImplausibleTranslation):
            ti.import_text(p, long_text, "en", "long.txt", aligner)
        result = ti.import_text(p, long_text, "en", "long.txt", aligner, force=True)
        assert result.units == 2_000 and len(p.target_segments("en")) == 2_000
        # a tenth of the interview's English: far shorter, imported without a word
        partial = "\n".join(TRANSCRIPT.read_text(encoding="utf-8").splitlines()[:4])
        assert ti.import_text(p, partial, "en", "partial.txt", aligner).units > 0


# ----- over-long sentences ---------------------------------------------------------------------

def test_an_unpunctuated_line_is_cut_into_pieces_that_fit_and_nothing_is_lost():
    line = " ".join(f"word{k % 977}" for k in range(30_000))   # ~200 KB, no full stop
    pieces = ti.split_lines(line, "en")
    assert len(pieces) > 100 and max(map(len, pieces)) <= MAX_SENTENCE_CHARS
    assert " ".join(pieces) == line
    assert cut_long_sentences(["Short.", "Also short."]) == ["Short.", "Also short."]


def test_the_encoder_never_sees_more_than_the_scoring_limit():
    text = "Anfang " + "und dann " * 5000 + "Ende"
    clipped = scoring_text(text)
    assert len(clipped) <= MAX_SCORING_CHARS + 3
    assert clipped.startswith("Anfang") and clipped.endswith("Ende")
    assert scoring_text("kurz") == "kurz"
    encoder = HashEncoder()
    aligner = BlockAligner("de", "en", CachedEncoder(encoder))
    aligner([(["Ein Satz.", "x " * 50_000], ["y " * 60_000, "A sentence."])])
    assert 0 < encoder.longest <= MAX_SCORING_CHARS + 3


# ----- the DP band ---------------------------------------------------------------------------

def test_band_width_is_capped_by_the_memory_budget():
    moves = len(AlignConfig().moves())
    assert max_half_width(300, 300, moves) == MAX_HALF_WIDTH            # small tables: as before
    big = max_half_width(300, 20_000, moves)
    assert big < MAX_HALF_WIDTH and band_bytes(300, 20_000, moves, 2 * big + 1) <= band_budget.MAX_BAND_BYTES
    assert max_half_width(10**7, 10**7, moves) == band_budget.MIN_HALF_WIDTH


def test_a_lopsided_pair_is_solved_in_a_band_within_the_budget(monkeypatch):
    """300 source against 3,000 target sentences whose path runs far from the guide: the band
    widens (as it always did) but stops at what the budget allows, and the DP's tables are
    (n + m + 1) x moves x that width, never n x m."""
    n, m = 300, 3000
    cfg = AlignConfig(width=4)
    moves = [mv for mv in cfg.moves()]
    monkeypatch.setattr(band_budget, "MAX_BAND_BYTES", band_bytes(n, m, len(moves), 2 * 8 + 1))
    cap = max_half_width(n, m, len(moves))
    assert cap == 8

    def scorer(move, i, j):  # the target's first m - n sentences match nothing; then 1:1
        good = (move == (1, 1)) & (j - i == m - n)
        return np.where(good, 3.0, -5.0).astype(np.float32)

    guide = (np.array([0.0, n + m]), np.array([0.0, m]))          # the straight diagonal
    solved, steps = _banded_solve(n, m, guide, moves, scorer, cfg, posteriors=True)
    assert solved.band.width <= 2 * cap + 1
    assert solved.gain.nbytes + solved.prev.nbytes <= band_budget.MAX_BAND_BYTES
    assert steps[-1][1] == n and steps[-1][3] == m                # a complete path all the same


# ----- cancelling an import ------------------------------------------------------------------

def novel_sentences(count: int) -> str:
    return "\n".join(f"Sentence {k} of this test is about the number {k * 7919 % 1000}."
                     for k in range(count))


@pytest.mark.parametrize("stop_at", ["reading", "encoding", "aligning", "saving"])
def test_a_cancelled_import_leaves_the_project_exactly_as_it_was(tmp_path, monkeypatch, stop_at):
    import models.alignment
    from align.jobs import Cancelled, Job
    from models import app_services as svc

    monkeypatch.setattr(models.alignment, "_default_encoder", CachedEncoder(HashEncoder()))
    directory = make_interview_project(tmp_path / "interview")
    with Project.open(directory) as p:   # an English already there, to be kept
        ti.import_text(p, "Welcome to Davos.\nThank you.", "en", "first.txt",
                       BlockAligner("de", "en", CachedEncoder(HashEncoder())))
    before = project_dump(directory)
    seen = []

    def show(stage, fraction):
        seen.append(stage)
        if stage.startswith(stop_at):
            job.cancel()
    job = Job(show)
    with Project.open(directory) as p, pytest.raises(Cancelled, match="nothing was changed"):
        svc.import_translation(p, novel_sentences(200).encode(), "t.txt", "en", progress=job)
    assert any(s.startswith(stop_at) for s in seen)
    assert project_dump(directory) == before
    # not cancelled, the same import goes through and reports every stage on its way
    job = Job()
    with Project.open(directory) as p:
        svc.import_translation(p, novel_sentences(200).encode(), "t.txt", "en", progress=job)
        assert len(p.target_segments("en")) == 200
    assert [s.split()[0] for s in job.stages if not s.startswith("encoding")] == \
        ["reading", "aligning", "saving"] and any(s.startswith("encoding") for s in job.stages)


class GatedEncoder(HashEncoder):
    """Holds every encode until the test opens the gate: the import is caught mid-encoding."""

    def __init__(self, gate):
        super().__init__()
        self.gate = gate

    def encode(self, texts):
        assert self.gate.wait(60)
        return super().encode(texts)


def test_an_import_job_in_its_thread_is_cancelled_mid_encoding_and_changes_nothing(
        tmp_path, monkeypatch):
    import threading
    import time

    import models.alignment
    from models.import_job import ImportJob

    gate = threading.Event()
    monkeypatch.setattr(models.alignment, "_default_encoder", CachedEncoder(GatedEncoder(gate)))
    directory = make_interview_project(tmp_path / "interview")
    before = project_dump(directory)
    job = ImportJob(directory, novel_sentences(200).encode(), "t.txt", "en")
    deadline = time.monotonic() + 60
    while not job.stage.startswith("encoding") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.stage.startswith("encoding sentences") and not job.done.is_set()
    job.cancel()
    gate.set()
    assert job.wait(60) and job.cancelled and job.result is None
    assert "nothing was changed" in str(job.error)
    assert project_dump(directory) == before


def test_a_transcript_of_a_long_text_is_not_placed_block_by_block(tmp_path):
    """Placing sentences in blocks is quadratic in the blocks (450 here, the interview ten
    times): the long text is aligned as one text instead, the similarity table never built."""
    from align.imports.source import import_text

    interview = (Path(__file__).parent.parent / "data" / "davos_interview_de.txt").read_text("utf-8")
    directory = tmp_path / "x10"
    import_text("\n\n".join([interview] * 10), directory, "x10.txt")
    transcript = TRANSCRIPT.read_text(encoding="utf-8")
    encoder = HashEncoder()
    aligner = BlockAligner("de", "en", CachedEncoder(encoder))
    with Project.open(directory) as p:
        blocks = p.blocks(include_excluded=False)
        assert len(blocks) > ti.MAX_PLACED_UNITS
        source_of = {b.id: p.source_segments(b.id) for b in blocks}
        lines = transcript.splitlines()
        from align.text.speakers import line_labels
        assert ti._placed_parts(lines, line_labels(transcript), blocks, source_of, "en", [],
                                aligner) is None
    assert encoder.count == 0


def test_the_cli_says_still_working_during_a_long_stage(monkeypatch, capsys):
    import time

    from align.cli import export as cli_export

    monkeypatch.setattr(cli_export, "HEARTBEAT_S", 0.3)
    report = cli_export._stage_printer()
    report("aligning 15,500 sentences")
    time.sleep(1.0)
    report.stop()
    err = capsys.readouterr().err
    assert "] aligning 15,500 sentences" in err and "] still aligning 15,500 sentences" in err


def test_clear_pairs_are_found_a_chunk_of_rows_at_a_time_as_with_the_whole_table():
    from align.alignment.length_ratio import _top_two

    rng = np.random.default_rng(3)
    src = rng.normal(size=(700, 32)).astype(np.float32)
    tgt = rng.normal(size=(300, 32)).astype(np.float32)
    top2, best, mean, spread = _top_two(tgt, src, chunk=64)
    cos = (tgt @ src.T).astype(np.float64)
    assert np.allclose(top2, -np.partition(-cos, 1, axis=1)[:, :2], atol=1e-4)
    assert (best == cos.argmax(axis=1)).all()
    assert abs(mean - cos.mean()) < 1e-6 and abs(spread - cos.std()) < 1e-5


def test_a_text_too_long_to_align_at_once_is_refused_even_with_force(tmp_path, monkeypatch):
    monkeypatch.setattr(ti, "MAX_ALIGNED_SENTENCES", 400)   # the interview (277 sentences aligned) + 200 > 400
    directory = make_interview_project(tmp_path / "interview")
    before = project_dump(directory)
    encoder = HashEncoder()
    with Project.open(directory) as p, pytest.raises(InputError, match=r"aligning 4\d\d sentences as one text"):
        ti.import_text(p, novel_sentences(200), "en", "t.txt",
                       BlockAligner("de", "en", CachedEncoder(encoder)), force=True)
    assert encoder.count == 0 and project_dump(directory) == before
