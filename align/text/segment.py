"""Segmenting a text into blocks: narration, speaker turns, headings and boilerplate.

The heuristics, all general (nothing here knows the Davos interview):

* Trailing boilerplate (what a web page glues after an article) is found from the end:
  everything after a last separator ("|" alone or ending a line, "***", "---") when only
  short lines follow, or else a closing run of at least two truncated teaser lines
  ("Heute ist Lehrertag. Wenn Sie an Ihre Studienzeit..."). When such a trailer exists,
  long third-person sentences at the end of the last turn (an author bio glued to
  "Vielen Dank!") are boilerplate too.
* Speakers come from `align.text.speakers` (recurring labels, near-duplicates merged).
* A heading is an unpunctuated sentence right before a speaker label ("Unterschied zu
  Amazon Sorkin: ..."), cut off the end of the text before it, whatever its length (a
  long heading is still a heading; a turn keeps its first sentence, and a tail ending in a
  comma or dash was broken off, not a heading); in narration, a short unpunctuated line of
  its own.
* A paragraph that is only a stage note ("(Applaus)", "(Zuruf von der SPD: Unsinn!)") is
  narration, and the turn goes on after it; an editor's note closing the last turn
  ("Anmerkung der Redaktion: ...", "Hinweis: ...") is narration too. A screenplay turn (a
  name alone on its line) ends at a blank line, and what follows is narration (the action)
  until the next name.
* A heading's closing quote is not punctuation ("„Ein Streik ist kein Naturereignis“"), and a
  short line of its own before a label is a heading whole, colon and all
  ("Folge 23: Warum wir Pilze sammeln").
* Markdown, as transcripts copied from the web come: a label in bold ("**Frage:**",
  "**Krüger**:") is a label, and a line opening with "#" ("## Über Noten") is a heading.
* Blank lines separate paragraphs; single newlines too, unless the text is hard-wrapped
  (most lines of similar width, ending mid-sentence), where they are mere spaces.
"""
from __future__ import annotations

import re
import statistics
from typing import Iterable

from align.text.document import Block, Document
from align.text.sentences import sentence_ends, split_sentences
from align.text.speakers import find_speakers
from align.text.textio import normalize_text

MAX_HEADING_WORDS = 10
MAX_TRAILER_LINE = 200  # longer lines after a separator are content, not a link list
MAX_TEASER_LINE = 120
MIN_BIO_WORDS = 20
_CONTEXT = 160  # characters either side of a period when asking whether it ends a sentence

_SEPARATOR_LINE = re.compile(r"[|¦‖*_=~#•·\-–—\s]+")
_SEPARATOR_AT_LINE_END = re.compile(r"\s+([|¦‖])[ \t]*$")
_TEASER = re.compile(r"(?:\.\.\.|…)\s*$")
_TERMINATOR = re.compile(r"(?:[.!?…]+[\"“”»«'’)\]]*|[:;])(?=\s)")
_SENTENCE_FINAL = re.compile(r"[.!?…:;\"“”»«'’)\]]$")
# A label in Markdown bold, the colon inside or after: "**Frage:** ...", "__Krüger__: ...".
_BOLD_LABELS = (re.compile(r"(?<!\S)(\*\*|__)([^*_:\n]{1,60}):\1(?=\s)"),
                re.compile(r"(?<!\S)(\*\*|__)([^*_:\n]{1,60})\1:(?=\s)"))
_MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t]+(.+?)[ \t#]*")
_CLOSING_QUOTES = "\"“”»«'’‘"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A paragraph that is a stage note: a remark in parentheses or brackets ("(Applaus)").
_STAGE_NOTE = re.compile(r"\(\([^()\n]{1,200}\)\)|[(\[][^()\[\]\n]{1,200}[)\]]")
_NOT_A_NOTE = re.compile(r"[(\[]\s*\d+\s*[)\]]")  # "(1)", "[3]": a number, not a remark
# An editor's note after an interview: "Anmerkung der Redaktion:", "Hinweis:", "Foto:".
_EDITORS_NOTE = re.compile(
    r"(?:Anmerkung|Hinweis|Quelle|Fotos?|Bild|Mitarbeit|Übersetzung|Transkription|Korrektur|"
    r"Update|Note|Editor's note|Source|Photo|Credit)s?\b[^:\n]{0,30}:\s")
# First/second person (dialogue) and third person (a text about someone) pronouns.
_DIALOGUE_WORDS = {
    "de": re.compile(r"(?i:\b(?:ich|mich|mir|mein\w*|wir|uns|unser\w*|du|dich|dir|dein\w*|euch|euer\w*)\b)"
                     r"|(?<=[^\s.!?:]\s)(?:Sie|Ihnen|Ihr\w*)\b"),  # polite "Sie", not sentence-initial
    "en": re.compile(r"\b(?:I|me|my|mine|we|us|our\w*|you\w*)\b", re.IGNORECASE),
    "zh": re.compile(r"[我你您咱]"),
}
_THIRD_PERSON = {
    "de": re.compile(r"\b(?:er|ihn|ihm|sein\w*|sie)\b"),
    "en": re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their)\b", re.IGNORECASE),
    "zh": re.compile(r"[他她]"),
}


