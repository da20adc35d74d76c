"""A corpus manifest naming documents: a DOCX source and an EPUB translation run like text."""
from __future__ import annotations

import pytest

from pathlib import Path

from align.cli import main
from tests.test_corpus import model_args, models, rows  # noqa: F401  (the tiny-model fixture)

DATA = Path(__file__).resolve().parent / "data" / "formats"

pytestmark = pytest.mark.slow  # the real e5 sentence aligner


def test_a_manifest_of_documents_runs(models, tmp_path):  # noqa: F811
    (tmp_path / "m.csv").write_text(
        f"id,de,english\ninterview,{DATA / 'interview.de.docx'},{DATA / 'interview.en.epub'}\n",
        encoding="utf-8")
    out = tmp_path / "out"
    assert main(["corpus", "run", str(tmp_path / "m.csv"), "--output", str(out), "--to", "",
                 "--align-with", "en=english", *model_args(models, tmp_path / "cache")]) == 0
    got = rows(out)
    pairs = [(r["translation"]["de"], r["translation"]["en"]) for r in got]
    assert ("Was bleibt", "What remains") in pairs
    assert ("Wer schreibt, denkt nach.", "Whoever writes, thinks.") in pairs
    assert {r["speaker"] for r in got} >= {"Moderatorin", "Berger"}
