"""A plain-text translation's own turns, matched to the project's turns.

When a translation is laid out as a transcript ("Sorkin: ...", "马云：..."), with as many
labelled turns as the project and the same pattern of speakers (who speaks first, second,
who answers whom; the names may be translated), turn k of the translation can only
translate turn k of the source. The aligner then gets one block per turn (the turn with the
narration and headings that follow it, up to the next turn) instead of the whole text, so no
link can cross a turn and one misjudged turn cannot shift the rest.
"""
from __future__ import annotations

import re
from typing import Hashable, Sequence

from align.speakers import line_labels


def speaker_pattern(speakers: Sequence[Hashable]) -> list[int]:
    """Speakers numbered by first appearance: [Sorkin, Ma, Sorkin] -> [0, 1, 0]."""
    seen: dict[Hashable, int] = {}
    return [seen.setdefault(s, len(seen)) for s in speakers]


def split_turns(lines: Sequence[str], labels: set[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(lines before the first labelled line, [(label, the labelled line and the unlabelled
    lines after it)]). Labels stay in the text; the caller strips them."""
    if not labels:
        return list(lines), []
    opens = re.compile(r"^\s*(" + "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
                       + r")\s*[:：]")
    head: list[str] = []
    turns: list[tuple[str, list[str]]] = []
    for line in lines:
        m = opens.match(line)
        if m:
            turns.append((m.group(1), [line]))
        elif turns:
            turns[-1][1].append(line)
        else:
            head.append(line)
    return head, turns


def matching_turn_groups(text: str, blocks: Sequence) -> list[tuple[list, list[str]]] | None:
    """[(source blocks, translation lines)] one group per source turn (plus one for what comes
    before the first turn), or None when the translation's turns do not match the project's.

    blocks: the project's blocks in order (objects with .kind and .speaker), boilerplate left out.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    head, turns = split_turns(lines, line_labels(text))
    starts = [k for k, b in enumerate(blocks) if b.kind == "turn"]
    if len(starts) < 2 or len(turns) != len(starts):
        return None
    if speaker_pattern([label for label, _ in turns]) != speaker_pattern([blocks[k].speaker for k in starts]):
        return None
    groups = [(list(blocks[:starts[0]]), head)]
    for n, (k, (_, turn_lines)) in enumerate(zip(starts, turns)):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        groups.append((list(blocks[k:end]), turn_lines))
    return groups
