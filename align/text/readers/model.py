"""What every format reader gives back: the document's parts in reading order.

A part is a heading, a paragraph (with its speaker when the file names one) or boilerplate
(front and back matter, footnotes: kept, but left out of translation). Timed parts
(subtitles) carry the times of the cues they were joined from, as character spans.

Readers do not split sentences or find speakers in running text: the parts are written
out as the plain text the segmenter already reads ("# Heading", "Speaker: speech",
paragraphs between blank lines), so every format goes through the same segmenter, speaker
rules and store (`align.text.readers.structure`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Literal

PartKind = Literal["heading", "paragraph", "boilerplate"]

# (first character, end character, start seconds, end seconds) within a part's text.
Span = tuple[int, int, float, float]

MAX_LABEL_WORDS = 4
MIN_TRANSCRIPT_TURNS = 3
_LABEL = re.compile(r"^\s*([^\W\d_][\w.'’ -]{0,58}?)\s*:?\s*$")


@dataclass
class Part:
    kind: PartKind
    text: str
    speaker: str | None = None
    level: int = 1                       # heading level, 1 = chapter
    spans: list[Span] = field(default_factory=list)


@dataclass
class ReadDocument:
    fmt: str                             # the format read: "docx", "srt", ...
    parts: list[Part]
    title: str = ""                      # from the file's metadata, when it has one

    @property
    def timed(self) -> bool:
        return any(p.spans for p in self.parts)

    def source_text(self) -> tuple[str, list[int]]:
        """The text the segmenter reads, and where each part's own text starts in it."""
        out: list[str] = []
        starts: list[int] = []
        position = 0
        for part in self.parts:
            prefix = ""
            if part.kind == "heading":
                prefix = "#" * min(max(part.level, 1), 6) + " "
            elif part.speaker:
                prefix = f"{part.speaker}: "
            if out:
                out.append("\n\n")
                position += 2
            starts.append(position + len(prefix))
            out.append(prefix + part.text)
            position += len(prefix) + len(part.text)
        return "".join(out) + "\n", starts

    def translation_text(self) -> str:
        """The text `import-translation` aligns: one line per heading and per paragraph
        ("Speaker: speech" where the file names the speaker); boilerplate is left out."""
        return "\n".join(line for line, _ in self._translation_lines()) + "\n"

    def headings(self) -> list[tuple[int, int, str]]:
        """(line number in `translation_text()`, level, text) of every heading: the
        translation's chapters, for aligning chapter by chapter."""
        return [(n, part.level, line) for n, (line, part) in enumerate(self._translation_lines())
                if part.kind == "heading"]

    def _translation_lines(self) -> list[tuple[str, Part]]:
        return [(f"{p.speaker}: {p.text}" if p.speaker and p.kind == "paragraph" else p.text, p)
                for p in self.parts if p.kind != "boilerplate"]


def clean_text(text: str) -> str:
    """One line, NFC, single spaces, no soft hyphens or zero-width characters."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", text)
    return " ".join(text.split())


Run = tuple[str, bool]  # (text, bold)


def _is_label(text: str) -> str | None:
    m = _LABEL.match(text)
    if not m:
        return None
    label = m.group(1).strip()
    return label if 0 < len(label.split()) <= MAX_LABEL_WORDS else None


def split_bold_label(runs: Iterable[Run]) -> tuple[str | None, str]:
    """(speaker, speech) of a paragraph whose first bold words end with a colon
    ("**Berger:** Die Kinder ..."; the colon may follow the bold); else (None, text)."""
    runs = [(t, b) for t, b in runs if t]
    bold = ""
    k = 0
    while k < len(runs) and (runs[k][1] or not runs[k][0].strip()) and (runs[k][1] or bold):
        bold += runs[k][0]
        k += 1
    rest = "".join(t for t, _ in runs[k:])
    whole = clean_text(bold + rest)
    if not bold.strip():
        return None, whole
    if bold.rstrip().endswith(":"):
        label = _is_label(bold)
        speech = clean_text(rest)
    elif rest.lstrip().startswith(":"):
        label = _is_label(bold)
        speech = clean_text(rest.lstrip()[1:])
    else:
        return None, whole
    return (label, speech) if label and speech else (None, whole)


def label_paragraph(runs: Iterable[Run]) -> str | None:
    """The speaker named by a paragraph that is only a short bold name ("**Berger**",
    "**Berger:**"), the speech following in the next paragraph; else None."""
    runs = [(t, b) for t, b in runs if t.strip()]
    if not runs or not all(b for _, b in runs):
        return None
    text = clean_text("".join(t for t, _ in runs))
    if not text or text[-1] in ".!?…":
        return None
    return _is_label(text)


class PartsBuilder:
    """Collects a reader's headings and paragraphs, turning speaker labels (bold at the
    start of a paragraph, or a bold paragraph of their own) into the parts' speakers.

    A short bold paragraph is a speaker's name only when the same name stands alone at
    least twice, each time before a paragraph of speech, or once after the first of three
    such turns (as the speaker rules ask of labels in plain text); else it is a subheading."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self._labels: list[int] = []     # indexes of bold-paragraph candidates in parts

    def heading(self, text: str, level: int = 1) -> None:
        text = clean_text(text)
        if text:
            self.parts.append(Part("heading", text, level=level))

    def boilerplate(self, text: str) -> None:
        text = clean_text(text)
        if text:
            self.parts.append(Part("boilerplate", text))

    def paragraph(self, runs: Iterable[Run]) -> None:
        runs = list(runs)
        label = label_paragraph(runs)
        if label:
            self._labels.append(len(self.parts))
            self.parts.append(Part("heading", label, level=2))   # until shown a speaker
            return
        speaker, text = split_bold_label(runs)
        if text:
            self.parts.append(Part("paragraph", text, speaker=speaker))

    def done(self) -> list[Part]:
        before_speech = [k for k in self._labels if k + 1 < len(self.parts)
                         and self.parts[k + 1].kind == "paragraph"
                         and self.parts[k + 1].speaker is None]
        counts: dict[str, int] = {}
        for k in before_speech:
            counts[self.parts[k].text] = counts.get(self.parts[k].text, 0) + 1
        speakers = {k for k in before_speech if counts[self.parts[k].text] >= 2}
        # In a transcript of three turns or more, a name heard once after the first
        # recurring one is a guest's.
        if speakers and len(before_speech) >= MIN_TRANSCRIPT_TURNS:
            speakers |= {k for k in before_speech if k > min(speakers)}
        for k in speakers:
            self.parts[k + 1].speaker = self.parts[k].text
        return [p for k, p in enumerate(self.parts) if k not in speakers]
