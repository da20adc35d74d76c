"""Import an existing translation of the project's text (TMX, XLIFF, TSV, JSONL or plain text).

Parallel files (TMX and friends) already pair source and target text: each unit's source
text is looked up among the stored source sentences (exact text after collapsing
whitespace; a unit may cover several consecutive sentences of one block, joined as the
export joins them), and the unit's target text is linked to them. This reads back what
`bitext export` wrote, and also files from CAT tools made from the same German text.

Plain text has no pairing: it is split into sentences (every line break ends one) and aligned to the stored source
sentences by an aligner the caller passes in (the models layer's sentence aligner), so this
module stays free of model code. When both texts have headings (Markdown `#` lines, or short
lines of their own), the chapters are paired first and aligned one by one
(`align.alignment.chapters`); a chapter one side lacks is reported. Readers of other formats
give their structure as sections (`align.text.sections.Section`) to `import_sections`.

Everything is read, checked and matched before the project is touched; a file that cannot
be used raises InputError with one line, and the project stays as it was. The store then
archives the previous translation of that language (never deletes it) after a backup.

Known limit: the store records imported sentences with origin "human"; the origin a file
states (e.g. mt:<model>) is not kept per sentence. Statuses are kept.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from align.errors import InputError
from align.text.textio import read_user_bytes
from align.formats import READ_BY_EXTENSION, get_format
from align.formats.rows import STATUS_RANK, Table, clean, joiner
from align.text.speakers import colon_labelled, label_prefix, line_labels
from align.alignment.transcript_turns import matching_turn_groups, split_turns
from align.alignment.suggestions import is_suggestion
from align.alignment.turn_assignment import pair_length_ratio, place_sentences
from align.imports.chapters import ChapterReport, chapter_parts
from align.text.sections import Section, sections_from_text
from align.imports.plausibility import check_plausible, sizes_of
from align.text.long_sentences import cut_long_sentences

MAX_TEXT_BYTES = 64 * 1024 * 1024
PREFIX = 8  # characters of a sentence used to find where a unit may start
# Placing a transcript's sentences in the project's blocks (`turn_assignment`) takes a
# (targets x sources) table and (2 x blocks + 1)^2 transitions: past these sizes the text
# is aligned as one text instead (memory linear in its length, see band_budget).
MAX_PLACED_UNITS = 300
MAX_PLACEMENT_CELLS = 4_000_000
# Sentences (both sides) aligned as one text at most: the aligner's vectors take about
# 20 KB a sentence (measured: 45,000 sentences, 0.9 GB peak; bench/bench_limits.py), so
# this keeps one import under 1.5 GB. --force does not lift it: it is memory, not plausibility.
MAX_ALIGNED_SENTENCES = 60_000

# [(source sentences, target sentences) per block] -> per block, links as (source indexes,
# target indexes, score) or objects with .src/.tgt/.score; blocks are hard boundaries.
# An aligner that also has `similarity(source, target)` (a (target, source) array of z-scores)
# can place a transcript's sentences in turns first, and then takes `length_ratio=`.
Aligner = Callable[[Sequence[tuple[Sequence[str], Sequence[str]]]], Sequence[Sequence]]
Progress = Callable[[str], None]   # told each stage of an import; may raise to cancel it


@dataclass
class ImportResult:
    lang: str
    name: str
    kind: str                       # the format read ("tmx", ..., "text")
    units: int                      # units (or target sentences) read from the file
    linked: int                     # units linked to source sentences
    unmatched: list[str] = field(default_factory=list)   # first texts that matched nothing
    unmatched_count: int = 0
    backup: Path | None = None
    suggested: int = 0              # links the aligner was unsure of, left for a person
    chapters: ChapterReport | None = None  # when aligned chapter by chapter

    def summary(self) -> str:
        if self.kind == "text":
            line = (f"imported {self.units} {self.lang} sentences from {self.name}, aligned to "
                    f"the source text: {self.linked} links")
            if self.suggested:
                line += (f", {self.suggested} of them suggestions to accept or reject in the "
                         f"reader (left out of exports until accepted)")
        else:
            line = (f"imported {self.linked} of {self.units} {self.lang} units from {self.name} "
                    f"({self.kind})")
            if self.suggested:
                line += f", {self.suggested} of them marked as suggested links (kept as suggestions)"
        if self.unmatched_count:
            line += f"; {self.unmatched_count} did not match the stored source text and were left out"
        if self.chapters:
            line += f"; {self.chapters.summary()}"
        if self.backup:
            line += f"; backup: {self.backup}"
        return line


def read_parallel(path: str | Path, fmt: str) -> Table:
    """Read a TMX/XLIFF/TSV/JSONL file into a Table (safe XML parsing for the XML formats)."""
    path = Path(path)
    spec = get_format(fmt)
    if not spec.readable:
        raise InputError(f"{spec.name} files cannot be imported one at a time; import the "
                         f"target-language file as plain text")
    return spec.load().read(read_user_bytes(path, MAX_TEXT_BYTES), str(path))


# ----- parallel files ------------------------------------------------------------------------

class _SourceIndex:
    """The stored source sentences in document order, findable by their first characters."""

    def __init__(self, segments, lang: str):
        self.ids = [s.id for s in segments]
        self.blocks = [s.block_id for s in segments]
        self.texts = [clean(s.text) for s in segments]
        self.sep = joiner(lang)
        self.by_prefix: dict[str, list[int]] = {}
        for k, text in enumerate(self.texts):
            self.by_prefix.setdefault(text[:PREFIX], []).append(k)
        self.short = [k for k, t in enumerate(self.texts) if len(t) < PREFIX]
        self.used: set[int] = set()

    def _run_from(self, start: int, text: str) -> list[int] | None:
        acc, run = self.texts[start], [start]
        while acc != text:
            nxt = run[-1] + 1
            if (not text.startswith(acc) or nxt >= len(self.texts)
                    or self.blocks[nxt] != self.blocks[start] or nxt in self.used):
                return None
            acc = acc + self.sep + self.texts[nxt]
            run.append(nxt)
        return run

    def match(self, text: str, pointer: int) -> list[int] | None:
        """Consecutive unused sentences of one block whose joined text is `text`; the first
        such run at or after `pointer` (files are in document order), else any."""
        starts = sorted(set(self.by_prefix.get(text[:PREFIX], []))
                        | {k for k in self.short if text.startswith(self.texts[k])})
        starts = [k for k in starts if k not in self.used]
        for k in [k for k in starts if k >= pointer] + [k for k in starts if k < pointer]:
            run = self._run_from(k, text)
            if run:
                self.used.update(run)
                return run
        return None


def check_languages(table: Table, source_lang: str, lang: str, name: str) -> None:
    found = ", ".join(table.langs) or "none"
    if lang == source_lang:
        raise InputError(f"{name}: {lang} is the project's source language; import a "
                         f"translation into another language")
    missing = [x for x in (source_lang, lang) if x not in table.langs]
    if missing:
        raise InputError(f"{name}: no {' or '.join(missing)} text in this file (its languages: "
                         f"{found}); it must pair the project's {source_lang} text with {lang}")


def match_table(project, table: Table, lang: str, name: str, cells: list | None = None):
    """(target sentences, links, statuses, unmatched texts) for a parallel table; `cells`,
    when given, gets the target cell of each link's row."""
    source_lang = project.source_lang
    check_languages(table, source_lang, lang, name)
    index = _SourceIndex(project.source_segments(), source_lang)
    sentences: list[str] = []
    links: list[tuple[list[str], list[int], float | None]] = []
    statuses: list[str] = []
    origins: list[str] = []
    unmatched: list[str] = []
    pointer = 0
    for row in table.rows:
        src, tgt = row.cells.get(source_lang), row.cells.get(lang)
        if src is None or tgt is None or not clean(src.text) or not clean(tgt.text):
            continue
        run = index.match(clean(src.text), pointer)
        if run is None:
            unmatched.append(clean(src.text))
            continue
        pointer = run[-1] + 1
        links.append(([index.ids[k] for k in run], [len(sentences)], tgt.score))
        if cells is not None:
            cells.append(tgt)
        sentences.append(clean(tgt.text))
        statuses.append(tgt.status if tgt.status in STATUS_RANK else "edited")
        origins.append(tgt.origin if tgt.origin.startswith("mt") else "human")
    if not links:
        raise InputError(f"{name}: none of its {len(table.rows)} units matches the project's "
                         f"{source_lang} text, so nothing was imported (was it made from "
                         f"another text?)")
    return sentences, links, statuses, origins, unmatched


