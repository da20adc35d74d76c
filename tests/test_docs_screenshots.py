"""`make screenshots` keeps working: the docs' screenshot is taken from the real app in
Chromium, with text in the German, English and Chinese columns (docs/screenshots.py refuses
to write a picture of empty columns)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


def test_the_screenshot_command_writes_the_reader_with_three_filled_columns(tmp_path):
    spec = importlib.util.spec_from_file_location("docs_screenshots", ROOT / "docs" / "screenshots.py")
    shots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shots)
    written = shots.take(tmp_path)
    assert [p.name for p in written] == ["reader-three-columns.png", "row-editor.png"]
    data = written[0].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1440, 1280)
    # the committed picture is the one this command writes (same size; refreshed by it)
    committed = (ROOT / "docs" / "images" / "reader-three-columns.png").read_bytes()
    assert committed[16:24] == data[16:24]
