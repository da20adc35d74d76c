"""Which links the aligner is unsure of: kept as suggestions for a person to accept or reject.

A link of a translation brought in as plain text is a suggestion when its score (the
aligner's posterior probability, kept as the link's score) is below `SUGGESTION_BELOW`.
Suggestions are shown apart in the reader and left out of exports unless asked for.
"""
from __future__ import annotations

# Set at merge from the speed/tuning work on the two dev sets; one constant, used everywhere.
SUGGESTION_BELOW = 0.5


def is_suggestion(score: float | None, below: float = SUGGESTION_BELOW) -> bool:
    """A link with a score under the threshold; a link without a score (a person's, or a
    parallel file's unit) never is."""
    return score is not None and score < below