def import_table(project, table: Table, lang: str, name: str, kind: str, *,
                 force: bool = False, override: str = "--force") -> ImportResult:
    cells: list = []
    sentences, links, statuses, origins, unmatched = match_table(project, table, lang, name,
                                                                 cells)
    if not force:  # the units' target text against the source sentences they matched
        source_text = {s.id: s.text for s in project.source_segments()}
        check_plausible(sizes_of([source_text[i] for ids, _, _ in links for i in ids], sentences),
                        name, override)
    # A link the file marks as suggested stays one; the model's confidence comes back too.
    backup = project.import_target_track(
        lang, sentences, links, origin_detail={"imported_from": Path(name).name, "format": kind},
        statuses=statuses, origins=origins, suggested=[cell.suggested for cell in cells])
    project.restore_mt_confidences(lang, {tuple(link[0]): cell.confidence
                                          for link, cell in zip(links, cells)})
    return ImportResult(lang=lang, name=name, kind=kind, units=len(table.rows), linked=len(links),
                        unmatched=unmatched[:5], unmatched_count=len(unmatched), backup=backup,
                        suggested=sum(cell.suggested for cell in cells))


# ----- plain text ----------------------------------------------------------------------------

def strip_speaker_labels(sentences: Sequence[str], labels: Sequence[str]) -> list[str]:
    """Drop "Sorkin: " before a sentence when Sorkin is a speaker the project knows (the
    source side stores turns without their labels)."""
    if not labels:
        return list(sentences)
    pattern = label_prefix(labels)
    out = []
    for s in sentences:
        stripped = pattern.sub("", s, count=1)
        if stripped.strip():
            out.append(stripped)
    return out


