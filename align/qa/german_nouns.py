"""German nouns from Wiktionary (via the german-nouns package; see data/NOTICE.md): is a
capitalised word a common noun, a name, or no German noun at all?

German capitalises every noun, so capitalisation says little; a lexicon of nouns says more.
A word that is no German noun, nor an inflected form, a compound or a derivation of one, is a
name or a foreign word ("Alipay", "Harvard", "Street"), and an English translation keeps
both. Wiktionary marks some nouns as names only (places, given names, surnames).

The lexicon has gaps (Wiktionary lacks some everyday nouns), so a miss is evidence to be
weighed with the word's position, not a verdict: see align/qa/names.py.
"""
from __future__ import annotations

import bisect
import functools
import gzip
from importlib.resources import files

COMMON = "common"      # a German common noun (or a form, compound or derivation of one)
NAME = "name"          # a noun Wiktionary knows only as a name: "Hollywood", "Davos"
# None: no German noun at all

_PROPER_MARK = "#proper"
# Derivational endings that make German common nouns ("Steilheit", "Verkörperung").
_NOUN_ENDINGS = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften",
                 "nis", "nisse", "nissen", "tum", "tums", "ismus")
# Prefixes shorter than three letters that begin German compounds ("Unkenntnis").
_SHORT_PREFIXES = frozenset("ab an um zu ur un be er ge".split())
# Links between the parts of a compound: "Arbeit-s-platz", "Sonne-n-schein".
_LINKS = ("s", "es", "n", "en", "e", "er")


class _SortedWords:
    """Membership in a sorted list by bisection: building a set of 257,000 words costs
    more than the whole names check (0.15 s a process); a sorted list is there at once."""

    def __init__(self, words: list[str]):
        self.words = words

    def __contains__(self, word: str) -> bool:
        i = bisect.bisect_left(self.words, word)
        return i < len(self.words) and self.words[i] == word

    def __len__(self) -> int:
        return len(self.words)


@functools.lru_cache(maxsize=1)
def lexicon() -> tuple[_SortedWords, _SortedWords]:
    """(common noun forms, casefolded; forms only ever of names), each sorted as the file
    keeps them. Read once per process."""
    raw = (files("align.qa") / "data" / "german_nouns.txt.gz").read_bytes()
    words = gzip.decompress(raw).decode("utf-8").split("\n")
    split = words.index(_PROPER_MARK)
    return _SortedWords(words[:split]), _SortedWords([w for w in words[split + 1:] if w])


@functools.lru_cache(maxsize=65536)
def _common(word: str) -> bool:
    return word.casefold() in lexicon()[0]


def _german_part(part: str, depth: int) -> bool:
    """Whether the front of a compound is German: a noun (perhaps with its link), a short
    prefix, or a compound itself ("Vollzeit-mitarbeiter")."""
    p = part.casefold()
    if p in _SHORT_PREFIXES or len(p) >= 3 and _common(p):
        return True
    for link in _LINKS:
        if p.endswith(link) and len(p) - len(link) >= 3 and _common(p[:-len(link)]):
            return True
    return depth < 2 and _compound(part, depth + 1)


def _compound(word: str, depth: int = 0) -> bool:
    """A compound whose last part is a noun of four letters or more and whose front is
    German ("Lieblingsfilm", "Bonitätsbewertung"); "Alibaba" is no "Ali" + "Baba". Behind
    a noun of five letters or more the front may be any three letters or more (a verb's or
    an adjective's stem: "Sende-geräten", "Hohl-kehle")."""
    for i in range(2, len(word) - 3):
        head = word[i:].capitalize()
        if _common(head) and (len(head) >= 5 and i >= 3 or _german_part(word[:i], depth)):
            return True
    return False


@functools.lru_cache(maxsize=65536)
def noun_class(word: str) -> str | None:
    """COMMON, NAME or None (no German noun) for a capitalised word."""
    proper = lexicon()[1]
    variants = [word]
    if "ss" in word:
        variants.append(word.replace("ss", "ß"))        # Swiss spelling: "Fusstapfen"
    if len(word) > 4 and word.endswith("s"):
        variants.append(word[:-1])                       # a genitive or a link: "Nepals"
    for w in variants:
        if w in proper:
            return NAME
        if _common(w):
            return COMMON
    low = word.casefold()
    for ending in _NOUN_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            return COMMON
    if any(_compound(w) for w in variants):
        return COMMON
    return None
