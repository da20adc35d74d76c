"""Split an over-long sentence at clause boundaries, and join the translated pieces again.

A translation model takes a bounded number of tokens. A longer sentence must never be
truncated, so it is cut where a reader would pause: first after `;`, `:` or a dash, then
at a comma before a conjunction or relative pronoun ("..., weil", "..., die"), then at
any comma, then between words, and only as a last resort inside a word. Each cut is made
at the best boundary nearest the middle, and the halves are cut again until every piece
fits. Pure string work: the caller says what "fits" means (a token count, usually).
"""
from __future__ import annotations

import re
from typing import Callable

# Words that open a subordinate or coordinate clause after a comma (German first, the
# source language; English for the pivot's second step).
CLAUSE_OPENERS = frozenset("""
    und oder aber sondern denn doch jedoch dass weil wenn als ob obwohl obgleich während
    nachdem bevor ehe damit sodass wodurch womit wobei weshalb weswegen indem seit seitdem
    bis falls sofern solange die der das dem den deren dessen welche welcher welches welchen
    was wie wo worauf worüber zumindest also
    and or but because while when although though since unless which who whom whose that
    so where whereas if as
""".split())

# (rank, pattern): lower rank = better place to cut. Each match marks the gap between
# the end of the left piece and the start of the right piece.
_BOUNDARIES: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"(?<=[;:])\s+|\s+(?=[–—]\s)|(?<=[；：])")),
    (1, re.compile(r"(?<=,)\s+(?=(\w+))|(?<=，)")),
    (2, re.compile(r"(?<=,)\s+")),
    (3, re.compile(r"\s+")),
)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _cuts(text: str, rank: int) -> list[tuple[int, int]]:
    """(end of left piece, start of right piece) for every boundary of this rank."""
    pattern = dict(_BOUNDARIES)[rank]
    cuts = []
    for m in pattern.finditer(text):
        if rank == 1 and m.lastindex and m.group(1).lower() not in CLAUSE_OPENERS:
            continue
        left, right = m.start(), m.end()
        if 0 < left and right < len(text):
            cuts.append((left, right))
    return cuts


def split_clauses(text: str) -> list[str]:
    """All clause-level pieces (ranks 0-2), in order; the text itself if it has none."""
    cuts = sorted({c for rank in (0, 1, 2) for c in _cuts(text, rank)})
    pieces, start = [], 0
    for left, right in cuts:
        if left > start:
            pieces.append(text[start:left])
            start = right
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def split_to_fit(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Pieces of `text`, in order, each satisfying `fits` (or a single character).

    Nothing is dropped: joining the pieces with the whitespace they were cut at gives
    back the text.
    """
    text = text.strip()
    if fits(text) or len(text) <= 1:
        return [text]
    middle = len(text) / 2
    for rank, _ in _BOUNDARIES:
        cuts = _cuts(text, rank)
        if cuts:
            left, right = min(cuts, key=lambda c: abs((c[0] + c[1]) / 2 - middle))
            break
    else:
        # A single enormous "word" (a URL, unspaced text): cut it in the middle.
        left = right = int(middle)
    return split_to_fit(text[:left], fits) + split_to_fit(text[right:], fits)


def join_pieces(pieces: list[str]) -> str:
    """Join translated pieces: with a space, except between Chinese/Japanese characters."""
    out = ""
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(piece[0])):
            out += " "
        out += piece
    return out