def _link_parts(link) -> tuple[tuple[int, ...], tuple[int, ...], float | None]:
    if hasattr(link, "src"):
        return tuple(link.src), tuple(link.tgt), getattr(link, "score", None)
    src, tgt, *rest = link
    return tuple(src), tuple(tgt), (rest[0] if rest else None)


def split_lines(text: str, lang: str) -> list[str]:
    """Sentences of a plain-text translation: a line break always ends a sentence (files with
    one sentence per line, such as a Moses export, often have no final punctuation), and each
    line is then split into sentences on its own. A "sentence" too long to align as one (an
    unpunctuated transcript) is cut at clauses (`long_sentences`)."""
    from align.text.sentences import split_sentences

    return cut_long_sentences(
        [s for line in text.splitlines() if line.strip() for s in split_sentences(line, lang)])


STAGE_NOTE = re.compile(r"^\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$")


def split_at_stage_notes(turns):
    """A stage note alone on a line inside a turn ("(Applause from the SPD)", "[laughter]")
    is no part of the speech: the project's segmenter makes such a line between paragraphs
    narration, and the speech after it a turn of its own. The translation's turn is cut the
    same way, (label, speech), (None, [note]), (label, speech), so that placing its
    sentences does not have to move through narration inside one turn (which it prices as a
    jump and rather leaves the sentences unplaced). A note on the labelled line stays."""
    out = []
    for label, turn_lines in turns:
        out.append((label, [turn_lines[0]]))
        for line in turn_lines[1:]:
            if STAGE_NOTE.match(line):
                out.append((None, [line]))
            elif out[-1][0] is None and out[-1][1] and STAGE_NOTE.match(out[-1][1][-1]):
                out.append((label, [line]))
            else:
                out[-1][1].append(line)
    return out


