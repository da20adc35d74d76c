"""Golden files: the interview, imported through align.imports.source, with a fixed set of
translations for its opening, exported in every format and compared byte for byte with
tests/fixtures/golden/ (the TMX creation date and the HTML book's, the project's creation time, are masked).

After an intended change of a format, regenerate with
    BITEXT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats_golden.py
and review the diff of tests/fixtures/golden/ before committing it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lxml import etree

import align.formats
from align.formats import export_project
from align.imports.source import import_file
from align.store import Project

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
INTERVIEW = ROOT / "data" / "davos_interview_de.txt"
MT = {"model": "Helsinki-NLP/opus-mt-de-en"}

# German sentence -> English, typed by hand and stored as machine output (status mt).
ENGLISH = {
    "Es heißt, dies sei der beliebteste Dialog beim Davos Forum.":
        "It is said that this was the most popular dialogue at the Davos Forum.",
    "Es war Trump, der auf Jack Ma zuging und fragte, ob sie reden könnten.":
        "It was Trump who approached Jack Ma and asked whether they could talk.",
    "Nochmals willkommen, Herr Jack Ma!": "Welcome again, Mr Jack Ma!",
    "Sie haben gerade den Trump Tower besucht und den designierten Präsidenten Donald Trump "
    "getroffen.": "You have just visited Trump Tower and met President-elect Donald Trump.",
    "Können Sie uns von diesem Treffen erzählen?": "Can you tell us about this meeting?",
    "Das Treffen war produktiv und viel besser als ich erwartet hatte.":
        "The meeting was productive and much better than I had expected.",
    "Was sind Ihre Erwartungen?": "What are your expectations?",
}
# A person's corrections (status edited), then reviews.
EDITS = {"Können Sie uns von diesem Treffen erzählen?": "Could you tell us about that meeting?"}
REVIEWED = ["Nochmals willkommen, Herr Jack Ma!", "Können Sie uns von diesem Treffen erzählen?"]
# Chinese, imported as a human translation: (German sentences, Chinese sentences, score).
CHINESE = [
    (["Es heißt, dies sei der beliebteste Dialog beim Davos Forum."],
     ["据说这是达沃斯论坛上最受欢迎的对话。"], 0.93),
    (["Es war Trump, der auf Jack Ma zuging und fragte, ob sie reden könnten."],
     ["是特朗普走向马云，问他们能否谈一谈。"], 0.9),
    (["Nochmals willkommen, Herr Jack Ma!"], ["再次欢迎马云先生！"], 0.97),
    (["Sie haben gerade den Trump Tower besucht und den designierten Präsidenten Donald Trump "
      "getroffen.", "Können Sie uns von diesem Treffen erzählen?"],
     ["您刚刚访问了特朗普大厦，会见了当选总统唐纳德·特朗普，能给我们讲讲这次会面吗？"], 0.7741),
    (["Das Treffen war produktiv und viel besser als ich erwartet hatte."],
     ["会面很有成效。", "比我预想的好得多。"], 0.8),
    (["Was sind Ihre Erwartungen?"], ["您的期望是什么？"], 0.95),
]

EXPORTS = {  # golden file name -> (format, languages)
    "interview.tmx": ("tmx", ["de", "en", "zh"]),
    "interview.tsv": ("tsv", ["de", "en", "zh"]),
    "interview.jsonl": ("jsonl", ["de", "en", "zh"]),
    "interview.xlf": ("xliff", ["de", "en"]),
    "interview-en-zh.tmx": ("tmx", ["en", "zh"]),
    "interview": ("moses", ["de", "en", "zh"]),
    "interview.html": ("html", ["de", "en", "zh"]),   # the parallel book
}


def translate_opening(project: Project) -> None:
    by_text = {s.text: s for s in project.source_segments()}
    missing = [t for t in [*ENGLISH, *(g for src, _, _ in CHINESE for g in src)] if t not in by_text]
    assert not missing, f"the segmenter no longer yields these sentences: {missing}"
    for k, (german, english) in enumerate(ENGLISH.items()):
        # The model's confidence, as translate-project stores it (TMX x-mt-confidence,
        # JSONL "confidence"); kept only while no one corrected the sentence.
        assert project.set_machine_translation(by_text[german].id, "en", english, MT,
                                               confidence=-0.25 - k / 8)
    target_of = {link.src_ids[0]: link.tgt_ids[0] for link in project.links("en")}
    for german, english in EDITS.items():
        seg = project.segment(target_of[by_text[german].id])
        project.edit_segment(seg.id, english, seg.version)
    for german in REVIEWED:
        seg = project.segment(target_of[by_text[german].id])
        project.set_status(seg.id, "reviewed", seg.version)
    sentences, links = [], []
    for german, chinese, score in CHINESE:
        links.append(([by_text[g].id for g in german],
                      list(range(len(sentences), len(sentences) + len(chinese))), score))
        sentences.extend(chinese)
    project.import_target_track("zh", sentences, links, origin_detail={"translator": "tests"})


@pytest.fixture(scope="module")
def interview(tmp_path_factory):
    directory = tmp_path_factory.mktemp("golden") / "interview"
    import_file(INTERVIEW, directory)
    with Project.open(directory) as project:
        translate_opening(project)
        yield project


def masked(name: str, data: bytes) -> bytes:
    if name.endswith(".tmx"):
        return re.sub(rb'creationdate="\d{8}T\d{6}Z"', b'creationdate="(project creation)"', data)
    if name.endswith(".html"):
        return re.sub(rb'name="dcterms.created" content="[^"]*"',
                      b'name="dcterms.created" content="(project creation)"', data)
    return data


def exported(project, name: str) -> dict[str, bytes]:
    fmt, langs = EXPORTS[name]
    data = export_project(project, fmt, langs)
    if isinstance(data, dict):
        return {f"{name}.{lang}": body for lang, body in data.items()}
    return {name: masked(name, data)}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_matches_golden_file(interview, name):
    for file_name, data in exported(interview, name).items():
        golden = GOLDEN / file_name
        if os.environ.get("BITEXT_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(data)
        assert golden.is_file(), f"{golden} missing; see the module docstring to create it"
        assert data.decode("utf-8") == golden.read_text(encoding="utf-8"), file_name


def test_golden_tmx_is_valid_tmx_14b():
    dtd = etree.DTD(str(Path(align.formats.__file__).parent / "tmx14b.dtd"))
    for name in ("interview.tmx", "interview-en-zh.tmx"):
        root = etree.parse(str(GOLDEN / name)).getroot()
        assert dtd.validate(root), (name, dtd.error_log.filter_from_errors())


def test_golden_content_is_what_was_stored(interview):
    # Rows: only sentences with English and Chinese; the 2:1 Chinese link makes one row of
    # two German sentences; the 1:2 Chinese sentences are joined without a space.
    lines = (GOLDEN / "interview.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["turn", "speaker", "de", "en", "zh", "status_en",
                                    "origin_en", "score_en", "status_zh", "origin_zh", "score_zh"]
    assert len(lines) == 1 + 6
    fourth = lines[4].split("\t")
    assert fourth[:2] == ["2", "Sorkin"]
    assert fourth[4] == "您刚刚访问了特朗普大厦，会见了当选总统唐纳德·特朗普，能给我们讲讲这次会面吗？"
    # lowest status of the row: "Sie haben..." is still MT although the next one is reviewed
    assert fourth[5] == "mt" and fourth[10] == "0.7741"
    assert lines[5].split("\t")[4] == "会面很有成效。比我预想的好得多。"
    moses_en = (GOLDEN / "interview.en").read_text(encoding="utf-8").splitlines()
    assert moses_en[0] == ENGLISH["Es heißt, dies sei der beliebteste Dialog beim Davos Forum."]
