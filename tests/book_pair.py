"""A book and its translation, built reproducibly from a sentence-aligned dev set: chapters
of gold-aligned sentence runs under numbered headings, one chapter left out of the
translation, and the gold links of the whole book. Used by tests/test_chapters.py (a few
chapters of the dev set shipped in tests/data/align-dev) and bench/bench_book.py (10,000
sentences).

Only runs whose every sentence stays one sentence for the project's splitter (and ends in
punctuation, so no line of it reads as a heading) are used, so the imported book has exactly
the sentences the gold numbers.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from align.alignment.evaluation import read_links
from align.text.sentences import split_sentences

ENDS = re.compile(r"[.!?]\s*$")
LABEL = re.compile(r"^\S[^:]{0,40}:\s")   # "Anmerkung: ..." could read as a speaker label


@dataclass
class BookPair:
    source: str                    # Markdown: "# Kapitel 1", paragraphs
    translation: str               # Markdown: "# Chapitre 1", ...; one chapter left out
    src_sentences: list[str]       # every source sentence in order (headings included)
    tgt_sentences: list[str]       # every translation sentence in order
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]]
    chapters: int
    dropped: int                   # 1-based number of the chapter the translation lacks
    dropped_heading: str


def usable_units(src: list[str], tgt: list[str], gold_lines: list[str], src_lang: str,
                 tgt_lang: str) -> list[tuple[list[str], list[str]]]:
    """Gold links (both sides non-empty) as (source sentences, target sentences), only those
    the splitter keeps as they are."""
    def ok(line: str, lang: str) -> bool:
        line = " ".join(line.split())
        return bool(ENDS.search(line)) and not LABEL.match(line) and split_sentences(line, lang) == [line]

    units = []
    for s_ids, t_ids in read_links(gold_lines):
        if not s_ids or not t_ids:
            continue
        s = [" ".join(src[i].split()) for i in s_ids]
        t = [" ".join(tgt[j].split()) for j in t_ids]
        if all(ok(x, src_lang) for x in s) and all(ok(x, tgt_lang) for x in t):
            units.append((s, t))
    return units


def build_book(units: list[tuple[list[str], list[str]]], sentences: int, chapter_sizes: tuple[int, int],
               seed: int, src_word: str = "Kapitel", tgt_word: str = "Chapitre",
               dropped: int | None = None) -> BookPair:
    """About `sentences` source sentences in chapters of `chapter_sizes` (min, max) units, each
    chapter a run of units from a random start (wrapping around), each unit a paragraph."""
    rng = random.Random(seed)
    chapters: list[list[tuple[list[str], list[str]]]] = []
    total = 0
    while total < sentences:
        size = rng.randint(*chapter_sizes)
        start = rng.randrange(len(units))
        chapter = [units[(start + k) % len(units)] for k in range(size)]
        chapters.append(chapter)
        total += sum(len(s) for s, _ in chapter) + 1
    dropped = dropped if dropped is not None else rng.randint(2, len(chapters) - 1)
    src_md, tgt_md, src_sents, tgt_sents, gold = [], [], [], [], []
    for number, chapter in enumerate(chapters, 1):
        keep = number != dropped
        src_md.append(f"# {src_word} {number}\n")
        src_sents.append(f"{src_word} {number}")
        if keep:
            tgt_md.append(f"# {tgt_word} {number}\n")
            tgt_sents.append(f"{tgt_word} {number}")
            gold.append(((len(src_sents) - 1,), (len(tgt_sents) - 1,)))
        else:
            gold.append(((len(src_sents) - 1,), ()))
        for s, t in chapter:
            src_md.append("\n".join(s) + "\n")
            s_ids = tuple(range(len(src_sents), len(src_sents) + len(s)))
            src_sents += s
            if keep:
                tgt_md.append("\n".join(t) + "\n")
                t_ids = tuple(range(len(tgt_sents), len(tgt_sents) + len(t)))
                tgt_sents += t
                gold.append((s_ids, t_ids))
            else:
                gold += [((i,), ()) for i in s_ids]
    return BookPair("\n".join(src_md), "\n".join(tgt_md), src_sents, tgt_sents, gold,
                    len(chapters), dropped, f"{src_word} {dropped}")


def project_links(project, lang: str, book: BookPair) -> tuple[list, int]:
    """(the project's links as sentence positions, sentences that did not come back as built):
    source positions by the stored order, target positions by the imported order."""
    src = project.source_segments()
    src_pos = {s.id: k for k, s in enumerate(src)}
    tgt = project.target_segments(lang)
    tgt_pos = {s.id: s.position for s in tgt}
    stored_tgt = [s.text for s in sorted(tgt, key=lambda s: s.position)]
    differ = sum(a.text != b for a, b in zip(src, book.src_sentences)) + abs(len(src) - len(book.src_sentences))
    differ += sum(a != b for a, b in zip(stored_tgt, book.tgt_sentences)) + abs(len(stored_tgt) - len(book.tgt_sentences))
    links = [(tuple(src_pos[i] for i in link.src_ids), tuple(int(tgt_pos[j]) for j in link.tgt_ids))
             for link in project.links(lang) if link.src_ids and link.tgt_ids]
    return sorted(links), differ