def _placed_parts(lines: Sequence[str], own_labels: set[str], blocks, source_of, lang: str,
                  project_labels: Sequence[str], aligner):
    """([(source segments, translation sentences)] in the translation's order, length ratio)
    from placing each sentence of a transcript in a project block first (`turn_assignment`);
    None when the text is no transcript (no label opens two lines) or the aligner cannot
    compare sentences. A run of sentences placed nowhere is a part without source sentences.
    The length ratio (source per target characters) comes from the clearest sentence pairs,
    not from the blocks' totals, which an abridged translation skews."""
    head, turns = split_turns([line for line in lines if line.strip()], own_labels)
    counts = Counter(label for label, _ in turns)
    if not turns or max(counts.values()) < 2 or not hasattr(aligner, "similarity"):
        return None
    turns = split_at_stage_notes(turns)
    sentences: list[str] = []
    turn_of: list[int] = []
    label_of: list[str | None] = []
    for k, (label, turn_lines) in enumerate([(None, head)] + turns):
        for s in strip_speaker_labels(split_lines("\n".join(turn_lines), lang), project_labels):
            sentences.append(s)
            turn_of.append(k)
            label_of.append(label)
    units = [b for b in blocks if source_of[b.id]]
    if not sentences or not units:
        return None
    n_source = sum(len(source_of[b.id]) for b in units)
    if len(units) > MAX_PLACED_UNITS or n_source * len(sentences) > MAX_PLACEMENT_CELLS:
        return None   # placing is quadratic in the blocks: a long text is aligned as one
    unit_of_source = [u for u, b in enumerate(units) for _ in source_of[b.id]]
    source_texts = [s.text for b in units for s in source_of[b.id]]
    speakers = [b.speaker if b.kind == "turn" else None for b in units]
    names = {x: b.speaker for b in units if b.kind == "turn" for x in (b.speaker, b.speaker_label) if x}
    known = {label: names[label] for label in counts if label in names}
    sim = aligner.similarity(source_texts, sentences)
    placement = place_sentences(sim, unit_of_source, speakers, turn_of, label_of, known=known)
    ratio = pair_length_ratio(sim, placement.units, unit_of_source,
                              [len(t) for t in source_texts], [len(t) for t in sentences])
    parts: list[tuple[list, list[str]]] = []
    part_of_unit: dict[int, int] = {}
    pending: list[str] = []          # placed nowhere since the last placed sentence
    for sentence, unit in zip(sentences, placement.units):
        if unit is None:
            pending.append(sentence)
            continue
        if unit in part_of_unit:     # an interruption inside one unit stays in it
            parts[part_of_unit[unit]][1].extend(pending + [sentence])
        else:
            if pending:
                parts.append(([], pending))
            part_of_unit[unit] = len(parts)
            parts.append((list(source_of[units[unit].id]), [sentence]))
        pending = []
    if pending:
        parts.append(([], pending))
    return parts, ratio


def _body_parts(blocks, lines: Sequence[str], own: set[str], source_of, lang: str,
                labels: Sequence[str], aligner):
    """([(source segments, target sentences)], length ratio or None) for translation lines
    against the project's blocks: turn by turn when the lines are a transcript whose turns
    match the blocks' (`transcript_turns`), block by block after placing a transcript's
    sentences (`turn_assignment`), else as one text."""
    groups = matching_turn_groups(lines, own, blocks,
                                  [sum(len(s.text) for s in source_of[b.id]) for b in blocks])
    if groups is None and own:
        placed = _placed_parts(lines, own, blocks, source_of, lang, labels, aligner)
        # A transcript none of whose sentences could be placed in a block is aligned as one
        # text rather than refused as if the project had no source sentences.
        if placed is not None and any(source for source, _ in placed[0]):
            return placed
    parts = []
    for group_blocks, group_lines in groups or [(blocks, lines)]:
        sentences = strip_speaker_labels(split_lines("\n".join(group_lines), lang), labels)
        parts.append(([s for b in group_blocks for s in source_of[b.id]], sentences))
    return parts, None


def check_text_plausible(project, text: str, lang: str, name: str,
                         override: str = "--force") -> None:
    """Refuse a plain-text translation far longer than the source (`plausibility`) before
    any splitting or encoding: the figures alone decide (characters first, then sentences)."""
    source_texts = [s.text for b in project.blocks(include_excluded=False)
                    for s in project.source_segments(b.id)]
    check_plausible(sizes_of(source_texts, [text]), name, override)
    check_plausible(sizes_of(source_texts, split_lines(text, lang)), name, override)


