"""A read document becomes the project's Document through the plain-text segmenter.

The parts are written out as text the segmenter reads (`ReadDocument.source_text`), so
sentences, speakers and headings follow the same rules whatever the format. Then every
sentence is found again in that text, in order, to give back what text cannot carry:
which sentences are boilerplate (front matter, footnotes) and, for subtitles, each
sentence's start and end time. A sentence that shares a cue with another gets the part of
the cue's time its characters take (the cue is read at an even pace), so sentence times
never overlap.
"""
from __future__ import annotations

import bisect

from align.text.document import Block, Document
from align.text.readers.model import Part, ReadDocument


def to_document(read: ReadDocument, lang: str = "de", title: str = "",
                undo_merges=()) -> Document:
    from align.text.segment import segment_document

    text, starts = read.source_text()
    document = segment_document(text, lang=lang, title=read.title or title,
                                undo_merges=undo_merges)
    locate = _Locator(text)
    for block in document.blocks:
        places = [locate(sentence) for sentence in block.sentences]
        part_ids = [(_part_at(starts, read.parts, a), a, b) if a is not None else (None, a, b)
                    for a, b in places]
        kinds = {read.parts[k].kind for k, _, _ in part_ids if k is not None}
        if kinds == {"boilerplate"} and block.kind != "boilerplate":
            block.kind, block.speaker, block.speaker_label = "boilerplate", None, None
        if read.timed:
            block.times = [_times(read.parts[k], a - starts[k], b - starts[k])
                           if k is not None and read.parts[k].spans else None
                           for k, a, b in part_ids]
    return document


class _Locator:
    """Finds sentences in the text in order, whatever whitespace the segmenter changed."""

    def __init__(self, text: str):
        self.index = [i for i, c in enumerate(text) if not c.isspace()]
        self.compact = "".join(text[i] for i in self.index)
        self.cursor = 0

    def __call__(self, sentence: str) -> tuple[int | None, int | None]:
        needle = "".join(sentence.split())
        if not needle:
            return None, None
        at = self.compact.find(needle, self.cursor)
        if at < 0:
            return None, None
        self.cursor = at + len(needle)
        return self.index[at], self.index[at + len(needle) - 1] + 1


def _part_at(starts: list[int], parts: list[Part], position: int) -> int | None:
    k = bisect.bisect_right(starts, position) - 1
    if k < 0 or position > starts[k] + len(parts[k].text):
        return None
    return k


def _time_at(part: Part, offset: int, end: bool) -> float:
    spans = part.spans
    for first, last, t0, t1 in spans:
        if first <= offset <= last and (offset < last or end):
            if last == first:
                return t1 if end else t0
            return t0 + (t1 - t0) * (offset - first) / (last - first)
    # Between two cues (the space that joined them): the next cue's start, the last one's end.
    if end:
        before = [s for s in spans if s[1] <= offset]
        return before[-1][3] if before else spans[0][2]
    after = [s for s in spans if s[0] >= offset]
    return after[0][2] if after else spans[-1][3]


def _times(part: Part, first: int, end: int) -> tuple[float, float]:
    return round(_time_at(part, first, False), 3), round(_time_at(part, end, True), 3)
