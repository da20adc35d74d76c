"""Subtitles: SRT (srt) and WebVTT (webvtt-py). Cues are joined into running text, one
paragraph per speaker turn, so the segmenter splits sentences across cue breaks; each
paragraph keeps its cues' times as character spans, from which every sentence gets its
start and end (`align.text.readers.structure`).

Speakers: WebVTT voices (`<v Jack Ma>`) and "NAME:" at the start of a cue (a name in
capitals is written as a name: "BERGER" -> "Berger"). Formatting tags (<i>, <b>, <c.x>,
karaoke timestamps, {\\an8}) are dropped."""
from __future__ import annotations

import io
import re

from align.errors import InputError
from align.text.readers.model import Part, ReadDocument, clean_text

MAX_CUES = 200_000
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_NAME_PREFIX = re.compile(r"^\s*-?\s*([A-ZÄÖÜ][\w.'’-]*(?:[ ][A-ZÄÖÜ][\w.'’-]*){0,2})\s*:\s+(?=\S)")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>]+)>")
_NOT_A_NAME = re.compile(r"(?i)^(?:note|hinweis|anmerkung|achtung|warning|musik|music)$")


def read_srt(text: str, name: str) -> ReadDocument:
    import srt

    try:
        cues = [(c.start.total_seconds(), c.end.total_seconds(), [(None, c.content)])
                for c in srt.parse(text, ignore_errors=False)]
    except (srt.SRTParseError, ValueError) as exc:
        raise InputError(f"{name}: not a valid SRT file ({_first_line(exc)})") from None
    return ReadDocument("srt", _parts(cues, name))


def read_vtt(text: str, name: str) -> ReadDocument:
    import webvtt

    try:
        captions = webvtt.from_buffer(io.StringIO(text))
        cues = []
        for caption in captions:
            cues.append((_seconds(caption.start), _seconds(caption.end), _voices(caption.raw_text)))
    except Exception as exc:  # webvtt-py raises its own MalformedFileError and others
        raise InputError(f"{name}: not a valid WebVTT file ({_first_line(exc)})") from None
    return ReadDocument("vtt", _parts(cues, name))


def _voices(raw: str) -> list[tuple[str | None, str]]:
    """A cue's text cut at its voice tags: [(voice or None, text)]; two people may speak in
    one cue ("<v Anna>Kommst du?\n<v Ben>Gleich.")."""
    marks = list(_VOICE.finditer(raw))
    if not marks:
        return [(None, raw)]
    pieces = [(None, raw[:marks[0].start()])] if raw[:marks[0].start()].strip() else []
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(raw)
        pieces.append((mark.group(1).strip(), raw[mark.end():end]))
    return pieces


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + float(p)
    return seconds


def _name(label: str) -> str:
    return label.title() if label.isupper() else label


def _parts(cues, name: str) -> list[Part]:
    if len(cues) > MAX_CUES:
        raise InputError(f"{name}: {len(cues)} cues; the limit is {MAX_CUES}")
    parts: list[Part] = []
    current: Part | None = None
    for start, end, pieces in cues:
        if end < start:
            raise InputError(f"{name}: a cue ends before it starts ({start:.3f} s -> {end:.3f} s)")
        said = []
        for voice, raw in pieces:
            text = clean_text(_TAG.sub("", raw))
            speaker = _name(voice) if voice else None
            prefix = _NAME_PREFIX.match(text)
            if prefix and not _NOT_A_NAME.match(prefix.group(1)):
                speaker = speaker or _name(prefix.group(1))
                text = text[prefix.end():]
            if text:
                said.append((speaker, text))
        # Speakers sharing a cue share its time by the length of what each says.
        total = sum(len(text) for _, text in said)
        at = start
        for k, (speaker, text) in enumerate(said):
            until = end if k == len(said) - 1 else at + (end - start) * len(text) / total
            if current is None or (speaker is not None and speaker != current.speaker):
                current = Part("paragraph", "", speaker=speaker)
                parts.append(current)
            if current.text:
                current.text += " "
            first = len(current.text)
            current.text += text
            current.spans.append((first, len(current.text), at, until))
            at = until
    if not parts:
        raise InputError(f"{name}: no subtitle text found")
    return parts