def segment_document(text: str, lang: str = "de", title: str = "",
                     undo_merges: Iterable[str] = ()) -> Document:
    """Split a transcript or plain text into blocks of sentences.

    `undo_merges` names labels (as written, e.g. "Solkin") that must stay separate
    speakers instead of being merged into a similar, more frequent label.
    """
    text = normalize_text(text, title or "text")
    for bold_label in _BOLD_LABELS:  # the bold markers go, the label stays
        text = bold_label.sub(r"\2:", text)
    body, trailer = _split_trailer(text)
    speakers = find_speakers(body, undo_merges)
    wrapped = _is_hard_wrapped(body)
    blocks: list[Block] = []

    pieces: list[tuple[str | None, str, int]] = []  # (label or None for narration, text, start)
    position = 0
    label: str | None = None
    for turn in speakers.turns:
        pieces.append((label, body[position:turn.start], position))
        label, position = turn.label, turn.end
    pieces.append((label, body[position:], position))
    screenplay = {t.label for t in speakers.turns if t.ends_at_blank_line}

    for index, (label, piece, start) in enumerate(pieces):
        heading = None
        if index + 1 < len(pieces):  # a heading stands right before a speaker label
            at_line_start = start == 0 or body[start - 1] == "\n"
            piece, heading = _cut_heading(piece, keep_first=label is not None,
                                          at_line_start=at_line_start, lang=lang)
        if label is None:
            blocks.extend(_narration_blocks(piece, lang, wrapped))
            parts = []
        elif label in screenplay:
            parts = _split_at_blank_line(piece)
        else:
            parts = _split_stage_notes(piece, last=index + 1 == len(pieces))
        for is_turn, part in parts:
            if not is_turn:  # a stage note, an editor's note, a screenplay's action
                blocks.extend(_narration_blocks(part, lang, wrapped))
                continue
            sentences = _sentences(part, lang, wrapped)
            if sentences:
                blocks.append(Block("turn", sentences, speaker=speakers.canonical[label],
                                    speaker_label=label))
        if heading:
            blocks.append(Block("heading", [heading]))

    if trailer:
        _move_bio_to_boilerplate(blocks, lang)
    blocks.extend(trailer)
    return Document(blocks=blocks, lang=lang, speakers=speakers.merges, title=title)


def _split_trailer(text: str) -> tuple[str, list[Block]]:
    """Cut trailing boilerplate off the text: (body, boilerplate blocks)."""
    lines = text.rstrip().split("\n")
    # 1. The last separator, when only short lines follow it.
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if i + 1 < len(lines) and len(lines[i + 1].strip()) > MAX_TRAILER_LINE:
            break  # a long line after the separator: content, not a link list
        sep_line = bool(line) and bool(_SEPARATOR_LINE.fullmatch(line)) and len(line) <= 20
        sep_end = _SEPARATOR_AT_LINE_END.search(lines[i])
        if not (sep_line or sep_end):
            continue
        if sep_line:
            body_lines, separator = lines[:i], line
        else:
            body_lines, separator = lines[:i] + [lines[i][:sep_end.start()]], sep_end.group(1)
        body = "\n".join(body_lines)
        if body.strip():
            return body, [Block("boilerplate", [separator])] + _trailer_blocks(lines[i + 1:])
    # 2. A closing run of truncated teaser lines ("..."), possibly with blank lines between.
    i = len(lines)
    teasers = 0
    while i > 0 and (not lines[i - 1].strip() or _is_teaser(lines[i - 1])):
        teasers += bool(lines[i - 1].strip())
        i -= 1
    if teasers >= 2 and "\n".join(lines[:i]).strip():
        return "\n".join(lines[:i]), _trailer_blocks(lines[i:])
    return text, []


