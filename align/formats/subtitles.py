"""Bilingual subtitles: SRT and WebVTT with every chosen language in each cue, timed by the
source's subtitles (each source sentence kept its start and end when it was imported).

One cue per export row (a group of source sentences and their translations): it runs from
the first sentence's start to the last one's end, one line per language, source first.
WebVTT writes the speaker as a voice (`<v Berger>`); SRT has no place for one. With
`per_language`, each language gets a file of its own with the same cues.

A project whose source has no times (imported from plain text, a book...) is refused in
one line: there is nothing to time the cues by.
"""
from __future__ import annotations

import datetime as dt

from align.errors import InputError
from align.formats.rows import Table

_VTT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def cues(table: Table, times: dict[str, tuple[float, float]]):
    """[(start, end, speaker, {lang: text})] in time order, and the rows left out untimed."""
    if not times:
        raise InputError("the project's source has no timings (it was not imported from "
                         "subtitles); SRT and WebVTT export need a timed source: import an "
                         ".srt or .vtt file")
    out = []
    untimed = 0
    for row in table.rows:
        known = [times[i] for i in row.source_ids if i in times]
        if not known:
            untimed += 1
            continue
        start, end = min(t[0] for t in known), max(t[1] for t in known)
        out.append((start, max(end, start + 0.001), row.speaker,
                    {lang: row.cells[lang].text for lang in table.langs}))
    out.sort(key=lambda cue: cue[0])
    return out, untimed


def write_srt(table: Table, times, per_language: bool = False):
    import srt

    found, _ = cues(table, times)

    def compose(langs) -> bytes:
        subtitles = [srt.Subtitle(index=k + 1, start=dt.timedelta(seconds=start),
                                  end=dt.timedelta(seconds=end),
                                  content="\n".join(texts[lang] for lang in langs))
                     for k, (start, end, _, texts) in enumerate(found)]
        return srt.compose(subtitles, reindex=False).encode("utf-8")

    if per_language:
        return {lang: compose([lang]) for lang in table.langs}
    return compose(table.langs)


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _escape(text: str) -> str:
    for raw, escaped in _VTT_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def write_vtt(table: Table, times, per_language: bool = False):
    found, _ = cues(table, times)

    def compose(langs) -> bytes:
        lines = ["WEBVTT", ""]
        for k, (start, end, speaker, texts) in enumerate(found):
            voice = f"<v {_escape(speaker)}>" if speaker else ""
            lines.append(str(k + 1))
            lines.append(f"{_vtt_time(start)} --> {_vtt_time(end)}")
            lines.extend(f"{voice}{_escape(texts[lang])}" + ("</v>" if voice else "")
                         for lang in langs)
            lines.append("")
        return "\n".join(lines).encode("utf-8")

    if per_language:
        return {lang: compose([lang]) for lang in table.langs}
    return compose(table.langs)
