"""A source "sentence" too long to align as one (issue 21): a 200 KB German line with no
full stop. The aligner sees it as pieces cut at clauses and gives it back whole, linked to
all of its translation (`align.alignment.long_units`); the store and the exports keep the
person's text as it was. A real store; a deterministic stand-in encoder (the figures and
the links' shape are tested here, the e5 quality elsewhere)."""
from __future__ import annotations

from pathlib import Path

from align.alignment import Link
from align.alignment.long_units import Pieces, links_of_sentences, split_like
from align.formats import export_project
from align.imports import translation as ti
from align.imports.source import import_text
from align.store import Project
from align.text.long_sentences import MAX_SCORING_CHARS, MAX_SENTENCE_CHARS
from models.alignment import BlockAligner
from models.encoders import CachedEncoder
from tests.qa_damage import reference_pairs
from tests.test_limits import HashEncoder

ROOT = Path(__file__).resolve().parent.parent


def unpunctuated(text: str, size: int) -> str:
    """The words of `text` without . ? ! : (no sentence end, no speaker label), `size` chars."""
    words = text.translate(str.maketrans(".?!:", "    ")).split()
    out, length, k = [], 0, 0
    while length < size:
        out.append(words[k % len(words)])
        length += len(out[-1]) + 1
        k += 1
    return " ".join(out)


def test_links_of_pieces_come_back_as_links_of_whole_sentences():
    src = Pieces.cut(["short one", "x " * 1400, "last"], limit=1500)
    assert src.of == [[0], [1, 2], [3]] and src.owner == [0, 1, 1, 2]
    assert "".join(src.texts[p] for p in src.of[1]).replace(" ", "") == "x" * 1400
    tgt = Pieces.cut(["a", "b", "c", "d", "e", "f"])
    pieces = [Link((0,), (0,), 0.9), Link((1,), (1,), 0.8), Link((), (2,), 0.0),
              Link((2,), (3,), 0.6), Link((3,), (4,), 0.7), Link((), (5,), 0.0)]
    assert links_of_sentences(pieces, src, tgt) == [
        Link((0,), (0,), 0.9), Link((1,), (1, 2, 3), 0.7), Link((2,), (4,), 0.7),
        Link((), (5,), 0.0)]
    # The MT bridge of a cut sentence is shared out in proportion to its pieces.
    assert split_like("one two three four", [10, 10]) == ["one two", "three four"]
    assert len(split_like("one", [5, 5, 5])) == 3


def test_a_200kb_unpunctuated_source_line_is_aligned_as_pieces_and_kept_whole(tmp_path):
    interview = (ROOT / "data" / "davos_interview_de.txt").read_text(encoding="utf-8")
    english = " ".join(en for _, en in reference_pairs())
    german = unpunctuated(interview, 200_000)
    directory = tmp_path / "p"
    import_text(german + "\n", directory, "long.txt")
    encoder = HashEncoder()
    with Project.open(directory) as p:
        sources = p.source_segments()
        long_ones = [s for s in sources if len(s.text) > 10 * MAX_SENTENCE_CHARS]
        assert long_ones, "the segmenter found sentence ends: no long sentence to test"
        # As long as its translation: accepted without --force (counted in pieces).
        result = ti.import_text(p, unpunctuated(english, 200_000) + "\n", "en", "long_en.txt",
                                BlockAligner("de", "en", CachedEncoder(encoder)))
        links = p.links("en")
        targets = p.target_segments("en")
        # The store keeps the German as it was: the cut was only for aligning.
        assert " ".join(s.text for s in p.source_segments()) == german
        table_tsv = export_project(p, "tsv", ["de", "en"], include_suggested=True).decode("utf-8")
    assert encoder.longest <= MAX_SCORING_CHARS + 3     # the encoder saw pieces, head and tail
    by_source = {l.src_ids[0]: l for l in links if len(l.src_ids) == 1}
    for s in long_ones:
        link = by_source[s.id]
        assert len(link.tgt_ids) >= len(s.text) // (2 * MAX_SENTENCE_CHARS)
    linked = {t for l in links if l.src_ids for t in l.tgt_ids}
    assert len(linked) >= 0.8 * len(targets), result.summary()
    # Each long German sentence is one row of the export, whole.
    german_cells = [line.split("\t")[2] for line in table_tsv.splitlines()[1:]]
    for s in long_ones:
        assert s.text in german_cells
