"""A plain-text translation's own turns, matched to the project's turns.

When a translation is laid out as a transcript ("Sorkin: ...", "马云：..."), with as many
labelled turns as the project, the same pattern of speakers (who speaks first, second, who
answers whom; the names may be translated) and turn lengths in proportion, turn k of the
translation can only translate turn k of the source. The aligner then gets one block per
turn (the turn with the narration and headings that follow it, up to the next turn) instead
of the whole text, so no link can cross a turn and one misjudged turn cannot shift the rest.
"""
from __future__ import annotations

from typing import Hashable, Sequence

from align.text.speakers import label_prefix

# A turn whose length ratio is this far from the document's (either way) means the turns
# are paired wrongly, e.g. an abridged translation that drops one exchange and adds another.
MAX_RATIO_DEVIATION = 3.0
MIN_CHARS_TO_JUDGE = 40  # shorter turns ("Ja.") say little about their ratio


def speaker_pattern(speakers: Sequence[Hashable]) -> list[int]:
    """Speakers numbered by first appearance: [Sorkin, Ma, Sorkin] -> [0, 1, 0]."""
    seen: dict[Hashable, int] = {}
    return [seen.setdefault(s, len(seen)) for s in speakers]


def split_turns(lines: Sequence[str], labels: set[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(lines before the first labelled line, [(label, the turn's lines)]): a turn is its
    labelled line, with the label taken off, and the unlabelled lines after it."""
    if not labels:
        return list(lines), []
    opens = label_prefix(labels)
    head: list[str] = []
    turns: list[tuple[str, list[str]]] = []
    for line in lines:
        m = opens.match(line)
        if m:
            turns.append((m.group(1), [line[m.end():]]))
        elif turns:
            turns[-1][1].append(line)
        else:
            head.append(line)
    return head, turns


def matching_turn_groups(lines: Sequence[str], labels: set[str], blocks: Sequence,
                         source_chars: Sequence[int]) -> list[tuple[list, list[str]]] | None:
    """[(source blocks, translation lines)] one group per source turn (plus one for what comes
    before the first turn, when the project has something there), or None when the
    translation's turns do not match the project's.

    labels: the translation's own line-opening labels (`speakers.line_labels`).
    blocks: the project's blocks in order (objects with .kind and .speaker), boilerplate left
      out; source_chars: characters of each block's source text.
    """
    head, turns = split_turns([line for line in lines if line.strip()], labels)
    starts = [k for k, b in enumerate(blocks) if b.kind == "turn"]
    if len(starts) < 2 or len(turns) != len(starts):
        return None
    if speaker_pattern([label for label, _ in turns]) != speaker_pattern([blocks[k].speaker for k in starts]):
        return None
    groups = [(list(blocks[:starts[0]]), head)]
    for n, (k, (_, turn_lines)) in enumerate(zip(starts, turns)):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        groups.append((list(blocks[k:end]), turn_lines))
    if not groups[0][0]:  # nothing before the first turn in the project: a title joins turn 1
        groups = [(groups[1][0], groups[0][1] + groups[1][1])] + groups[2:]
    return groups if _lengths_in_proportion(groups, blocks, source_chars) else None


def _lengths_in_proportion(groups, blocks, source_chars) -> bool:
    chars_of = {id(b): n for b, n in zip(blocks, source_chars)}
    pairs = [(sum(chars_of[id(b)] for b in group_blocks), sum(len(line.strip()) for line in lines))
             for group_blocks, lines in groups]
    total_src, total_tgt = sum(s for s, _ in pairs), sum(t for _, t in pairs)
    if not total_src or not total_tgt:
        return False
    ratio = total_tgt / total_src
    for src, tgt in pairs:
        if src >= MIN_CHARS_TO_JUDGE and tgt >= 1 and not (
                1 / MAX_RATIO_DEVIATION <= (tgt / src) / ratio <= MAX_RATIO_DEVIATION):
            return False
        if src >= MIN_CHARS_TO_JUDGE and tgt == 0:
            return False
    return True
