"""Running page heads that OCR left inside sentences, found so that their words are not taken
for names the two sides share.

OCR of a printed book or journal leaves the page head ("Die Alpen - 1957 - Les Alpes 17") inside
whatever sentence runs over the page break. The two editions break their pages at different
sentences, and their heads share names and numbers across the languages, so as anchor tokens
they pull unrelated sentences into one link (bench_align_robustness, "running headers": de-fr
0.941 -> 0.891 strict F1). A running head is a title repeated word for word beside a page
number that rises with the text at a steady number of characters per page. Figure references
("( Bild 3 )") and cross-references ("gemäss Art. 12") are anchors worth keeping: their phrase
is too short for a title, or their numbers do not keep a page's pace.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from typing import Sequence

from align.alignment.signals import WIDE_SCRIPT

MIN_WORDS, MAX_WORDS = 1, 8   # a head's phrase, in whitespace tokens (a title, an issue, a year)
MIN_LETTERS = 8               # a title, not "( Bild" or "S." (a CJK character counts two)
MIN_PAGES = 3                 # fewer repeats prove nothing
MAX_STEP = 5                  # pages between two heads found (a page of pictures has none in the text)
MIN_PAGE_CHARS = 800          # a printed page holds at least this much text: a list of years does not
PACE = 3.0                    # characters per page between two heads: within PACE times the median
MIN_SPREAD = 0.5              # a running head runs through the text, not through one stretch of it
_PAGE = re.compile(r"\d{1,4}")

# ("before" or "after" the page number, the phrase's tokens, the lowest and highest page seen)
Head = tuple[str, tuple[str, ...], int, int]


def find_running_heads(sentences: Sequence[str]) -> list[Head]:
    """The phrases that stand next to a page number inside a sentence (not opening it: that is a
    heading) in at least MIN_PAGES sentences, the number rising by a page or a few at a steady
    page's worth of text, through at least half the text, and no more often without a number
    than with one; longest first."""
    starts = [0]
    for s in sentences:
        starts.append(starts[-1] + len(s))
    if starts[-1] < MIN_PAGES * MIN_PAGE_CHARS:
        return []
    token_lists = [s.split() for s in sentences]
    numbers = [(i, p, int(tok)) for i, tokens in enumerate(token_lists) for p, tok in enumerate(tokens)
               if _PAGE.fullmatch(tok)]

    # A word that stands beside numbers more often than the text has pages ("m" in a table of
    # heights) is not the edge of a page head: its numbers are not looked at again.
    beside = Counter()
    for i, p, _ in numbers:
        tokens = token_lists[i]
        beside[("before", tokens[p - 1] if p else "")] += 1
        beside[("after", tokens[p + 1] if p + 1 < len(tokens) else "")] += 1
    most = 2 * starts[-1] / MIN_PAGE_CHARS

    def windows(k: int):
        for i, p, n in numbers:
            tokens = token_lists[i]
            if p - k > 0 and beside[("before", tokens[p - 1])] <= most:
                yield ("before", tuple(tokens[p - k:p])), i, n
            if p > 0 and p + 1 + k <= len(tokens) and beside[("after", tokens[p + 1])] <= most:
                yield ("after", tuple(tokens[p + 1:p + 1 + k])), i, n

    heads: list[Head] = []
    title_like: dict[tuple[str, ...], bool] = {}
    for k in range(MIN_WORDS, MAX_WORDS + 1):
        # Counted by hash first, so that a book full of numbers holds one list per repeated
        # phrase, not one per number.
        counts = Counter(hash(phrase) for phrase, _, _ in windows(k))
        numbered: dict[tuple[str, tuple[str, ...]], list[tuple[int, int]]] = defaultdict(list)
        for phrase, i, n in windows(k):
            if counts[hash(phrase)] >= MIN_PAGES:
                if phrase[1] not in title_like:
                    title_like[phrase[1]] = _title_like(phrase[1])
                if title_like[phrase[1]]:
                    numbered[phrase].append((i, n))
        for phrase, where in numbered.items():
            pages = _page_run(sorted(set(where)), starts)
            if pages is not None and _bare_count(token_lists, phrase[1]) <= len(where):
                heads.append((*phrase, *pages))
    # a head's shorter pieces qualify too; keep the longest reading of each
    heads.sort(key=lambda h: -len(h[1]))
    kept: list[Head] = []
    for h in heads:
        if not any(h[0] == g[0] and _inside(h[1], g[1], h[0]) for g in kept):
            kept.append(h)
    return kept


def _title_like(phrase: tuple[str, ...]) -> bool:
    return sum(c.isalpha() + bool(WIDE_SCRIPT.match(c)) for t in phrase for c in t) >= MIN_LETTERS


def _page_run(where: list[tuple[int, int]], starts: Sequence[int]) -> tuple[int, int] | None:
    """(first page, last page) when the numbered occurrences read as a page head's, else None."""
    if len({i for i, _ in where}) < MIN_PAGES:
        return None
    pages = [n for _, n in where]
    at = [starts[i] for i, _ in where]
    steps = list(zip(pages, pages[1:], at, at[1:]))
    if not all(1 <= b - a <= MAX_STEP and y - x >= MIN_PAGE_CHARS * (b - a) for a, b, x, y in steps):
        return None
    pace = [(y - x) / (b - a) for a, b, x, y in steps]
    middle = statistics.median(pace)
    if not all(middle / PACE <= p <= middle * PACE for p in pace):
        return None
    if at[-1] - at[0] < MIN_SPREAD * starts[-1]:
        return None
    return pages[0], pages[-1]


def _inside(short: tuple[str, ...], long: tuple[str, ...], side: str) -> bool:
    """Whether `short` is the end of `long` nearest the page number."""
    return len(short) < len(long) and (long[-len(short):] == short if side == "before" else long[:len(short)] == short)


def _bare_count(token_lists: Sequence[list[str]], phrase: tuple[str, ...]) -> int:
    """Occurrences of the phrase with no page number beside it (a title line, a citation)."""
    k, count, first = len(phrase), 0, phrase[0]
    for tokens in token_lists:
        for p in range(len(tokens) - k + 1):
            if tokens[p] == first and tuple(tokens[p:p + k]) == phrase:
                before = p > 0 and _PAGE.fullmatch(tokens[p - 1])
                after = p + k < len(tokens) and _PAGE.fullmatch(tokens[p + k])
                count += not (before or after)
    return count


def strip_running_heads(sentences: Sequence[str]) -> list[str]:
    """The sentences with every running head (phrase and a page number in its range) taken out;
    every other sentence exactly as it was."""
    heads = find_running_heads(sentences)
    if not heads:
        return list(sentences)
    out = []
    for text in sentences:
        tokens = kept = text.split()
        for head in heads:
            kept = _cut(kept, head)
        out.append(" ".join(kept) if len(kept) != len(tokens) else text)
    return out


def _cut(tokens: list[str], head: Head) -> list[str]:
    side, phrase, low, high = head
    k, out, p = len(phrase), [], 0

    def page(tok: str) -> bool:  # a number in the head's pages: not "Die Alpen 1956" cited
        return bool(_PAGE.fullmatch(tok)) and low - MAX_STEP <= int(tok) <= high + MAX_STEP

    while p < len(tokens):
        if side == "before" and tuple(tokens[p:p + k]) == phrase and p + k < len(tokens) and page(tokens[p + k]):
            p += k + 1
            continue
        if side == "after" and page(tokens[p]) and tuple(tokens[p + 1:p + 1 + k]) == phrase:
            p += k + 1
            continue
        out.append(tokens[p])
        p += 1
    return out
