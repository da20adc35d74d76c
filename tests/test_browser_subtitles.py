"""Chromium plays the bilingual WebVTT: a <video> with the exported file as its <track>,
the cues read back through the TextTrack API (times, both languages, the speaker's voice,
escaped text decoded). No video is needed: the track loads on a media element without one.

Debian's chromium through Playwright, as the other browser tests (tests/browser_util.py)."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from align.cli import main
from tests.browser_util import browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA = Path(__file__).resolve().parent / "data" / "formats"

PAGE = """<!doctype html><html><body>
<video id="v" controls width="320" height="180">
  <track id="t" kind="subtitles" srclang="de" label="Deutsch / English" src="%s" default>
</video></body></html>"""

READ_CUES = """() => {
  const track = document.getElementById('t').track;
  return Array.from(track.cues).map(c => ({
    start: c.startTime, end: c.endTime, text: c.text,
    shown: c.getCueAsHTML().textContent,
    voices: Array.from(c.getCueAsHTML().querySelectorAll('span[title]')).map(s => s.title)}));
}"""


@contextlib.contextmanager
def serve(folder: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def cues_in_chromium(folder: Path, vtt_name: str) -> list[dict]:
    (folder / "index.html").write_text(PAGE % vtt_name, encoding="utf-8")
    with serve(folder) as url, browser() as page:
        page.goto(url + "index.html")
        # The track loads once its mode is not "disabled" ("default" makes it showing).
        page.evaluate("() => { document.getElementById('t').track.mode = 'hidden'; }")
        page.wait_for_function("() => document.getElementById('t').readyState === 2",
                               timeout=30_000)
        return page.evaluate(READ_CUES)


def test_chromium_reads_the_bilingual_cues_of_an_export(tmp_path):
    project = tmp_path / "p"
    assert main(["import", str(DATA / "interview.de.srt"), "--project", str(project)]) == 0
    assert main(["import-translation", str(project), str(DATA / "interview.en.vtt"),
                 "--lang", "en"]) == 0
    site = tmp_path / "site"
    site.mkdir()
    assert main(["export", str(project), "--format", "vtt", "--langs", "de,en",
                 "--output", str(site / "film.vtt")]) == 0
    cues = cues_in_chromium(site, "film.vtt")
    de = json.loads((DATA / "gold" / "interview.de.srt.json").read_text(encoding="utf-8"))
    en = json.loads((DATA / "gold" / "interview.en.vtt.json").read_text(encoding="utf-8"))
    expected = [(round(t[0], 3), round(t[1], 3), bd["speaker"], s_de + "\n" + s_en)
                for bd, be in zip(de["blocks"], en["blocks"])
                for t, s_de, s_en in zip(bd["times"], bd["sentences"], be["sentences"])]
    got = [(round(c["start"], 3), round(c["end"], 3), c["voices"][0], c["shown"]) for c in cues]
    assert got == expected
    assert all(c["voices"] == [c["voices"][0]] * 2 for c in cues)  # one voice per line


def test_chromium_decodes_escaped_text(tmp_path):
    from align.formats.rows import Cell, Row, Table
    from align.formats.subtitles import write_vtt

    table = Table("de", ("de", "en"), (Row(1, "Q&A", {"de": Cell("x < y & z"),
                                                      "en": Cell("<b>not bold</b>")},
                                           source_ids=("s1",)),))
    (tmp_path / "t.vtt").write_bytes(write_vtt(table, {"s1": (1.0, 2.5)}))
    [cue] = cues_in_chromium(tmp_path, "t.vtt")
    assert (cue["start"], cue["end"], cue["shown"], cue["voices"]) == \
        (1.0, 2.5, "x < y & z\n<b>not bold</b>", ["Q&A", "Q&A"])
