"""The QA checks: one function per check, each taking a source and a target text (and what
it needs of the document) and returning the flags it raises as (code, reason).

Pure functions over strings: nothing here reads the store, so every rule is tested on
sentences alone. `check_pair` runs them all.
"""
from __future__ import annotations

import functools
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from align.qa import names
from align.qa import numbers as nums
from align.qa.names import name_tokens

# code -> short label shown on the badge
CHECKS = {
    "empty": "empty",
    "numbers": "numbers",
    "untranslated": "untranslated",
    "repeat": "repetition",
    "length": "length",
    "names": "name missing",
    "brackets": "brackets/quotes",
    "glossary": "glossary",
}
# Bump when a check changes, so cached flags are computed again.
CHECKS_VERSION = "3"


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str

    @property
    def label(self) -> str:
        return CHECKS.get(self.code, self.code)


@dataclass(frozen=True)
class Context:
    """What a check needs beyond the pair: the document's usual length ratio, the names
    the document carries over, and the glossary of this language."""
    src_lang: str = "de"
    tgt_lang: str = "en"
    ratio_median: float | None = None      # median log(len(target) / len(source))
    ratio_spread: float | None = None      # robust spread of that log ratio
    names: frozenset[str] = frozenset()
    glossary: tuple[tuple[str, str], ...] = ()

    def signature_for(self, source: str) -> str:
        """What of this context the checks of one pair depend on, the length ratio aside:
        the names and glossary terms its source has. A cache keyed by it (and the texts)
        stays valid when an edit elsewhere changes the document's names or glossary."""
        found = sorted({n for t in name_tokens(source) if (n := names.name_of(t, self.names))})
        terms = [f"{s}={t}" for s, t in self.glossary if term_spans(source, s)]
        return "|".join([CHECKS_VERSION, self.src_lang, self.tgt_lang, ",".join(found),
                         ";".join(terms)])


def is_cjk(lang: str) -> bool:
    return lang.split("-")[0].casefold() in ("zh", "ja", "ko")


# ----- the checks ---------------------------------------------------------------------------
def check_empty(source: str, target: str, ctx: Context) -> list[Flag]:
    if source.strip() and not target.strip():
        return [Flag("empty", "the translation is empty")]
    return []


def check_numbers(source: str, target: str, ctx: Context) -> list[Flag]:
    src = nums.extract(source, ctx.src_lang)
    tgt = nums.extract(target, ctx.tgt_lang, lenient=True)
    lost, added = nums.unmatched(src, tgt)
    parts = []
    if lost:
        parts.append("not in the translation: " + ", ".join(n.text for n in lost))
    if added:
        parts.append("not in the source: " + ", ".join(n.text for n in added))
    return [Flag("numbers", "; ".join(parts))] if parts else []


