"""Shared fixtures: a temporary project holding the bundled interview.

- `gold_project`: the interview as the hand-checked gold segmentation
  (tests/fixtures/interview_gold.json) stored through the real Project store; it does not
  depend on the segmenter, so store/reader tests stay independent of segmentation changes.
- `interview_dir`: a project folder made from data/davos_interview_de.txt through
  align.imports.source (the same path `bitext import` and the app take).
- `add_reference_translations(project)`: English and Chinese for the first turns, typed by
  hand below, stored as machine output (status `mt`) so the reader has real sentences to
  show, correct and review without loading a model.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.text.document import Block, Document
from align.store import Project


_EMBED_DIR: list[str] = []


def pytest_configure(config):
    """The aligner's on-disk embedding cache goes into a folder of this test run (removed at
    the end), never into the user's ~/.cache."""
    import os
    import tempfile

    if "BITEXT_EMBED_CACHE" not in os.environ:
        _EMBED_DIR.append(tempfile.mkdtemp(prefix="bitext-embed-"))
        os.environ["BITEXT_EMBED_CACHE"] = str(Path(_EMBED_DIR[0]) / "embeddings.sqlite")


def pytest_unconfigure(config):
    import shutil

    for folder in _EMBED_DIR:
        shutil.rmtree(folder, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
INTERVIEW = ROOT / "data" / "davos_interview_de.txt"
GOLD = Path(__file__).resolve().parent / "fixtures" / "interview_gold.json"

# German sentence -> (English, Chinese). Hand translations of the interview's opening.
REFERENCE = {
    "Es heißt, dies sei der beliebteste Dialog beim Davos Forum.":
        ("It is said that this was the most popular dialogue at the Davos Forum.",
         "据说这是达沃斯论坛上最受欢迎的对话。"),
    "Es war Trump, der auf Jack Ma zuging und fragte, ob sie reden könnten.":
        ("It was Trump who approached Jack Ma and asked whether they could talk.",
         "是特朗普走向马云，问他们能否谈一谈。"),
    "Nochmals willkommen, Herr Jack Ma!":
        ("Welcome again, Mr Jack Ma!", "再次欢迎马云先生！"),
    "Sie haben gerade den Trump Tower besucht und den designierten Präsidenten Donald Trump "
    "getroffen.":
        ("You have just visited Trump Tower and met President-elect Donald Trump.",
         "您刚刚访问了特朗普大厦，会见了当选总统唐纳德·特朗普。"),
    "Können Sie uns von diesem Treffen erzählen?":
        ("Can you tell us about this meeting?", "您能给我们讲讲这次会面吗？"),
    "Das Treffen war produktiv und viel besser als ich erwartet hatte.":
        ("The meeting was productive and much better than I had expected.",
         "会面很有成效，比我预想的好得多。"),
    "Was sind Ihre Erwartungen?":
        ("What are your expectations?", "您的期望是什么？"),
    "Wie alle anderen habe ich viele Neuigkeiten über ihn gehört und gesehen.":
        ("Like everyone else, I have heard and seen a lot of news about him.",
         "和其他人一样，我听到也看到了很多关于他的新闻。"),
    "Ich war mit dem Ergebnis des Gesprächs sehr zufrieden.":
        ("I was very satisfied with the outcome of the conversation.",
         "我对谈话的结果非常满意。"),
    "Er bot mir an, mich nach unten zu bringen.":
        ("He offered to walk me downstairs.", "他提出送我下楼。"),
    "Haben Sie ihn angerufen oder hat er Sie angerufen?":
        ("Did you call him or did he call you?", "是您给他打的电话，还是他给您打的？"),
    "Wie kam es zu diesem Treffen?":
        ("How did this meeting come about?", "这次会面是怎么促成的？"),
    "Diese Frage stelle ich mir auch.":
        ("I ask myself that question too.", "我也在问自己这个问题。"),
}


def gold_document() -> Document:
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    blocks = [Block(kind=b["kind"], sentences=list(b["sentences"]), speaker=b["speaker"],
                    speaker_label=b["speaker"]) for b in data["blocks"]]
    return Document(blocks, lang="de", speakers=data.get("speakers", {}),
                    title="davos_interview_de")


def make_gold_project(directory: Path) -> Path:
    with Project.create(directory) as project:
        project.import_document(gold_document(), "davos_interview_de.txt", "gold")
    return directory


def add_reference_translations(project: Project, langs=("en", "zh")) -> int:
    """Store the hand translations above for every matching source sentence."""
    count = 0
    for seg in project.source_segments():
        pair = REFERENCE.get(seg.text)
        if pair is None:
            continue
        for lang in langs:
            text = pair[0] if lang == "en" else pair[1]
            project.set_machine_translation(seg.id, lang, text,
                                            {"model": "reference translation typed for tests"})
            count += 1
    return count


@pytest.fixture
def gold_project(tmp_path):
    with Project.open(make_gold_project(tmp_path / "gold")) as project:
        yield project


def make_interview_project(directory: Path) -> Path:
    """The bundled interview imported into a new project at `directory`, as `bitext import` does."""
    from align.imports.source import import_text

    import_text(INTERVIEW.read_text(encoding="utf-8"), directory, INTERVIEW.name)
    return directory


@pytest.fixture
def interview_dir(tmp_path) -> Path:
    return make_interview_project(tmp_path / "interview")


@pytest.fixture(scope="session")
def ray_local():
    """A local Ray cluster on this machine's 2 cores, started once per test session."""
    import ray   # the scale extra; `make test` installs it
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield ray
    finally:
        ray.shutdown()
