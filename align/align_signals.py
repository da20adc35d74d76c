"""Cheap, language-independent alignment signals (pure Python + numpy).

- `detokenize`: undoes the "spaces around punctuation" of tokenised corpora before encoding.
- `span_texts`: the texts of every run of 1..k consecutive sentences (what gets embedded).
- lengths: character counts per span, compared as a ratio.
- anchors: numbers and name-like tokens (capitalised words, words with digits) that a
  translation usually keeps verbatim; hashed into small binary vectors so that the agreement of
  two spans is a dot product, computed in bulk like embedding similarity.
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
    again only the forms found on both sides count. Case-folded and accent-stripped so
    'Zürich' ~ 'Zurich'.
    cased=False (scripts without case): numbers and Latin-script words.
    """
    out = {"#" + _norm_number(m.group()) for m in _NUMBER.finditer(sentence)}
    if not cased:  # Chinese, Japanese...: capitals mean nothing, only Latin-script words count
        return out | {_fold(w) for w in _WORD.findall(sentence) if len(w) >= 3 and w.isascii() and w.isalpha()}
    words = _WORD.findall(sentence)
    for i, w in enumerate(words):
        if (len(w) >= 3 and w[0].isupper() and not w.isdigit() and i > 0) or (len(w) >= LONG_WORD and w.isalpha()):
            out.add(_fold(w))
    return out


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def hashed_bags(token_sets: Sequence[set[str]], dim: int = 512) -> np.ndarray:
    """Binary (n, dim) indicator vectors of hashed tokens (crc32: stable across runs)."""
    out = np.zeros((len(token_sets), dim), dtype=np.float32)
    for i, toks in enumerate(token_sets):
        for t in toks:
            out[i, zlib.crc32(t.encode("utf-8")) % dim] = 1.0
    return out


def anchor_agreement(overlap: np.ndarray, src_count: np.ndarray, tgt_count: np.ndarray) -> np.ndarray:
    """Dice of anchor sets, in [-1, 1]: +1 all shared, -1 none shared, 0 when neither side has any.

    Scaled by how much evidence there is (n/(n+1) of the larger set), so one shared token
    counts less than five.
    """
    overlap = np.asarray(overlap, dtype=np.float32)
    total = np.asarray(src_count, dtype=np.float32) + np.asarray(tgt_count, dtype=np.float32)
    dice = np.where(total > 0, 2.0 * overlap / np.maximum(total, 1e-6), 0.0)
    evidence = np.maximum(src_count, tgt_count)
    weight = evidence / (evidence + 1.0)
    return np.where(total > 0, (2.0 * dice - 1.0) * weight, 0.0).astype(np.float32)


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