_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def _letters(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def check_untranslated(source: str, target: str, ctx: Context) -> list[Flag]:
    """The source copied instead of translated: the same text, or mostly the source's own
    words (names aside: a capitalised word inside an English sentence is left out)."""
    if not target.strip() or not _WORDS.search(source):
        return []
    if _letters(source) == _letters(target) and len(_WORDS.findall(source)) > 1:
        return [Flag("untranslated", "the translation is the source text copied")]
    if is_cjk(ctx.tgt_lang):
        if not re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", target) \
                and len(_WORDS.findall(target)) >= 3:
            return [Flag("untranslated", "no Chinese in the translation: the source copied?")]
        return []
    src_words = {w.casefold() for w in _WORDS.findall(source) if len(w) >= 4}
    tgt = [m for m in _WORDS.finditer(target) if len(m.group(0)) >= 4]
    plain = [m.group(0) for m in tgt
             if not (m.group(0)[0].isupper() and m.start() > 0)]
    if len(plain) < 3:
        return []
    copied = [w for w in plain if w.casefold() in src_words]
    if len(copied) / len(plain) >= 0.6:
        return [Flag("untranslated", f"mostly the source's own words ({', '.join(copied[:4])}): "
                                     f"left untranslated?")]
    return []


def _tokens(text: str, cjk: bool) -> list[str]:
    """Words (CJK: characters) and punctuation marks: "in the world, the world would" has
    no phrase twice in a row, "the US, the US, the US" has."""
    if cjk:
        return re.findall(r"[\u3400-\u9fff]|[^\W_]+|[^\w\s]", text.casefold())
    return re.findall(r"[^\W_]+|[^\w\s]", text.casefold())


def longest_repeat(tokens: Sequence[str]) -> tuple[int, int, int]:
    """(n, times, start) of the n-gram repeated back to back the most (by tokens covered)."""
    best = (0, 1, 0)
    if len(set(tokens)) == len(tokens):
        return best                     # nothing occurs twice: no repeat (the usual case)
    for n in range(1, 9):
        # tokens[i] == tokens[i + n] for `run` positions in a row: the n-gram at the start of
        # the run comes back run // n times after itself. Linear in the length, per n.
        run = 0
        for i in range(len(tokens) - n):
            if tokens[i] != tokens[i + n]:
                run = 0
                continue
            run += 1
            if run >= n and (run // n) * n > (best[1] - 1) * best[0]:
                best = (n, run // n + 1, i - run + 1)
    return best


def check_repeat(source: str, target: str, ctx: Context) -> list[Flag]:
    """A decoder loop: the same word or phrase again and again, where the source does not
    repeat itself. One word twice ("very very") is speech, not a loop."""
    cjk = is_cjk(ctx.tgt_lang)
    tokens = _tokens(target, cjk)
    n, times, start = longest_repeat(tokens)
    if times < 2:
        return []
    # Latin: a phrase twice, or a word three times; CJK (characters): three characters twice.
    loop = times >= 3 or n >= (3 if cjk else 2)
    if not loop:
        return []
    _, stimes, _ = longest_repeat(_tokens(source, is_cjk(ctx.src_lang)))
    if stimes >= times:
        return []
    joiner = "" if cjk else " "
    phrase = re.sub(r" (?=[^\w\s])", "", joiner.join(tokens[start:start + n]))
    return [Flag("repeat", f"“{phrase}” {times} times in a row (a decoder loop?)")]


def length_ratio(source: str, target: str) -> float | None:
    """log(target characters / source characters), letters and digits only; None for
    sentences too short to judge."""
    s, t = len(_letters(source)), len(_letters(target))
    if s < 20 or t == 0:
        return None
    return math.log(t / s)


def ratio_stats(pairs: Iterable[tuple[str, str]]) -> tuple[float | None, float | None]:
    """The document's median log length ratio and a robust spread (1.4826 × MAD)."""
    ratios = [r for s, t in pairs if (r := length_ratio(s, t)) is not None]
    if len(ratios) < 8:
        return None, None
    median = statistics.median(ratios)
    mad = statistics.median(abs(r - median) for r in ratios)
    return median, 1.4826 * mad


def check_length(source: str, target: str, ctx: Context) -> list[Flag]:
    return length_flags(length_ratio(source, target), ctx)


def length_flags(ratio: float | None, ctx: Context) -> list[Flag]:
    """The length check on a pair's log length ratio (see `length_ratio`)."""
    if ratio is None or ctx.ratio_median is None:
        return []
    # Three robust standard deviations, and never closer than a factor of 1.65 to the median.
    limit = max(3 * (ctx.ratio_spread or 0), 0.5)
    off = ratio - ctx.ratio_median
    if abs(off) <= limit:
        return []
    factor = math.exp(abs(off))
    side = "shorter" if off < 0 else "longer"
    return [Flag("length", f"{factor:.1f}× {side} than this document's translations usually are")]


def check_names(source: str, target: str, ctx: Context) -> list[Flag]:
    """A name of the document (see align/qa/names.py) in the source but not the
    translation; a genitive ("Trumps") or a compound ("Alibaba-Chef") is its name."""
    missing = []
    for token in names.checked_tokens(source):
        name = names.name_of(token, ctx.names)
        if name is not None and name not in missing and not names.kept(name, target) \
                and not names.named_in_part(source, name, target) \
                and not names.kept_as_adjective(name, source, target):
            missing.append(name)
    if not missing:
        return []
    return [Flag("names", "not in the translation: " + ", ".join(missing))]


PAIRS = {"(": ")", "[": "]", "{": "}", "（": "）", "【": "】", "「": "」", "『": "』",
         "«": "»", "‹": "›"}
DOUBLE_QUOTES = "\"“”„«»"
_MARKS = re.compile("[" + re.escape("".join(PAIRS) + "".join(PAIRS.values()) + DOUBLE_QUOTES) + "]")


def bracket_problem(text: str) -> str | None:
    """What is unbalanced in `text`: a bracket without its partner, or an odd number of
    double quotes; None when balanced."""
    if not _MARKS.search(text):
        return None
    stack = []
    closers = {v: k for k, v in PAIRS.items()}
    for ch in text:
        if ch in PAIRS and ch not in "«‹":
            stack.append(ch)
        elif ch in closers and ch not in "»›":
            if not stack or stack[-1] != closers[ch]:
                return f"“{ch}” without its opening partner"
            stack.pop()
    if stack:
        return f"“{stack[-1]}” is never closed"
    quotes = sum(text.count(q) for q in DOUBLE_QUOTES)
    if quotes % 2:
        return "an odd number of quotation marks"
    return None


def check_brackets(source: str, target: str, ctx: Context) -> list[Flag]:
    problem = bracket_problem(target)
    if problem is None or bracket_problem(source) is not None:
        return []
    return [Flag("brackets", f"unbalanced: {problem}")]


def term_spans(text: str, term: str) -> list[tuple[int, int]]:
    """Where `term` occurs in `text`, case-insensitively, not inside a longer word of
    Latin letters (CJK terms match anywhere)."""
    term = term.strip()
    if not term or term.casefold() not in text.casefold():
        return []
    return [(m.start(), m.end()) for m in _term_pattern(term).finditer(text)]


@functools.lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern:
    latin = not is_cjk_char(term[0])
    edge = r"(?<![^\W_])" if latin and term[0].isalnum() else ""
    # A term of five letters or more may take an ending ("Sesame Credits", "Alibabas");
    # a short one must end where the word ends ("Ma" is not "Mal").
    tail = r"(?![^\W_])" if latin and term[-1].isalnum() and len(term) < 5 else ""
    return re.compile(edge + re.escape(term) + tail, flags=re.IGNORECASE)


def is_cjk_char(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def check_glossary(source: str, target: str, ctx: Context) -> list[Flag]:
    wrong = [(s, t) for s, t in ctx.glossary if term_spans(source, s) and not term_spans(target, t)]
    if not wrong:
        return []
    return [Flag("glossary", "; ".join(f"“{s}” should be “{t}”" for s, t in wrong))]


ALL_CHECKS = (check_empty, check_numbers, check_untranslated, check_repeat, check_length,
              check_names, check_brackets, check_glossary)


def check_pair(source: str, target: str, ctx: Context, length: bool = True) -> list[Flag]:
    """Every check on one source/target pair (`length=False`: all but the length check,
    the one that depends on the whole document); an empty target raises only "empty"."""
    if not target.strip():
        return check_empty(source, target, ctx)
    return [flag for check in ALL_CHECKS[1:] if length or check is not check_length
            for flag in check(source, target, ctx)]


@dataclass
class DocumentContext:
    """Builds each language's Context from the document: its translated pairs, and for
    names also every source sentence (translated or not) and the speakers' names and
    aliases."""
    pairs: list[tuple[str, str]] = field(default_factory=list)
    sources: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()

    def context(self, src_lang: str, tgt_lang: str,
                glossary: Sequence[tuple[str, str]] = ()) -> Context:
        median, spread = ratio_stats(self.pairs)
        # A pair whose translation is empty, the source copied, cut short or against the glossary
        # shows nothing about how this document renders a name (a name it lacks may have
        # gone with the rest).
        base = Context(src_lang, tgt_lang, median, spread, glossary=tuple(glossary))
        shown = [(s, t) for s, t in self.pairs
                 if t.strip() and not (check_untranslated(s, t, base) or check_length(s, t, base)
                         or check_glossary(s, t, base))]
        found = names.document_names(shown, tgt_lang, self.sources, self.speakers, src_lang)
        # Glossary terms that stay themselves (one word: "WTO"; a term of several words,
        # "Wall Street", is the glossary check's, which flags it once).
        found |= {s for s, t in glossary if s == t}
        return Context(src_lang, tgt_lang, median, spread, frozenset(found),
                       tuple(sorted(glossary)))
