"""Features of one side: span vectors, lengths, anchor-token bit sets, MT profiles, debris flags."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from align.alignment import signals as sig
from align.errors import InputError


# --------------------------------------------------------------------------------------------
# Features of one side
# --------------------------------------------------------------------------------------------

@dataclass
class SideFeatures:
    """Everything the scorer needs about one sentence list.

    vecs[k-1, e]: unit vector of sentences e-k+1..e (k = 1..K); lengths[e]: characters;
    anchors[k-1, e]: packed bit set (uint8) of the anchor tokens of that span (optional);
    profiles[k-1, e]: unit char n-gram profile (source side: of the MT output) for the bridge;
    debris[e]: the sentence has nothing to translate (see `signals.is_debris`).
    embedded[k-1, e]: the span has a vector (None: all do); links over a span without one are
      not considered (sentence-first encoding embeds only the runs a first pass finds likely).
      Spans without one are zero rows of `vecs`, which the chance baseline never samples.
    """

    vecs: np.ndarray
    lengths: np.ndarray
    anchors: np.ndarray | None = None
    profiles: np.ndarray | None = None
    debris: np.ndarray | None = None
    embedded: np.ndarray | None = None
    quotes: np.ndarray | None = None   # (n, 2): quotations opened and closed per sentence

    def __post_init__(self) -> None:
        self.vecs = np.asarray(self.vecs, dtype=np.float32)
        if self.vecs.ndim == 2:  # sentence vectors only: spans become normalised sums
            self.vecs = span_vectors_from_sentences(self.vecs, 1)
        self.lengths = np.asarray(self.lengths, dtype=np.float32)
        if self.vecs.shape[1] != self.lengths.shape[0]:
            raise InputError("span vectors and lengths disagree on the number of sentences")
        if self.debris is None:
            self.debris = np.zeros(self.lengths.shape[0], dtype=bool)
        self.debris = np.asarray(self.debris, dtype=bool)
        if self.debris.shape != self.lengths.shape:
            raise InputError("debris flags and lengths disagree on the number of sentences")
        if self.quotes is None:
            self.quotes = np.zeros((self.lengths.shape[0], 2), dtype=np.int32)
        self.quotes = np.asarray(self.quotes, dtype=np.int32).reshape(-1, 2)
        if self.embedded is not None:
            self.embedded = np.asarray(self.embedded, dtype=bool)
            if self.embedded.shape != self.vecs.shape[:2]:
                raise InputError("the embedded-span mask and the span vectors disagree in shape")

    @property
    def size(self) -> int:
        return int(self.lengths.shape[0])

    @property
    def max_span(self) -> int:
        return int(self.vecs.shape[0])

    def slice(self, start: int, stop: int) -> "SideFeatures":
        """Sentences start..stop-1; spans reaching before `start` are never asked for."""
        cut = (lambda arr: None if arr is None else arr[:, start:stop])
        return SideFeatures(self.vecs[:, start:stop], self.lengths[start:stop],
                            cut(self.anchors), cut(self.profiles), self.debris[start:stop], cut(self.embedded),
                            self.quotes[start:stop])


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def span_vectors_from_sentences(vecs: np.ndarray, max_span: int) -> np.ndarray:
    """Span vectors as normalised sums of sentence vectors (when concatenations were not embedded)."""
    return unit_rows(sig.span_sums(vecs, max_span))


# --------------------------------------------------------------------------------------------
# Bulk dot products for cells that lie near a path
# --------------------------------------------------------------------------------------------

def pair_dots(a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """sum(a[ia] * b[ib], axis=-1) for index pairs that lie near a path.

    Pairs are taken in the order given (the DP passes them diagonal by diagonal, so neighbours
    in the list are neighbours in the table); each chunk becomes one small matrix product over
    the rows and columns it touches (BLAS speed), from which its pairs are picked. A chunk whose
    pairs are scattered is gathered instead, so the cost never exceeds a few times the pairs.
    """
    out = np.empty(ia.shape[0], dtype=np.float32)
    for lo in range(0, ia.shape[0], chunk):
        ra, rb = ia[lo:lo + chunk], ib[lo:lo + chunk]
        a0, a1, b0, b1 = int(ra.min()), int(ra.max()) + 1, int(rb.min()), int(rb.max()) + 1
        if (a1 - a0) * (b1 - b0) <= 8 * ra.shape[0] + 4096:
            block = a[a0:a1] @ b[b0:b1].T
            out[lo:lo + chunk] = block[ra - a0, rb - b0]
        else:
            out[lo:lo + chunk] = np.einsum("cd,cd->c", a[ra], b[rb])
    return out


def shared_bits(a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """popcount(a[ia] & b[ib]) per index pair: how many tokens two spans' bit sets share.

    Pairs come diagonal by diagonal, so a chunk covers one stretch of each text; tokens are
    numbered by first occurrence, so that stretch uses few of the bytes. Only the bytes set on
    both sides somewhere in the chunk are compared, which keeps the cost independent of the
    size of the document's vocabulary.
    """
    out = np.empty(ia.shape[0], dtype=np.float32)
    for lo in range(0, ia.shape[0], chunk):
        ra, rb = ia[lo:lo + chunk], ib[lo:lo + chunk]
        used_a = np.bitwise_or.reduce(a[int(ra.min()):int(ra.max()) + 1], axis=0)
        used_b = np.bitwise_or.reduce(b[int(rb.min()):int(rb.max()) + 1], axis=0)
        cols = np.flatnonzero(used_a & used_b)
        out[lo:lo + chunk] = sig.bit_counts(a[ra[:, None], cols] & b[rb[:, None], cols])
    return out


def side_features(sentences: Sequence[str], embed: Callable[[list[str]], np.ndarray], max_span: int,
                  anchor_sets: Sequence[set[str]] | None = None,
                  profile_texts: Sequence[str] | None = None,
                  anchor_index: dict[str, int] | None = None) -> SideFeatures:
    """Embed every span of 1..max_span sentences (through `embed`) and add the cheap signals.

    anchor_sets: per sentence, the anchor tokens (numbers, names) to compare across sides.
    anchor_index: token -> bit, the same for both sides (`signals.token_index` over the
      tokens of both); required with `anchor_sets`, since bits only compare under one index.
    profile_texts: per sentence, the text whose character profile is compared across sides
      (the MT output on the source side, the sentence itself on the target side).
    """
    texts = sig.span_texts(sentences, max_span)
    flat = [t for row in texts for t in row if t]
    vec_of = dict(zip(flat, embed(flat))) if flat else {}
    # A side of empty sentences has nothing to embed; it still needs the encoder's width.
    dim = next(iter(vec_of.values())).shape[-1] if vec_of else getattr(embed, "dim", 1)
    vecs = np.zeros((max_span, len(sentences), dim), dtype=np.float32)
    for k, row in enumerate(texts):
        for e, text in enumerate(row):
            if text:
                vecs[k, e] = vec_of[text]
    return with_signals(sentences, vecs, anchor_sets, profile_texts, anchor_index)


def with_signals(sentences: Sequence[str], vecs: np.ndarray, anchor_sets: Sequence[set[str]] | None = None,
                 profile_texts: Sequence[str] | None = None, anchor_index: dict[str, int] | None = None,
                 embedded: np.ndarray | None = None, profile_rows: np.ndarray | None = None) -> SideFeatures:
    """Span vectors (K, n, d) made elsewhere plus the cheap signals (see `side_features`).

    profile_rows: per sentence, an unnormalised vector compared across sides in place of the
      character profiles of `profile_texts` (the dictionary's word bags, `lexicon.py`).
    """
    max_span = vecs.shape[0]
    anchors = None
    if anchor_sets is not None:
        if anchor_index is None:
            raise ValueError("anchor_sets need the anchor_index shared with the other side")
        anchors = sig.span_union_bits(sig.token_bits(anchor_sets, anchor_index), max_span)
    profiles = None
    if profile_rows is None and profile_texts is not None:
        profile_rows = sig.char_ngram_profiles(profile_texts, normalise=False)
    if profile_rows is not None:
        profiles = unit_rows(sig.span_sums(profile_rows, max_span))
    debris = np.array([sig.is_debris(s) for s in sentences], dtype=bool)
    quotes = np.array([sig.quote_marks(s) for s in sentences], dtype=np.int32).reshape(-1, 2)
    return SideFeatures(vecs, sig.char_lengths(sentences), anchors, profiles, debris, embedded, quotes)


def shared_anchor_sets(src_sentences: Sequence[str], tgt_sentences: Sequence[str],
                       src_cased: bool = True, tgt_cased: bool = True) -> tuple[list[set[str]], list[set[str]]]:
    """Anchor tokens per sentence, keeping only tokens that occur somewhere on both sides.

    A capitalised German noun that never shows up in the French text is not a name for this
    pair and would only dilute the agreement of the names that are.
    """
    src_sets = [sig.anchor_tokens(s, cased=src_cased) for s in src_sentences]
    tgt_sets = [sig.anchor_tokens(s, cased=tgt_cased) for s in tgt_sentences]
    shared = set().union(*src_sets) & set().union(*tgt_sets) if src_sets and tgt_sets else set()
    return [t & shared for t in src_sets], [t & shared for t in tgt_sets]


Block = tuple[Sequence[str], Sequence[str]]
