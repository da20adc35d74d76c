"""A plain-text translation laid out as a transcript is aligned turn by turn."""
from __future__ import annotations

import pytest

from align.store import Project
from align.store.rows import BlockRow
from align.alignment.transcript_turns import matching_turn_groups, speaker_pattern, split_turns
from align.imports.translation import align_text
from tests.test_formats_roundtrip import sample_document


def block(kind: str, speaker: str | None = None) -> BlockRow:
    return BlockRow(id=f"{kind}-{speaker}", position=0, kind=kind, speaker=speaker,
                    speaker_label=speaker, excluded=False)


def test_speaker_pattern_numbers_speakers_by_first_appearance():
    assert speaker_pattern(["Sorkin", "Jack Ma", "Sorkin", "Jack Ma"]) == [0, 1, 0, 1]
    assert speaker_pattern(["索金", "马云", "索金", "马云"]) == [0, 1, 0, 1]
    assert speaker_pattern(["A", "A", "B"]) != speaker_pattern(["A", "B", "A"])


def test_split_turns_keeps_unlabelled_lines_with_the_turn_before():
    lines = ["Title", "Intro.", "Sorkin: Hello.", "More from Sorkin.", "　　Ma：Hi.", "Heading"]
    head, turns = split_turns(lines, {"Sorkin", "Ma"})
    assert head == ["Title", "Intro."]
    assert turns == [("Sorkin", ["Hello.", "More from Sorkin."]), ("Ma", ["Hi.", "Heading"])]


BLOCKS = [block("narration"), block("turn", "Sorkin"), block("heading"), block("turn", "Jack Ma"),
          block("turn", "Sorkin")]
CHARS = [40, 60, 10, 60, 30]   # German characters per block


def groups_of(text, blocks=BLOCKS, chars=CHARS):
    from align.text.speakers import line_labels

    return matching_turn_groups(text.splitlines(), line_labels(text), blocks, chars)


def test_turns_match_by_count_and_pattern_of_speakers_not_by_name():
    text = "导语很长很长很长。\n索金：你好你好你好你好。\n马云：你好你好你好你好。\n小标题\n索金：再见再见。\n"
    assert [(len(b), lines) for b, lines in groups_of(text)] == [
        (1, ["导语很长很长很长。"]), (2, ["你好你好你好你好。"]), (1, ["你好你好你好你好。", "小标题"]),
        (1, ["再见再见。"])]
    # another number of turns, or another order of speakers: no match, align as one text
    assert groups_of("索金：你好。\n马云：你好。\n") is None
    assert groups_of("索金：你好。\n索金：你好。\n马云：再见。\n") is None
    assert groups_of("Just prose.\nNo labels.\n") is None


def test_turns_out_of_proportion_are_not_matched():
    # same speakers in the same order, but the long answer sits where the short question was
    blocks = [block("turn", "Sorkin"), block("turn", "Jack Ma"), block("turn", "Sorkin"), block("turn", "Jack Ma")]
    chars = [50, 400, 50, 400]
    fitting = "索金：" + "问" * 20 + "\n马云：" + "答" * 150 + "\n索金：" + "问" * 20 + "\n马云：" + "答" * 150 + "\n"
    shifted = "索金：" + "答" * 150 + "\n马云：" + "问" * 20 + "\n索金：" + "答" * 150 + "\n马云：" + "问" * 20 + "\n"
    assert groups_of(fitting, blocks, chars) is not None
    assert groups_of(shifted, blocks, chars) is None


def test_a_title_before_the_first_turn_joins_it_when_the_project_has_nothing_there():
    blocks = [block("turn", "Sorkin"), block("turn", "Jack Ma")]
    groups = groups_of("Davos 2017\nSorkin: Welcome back.\nMa: Thank you.\n", blocks, [30, 30])
    assert [lines for _, lines in groups] == [["Davos 2017", "Welcome back."], ["Thank you."]]


def by_position(blocks):
    """A block aligner that pairs sentences in order (the grouping, not the aligner, is tested here)."""
    out = []
    for src, tgt in blocks:
        n = min(len(src), len(tgt))
        out.append([((k,), (k,), 1.0) for k in range(n)] + [((k,), (), 0.0) for k in range(n, len(src))]
                   + [((), (k,), 0.0) for k in range(n, len(tgt))])
    return out


def recorder():
    """(calls, aligner): the aligner pairs by position and keeps the blocks it was given."""
    calls = []

    def recording(blocks):
        calls.append(blocks)
        return by_position(blocks)
    return calls, recording


@pytest.fixture
def project(tmp_path):
    with Project.create(tmp_path / "p") as p:
        p.import_document(sample_document(), "sample.txt", "sample")
        yield p


def test_a_matching_transcript_is_aligned_turn_by_turn(project):
    calls, recording = recorder()
    # The narration has one sentence too few: aligned as one text, every later link would shift.
    text = ("清晨，马云在达沃斯接受了采访。\n"
            "索金：再次欢迎马云先生！你刚刚见了特朗普。能谈谈吗？\n"
            "马云：会谈很有成效。比我预想的好得多。阿里巴巴有45000名员工。\n")
    sentences, links = align_text(project, text, "zh", "zh.txt", recording)
    assert [len(src) for src, _ in calls[0]] == [2, 3, 3]          # narration, Sorkin, Jack Ma
    assert [len(tgt) for _, tgt in calls[0]] == [1, 3, 3]
    source = {s.id: s.text for s in project.source_segments()}
    pairs = {source[src[0]]: sentences[tgt[0]] for src, tgt, _ in links if src and tgt}
    assert pairs["Nochmals willkommen, Herr Jack Ma!"] == "再次欢迎马云先生！"
    assert pairs["Das Treffen war produktiv."] == "会谈很有成效。"
    assert pairs["Alibaba hat 45.000 Mitarbeiter."] == "阿里巴巴有45000名员工。"


def test_labels_of_a_translation_that_is_not_a_matching_transcript_stay(project):
    calls, recording = recorder()
    text = "Chapter One: The Meeting\nChapter Two: The Answer\nHe said: yes.\n"
    sentences, _ = align_text(project, text, "en", "en.txt", recording)
    assert len(calls[0]) == 1 and sentences[:2] == ["Chapter One: The Meeting", "Chapter Two: The Answer"]


def test_a_translation_without_matching_turns_is_aligned_as_one_text(project):
    calls, recording = recorder()
    text = "Early in the morning.\nPopular dialogue.\nWelcome again!\nYou met Trump.\nTell us.\n"
    align_text(project, text, "en", "en.txt", recording)
    assert len(calls[0]) == 1 and len(calls[0][0][0]) == 8 and len(calls[0][0][1]) == 5
