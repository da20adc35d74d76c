"""Is this file a translation of the project's text at all? Figures checked before aligning.

A translation is about as long as its source: a few tenths shorter or longer, depending on
the languages. A "translation" four times longer than its source, or with thousands of
sentences for a few hundred, is another text, the same text many times, or a file picked by
mistake; aligning it costs minutes and gigabytes and yields nonsense links. Such an input is
refused with its figures and the way to go on anyway (`--force` in the CLI, a checkbox in
the app). A much *shorter* translation is a partial one, which the aligner places: never
refused here.

Lengths are compared in "Latin-equivalent" characters: a Chinese/Japanese/Korean character
carries about as much as three letters, so a Chinese source and its English translation
have about the same weighted length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from align.errors import InputError
from align.text.long_sentences import cut_long_sentences

MAX_CHAR_RATIO = 4.0       # translation characters per source character
MAX_SENTENCE_RATIO = 4.0   # translation sentences per source sentence ...
SENTENCE_SLACK = 50        # ... plus this many (a short source split finely stays accepted)
CJK_WEIGHT = 3             # one CJK character counts as this many Latin characters

_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def weighted_length(text: str) -> int:
    """Characters, a CJK character counting CJK_WEIGHT times; whitespace not counted."""
    return len(re.sub(r"\s+", "", text)) + (CJK_WEIGHT - 1) * len(_CJK.findall(text))


class ImplausibleTranslation(InputError):
    """A translation far longer than its source; the message names the figures and the way on."""


@dataclass(frozen=True)
class Sizes:
    source_chars: int
    source_sentences: int
    target_chars: int
    target_sentences: int

    def problem(self) -> str | None:
        """Why these figures are implausible for a translation, or None."""
        chars_ratio = self.target_chars / max(self.source_chars, 1)
        if chars_ratio > MAX_CHAR_RATIO:
            return (f"is {chars_ratio:.1f} times as long as the project's source text "
                    f"({self.target_chars:,} characters against {self.source_chars:,})")
        if self.target_sentences > MAX_SENTENCE_RATIO * self.source_sentences + SENTENCE_SLACK:
            return (f"has {self.target_sentences:,} sentences for the project's "
                    f"{self.source_sentences:,} source sentences")
        return None


def check_plausible(sizes: Sizes, name: str, override: str = "--force") -> None:
    """Raise ImplausibleTranslation (one line, figures, `override` to go on) when `sizes` are
    not those of a translation; a shorter translation always passes."""
    problem = sizes.problem()
    if problem:
        raise ImplausibleTranslation(
            f"{name}: not imported: this translation {problem}, more than a translation "
            f"of it can be (was the wrong file chosen?); nothing was changed. To import and "
            f"align it anyway, use {override}")


def sizes_of(source_texts, target_texts) -> Sizes:
    """The figures of a source and a translation. Source sentences are counted as the
    aligner sees them: one too long to align as one counts as its pieces (a 200 KB
    unpunctuated line is one "sentence" but as many units as its translation's pieces;
    `align.alignment.long_units`), as the translation's own long sentences are cut too."""
    source_texts, target_texts = list(source_texts), list(target_texts)
    return Sizes(sum(weighted_length(t) for t in source_texts),
                 len(cut_long_sentences(source_texts)),
                 sum(weighted_length(t) for t in target_texts), len(target_texts))
