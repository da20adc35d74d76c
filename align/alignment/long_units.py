"""Sentences too long to align as one, aligned as pieces and given back whole.

A source text without full stops (an unpunctuated transcript, a pasted PDF) is segmented
into "sentences" of tens of kilobytes. Aligned as one unit, such a sentence can join at
most a few target sentences (a link spans at most `max_src`/`max_tgt` units), so most of
its translation would be left unlinked, and every span that contains it is a long text to
score. So the aligner sees it as pieces: each sentence longer than MAX_SENTENCE_CHARS is cut
at clauses, then between words (`align.text.long_sentences.cut_long_sentences`), on both
sides; the pieces are aligned like sentences; and the links are mapped back: every link
that touches a piece of one sentence, and whatever lies between such links, becomes one
link of the whole sentences (a 1:n link for a long source sentence and its n translated
sentences). The store and the exports keep the person's text as it was: the cut is only for
aligning. Memory and time stay linear: pieces are at most MAX_SENTENCE_CHARS, and the
encoder sees at most MAX_SCORING_CHARS of any text (`scoring_text`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from align.alignment.config import Link
from align.text.long_sentences import MAX_SENTENCE_CHARS, cut_long_sentences


@dataclass(frozen=True)
class Pieces:
    texts: list[str]          # what the aligner sees
    owner: list[int]          # piece -> index of the sentence it was cut from
    of: list[list[int]]       # sentence -> its pieces, in order

    @classmethod
    def cut(cls, sentences: Sequence[str], limit: int = MAX_SENTENCE_CHARS) -> "Pieces":
        texts, owner, of = [], [], []
        for k, sentence in enumerate(sentences):
            parts = cut_long_sentences([sentence], limit) if len(sentence) > limit else [sentence]
            of.append(list(range(len(texts), len(texts) + len(parts))))
            texts.extend(parts)
            owner.extend([k] * len(parts))
        return cls(texts, owner, of)


def needs_pieces(blocks: Sequence[tuple[Sequence[str], Sequence[str]]],
                 limit: int = MAX_SENTENCE_CHARS) -> bool:
    return any(len(s) > limit for src, tgt in blocks for s in (*src, *tgt))


def split_like(text: str, lengths: Sequence[int]) -> list[str]:
    """`text` cut between words into len(lengths) parts in proportion to `lengths` (the MT
    bridge of a sentence cut into pieces: each piece gets about its share)."""
    if len(lengths) <= 1:
        return [text]
    words = text.split(" ")
    total, target, parts, current, done = sum(lengths) or 1, 0.0, [], [], 0
    bounds = []
    for n in lengths[:-1]:
        target += n / total * len(text)
        bounds.append(target)
    for word in words:
        # a word goes to the next part when its middle lies past this part's share
        if current and len(parts) < len(bounds) and done + len(word) / 2 >= bounds[len(parts)]:
            parts.append(" ".join(current))
            current = []
        current.append(word)
        done += len(word) + 1
    parts.append(" ".join(current))
    return parts + [""] * (len(lengths) - len(parts))


def anchor_on_pieces(link: Link, src: Pieces, tgt: Pieces) -> Link:
    return Link(tuple(p for i in link.src for p in src.of[i]),
                tuple(p for j in link.tgt for p in tgt.of[j]), link.score)


def links_of_sentences(links: Sequence[Link], src: Pieces, tgt: Pieces) -> list[Link]:
    """Links over pieces (in document order) as links over whole sentences: the links that
    touch pieces of one sentence, and the links between them, become one link."""
    if not links:
        return []
    # The links touching each sentence span a range of link positions; overlapping ranges
    # are one link of whole sentences.
    first: dict[tuple[str, int], int] = {}
    last: dict[tuple[str, int], int] = {}
    for k, link in enumerate(links):
        for key in [("s", src.owner[p]) for p in link.src] + [("t", tgt.owner[p]) for p in link.tgt]:
            first.setdefault(key, k)
            last[key] = k
    reach = list(range(len(links)))        # position -> furthest position it joins
    for key, start in first.items():
        reach[start] = max(reach[start], last[key])
    out, k = [], 0
    while k < len(links):
        end, j = reach[k], k
        while j <= end:
            end = max(end, reach[j])
            j += 1
        group = links[k:end + 1]
        s = sorted({src.owner[p] for link in group for p in link.src})
        t = sorted({tgt.owner[p] for link in group for p in link.tgt})
        out.append(Link(tuple(s), tuple(t), _group_score(group)))
        k = end + 1
    return out


def _group_score(group: Sequence[Link]) -> float:
    """One link's own score; a group's, the mean of its links that join both sides (the
    pieces' agreement), else of all of them."""
    if len(group) == 1:
        return group[0].score
    both = [link.score for link in group if link.src and link.tgt] or [link.score for link in group]
    return float(sum(both) / len(both))
