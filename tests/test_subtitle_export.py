"""Bilingual subtitles out: a project imported from SRT, its English from WebVTT (aligned
by the real sentence aligner), exported as SRT and WebVTT and read back with the subtitle
libraries (srt, webvtt-py): one cue per sentence pair, the source's times, voices."""
from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest

from align.cli import main

DATA = Path(__file__).resolve().parent / "data" / "formats"

pytestmark = pytest.mark.slow  # the real e5 sentence aligner


def gold(name: str) -> dict:
    return json.loads((DATA / "gold" / f"{name}.json").read_text(encoding="utf-8"))


def expected_cues():
    """(start, end, speaker, de, en) per sentence, from the hand-checked golds."""
    de, en = gold("interview.de.srt")["blocks"], gold("interview.en.vtt")["blocks"]
    out = []
    for block_de, block_en in zip(de, en):
        for times, s_de, s_en in zip(block_de["times"], block_de["sentences"], block_en["sentences"]):
            out.append((times[0], times[1], block_de["speaker"], s_de, s_en))
    return out


@pytest.fixture(scope="module")
def timed_project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("subs") / "p"
    assert main(["import", str(DATA / "interview.de.srt"), "--project", str(folder)]) == 0
    assert main(["import-translation", str(folder), str(DATA / "interview.en.vtt"),
                 "--lang", "en"]) == 0
    return folder


def test_bilingual_webvtt_reads_back_with_both_languages_and_voices(timed_project, tmp_path):
    import webvtt

    out = tmp_path / "film.vtt"
    assert main(["export", str(timed_project), "--format", "vtt", "--langs", "de,en",
                 "--output", str(out)]) == 0
    captions = list(webvtt.read(str(out)))
    got = [(_seconds(c.start), _seconds(c.end), c.voice, *c.text.split("\n")) for c in captions]
    assert got == expected_cues()


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return round(int(h) * 3600 + int(m) * 60 + float(s), 3)


def test_bilingual_srt_reads_back(timed_project, tmp_path):
    import srt

    out = tmp_path / "film.srt"
    assert main(["export", str(timed_project), "--format", "srt", "--output", str(out)]) == 0
    subs = list(srt.parse(out.read_text(encoding="utf-8")))
    got = [(round(s.start.total_seconds(), 3), round(s.end.total_seconds(), 3),
            *s.content.split("\n")) for s in subs]
    assert got == [(a, b, de, en) for a, b, _, de, en in expected_cues()]


def test_one_file_per_language_on_request(timed_project, tmp_path):
    import srt

    out = tmp_path / "film.srt"
    assert main(["export", str(timed_project), "--format", "srt", "--per-language",
                 "--output", str(out)]) == 0
    for k, lang in ((3, "de"), (4, "en")):
        subs = list(srt.parse((tmp_path / f"film.{lang}.srt").read_text(encoding="utf-8")))
        assert [s.content for s in subs] == [cue[k] for cue in expected_cues()]
    assert not out.exists()


def test_cues_never_overlap(timed_project, tmp_path):
    cues = expected_cues()
    assert all(a[1] <= b[0] for a, b in zip(cues, cues[1:]))
    assert all(start < end for start, end, *_ in cues)


def test_a_source_without_times_is_refused_in_one_line(tmp_path, capsys):
    folder = tmp_path / "book"
    assert main(["import", str(DATA / "story.de.epub"), "--project", str(folder)]) == 0
    capsys.readouterr()
    assert main(["export", str(folder), "--format", "vtt", "--output", str(tmp_path / "x.vtt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: the project's source has no timings (it was not imported from "
                   "subtitles); SRT and WebVTT export need a timed source: import an .srt or "
                   ".vtt file")
    assert not (tmp_path / "x.vtt").exists()


def test_markup_in_text_is_escaped_in_webvtt(tmp_path):
    from align.formats.rows import Cell, Row, Table
    from align.formats.subtitles import write_vtt
    import webvtt

    table = Table("de", ("de", "en"), (Row(1, "A<b>", {"de": Cell("x < y & z"), "en": Cell("a > b")},
                                           source_ids=("s1",)),))
    data = write_vtt(table, {"s1": (1.0, 2.5)})
    caption = next(iter(webvtt.from_buffer(io.StringIO(data.decode("utf-8")))))
    # webvtt-py leaves character references as written; a browser decodes them (see
    # test_browser_subtitles.py).
    assert caption.text == "x &lt; y &amp; z\na &gt; b"
    assert caption.voice == "A&lt;b&gt;"
    assert html.unescape(caption.text) == "x < y & z\na > b"
