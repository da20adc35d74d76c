"""Sentence splitting: a maintained library where it is right, a few documented rules where not.

Latin-script languages use sentencex (Wikimedia, MIT): measured on the Davos interview it
made no false splits and missed 4 of 235 boundaries, all of two kinds that the rules
below add ("usw." and "…" before a capitalised word). German ordinals ("im 2. Weltkrieg")
and a few abbreviations it does not know are repaired by the rules too. Chinese (and
Japanese) use a small splitter of our own: the libraries measured missed "……" and
sentences that begin with a digit. Blank lines are always sentence boundaries.

Transcripts add two things: a stage note between sentences ("(lacht)", "[unverständlich]")
is a sentence of its own, and a footnote mark after a sentence's period ("40 %.¹") stays
with that sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
_INNER_NEWLINES = re.compile(r"[ \t]*\n\s*")

# Abbreviations that never end a sentence (a boundary after them is removed).
_NON_FINAL: dict[str, tuple[str, ...]] = {
    "de": (
        "z. B.", "z.B.", "d. h.", "d.h.", "u. a.", "u.a.", "v. a.", "o. ä.", "s. o.", "s. u.",
        "i. d. R.", "z. T.", "u. U.", "bzw.", "ca.", "vgl.", "ggf.", "evtl.", "inkl.", "exkl.",
        "zzgl.", "bspw.", "sog.", "gem.", "lt.", "Dr.", "Prof.", "Hr.", "Hrn.", "Fr.", "St.",
        "Mio.", "Mrd.", "Tsd.", "Std.", "Tel.", "Jh.", "Jhd.",
    ),
    "en": (
        "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr.", "vs.", "e.g.", "i.e.",
        "cf.", "approx.", "Gen.", "Gov.", "Sen.", "Rep.", "Lt.", "Col.", "Capt.", "Mt.",
    ),
    "fr": ("M.", "MM.", "Mme", "Mlle", "Dr.", "Pr.", "St.", "Ste."),
}
# Abbreviations that do not end a sentence when a number follows ("S. 12", "vol. 2").
_BEFORE_NUMBER: dict[str, tuple[str, ...]] = {
    "de": ("Nr.", "S.", "Abs.", "Art.", "Bd.", "Kap.", "Tab.", "Abb.", "Ziff.", "Jan.",
           "Feb.", "Apr.", "Aug.", "Sep.", "Sept.", "Okt.", "Nov.", "Dez."),
    "en": ("No.", "Nos.", "p.", "pp.", "vol.", "Vol.", "ch.", "fig.", "Fig.", "art.", "sec.",
           "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.",
           "Nov.", "Dec."),
}
# Abbreviations that end a sentence when a capitalised word follows ("... China usw. Darf ich"),
# but not inside one ("offen, selbstbewusst usw. sein").
_LIST_ENDINGS = re.compile(r"(?<![\w.])(?:usw|usf|etc|u\.\s?s\.\s?w)\.(?=\s+[„\"»“‘'(]?[^\W\d_])")
# An ellipsis before a capitalised word ends a sentence; before "(" or a lower-case word
# ("öffnen können … (aber nicht") it does not.
_ELLIPSIS = re.compile(r"(?:…|(?<!\.)\.\.\.)(?=\s+[„\"»“‘'(]?[^\W\d_])")
# German: a number with a period before a capitalised word is an ordinal ("des 19. Januar",
# "im 2. Weltkrieg", "Der 1. FC") or the end of a sentence ("Wir nennen dies 310. Sesame").
_NUMBER_PERIOD = re.compile(r"(?<![\d.,])(\d{1,4})\.(?=\s+[„\"»“]?([^\W\d_][\w-]*))")
_MONTHS_DE = frozenset(
    "januar jänner februar märz april mai juni juli august september oktober november "
    "dezember jan feb mär apr jun jul aug sep sept okt nov dez".split())
# Words after which a number with a period is an ordinal: articles, prepositions fused
# with articles, possessives and demonstratives.
_ORDINAL_LEADERS = frozenset(
    "der die das des dem den am im vom zum zur beim ins ans aufs ab seit "
    "ein eine einer eines einem einen kein keine sein seine seiner seines seinem seinen "
    "ihr ihre ihrer ihres ihrem ihren mein meine meiner meines meinem meinen unser unsere "
    "dieser diese dieses diesem diesen jeder jede jedes jedem jeden".split())
_INITIAL_IN_NAME = re.compile(r"(?:^|\s)(?:[A-ZÄÖÜ][\w-]*|[A-ZÄÖÜ]\.)\s+[A-ZÄÖÜ]\.$")
_LONE_INITIAL = re.compile(r"(?:^|(?<=\s))[A-ZÄÖÜ]\.(?:$|(?=\s))")
# A numbered item starts a sentence: "1. Punkt eins. 2. Punkt zwei."
_NUMBERED_ITEM = re.compile(r"(?<=[^\W\d_][.!?])\s+(?=\d{1,3}\.\s+[„\"»“]?[^\W\d_])")
# A one-word reply after a question is a sentence of its own ("Ist er vorbei? Nein. Ich").
_ONE_WORD_REPLY = re.compile(r"(?:(?<=[?!]\s)|(?<=[?!][\"“”»«]\s))([^\W\d_]+)\.(?=\s+[„\"»“]?[^\W\d_])")

# A stage note standing between sentences (at the start, or after a sentence end) and
# before a capitalised word or the end: "(lacht) Anstrengend.", "gekocht. [unverständlich] Das".
_STAGE_NOTE = re.compile(r"(?:^|(?<=[.!?…][\"“”»«'’]\s)|(?<=[.!?…]\s))"
                         r"(?:\(\([^()\n]{1,40}\)\)"  # ((lacht)): a note in transcription conventions
                         # (lacht), [unverständlich], (...): a word or an ellipsis, not "(2)"
                         r"|[(\[](?=[^()\[\]\n]*(?:[^\W\d_]|\.\.\.|…))[^()\[\]\n]{1,40}[)\]])"
                         r"(?=\s*$|\s+[„\"»“‘'(\[]?[^\W\d_])")
_ENDS_AS_A_SENTENCE = re.compile(r"[.!?…][\"“”»«'’)\]]*\s*$")
# Footnote marks glued to a sentence end: "40 %.¹", "erwartet.[3]".
_FOOTNOTE_MARK = re.compile(r"[¹²³⁰⁴-⁹]+|\[\d{1,3}\]")

# CJK: terminators (and a run of them, "？！"), ellipses, then closing quotes/brackets that
# stay with the sentence. A half-width period ends a sentence only after a CJK character.
_CJK_CHAR = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_CJK_END = re.compile(
    r"(?:[。！？!?｡]+|…+|⋯+|\.{3,}|(?<=" + _CJK_CHAR + r")\.(?!\d))[”’」』》）)\]】〕\"'»]*")
_CJK_LANGS = frozenset({"zh", "ja"})


def split_sentences(text: str, lang: str) -> list[str]:
    """Split text into sentences; returns them stripped, in order, none empty.

    `lang` is an ISO 639-1 code (a region or script suffix such as "de-AT" or "zh-Hans"
    is ignored). German, English and Chinese are tuned; other languages get sentencex's
    rules plus the language-independent rules here.
    """
    base = _base_language(lang)
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if base in _CJK_LANGS:
            cuts = _cjk_boundaries(paragraph)
            joiner = ""
        else:
            cuts = _latin_boundaries(paragraph, base)
            joiner = " "
        start = 0
        for cut in sorted(cuts) + [len(paragraph)]:
            piece = _INNER_NEWLINES.sub(joiner, paragraph[start:cut].strip())
            if piece:
                sentences.append(piece)
            start = cut
    return sentences


def sentence_ends(paragraph: str, lang: str) -> set[int]:
    """Offsets in one paragraph (no blank lines) where a sentence ends, the last one not counted."""
    base = _base_language(lang)
    return _cjk_boundaries(paragraph) if base in _CJK_LANGS else _latin_boundaries(paragraph, base)


def _base_language(lang: str) -> str:
    return (lang or "").strip().lower().replace("_", "-").split("-")[0] or "xx"


def _cjk_boundaries(text: str) -> set[int]:
    last = len(text.rstrip())
    return {m.end() for m in _CJK_END.finditer(text) if m.end() < last}


def _latin_boundaries(text: str, lang: str) -> set[int]:
    """Character offsets where a sentence ends: sentencex's, corrected by the rules."""
    cuts = {cut for cut in _library_boundaries(text, lang) if not _not_a_boundary(text, cut, lang)}
    cuts |= _forced_boundaries(text, lang)
    cuts = {_after_footnote_mark(text, cut) for cut in cuts}
    for m in _STAGE_NOTE.finditer(text):
        cuts |= {m.start(), m.end()}
    last = len(text.rstrip())
    return {c for c in cuts if 0 < c < last}