def _is_teaser(line: str) -> bool:
    line = line.strip()
    return len(line) <= MAX_TEASER_LINE and bool(_TEASER.search(line))


def _trailer_blocks(lines: list[str]) -> list[Block]:
    """Teaser lines are grouped into one block (a line each); other lines are blocks of their own."""
    blocks: list[Block] = []
    teasers: list[str] = []
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        if _is_teaser(line):
            teasers.append(line)
            continue
        if teasers:
            blocks.append(Block("boilerplate", teasers))
            teasers = []
        blocks.append(Block("boilerplate", [line]))
    if teasers:
        blocks.append(Block("boilerplate", teasers))
    return blocks


def _ends_a_sentence(text: str, start: int, cut: int, lang: str) -> bool:
    """Is `cut` a sentence end? Asked of a window around it: a turn can be the whole text."""
    return cut - start in sentence_ends(text[start:cut + _CONTEXT], lang)


def _split_at_blank_line(piece: str) -> list[tuple[bool, str]]:
    """A screenplay turn ends at the first blank line after its speech: (is turn, text) parts."""
    piece = piece.strip("\n")
    m = _BLANK_LINE.search(piece)
    return [(True, piece[:m.start()]), (False, piece[m.end():])] if m else [(True, piece)]


def _split_stage_notes(piece: str, last: bool) -> list[tuple[bool, str]]:
    """A turn's paragraphs as (is turn, text) parts: a paragraph after the first that is only
    stage notes is narration, and so are editor's notes ending the `last` turn."""
    paragraphs = _BLANK_LINE.split(piece.strip())
    notes_from = len(paragraphs)
    while last and notes_from > 1 and _EDITORS_NOTE.match(paragraphs[notes_from - 1].strip()):
        notes_from -= 1
    parts: list[tuple[bool, str]] = []
    for i, paragraph in enumerate(paragraphs):
        is_turn = i == 0 or (i < notes_from and not _is_stage_note(paragraph))
        if parts and parts[-1][0] == is_turn:
            parts[-1] = (is_turn, parts[-1][1] + "\n\n" + paragraph)
        else:
            parts.append((is_turn, paragraph))
    return parts


def _is_stage_note(paragraph: str) -> bool:
    return (bool(paragraph.strip()) and not _NOT_A_NOTE.search(paragraph)
            and not _STAGE_NOTE.sub("", paragraph).strip())


def _cut_heading(piece: str, keep_first: bool, at_line_start: bool = False,
                 lang: str = "de") -> tuple[str, str | None]:
    """Split a heading off the end of the text before a speaker label.

    `keep_first`: the piece is a turn, which keeps at least its first sentence.
    `at_line_start`: the piece starts a line, so its last line may be a line of its own.
    """
    stripped = piece.rstrip()
    last_line_start = stripped.rfind("\n") + 1
    own_line = (last_line_start > 0 or at_line_start) and "\n" in piece[len(stripped):]
    last_line = stripped[last_line_start:].strip()
    markdown = _MARKDOWN_HEADING.fullmatch(last_line)
    if own_line and markdown and (not keep_first or stripped[:last_line_start].strip()):
        return stripped[:last_line_start], markdown.group(1)
    if own_line and (not keep_first or stripped[:last_line_start].strip()) and \
            _looks_like_heading(last_line):
        # A short line of its own, colon and all: "Tagesordnungspunkt 4: Neubau der Schule".
        return stripped[:last_line_start], last_line
    # The last terminator that ends a sentence: a period the sentence splitter does not take
    # for a sentence end ("87. Sitzung", "z. B.") does not end the text before a heading.
    tail_start = last_line_start
    for m in reversed(list(_TERMINATOR.finditer(stripped, last_line_start))):
        if m.group()[0] in ":;" or m.end() == len(stripped) or \
                _ends_a_sentence(stripped, max(last_line_start, m.end() - _CONTEXT), m.end(), lang):
            tail_start = m.end()
            break
    tail = stripped[tail_start:].strip()
    before = stripped[:tail_start].strip()
    if keep_first and not before:
        return piece, None
    if "\n" in piece[len(stripped):] and stripped[last_line_start:tail_start].strip():
        return piece, None  # the label opens the next line: a heading would have a line of its own
    if own_line and tail_start <= last_line_start:
        # A whole line of its own is judged as in narration (above): a long line or one with
        # a comma ("Hauptverhandlung am 7. März 2024, Fortsetzung") is not a heading.
        return piece, None
    if not _is_heading_before_label(tail):
        return piece, None
    return stripped[:tail_start], tail


