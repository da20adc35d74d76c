"""A translation aligned chapter by chapter: the project's blocks cut at their headings,
the translation's sections (from any reader: `align.text.sections.Section`) paired with
them (`align.alignment.chapters`), and what was paired and what was missing, as a report.

The importer (`align.imports.translation.align_sections`) calls `chapter_parts` and aligns
the parts it returns as it aligns any text's parts; within a chapter it still finds turns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from align.alignment.chapters import HEAD_SENTENCES, ChapterPairing, head_evidence, pair_chapters
from align.formats.rows import clean
from align.text.sections import Section


@dataclass
class ChapterReport:
    """How a translation's chapters were paired with the source's."""
    paired: int
    source_total: int
    target_total: int
    missing: list[str] = field(default_factory=list)  # source headings the translation lacks
    extra: list[str] = field(default_factory=list)    # translation headings the source lacks

    def summary(self) -> str:
        line = f"aligned chapter by chapter: {self.paired} of {self.source_total} chapters paired"
        if self.missing:
            line += (f"; no translation for {len(self.missing)} (left untranslated): "
                     + ", ".join(f"“{h[:60]}”" for h in self.missing[:5])
                     + (" …" if len(self.missing) > 5 else ""))
        if self.extra:
            line += (f"; {len(self.extra)} in the translation match no source chapter (kept "
                     f"unlinked): " + ", ".join(f"“{h[:60]}”" for h in self.extra[:5])
                     + (" …" if len(self.extra) > 5 else ""))
        return line


def source_sections(blocks) -> list[tuple[object | None, list]]:
    """The project's blocks as (heading block or None, the blocks up to the next heading)."""
    out: list[tuple[object | None, list]] = [(None, [])]
    for b in blocks:
        if b.kind == "heading":
            out.append((b, []))
        else:
            out[-1][1].append(b)
    if len(out) > 1 and not out[0][1]:
        out.pop(0)
    return out


MIN_CHAPTER_COVER = 0.5  # paired chapters must hold this share of each side's text


def pair_sections(src_secs, tgt_secs: Sequence[Section], source_of, aligner,
                  sentences_of: Callable[[list[str]], list[str]]
                  ) -> tuple[ChapterPairing, list[int], list[int]]:
    """(pairing, source chapter lengths, target chapter lengths): chapters paired by their
    lengths and, when the aligner compares sentences, by their headings and first sentences
    (`align.alignment.chapters`)."""
    src_chars = [sum(len(s.text) for b in ([h] if h else []) + body for s in source_of[b.id])
                 for h, body in src_secs]
    tgt_chars = [len(sec.heading or "") + sum(len(p.strip()) for p in sec.paragraphs)
                 for sec in tgt_secs]
    evidence = None
    if hasattr(aligner, "similarity"):
        src_heads, src_of, tgt_heads, tgt_of = [], [], [], []
        for i, (h, body) in enumerate(src_secs):
            head = [s.text for b in ([h] if h else []) + body for s in source_of[b.id]][:HEAD_SENTENCES]
            src_heads += head
            src_of += [i] * len(head)
        for j, sec in enumerate(tgt_secs):
            first = [p for p in sec.paragraphs if p.strip()][:HEAD_SENTENCES]
            head = (([sec.heading] if sec.heading else []) + sentences_of(first))[:HEAD_SENTENCES]
            tgt_heads += head
            tgt_of += [j] * len(head)
        if src_heads and tgt_heads:
            sim = aligner.similarity(src_heads, tgt_heads)
            evidence = head_evidence(sim, src_of, tgt_of, len(src_secs), len(tgt_secs))
    return pair_chapters(src_chars, tgt_chars, evidence), src_chars, tgt_chars


def chapter_parts(blocks, sections: Sequence[Section], source_of, aligner,
                  body_parts: Callable, sentences_of: Callable[[list[str]], list[str]]):
    """(parts, length ratio, ChapterReport) aligning chapter by chapter: each chapter of
    the translation paired with one of the source (or none); a heading is a part of its own
    (it translates the heading), each paired chapter's body is cut by `body_parts(blocks,
    lines) -> (parts, ratio)` as the importer cuts a whole text; `sentences_of(lines)` gives
    a chapter's sentences. Chapters left alone in the same place on both sides are aligned
    together as one stretch (`ChapterPairing.groups`). A translation chapter with no source
    chapter in its place keeps its sentences unlinked; a source chapter with no translation in
    its place stays untranslated. Both are reported.

    None when the chapters do not correspond (the paired ones hold less than half of either
    text, e.g. a translation whose only headings are its title and a part): then the text
    is better aligned whole than chapters left out."""
    src_secs = source_sections(blocks)
    pairing, src_chars, tgt_chars = pair_sections(src_secs, sections, source_of, aligner, sentences_of)
    groups = pairing.groups()
    together = [(src, tgt) for src, tgt in groups if src and tgt]
    if (len(together) < 2
            or sum(src_chars[i] for src, _ in together for i in src) < MIN_CHAPTER_COVER * sum(src_chars)
            or sum(tgt_chars[j] for _, tgt in together for j in tgt) < MIN_CHAPTER_COVER * sum(tgt_chars)):
        return None
    parts: list[tuple[list, list[str]]] = []
    ratios: list[float] = []
    for src, tgt in groups:
        if not tgt:
            continue
        if not src:
            sec = sections[tgt[0]]
            parts.append(([], sentences_of([sec.heading or ""] + sec.paragraphs)))
            continue
        if len(src) == 1 and len(tgt) == 1:
            heading_block, body = src_secs[src[0]]
            sec = sections[tgt[0]]
            if sec.heading:
                parts.append((list(source_of[heading_block.id]) if heading_block else [], [sec.heading]))
            cut, ratio = body_parts(body, sec.paragraphs)
        else:   # chapters left alone in the same place on both sides: one stretch
            body = [b for i in src for b in ([src_secs[i][0]] if src_secs[i][0] else []) + src_secs[i][1]]
            lines = [x for j in tgt for x in ([sections[j].heading] if sections[j].heading else [])
                     + sections[j].paragraphs]
            cut, ratio = body_parts(body, lines)
        parts += cut
        if ratio:
            ratios.append(ratio)

    def title(heading) -> str:
        return clean(heading or "") or "(before the first heading)"

    report = ChapterReport(
        paired=sum(len(src) for src, _ in together), source_total=len(src_secs),
        target_total=len(sections),
        missing=[title(" ".join(s.text for s in source_of[src_secs[i][0].id]) if src_secs[i][0] else None)
                 for src, tgt in groups if not tgt for i in src],
        extra=[title(sections[j].heading) for src, tgt in groups if not src for j in tgt])
    return parts, (float(np.median(ratios)) if ratios else None), report
