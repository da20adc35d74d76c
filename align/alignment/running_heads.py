"""Running page heads that OCR left inside sentences, found so that their words are not taken
for names the two sides share.

OCR of a printed book or journal leaves the page head ("Die Alpen - 1957 - Les Alpes 17") inside
whatever sentence runs over the page break. The two editions break their pages at different
sentences, and their heads share names and numbers across the languages, so as anchor tokens
they pull unrelated sentences into one link (bench_align_robustness, "running headers": de-fr
0.941 -> 0.891 strict F1). A running head repeats word for word next to a page number that
rises along the document; a phrase quoted again and again ("« Die Alpen » 1956 , S. 83") does
not keep rising page by page.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Sequence

MIN_WORDS, MAX_WORDS = 1, 8   # a head's phrase, in whitespace tokens (a title, an issue, a year)
MIN_LETTERS = 3               # in the phrase: 'S.' or 'p.' before a page number is a citation
MIN_PAGES = 3                 # fewer repeats prove nothing
MAX_STEP = 5                  # pages between two heads found (a page of pictures has none in the text)
MIN_PAGE_CHARS = 800          # a printed page holds at least this much text: a list of years does not
MIN_SPREAD = 0.5              # a running head runs through the text, not through one stretch of it
_PAGE = re.compile(r"\d{1,4}")

Head = tuple[str, tuple[str, ...]]  # ("before" or "after" the page number, the phrase's tokens)


def find_running_heads(sentences: Sequence[str]) -> list[Head]:
    """The phrases that stand next to a page number in at least MIN_PAGES sentences, the number
    rising by a page or a few with a page's worth of text between, through at least half the
    text, and no more often without a number than with one; longest first."""
    token_lists = [s.split() for s in sentences]
    starts = [0]
    for s in sentences:
        starts.append(starts[-1] + len(s))
    numbers = [(i, p, int(tok)) for i, tokens in enumerate(token_lists) for p, tok in enumerate(tokens)
               if _PAGE.fullmatch(tok)]

    def windows(k: int):
        # Only inside a sentence: what opens one ("Art. 12", "Kapitel 3") is a heading, and its
        # number is an anchor worth keeping; a page break falls anywhere.
        for i, p, n in numbers:
            tokens = token_lists[i]
            if p - k > 0:
                yield ("before", tuple(tokens[p - k:p])), i, n
            if p > 0 and p + 1 + k <= len(tokens):
                yield ("after", tuple(tokens[p + 1:p + 1 + k])), i, n

    heads = []
    for k in range(MIN_WORDS, MAX_WORDS + 1):
        # Counted by hash first, so that a book full of numbers holds one phrase list per
        # repeated phrase, not one per number.
        counts = Counter(hash(head) for head, _, _ in windows(k))
        numbered: dict[Head, list[tuple[int, int]]] = defaultdict(list)
        for head, i, n in windows(k):
            if counts[hash(head)] >= MIN_PAGES:
                numbered[head].append((i, n))
        heads += [head for head, where in numbered.items() if _runs_through(head, where, token_lists, starts)]
    # a head's shorter pieces qualify too; keep the longest reading of each
    heads.sort(key=lambda h: -len(h[1]))
    return [h for n, h in enumerate(heads)
            if not any(h[0] == g[0] and _inside(h[1], g[1], h[0]) for g in heads[:n])]


def _runs_through(head: Head, where: list[tuple[int, int]], token_lists: Sequence[list[str]],
                  starts: Sequence[int]) -> bool:
    """Whether the phrase's numbered occurrences read as a page head's (see find_running_heads)."""
    where = sorted(set(where))
    if len({i for i, _ in where}) < MIN_PAGES or sum(c.isalpha() for t in head[1] for c in t) < MIN_LETTERS:
        return False
    pages = [n for _, n in where]
    at = [starts[i] for i, _ in where]
    return (all(1 <= b - a <= MAX_STEP and (y - x) >= MIN_PAGE_CHARS * (b - a)
                for a, b, x, y in zip(pages, pages[1:], at, at[1:]))
            and at[-1] - at[0] >= MIN_SPREAD * starts[-1]
            and _bare_count(token_lists, head[1]) <= len(pages))


def _inside(short: tuple[str, ...], long: tuple[str, ...], side: str) -> bool:
    """Whether `short` is the end of `long` nearest the page number."""
    return len(short) < len(long) and (long[-len(short):] == short if side == "before" else long[:len(short)] == short)


def _bare_count(token_lists: Sequence[list[str]], phrase: tuple[str, ...]) -> int:
    """Occurrences of the phrase with no page number beside it (a title line, a citation)."""
    k, count = len(phrase), 0
    for tokens in token_lists:
        for p in range(len(tokens) - k + 1):
            if tuple(tokens[p:p + k]) == phrase:
                before = p > 0 and _PAGE.fullmatch(tokens[p - 1])
                after = p + k < len(tokens) and _PAGE.fullmatch(tokens[p + k])
                count += not (before or after)
    return count


def strip_running_heads(sentences: Sequence[str]) -> list[str]:
    """The sentences with every running head (phrase and page number) taken out; unchanged
    where the document has none."""
    heads = find_running_heads(sentences)
    if not heads:
        return list(sentences)
    out = []
    for text in sentences:
        tokens = text.split()
        for side, phrase in heads:
            tokens = _cut(tokens, phrase, side)
        out.append(" ".join(tokens) if len(tokens) != len(text.split()) else text)
    return out


def _cut(tokens: list[str], phrase: tuple[str, ...], side: str) -> list[str]:
    k, out, p = len(phrase), [], 0
    while p < len(tokens):
        if side == "before" and tuple(tokens[p:p + k]) == phrase and p + k < len(tokens) \
                and _PAGE.fullmatch(tokens[p + k]):
            p += k + 1
            continue
        if side == "after" and _PAGE.fullmatch(tokens[p]) and tuple(tokens[p + 1:p + 1 + k]) == phrase:
            p += k + 1
            continue
        out.append(tokens[p])
        p += 1
    return out