def align_text(project, text: str, lang: str, name: str, aligner: Aligner, *,
               force: bool = False, override: str = "--force", progress: Progress | None = None):
    """(target sentences, links) for a plain-text translation aligned to the source text
    (see `align_sections`). A text far longer than the source is refused first unless
    `force`; `override` is what the refusal names to go on anyway."""
    if not force:
        check_text_plausible(project, text, lang, name, override)
    sentences, links, _ = align_sections(project, sections_from_text(colon_labelled(text)),
                                         lang, name, aligner, progress=progress)
    return sentences, links


def align_sections(project, sections: Sequence[Section], lang: str, name: str, aligner: Aligner,
                   progress: Progress | None = None):
    """(target sentences, links, ChapterReport or None) for a translation given as sections
    (heading, paragraphs), aligned to the source text.

    The translation is aligned against the source sentences of the blocks that are not
    boilerplate, in document order. When both sides have headings, chapter by chapter
    first (`_chapter_parts`, `align.alignment.chapters`). Within a chapter (or the whole
    text): turn by turn when it is a transcript whose turns match the project's
    (`align.alignment.transcript_turns`); block by block when it is a transcript whose turns
    do not match, after placing its sentences in the project's blocks
    (`align.alignment.turn_assignment`; needs an aligner with a `similarity` method); else as
    one text. A link may not cross a turn: when the aligner joins the last sentence of one
    block with the first of the next, the targets stay with the first block and the other
    source sentences are left unlinked.

    `progress(stage)` is called between the stages; it may raise to stop (a cancel), and
    nothing is saved here.
    """
    source_lang = project.source_lang
    if lang == source_lang:
        raise InputError(f"{name}: {lang} is the project's source language; import a "
                         f"translation into another language")
    blocks = project.blocks(include_excluded=False)
    labels = sorted({x for b in blocks for x in (b.speaker, b.speaker_label) if x}
                    | set(project.speaker_merges()))
    source_of = {b.id: project.source_segments(b.id) for b in blocks}
    report_stage = progress or (lambda stage: None)
    report_stage("reading the translation")
    # A transcript's own labels ("马云：") come off the lines that open its turns, and nowhere
    # else. (A screenplay's names alone on their lines were made "NAME: " labels before.)
    own = line_labels("\n".join(p for sec in sections for p in sec.paragraphs))
    chaptered = None
    if (sum(1 for b in blocks if b.kind == "heading") >= 1
            and sum(1 for sec in sections if sec.heading) >= 2):
        chaptered = chapter_parts(
            blocks, sections, source_of, aligner,
            body_parts=lambda body, lines: _body_parts(body, lines, own, source_of, lang, labels, aligner),
            sentences_of=lambda lines: strip_speaker_labels(split_lines("\n".join(lines), lang), labels))
    if chaptered is not None:
        parts, ratio, report = chaptered
    else:
        report = None
        lines = [line for sec in sections for line in ([sec.heading] if sec.heading else []) + sec.paragraphs]
        parts, ratio = _body_parts(blocks, lines, own, source_of, lang, labels, aligner)
    sentences = [t for _, group_sentences in parts for t in group_sentences]
    if not sentences:
        raise InputError(f"{name}: no {lang} sentences in this file")
    if not any(source for source, _ in parts):
        raise InputError("the project has no source sentences to align to")
    aligned = [k for k, (source, group_sentences) in enumerate(parts) if source and group_sentences]
    blocks_to_align = [([s.text for s in parts[k][0]], parts[k][1]) for k in aligned]
    # Counted as the aligner sees them: a source sentence too long to align as one is its
    # pieces (`align.alignment.long_units`).
    largest = max((len(cut_long_sentences(src)) + len(tgt) for src, tgt in blocks_to_align),
                  default=0)
    if largest > MAX_ALIGNED_SENTENCES:
        raise InputError(f"{name}: not imported: aligning it means aligning {largest:,} "
                         f"sentences as one text, more than the {MAX_ALIGNED_SENTENCES:,} one "
                         f"import can hold in memory; nothing was changed. Split the text and "
                         f"its translation into parts (chapters) and import each into its own "
                         f"project")
    report_stage(f"aligning {len(sentences):,} sentences")
    raw = aligner(blocks_to_align, length_ratio=ratio) if ratio else aligner(blocks_to_align)
    raw_of = dict(zip(aligned, raw))
    links: list[tuple[list[str], list[int], float | None]] = []
    offset = 0
    for k, (source, group_sentences) in enumerate(parts):
        for link in raw_of.get(k, ()):
            src, tgt, score = _link_parts(link)
            if not src and not tgt:
                continue
            first_block = source[src[0]].block_id if src else None
            same = [source[i].id for i in src if source[i].block_id == first_block]
            links.append((same, [offset + t for t in tgt], None if score is None else round(float(score), 4)))
        offset += len(group_sentences)
    covered = {t for _, tgt, _ in links for t in tgt}
    if not covered:
        raise InputError(f"{name}: no sentence of the translation could be aligned")
    return sentences, links, report


