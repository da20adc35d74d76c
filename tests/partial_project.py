"""The interview with a partial English translation imported, as a person tried the reader
in issue 16: the aligner linked some German sentences to English, left others in links
with no English (a score and nothing else), and never reached the rest. No Chinese.

    make_partial_project(directory) -> dict of the sentence ids the tests look at
"""
from __future__ import annotations

from pathlib import Path

from align.store import Project
from tests.conftest import make_interview_project, REFERENCE

# Three German sentences of the third turn, linked to one English sentence (3:1).
THREE_TO_ONE = "Like everyone else I heard a lot, and I was pleased; he walked me down."
EMPTY_LINK_SCORE = 0.41


def make_partial_project(directory: Path) -> dict:
    make_interview_project(directory)
    with Project.open(directory) as p:
        blocks = p.blocks(include_excluded=False)
        sentences: list[str] = []
        links: list[tuple[list[str], list[int], float | None]] = []
        ids: dict = {"empty": [], "pair": [], "three": []}
        for block in blocks[:8]:
            sources = p.source_segments(block.id)
            k = 0
            while k < len(sources):
                s = sources[k]
                group = [x for x in sources[k:k + 3]]
                if (not ids["three"] and len(group) == 3
                        and all(x.text in REFERENCE for x in group)):
                    sentences.append(THREE_TO_ONE)
                    links.append(([x.id for x in group], [len(sentences) - 1], 0.77))
                    ids["three"] = [x.id for x in group]
                    k += 3
                    continue
                if s.text in REFERENCE:
                    sentences.append(REFERENCE[s.text][0])
                    links.append(([s.id], [len(sentences) - 1], 0.82))
                elif not ids["pair"] and k + 1 < len(sources) and sources[k + 1].text not in REFERENCE:
                    # Two German sentences in one link without English (2:0).
                    links.append(([s.id, sources[k + 1].id], [], 0.33))
                    ids["pair"] = [s.id, sources[k + 1].id]
                    k += 2
                    continue
                else:
                    links.append(([s.id], [], EMPTY_LINK_SCORE))
                    ids["empty"].append(s.id)
                k += 1
        p.import_target_track("en", sentences, links)
    return ids
