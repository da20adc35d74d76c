"""When a language of a row may be marked reviewed by "Save as reviewed" (issue 21).

"Reviewed" is a person's statement about text they saw: reviewed text is never re-translated,
never offered corrections, and goes out with `--status reviewed`. So a save-as-reviewed marks
a language only where that holds, and says why where it does not. Pure: the caller reads the
row as it stands after the save (texts, staleness, open QA flags) and applies the verdicts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from align.store.rows import SegmentRow


@dataclass(frozen=True)
class ReviewVerdict:
    lang: str
    marked: bool
    reason: str = ""      # why not, in words for the person; "" when marked


STALE = "English changed since this Chinese was made; use “中文 from English” or correct it"
UNTOUCHED_MT = "machine translation you did not change; tick “checked” under it to mark it too"


def review_verdict(lang: str, sentences: Sequence[SegmentRow], *, stale: bool = False,
                   open_flags: Sequence[str] = (), confirmed: bool = False) -> ReviewVerdict:
    """May the sentences of one language in a row be marked reviewed?

    `sentences`: the language's target sentences in the row after the save; `stale`: one of
    them is machine Chinese made from English that has changed since; `open_flags`: the
    labels of the QA flags open on them (not dismissed); `confirmed`: the person ticked this
    language's own "checked" box. Never: stale text, flagged text, or machine output the
    person neither changed nor confirmed. Text a person wrote or imported may be."""
    with_text = [s for s in sentences if s.text.strip()]
    if not with_text:
        return ReviewVerdict(lang, False, "no translation to review")
    if stale:
        return ReviewVerdict(lang, False, STALE)
    if open_flags:
        labels = ", ".join(dict.fromkeys(open_flags))
        return ReviewVerdict(lang, False, f"open QA flag ({labels}); correct it or dismiss the flag")
    if not confirmed and any(s.status == "mt" for s in with_text):
        return ReviewVerdict(lang, False, UNTOUCHED_MT)
    return ReviewVerdict(lang, True)


def review_message(verdicts: Sequence[ReviewVerdict], names: dict[str, str]) -> str:
    """One line for the toast: which languages were marked reviewed, which not and why."""
    marked = [names.get(v.lang, v.lang) for v in verdicts if v.marked]
    parts = [f"reviewed: {', '.join(marked)}"] if marked else []
    parts += [f"{names.get(v.lang, v.lang)} not marked reviewed: {v.reason}"
              for v in verdicts if not v.marked]
    return " · ".join(parts)