def import_text(project, text: str, lang: str, name: str, aligner: Aligner, *,
                force: bool = False, override: str = "--force",
                progress: Progress | None = None) -> ImportResult:
    """A plain-text or Markdown translation: its headings (`# ...`, or a short line of its
    own) are its chapters. Refused when far longer than the source, unless `force`."""
    if not force:
        check_text_plausible(project, text, lang, name, override)
    return import_sections(project, sections_from_text(colon_labelled(text)), lang, name,
                           aligner, progress=progress)


def sections_of_read(text: str, headings) -> list[Section]:
    """The sections of a document a reader gave (DOCX, EPUB, HTML...): `text` has a line per
    heading and paragraph, `headings` says which lines are headings ((line, level, text),
    `ReadDocument.headings()`), so no heading is guessed from the line's look."""
    at = {n: (level, heading) for n, level, heading in headings}
    out = [Section(None)]
    for n, line in enumerate(text.splitlines()):
        if n in at:
            out.append(Section(at[n][1], [], at[n][0]))
        else:
            out[-1].paragraphs.append(line)
    if len(out) > 1 and not any(p.strip() for p in out[0].paragraphs):
        out.pop(0)
    return out


def import_read(project, text: str, read, lang: str, name: str, aligner: Aligner, *,
                force: bool = False, override: str = "--force",
                progress: Progress | None = None) -> ImportResult:
    """A translation as `align.text.readers.read_translation` gives it: plain text (read None)
    finds its own headings; a document's headings are the ones its file marks (and its
    speakers are already "Name: " labels, so no screenplay layout is looked for)."""
    if read is None:
        return import_text(project, text, lang, name, aligner, force=force, override=override,
                           progress=progress)
    if not force:
        check_text_plausible(project, text, lang, name, override)
    return import_sections(project, sections_of_read(text, read.headings()),
                           lang, name, aligner, progress=progress)


def import_sections(project, sections: Sequence[Section], lang: str, name: str,
                    aligner: Aligner, kind: str = "text", *,
                    progress: Progress | None = None) -> ImportResult:
    """Import a translation given as sections (heading, paragraphs), from any reader: aligned
    chapter by chapter when both sides have headings, chapters one side lacks reported."""
    sentences, links, chapters = align_sections(project, sections, lang, name, aligner,
                                                progress=progress)
    if progress:
        progress("saving")
    unsure = [bool(src and tgt) and is_suggestion(score) for src, tgt, score in links]
    backup = project.import_target_track(
        lang, sentences, links, origin_detail={"imported_from": Path(name).name, "format": kind},
        suggested=unsure)
    linked = sum(1 for src, tgt, _ in links if src and tgt)
    return ImportResult(lang=lang, name=name, kind=kind, units=len(sentences), linked=linked,
                        backup=backup, suggested=sum(unsure), chapters=chapters)


def detect_format(path: str | Path, fmt: str | None = None) -> str:
    """The format to read `path` as: the one asked for, else by file ending, else text."""
    if fmt:
        fmt = fmt.lower()
        if fmt != "text":
            get_format(fmt)
        return fmt
    return READ_BY_EXTENSION.get(Path(path).suffix.lower(), "text")
