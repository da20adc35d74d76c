"""Cheap, language-independent alignment signals (pure Python + numpy).

- `detokenize`: undoes the "spaces around punctuation" of tokenised corpora before encoding.
- `span_texts`: the texts of every run of 1..k consecutive sentences (what gets embedded).
- lengths: character counts per span, compared as a ratio.
- anchors: numbers and name-like tokens (capitalised words, long words) that a translation
  usually keeps verbatim; packed into bit sets so that the tokens two spans share are one AND
  and a popcount, computed in bulk for every link the search looks at.
- debris: lines with nothing to translate (OCR dust, dot leaders), left unaligned.
- bridge: the MT of the source compared with the target as character n-gram profiles (a
  vectorised chrF-like overlap for the search) and `chrf` (sacrebleu) for reporting one link.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from typing import Sequence

import numpy as np

# --- text clean-up -----------------------------------------------------------------------------

_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]}»”])")
_SPACE_AFTER = re.compile(r"([(\[{«„“])\s+")
_ELISION = re.compile(r"\b([A-Za-zÀ-ÿ]{1,3}['’])\s+(?=\w)")  # French d' l' qu' ; Italian dell'
_SPACES = re.compile(r"\s+")


def detokenize(text: str) -> str:
    """Light detokenisation: 'gekommen , was' -> 'gekommen, was'; "d' altitude" -> "d'altitude".

    Harmless on normal text; helps sentence encoders on tokenised corpora.
    """
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    text = _ELISION.sub(r"\1", text)
    return text


def span_texts(sentences: Sequence[str], max_span: int) -> list[list[str]]:
    """texts[k-1][e] = sentences e-k+1 .. e joined by a space ('' where the span would start before 0)."""
    clean = [detokenize(s) for s in sentences]
    out = []
    for k in range(1, max_span + 1):
        row = [""] * len(clean)
        for end in range(k - 1, len(clean)):
            row[end] = " ".join(s for s in clean[end - k + 1:end + 1] if s)
        out.append(row)
    return out


def span_sums(values: np.ndarray, max_span: int) -> np.ndarray:
    """sums[k-1][e] = values[e-k+1 .. e].sum(axis=0) (zero where the span starts before 0)."""
    values = np.asarray(values, dtype=np.float32)
    n = values.shape[0]
    out = np.zeros((max_span,) + values.shape, dtype=np.float32)
    csum = np.concatenate([np.zeros((1,) + values.shape[1:], np.float32), np.cumsum(values, axis=0)])
    for k in range(1, max_span + 1):
        if n >= k:
            out[k - 1, k - 1:] = csum[k:] - csum[:n - k + 1]
    return out


# --- length ------------------------------------------------------------------------------------

def char_lengths(sentences: Sequence[str]) -> np.ndarray:
    """Characters without spaces (tokenisation-independent), at least 1."""
    return np.array([max(1, len(s) - s.count(" ")) for s in sentences], dtype=np.float32)


def length_agreement(src_len: np.ndarray, tgt_len: np.ndarray, ratio: float = 1.0) -> np.ndarray:
    """log2(1 + min/max) of the lengths after scaling the target by the typical ratio: 1 for equal, ->0 apart."""
    a = np.asarray(src_len, dtype=np.float32)
    b = np.asarray(tgt_len, dtype=np.float32) * ratio
    return np.log2(1.0 + np.minimum(a, b) / np.maximum(np.maximum(a, b), 1e-6))


# --- numbers and names -------------------------------------------------------------------------

LONG_WORD = 5  # a word this long, spelt the same on both sides, is rarely a coincidence
STEM = 6       # words compare by their first letters: 'Geoid' ~ 'géoïde', 'Expeditionen' ~ 'expéditions'
_NUMBER = re.compile(r"\d+(?:[.,'’]\d+)*")
_WORD = re.compile(r"\w+", re.UNICODE)


def _norm_number(tok: str) -> str:
    # 1'000 / 1.000 / 1,000 -> 1000 ; decimal separators differ by language, so keep digits only
    return re.sub(r"\D", "", tok)


def anchor_tokens(sentence: str, cased: bool = True) -> set[str]:
    """Tokens a translation tends to keep verbatim: numbers, and name-like words.

    Name-like: capitalised, not the first word, at least 3 letters and not ALL-CAPS noise; German
    capitalises every noun, so a German noun only counts when the same form is on the other
    side (the comparison does that). Also any word of LONG_WORD letters or more, wherever it
    stands: place names, peaks and cognates ('Expedition' ~ 'expédition') shared verbatim;
    again only the forms found on both sides count. Case-folded, accent-stripped and cut to
    STEM letters, so 'Zürich' ~ 'Zurich' and cognates with other endings match (Simard et al.
    1992 compare cognates by their first letters too).
    cased=False (scripts without case): numbers and Latin-script words.
    """
    out = {"#" + _norm_number(m.group()) for m in _NUMBER.finditer(sentence)}
    if not cased:  # Chinese, Japanese...: capitals mean nothing, only Latin-script words count
        return out | {_match_key(w) for w in _WORD.findall(sentence) if len(w) >= 3 and w.isascii() and w.isalpha()}
    words = _WORD.findall(sentence)
    for i, w in enumerate(words):
        if (len(w) >= 3 and w[0].isupper() and not w.isdigit() and i > 0) or (len(w) >= LONG_WORD and w.isalpha()):
            out.add(_match_key(w))
    return out


def _match_key(word: str) -> str:
    """Case-folded, accents stripped, cut to STEM letters."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:STEM]


