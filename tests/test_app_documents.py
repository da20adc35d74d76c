"""The app's Import dialog with documents: what its upload boxes accept, and the services
it calls (models/app_services.py) with a DOCX source and a PDF translation."""
from __future__ import annotations

from pathlib import Path

import pytest

from align.errors import InputError
from align.store import Project
from align.text.readers import EXTENSIONS
from models import app_services as svc

DATA = Path(__file__).resolve().parent / "data" / "formats"


def test_the_upload_boxes_accept_every_document_format():
    every = {ext.lstrip(".") for ext in EXTENSIONS}
    assert every <= set(svc.SOURCE_TYPES) and every <= set(svc.TRANSLATION_TYPES)
    assert "txt" in svc.SOURCE_TYPES and "tmx" in svc.TRANSLATION_TYPES


@pytest.mark.slow  # real e5 encoding of a few sentences
def test_a_docx_source_and_a_pdf_translation_through_the_apps_services(tmp_path):
    target, report = svc.import_source((DATA / "interview.de.docx").read_bytes(),
                                       "interview.de.docx", "", tmp_path)
    assert target == tmp_path / "interview.de" and report.sentences == 10
    with Project.open(target) as p:
        kinds = [(b.kind, b.speaker) for b in p.blocks()]
        assert kinds == [("heading", None), ("heading", None), ("turn", "Moderatorin"),
                         ("turn", "Berger"), ("heading", None), ("turn", "Moderatorin"),
                         ("turn", "Berger")]
        result = svc.import_translation(p, (DATA / "interview.en.pdf").read_bytes(),
                                        "interview.en.pdf", "en")
        assert result.units == 10 and result.linked == 10
        source = {s.id: s.text for s in p.source_segments()}
        target_text = {t.id: t.text for t in p.target_segments("en")}
        pairs = {(source[l.src_ids[0]], target_text[l.tgt_ids[0]]) for l in p.links("en")
                 if l.src_ids and l.tgt_ids}
    assert ("Was bleibt", "What remains") in pairs
    assert ("Beides.", "Both.") in pairs


def test_a_hostile_upload_is_refused_and_no_project_is_made(tmp_path):
    with pytest.raises(InputError, match="encrypted"):
        svc.import_source((DATA / "encrypted.pdf").read_bytes(), "encrypted.pdf", "p", tmp_path)
    assert not (tmp_path / "p").exists()
