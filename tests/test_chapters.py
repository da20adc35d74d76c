"""Chapters as anchors (issue 23): a translation's headings cut it into chapters, paired with
the source's before sentences are aligned; a chapter one side lacks is reported and left
alone, never forced onto its neighbour.

The end-to-end test builds a small book from the German-French dev set shipped in
tests/data/align-dev (`tests/book_pair.py`: runs of gold-aligned sentences under
"# Kapitel N" / "# Chapitre N", one chapter left out of the translation), imports it through
the real store, and aligns with the real e5 encoder (the dev set's vectors ship in
tests/data/align_dev_e5_query.npz; the headings and new runs are encoded live).
bench/bench_book.py is the same at 10,000 sentences.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from align.alignment.chapters import head_evidence, pair_chapters
from align.alignment.evaluation import score_alignments
from align.imports.source import import_text as import_source
from align.imports.translation import import_text
from align.store import Project
from align.text.sections import Section, sections_from_text
from tests.book_pair import build_book, project_links, usable_units

DEV = Path(__file__).parent / "data" / "align-dev"
VECTORS = Path(__file__).parent / "data" / "align_dev_e5_query.npz"


# ----- sections of a text ------------------------------------------------------------------------

def test_markdown_and_plain_headings_make_sections():
    text = ("Vorwort ohne Überschrift.\n\n# Chapter 1\nIt rained.\nIt snowed.\n\n"
            "## The Second Part\n\nShe left.\n\nA Short Line Inside\nis no heading.\n\n"
            "第三章 回家\n\n他回家了。\n")
    secs = sections_from_text(text)
    assert [(s.heading, s.level) for s in secs] == [
        (None, 1), ("Chapter 1", 1), ("The Second Part", 2), ("第三章 回家", 1)]
    assert [p for p in secs[1].paragraphs if p.strip()] == ["It rained.", "It snowed."]
    assert "A Short Line Inside" in secs[2].paragraphs          # not standalone: no heading
    # One sentence per line without blank lines: its short lines are not chapters.
    assert [s.heading for s in sections_from_text("Kapitel eins\nEs regnete.\nEnde\n")] == [None]


# ----- pairing -----------------------------------------------------------------------------------

def test_a_chapter_missing_from_the_translation_is_left_alone():
    src = [3000, 5200, 4100, 2500, 6100]
    tgt = [3300, 5600, 2700, 6500]                    # the third chapter is missing
    pairing = pair_chapters(src, tgt)
    assert pairing.paired == [(0, 0), (1, 1), (3, 2), (4, 3)] and pairing.source_only == [2]
    # The same with the heads' similarity: evidence decides where lengths could not.
    evidence = np.full((4, 5), -1.0)
    for j, i in enumerate([0, 1, 3, 4]):
        evidence[j, i] = 5.0
    even = [4000] * 5
    assert pair_chapters(even, even[:4], evidence).source_only == [2]


def test_a_chapter_only_in_the_translation_stays_unpaired():
    pairing = pair_chapters([3000, 5000, 4000], [3100, 2000, 5200, 4300],
                            np.array([[5, -1, -1], [-1, -1, -1], [-1, 5, -1], [-1, -1, 5]], float))
    assert pairing.paired == [(0, 0), (1, 2), (2, 3)] and pairing.target_only == [1]


def test_head_evidence_sums_what_each_head_sentence_matches_above_chance():
    sim = np.array([[4.0, 0.0, 0.5], [0.0, 0.2, 3.0], [-2.0, 0.0, 0.0]])  # 3 target x 3 source heads
    ev = head_evidence(sim, [0, 0, 1], [0, 0, 1], 2, 2)
    assert ev.shape == (2, 2)
    # Target chapter 0: 4.0 in source chapter 0 (2.5 above chance); 3.0 in source chapter 1.
    assert ev[0].tolist() == [2.5, 1.5]
    assert ev[1].tolist() == [0.0, 0.0]          # a sentence matching nothing takes nothing away


# ----- a small book, end to end ------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_aligner():
    from models.alignment import BlockAligner
    from models.encoders import CachedEncoder, E5Encoder

    encoder = CachedEncoder(E5Encoder("query"))
    assert encoder.import_vectors(VECTORS) > 4000
    return BlockAligner("de", "fr", encoder)


@pytest.fixture(scope="module")
def small_book():
    lines = [(DEV / n).read_text(encoding="utf-8").splitlines() for n in ("dev.de", "dev.fr", "dev.defr")]
    units = usable_units(*lines, "de", "fr")
    assert len(units) > 150
    return build_book(units, 160, (8, 16), seed=7, dropped=3)


@pytest.mark.slow
def test_a_book_aligns_chapter_by_chapter_and_reports_the_missing_one(small_book, dev_aligner,
                                                                      tmp_path):
    book = small_book
    assert book.chapters >= 5
    import_source(book.source, tmp_path / "p", "book.de.md")
    with Project.open(tmp_path / "p") as p:
        result = import_text(p, book.translation, "fr", "book.fr.md", dev_aligner)
        links, differ = project_links(p, "fr", book)
        heading_texts = [s.text for s in p.target_segments("fr") if s.text.startswith("Chapitre")]
    assert differ == 0                                 # every sentence came back as built
    report = result.chapters
    assert report is not None and report.paired == book.chapters - 1
    assert report.missing == [book.dropped_heading] and report.extra == []
    assert f"no translation for 1 (left untranslated): “{book.dropped_heading}”" in result.summary()
    # "# Chapitre 2" is stored as the heading's translation, without its marks.
    assert "Chapitre 2" in heading_texts and not any("#" in t for t in heading_texts)
    # Nothing of the missing chapter is linked: it was not forced onto a neighbour.
    dropped = {i for (s, t) in book.gold if not t for i in s}
    assert dropped and not [link for link in links if set(link[0]) & dropped]
    score = score_alignments([book.gold], [links])
    assert score.f1_strict >= 0.9, score.report()


@pytest.mark.slow
def test_a_reader_gives_its_chapters_as_sections(small_book, dev_aligner, tmp_path):
    """The entry point other readers use: sections (heading, paragraphs) in, same pairing."""
    from align.imports.translation import import_sections

    book = small_book
    import_source(book.source, tmp_path / "p", "book.de.md")
    sections = [Section(s.heading, s.paragraphs) for s in sections_from_text(book.translation)]
    # A reader that knows the chapters' titles but not as "Chapitre N": the pairing still holds.
    sections[1].heading = "Un titre sans numéro"
    with Project.open(tmp_path / "p") as p:
        result = import_sections(p, sections, "fr", "book.epub", dev_aligner, kind="epub")
    assert result.chapters.missing == [book.dropped_heading]
    assert result.chapters.paired == book.chapters - 1 and result.kind == "epub"


@pytest.mark.slow
def test_the_cli_says_which_chapter_has_no_translation(small_book, dev_aligner, tmp_path,
                                                       monkeypatch, capsys):
    """`bitext import-translation` prints the chapters paired and the one missing (the app
    shows the same summary). The aligner is the CLI's, with the dev set's vectors loaded."""
    from align.cli import export as cli_export
    from align.cli import main

    book = small_book
    (tmp_path / "book.de.md").write_text(book.source, encoding="utf-8")
    (tmp_path / "book.fr.md").write_text(book.translation, encoding="utf-8")
    assert main(["import", "--project", str(tmp_path / "p"), str(tmp_path / "book.de.md")]) == 0
    monkeypatch.setattr(cli_export, "_aligner", lambda project, lang, progress=None: dev_aligner)
    assert main(["import-translation", str(tmp_path / "p"), str(tmp_path / "book.fr.md"),
                 "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert (f"aligned chapter by chapter: {book.chapters - 1} of {book.chapters} chapters paired; "
            f"no translation for 1 (left untranslated): “{book.dropped_heading}”") in out


@pytest.mark.slow
def test_chapters_that_do_not_correspond_fall_back_to_the_whole_text(small_book, dev_aligner,
                                                                    tmp_path):
    """A translation with headings for its first two chapters only (the rest run on under
    the second) does not lose the rest: it is aligned as one text, as before."""
    book = small_book
    import_source(book.source, tmp_path / "p", "book.de.md")
    lines = book.translation.splitlines()
    kept = [line for line in lines if not line.startswith("# ")
            or line in ("# Chapitre 1", "# Chapitre 2")]
    with Project.open(tmp_path / "p") as p:
        result = import_text(p, "\n".join(kept), "fr", "book.fr.md", dev_aligner)
        linked = {i for link in p.links("fr") if link.tgt_ids for i in link.src_ids}
    assert result.chapters is None and "chapter by chapter" not in result.summary()
    assert len(linked) > 0.6 * len(book.src_sentences)