def token_index(token_sets: Sequence[set[str]], max_bits: int = 16384) -> dict[str, int]:
    """A bit position per token, numbered in order of first occurrence.

    Exact positions matter: the anchor score counts matches, and two tokens sharing a bit would
    count as a match that is not there. Numbering by first occurrence keeps the tokens of one
    stretch of text in a narrow range of bits (which `aligner.shared_bits` exploits); past
    `max_bits` the numbering wraps around, so only tokens first seen thousands of tokens apart,
    which the band never compares, can share a bit.
    """
    index: dict[str, int] = {}
    for tokens in token_sets:
        for t in sorted(tokens):
            if t not in index:
                index[t] = len(index) % max_bits
    return index


def token_bits(token_sets: Sequence[set[str]], index: dict[str, int]) -> np.ndarray:
    """Packed bit sets, (n, bytes) uint8: bit index[t] is set for each token t of each set."""
    n_bytes = -(-(max(index.values(), default=0) + 1) // 64) * 8
    rows = [i for i, toks in enumerate(token_sets) for t in toks if t in index]
    bits = np.array([index[t] for toks in token_sets for t in toks if t in index], dtype=np.int64)
    out = np.zeros((len(token_sets), n_bytes), dtype=np.uint8)
    np.bitwise_or.at(out, (np.array(rows, dtype=np.int64), bits >> 3), (128 >> (bits & 7)).astype(np.uint8))
    return out


def span_union_bits(bits: np.ndarray, max_span: int) -> np.ndarray:
    """unions[k-1][e] = bits[e-k+1] | ... | bits[e] (zero where the span starts before 0)."""
    n = bits.shape[0]
    out = np.zeros((max_span,) + bits.shape, dtype=np.uint8)
    if n:
        out[0] = bits
    for k in range(2, max_span + 1):
        out[k - 1, k - 1:] = out[k - 2, k - 2:n - 1] | bits[k - 1:]
    return out


def bit_counts(bits: np.ndarray) -> np.ndarray:
    """Number of set bits per row (last axis), as float32."""
    return np.bitwise_count(bits).sum(axis=-1, dtype=np.int64).astype(np.float32)


def anchor_score(shared: np.ndarray, src_count: np.ndarray, tgt_count: np.ndarray,
                 match: float, miss: float) -> np.ndarray:
    """Additive over tokens: each token found on both sides of a link earns `match` per side,
    each token the other side lacks costs `miss`.

    Additive, so a path's total counts every token once: two 1:1 links that leave a shared
    number on opposite sides earn less than the 2:2 link that keeps it together (a Dice or
    other per-link ratio would pay each link the same whatever its size, favouring splits).
    """
    shared = np.asarray(shared, dtype=np.float32)
    unmatched = np.asarray(src_count, dtype=np.float32) + np.asarray(tgt_count, dtype=np.float32) - 2.0 * shared
    return (match * 2.0 * shared - miss * unmatched).astype(np.float32)


# --- quotation marks ---------------------------------------------------------------------------

_CJK_OPEN, _CJK_CLOSE = "「『“‘", "」』”’"
_QUOTES = "\"'“”„‟‘’‚‛«»‹›「」『』＂"
_WIDE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


_SPEECH_PUNCT = re.compile(r"[.,;!?…。，；！？、]")
_AFTER_SPEECH = re.compile(r"[.,;:!?…。，；：！？]")
# a single quote before these is an elision, not a quotation: rock 'n' roll, '90s, 'em, 'tis
_ELIDED = re.compile(r"(?:\d|n['’]|(?:em|tis|twas|cause|til|bout)\b)", re.IGNORECASE)
_OPEN_AFTER = "([{—–-:"


def _speech(text: str) -> bool:
    """Quoted text that reads as speech, not a quoted title or term (« Die Alpen »): it has
    punctuation inside, or four words or more (eight characters of CJK)."""
    return bool(_SPEECH_PUNCT.search(text)) or len(text.split()) >= 4 or len(_WIDE.findall(text)) >= 8


def _mark(sentence: str, k: int) -> int | None:
    """What the quotation mark at k does: 1 opens, -1 closes, 0 opens or closes (a straight
    quote in CJK text, by turns), None: not a quotation mark here (an apostrophe)."""
    ch = sentence[k]
    before = sentence[k - 1] if k else " "
    after = sentence[k + 1] if k + 1 < len(sentence) else " "
    if _WIDE.match(before) or _WIDE.match(after) or ch in "「」『』＂":
        return 1 if ch in _CJK_OPEN else -1 if ch in _CJK_CLOSE else 0 if ch in "\"＂" else None
    if before.isalnum() and after.isalnum():
        return None  # an apostrophe inside a word
    starts_word = (before.isspace() or before in _OPEN_AFTER) and not after.isspace()
    ends_word = not before.isspace() and (after.isspace() or not after.isalnum())
    if ch in "«‹" and after.isspace():
        return 1             # French: « Oui
    if ch in "»›" and before.isspace() and not after.isalnum():
        return -1            # French: oui »
    if starts_word:          # "Yes / »Komm (German) / «Wort (Swiss) / 'No
        if ch in "'’‘" and _ELIDED.match(sentence, k + 1):
            return None
        return 1
    if ends_word:
        if ch in "'’" and before.isalnum():
            return None      # boys', l' : an apostrophe, not a closing quote
        return -1
    return None


def quote_marks(sentence: str) -> tuple[int, int]:
    """(quoted speeches the sentence opens, quoted speeches it closes); one spoken line in
    quotes both opens and closes one.

    Dialogue is where neighbouring sentences look most alike, and where a translation keeps
    its structure: a line of speech is translated by a line of speech, the line that opens a
    speech running over several sentences by a line that opens it, the line that closes it by
    one that closes it. Quoted titles and terms (« Die Alpen », "Mont Blanc"), which
    translations often drop, do not count: a quotation is speech when it has punctuation
    inside, four words or more, or punctuation right after it ("Yes," / « Oui », / “好”，).
    Marks are read by position (`_mark`): “ „ » « ' open before a word and close after one,
    French « » with spaces inside, 「 “ next to CJK text open and 」 ” close; apostrophes
    (don't, l'eau, boys', rock 'n' roll, '90s) are not marks.
    """
    opened = closed = 0
    start = None  # where the quotation being read began (0: before the sentence)
    for k in range(len(sentence)):
        if sentence[k] not in _QUOTES:
            continue
        kind = _mark(sentence, k)
        if kind is None:
            continue
        if kind == 0:
            kind = 1 if start is None else -1
        if kind > 0:
            start = k + 1
            continue
        followed = _AFTER_SPEECH.match(sentence, k + 1) is not None
        if followed or _speech(sentence[start or 0:k]):
            closed += 1
            opened += start is not None
        start = None
    if start is not None and _speech(sentence[start:]):
        opened += 1
    return opened, closed


# --- debris --------------------------------------------------------------------------------------

WIDE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def is_debris(sentence: str) -> bool:
    """A line with no word of two letters, no digit and no CJK character: OCR dust, dot leaders,
    stray page marks ('.....', '- _-', 'f r'). It carries nothing to translate, so it is left
    unaligned rather than swallowed by a neighbouring link. Letters count with their combining
    marks (Devanagari 'हाँ' is a word); a lone letter ('A.', 'V') is debris.
    """
    if WIDE_SCRIPT.search(sentence):
        return False
    run = 0
    for ch in sentence:
        if ch.isdigit():
            return False
        cat = unicodedata.category(ch)
        if cat[0] == "L" or (cat[0] == "M" and run):
            run += 1
            if run >= 2:
                return False
        else:
            run = 0
    return True


# --- MT bridge ---------------------------------------------------------------------------------

def char_ngram_profiles(texts: Sequence[str], n: int = 3, dim: int = 1024,
                        normalise: bool = True) -> np.ndarray:
    """Hashed character n-gram counts (words padded with a space), L2-normalised rows by default.

    Unnormalised counts of consecutive sentences add up to (nearly) the profile of their
    concatenation, which is how span profiles are built.

    The cosine of two profiles is a fast, vectorisable stand-in for chrF between an MT
    output and a target span during the search.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        s = " " + _SPACES.sub(" ", text.casefold()).strip() + " "
        for j in range(len(s) - n + 1):
            out[i, zlib.crc32(s[j:j + n].encode("utf-8")) % dim] += 1.0
    if not normalise:
        return out
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def chrf(hypothesis: str, reference: str) -> float:
    """sacrebleu's sentence chrF (0..100) of an MT output against a target sentence."""
    from sacrebleu.metrics import CHRF  # import here: only the reporting path needs it

    return float(CHRF().sentence_score(hypothesis, [reference]).score)