def _after_footnote_mark(text: str, cut: int) -> int:
    m = _FOOTNOTE_MARK.match(text, cut)
    return m.end() if m and cut > 0 and text[cut - 1] in ".!?…\"“”»" else cut


def _library_boundaries(text: str, lang: str) -> set[int]:
    import sentencex  # imported on first use: keeps `bitext --help` fast

    cuts = set()
    for item in sentencex.get_sentence_boundaries(lang, text):
        end = item["end_index"]
        while end > 0 and text[end - 1].isspace():  # sentencex counts trailing spaces in
            end -= 1
        cuts.add(end)
    return cuts


@lru_cache(maxsize=None)
def _abbreviation_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?:^|(?<=[\s(„\"“»‚‘'/-]))(?:" + alternatives + r")$")


def _not_a_boundary(text: str, cut: int, lang: str) -> bool:
    left, right = _left(text, cut), _right(text, cut)
    if _ends_with(left, _NON_FINAL.get(lang, ())):
        return True
    if right[:1].isdigit() and _ends_with(left, _BEFORE_NUMBER.get(lang, ())):
        return True
    # An initial inside a name: "Thomas L. Friedman", "J. K. Rowling".
    if right[:1].isupper() and (_INITIAL_IN_NAME.search(left) or
                                (_LONE_INITIAL.search(left) and _LONE_INITIAL.match(right))):
        return True
    if lang == "de":
        m = re.search(r"(\d{1,4})\.$", left)
        # m is found in the window `left`: its offset in `text` is shifted by the window's start.
        if m and _is_german_ordinal(text, cut - len(left) + m.start(1), right):
            return True
    return False


# Rules look at a window around a position: slicing the whole text for each of
# thousands of boundaries would make long texts quadratic.
_WINDOW = 80


def _left(text: str, pos: int) -> str:
    return text[max(0, pos - _WINDOW):pos]


def _right(text: str, pos: int) -> str:
    return text[pos:pos + _WINDOW].lstrip()


def _ends_with(left: str, words: tuple[str, ...]) -> bool:
    return bool(words) and bool(_abbreviation_pattern(words).search(left))


def _forced_boundaries(text: str, lang: str) -> set[int]:
    cuts = {m.end() for pattern in (_LIST_ENDINGS, _ELLIPSIS) for m in pattern.finditer(text)
            if _starts_capitalised(text, m.end())}
    for m in _ONE_WORD_REPLY.finditer(text):
        word = m.group(1) + "."
        if not _ends_with(word, _NON_FINAL.get(lang, ())) and _starts_capitalised(text, m.end()):
            cuts.add(m.end())
    for m in _NUMBERED_ITEM.finditer(text):
        left = _left(text, m.start())
        if not (_ends_with(left, _NON_FINAL.get(lang, ())) or _ends_with(left, _BEFORE_NUMBER.get(lang, ()))
                or _LONE_INITIAL.search(left)):
            cuts.add(m.start())
    if lang == "de":
        for m in _NUMBER_PERIOD.finditer(text):
            if not _is_german_ordinal(text, m.start(1), _right(text, m.end())) and \
                    m.group(2)[:1].isupper():
                cuts.add(m.end())
    return cuts


def _starts_capitalised(text: str, pos: int) -> bool:
    rest = _right(text, pos).lstrip("„\"»“‘'(")
    return rest[:1].isupper()


def _is_german_ordinal(text: str, number_start: int, right: str) -> bool:
    """Is the number ending at a period (starting at `number_start`) an ordinal?"""
    next_word = re.match(r"[„\"»“]?([^\W\d_][\w-]*)", right)
    if not next_word or not next_word.group(1)[:1].isupper():
        return True  # "am 3. und 4. Mai", "Das 3. ist" -- not a sentence end before lower case
    if next_word.group(1).lower().rstrip(".") in _MONTHS_DE:
        return True
    period = text.index(".", number_start)
    rest = text[period + 1:period + 2 + _WINDOW]  # a window: slicing to the end is quadratic
    if len(rest) <= _WINDOW and not _ENDS_AS_A_SENTENCE.search(rest):
        # What follows does not end as a sentence does: the rest of a title or header line
        # ("Plenarprotokoll, 87. Sitzung", "Landgericht Neustadt, 3. Strafkammer, Az. 3 KLs 12/23").
        return True
    before = _left(text, number_start).rstrip()
    if not before or (before[-1] in ".!?:;…“”\"»" and not _ends_with(before, _BEFORE_NUMBER["de"])
                      and not _ends_with(before, _NON_FINAL["de"])):
        return True  # an enumeration item: "1. Punkt eins." (but not "Abs. 3. Das", "ca. 1968. Danach")
    previous_word = re.search(r"([^\W\d_]+)$", before)
    return bool(previous_word and previous_word.group(1).lower() in _ORDINAL_LEADERS)