def _starts_capitalised(line: str) -> bool:
    return line[:1].isupper() or (line[:1] in "„\"“»‚‘'" and line[1:2].isupper())


def _is_heading_before_label(tail: str) -> bool:
    """The unpunctuated last sentence before a speaker label: a section heading, however
    long, since a speaker's sentence ends with punctuation before the next one speaks. A
    comma or dash at its end means speech broken off, not a heading."""
    return (bool(tail) and _starts_capitalised(tail) and not _ends_sentence(tail)
            and tail[-1] not in ",-–—")


def _ends_sentence(line: str) -> bool:
    """Ends in punctuation; a closing quote counts only after a period, "!" or "?" inside
    it, so a quoted title ("„Ein Streik ist kein Naturereignis“") does not."""
    if line[-1:] in _CLOSING_QUOTES:
        inner = line.rstrip(_CLOSING_QUOTES)  # "'But I—'": speech broken off is not a title
        return bool(inner) and (bool(_SENTENCE_FINAL.search(inner)) or inner[-1] in ",-–—")
    return bool(_SENTENCE_FINAL.search(line))


def _looks_like_heading(line: str) -> bool:
    """A short unpunctuated line of its own in narration."""
    words = line.split()
    return (0 < len(words) <= MAX_HEADING_WORDS
            and "," not in line
            and not _ends_sentence(line)
            and _starts_capitalised(line))


def _narration_blocks(piece: str, lang: str, wrapped: bool) -> list[Block]:
    """Narration: one block per paragraph; a short unpunctuated line of its own is a heading."""
    blocks = []
    for paragraph in _paragraphs(piece, wrapped):
        markdown = _MARKDOWN_HEADING.fullmatch(paragraph)
        if markdown and "\n" not in paragraph:
            blocks.append(Block("heading", [markdown.group(1)]))
            continue
        if "\n" not in paragraph and _looks_like_heading(paragraph) and \
                len(paragraph.split()) <= MAX_HEADING_WORDS:
            blocks.append(Block("heading", [paragraph]))
            continue
        sentences = split_sentences(paragraph, lang)
        if sentences:
            blocks.append(Block("narration", sentences))
    return blocks


def _sentences(piece: str, lang: str, wrapped: bool) -> list[str]:
    return [s for paragraph in _paragraphs(piece, wrapped) for s in split_sentences(paragraph, lang)]


def _paragraphs(piece: str, wrapped: bool) -> list[str]:
    chunks = re.split(r"\n\s*\n", piece) if wrapped else piece.split("\n")
    return [" ".join(c.split()) if wrapped else c.strip() for c in chunks if c.strip()]


def _is_hard_wrapped(text: str) -> bool:
    """Lines broken at a fixed width (e-mail, Project Gutenberg) rather than per paragraph."""
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if len(lines) < 5:
        return False
    lengths = [len(line) for line in lines]
    open_ended = sum(1 for line in lines if not _SENTENCE_FINAL.search(line))
    return 40 <= statistics.median(lengths) <= 100 and open_ended >= 0.5 * len(lines)


def _move_bio_to_boilerplate(blocks: list[Block], lang: str) -> None:
    """Long third-person sentences ending the last turn (an author bio) become boilerplate."""
    if not blocks or blocks[-1].kind not in ("turn", "narration"):
        return
    last = blocks[-1]
    dialogue = _DIALOGUE_WORDS.get(lang, _DIALOGUE_WORDS["en"])
    third = _THIRD_PERSON.get(lang, _THIRD_PERSON["en"])
    bio: list[str] = []
    while len(last.sentences) > 1:
        sentence = last.sentences[-1]
        long_enough = len(sentence.split()) >= MIN_BIO_WORDS or (lang == "zh" and len(sentence) >= 40)
        if not (long_enough and third.search(sentence) and not dialogue.search(sentence)):
            break
        bio.insert(0, last.sentences.pop())
    if bio:
        blocks.append(Block("boilerplate", bio))
