"""Numbers in a sentence as values, whatever the script or convention writes them:
45.000 (German) = 45,000 (English) = 45 000 = 4.5万 = 四万五千; 14,2 Billionen = 14.2 trillion.

Each number found is a `Number(values, hard)`: `values` are the readings it may have (one,
unless the separator is ambiguous in a translation: "45.000" in English may be a German
45000 copied through), `hard` is False for number words ("fünf", "five", "五"), which may
satisfy a digit on the other side but are never flagged when missing: "in fünf Jahren" is
often rendered "in the coming years" and that is not a mistake worth a flag.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

SCALES = {
    # German (Billion is 10^12 in German, as in most of Europe)
    "tausend": 1e3, "million": 1e6, "millionen": 1e6, "mio": 1e6, "milliarde": 1e9,
    "milliarden": 1e9, "mrd": 1e9, "billion": None, "billionen": 1e12,
    # English (billion is 10^9)
    "thousand": 1e3, "millions": 1e6, "billions": 1e9, "trillion": 1e12, "trillions": 1e12,
    "bn": 1e9,
}
# "Billion" is spelt alike in both languages and means 10^12 in German, 10^9 in English.
BILLION = {"de": 1e12, "en": 1e9}

# Number words, read in both directions: "thirteen" answers 13 and "dreizehn" answers 13,
# as a Chinese 十三 does. English numbers are runs of words ("twenty-one", "one hundred and
# five"); German ones are single words ("dreiundzwanzig", "hundertfünfzig", "zweitausend").
EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
            "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
            "eighteen": 18, "nineteen": 19}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
           "eighty": 80, "ninety": 90}
EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
               "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
               "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
               "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
               "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
               "hundredth": 100, "thousandth": 1000}
DE_UNITS = {"null": 0, "eins": 1, "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1,
            "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
            "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
            "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
DE_TENS = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50,
           "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90}
# Words that are a number only before a scale word ("eine Million", "a million"): alone,
# "a" is an article. "one" and German "ein" alone are 1 (a soft number: it answers a digit
# 1 but is never missed).
ONLY_WITH_SCALE = {"a", "an"}

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 1e4, "亿": 1e8}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_BIG)

SPACE = " \u00a0\u202f\u2009"
_DIGITS = re.compile(
    rf"(?<![\d.,])(\d{{1,3}}(?:[{SPACE}]\d{{3}})+(?![\d])|\d+(?:[.,]\d+)*)")
_CN_RUN = re.compile(f"[{CN_CHARS}]+")


@dataclass(frozen=True)
class Number:
    values: tuple[float, ...]
    hard: bool
    text: str

    def matches(self, other: "Number") -> bool:
        return any(same(a, b) for a in self.values for b in other.values)


def same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _readings(token: str, lang: str, lenient: bool) -> tuple[float, ...]:
    """The values a digit token may stand for. German: "." groups thousands, "," is the
    decimal mark; English and Chinese the other way round. A separator followed by exactly
    three digits is read as a group separator in the language's convention; `lenient`
    (a translation) also accepts the other convention where it is ambiguous."""
    token = re.sub(f"[{SPACE}]", "", token)
    if not re.search(r"[.,]", token):
        return (float(token),)
    group, decimal = (".", ",") if lang == "de" else (",", ".")

    def read(group: str, decimal: str) -> float | None:
        parts = token.split(decimal)
        if len(parts) > 2:
            return None
        whole = parts[0].split(group)
        if len(whole) > 1 and not all(len(p) == 3 for p in whole[1:]):
            return None
        if len(parts) == 2 and group in parts[1]:
            return None
        try:
            return float("".join(whole) + ("." + parts[1] if len(parts) == 2 else ""))
        except ValueError:
            return None

    own = read(group, decimal)
    other = read(decimal, group) if lenient or own is None else None
    values = tuple(v for v in (own, other) if v is not None)
    return tuple(dict.fromkeys(values)) or (float(re.sub(r"[.,]", "", token)),)


_SUPERSCRIPTS = re.compile("[\u00b9\u00b2\u00b3\u2070-\u209f]")
_CLOCK_AFTER = re.compile(r"\s*(?:Uhr\b|h\b|[ap]\.?\s?m\b\.?)", re.IGNORECASE)


def _clock_readings(token: str, text: str, end: int) -> tuple[float, ...]:
    """A clock time ("22.30 Uhr", "10.30 pm", "22 Uhr") is also read on the other
    clock: 22.30 = 10.30 pm, 9 pm = 21 Uhr."""
    m = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?", token)
    if not m or not _CLOCK_AFTER.match(text, end):
        return ()
    hour, minutes = int(m.group(1)), int(m.group(2) or 0)
    value = hour + minutes / 100
    if 13 <= hour <= 24:
        return (value - 12,)
    if 1 <= hour <= 12:
        return (value + 12,)
    return ()


def _scale_after(text: str, end: int, lang: str) -> tuple[float, int]:
    """A scale word right after a number ("Millionen", "trillion", "万", "亿"): its factor
    and where it ends; (1, end) when there is none."""
    rest = text[end:]
    m = re.match(r"[ \u00a0\u202f]?(万亿|亿|万|千)", rest)
    if m:
        factor = 1.0
        for ch in m.group(1):
            factor *= {"万": 1e4, "亿": 1e8, "千": 1e3}[ch]
        return factor, end + m.end()
    m = re.match(r"[ \u00a0\u202f-]*([^\W\d_]+)\.?", rest)
    if m:
        word = m.group(1).casefold()
        if word in ("billion", "billions"):
            return BILLION.get(lang, 1e9), end + m.end()
        factor = SCALES.get(word)
        if factor:
            return factor, end + m.end()
    return 1.0, end


def chinese_numeral(run: str) -> float | None:
    """四万五千 -> 45000, 十四 -> 14, 两 -> 2, 三百 -> 300; None for what is no number."""
    total, section, digit = 0.0, 0.0, None
    for ch in run:
        if ch in CN_DIGITS:
            if digit is not None:       # 二〇〇八: digits read one by one
                return _digit_string(run)
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch in CN_BIG:
            section += digit or 0
            total = (total + section) * CN_BIG[ch] if total and section == 0 else \
                total + (section or 1) * CN_BIG[ch]
            section, digit = 0.0, None
    return total + section + (digit or 0)


def _digit_string(run: str) -> float | None:
    if all(ch in CN_DIGITS for ch in run):
        return float("".join(str(CN_DIGITS[ch]) for ch in run))
    return None


_EN_WORD = "|".join(sorted([*EN_UNITS, *EN_TENS, *EN_ORDINALS, "hundred", "thousand"],
                          key=len, reverse=True))
# A run of English number words: "twenty-one", "a hundred and five", "two thousand".
_EN_RUN = re.compile(
    rf"(?<![^\W\d_])(?:(?:a|an)[ -]+(?=hundred|thousand))?(?:{_EN_WORD})"
    rf"(?:(?:[ -]+|[ -]+and[ -]+)(?:{_EN_WORD}))*(?![^\W\d_])|(?<![^\W\d_])dozens?(?![^\W\d_])"
    rf"|(?<![^\W\d_])(?:a|an)(?=[ ]+(?:million|billion|trillion)s?\b)", re.IGNORECASE)
_DE_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?![^\W\d_])")


def english_number(run: str) -> float | None:
    """"twenty-one" -> 21, "a hundred and five" -> 105, "two thousand" -> 2000; "a" -> 1."""
    total, current = 0.0, 0.0
    for word in re.split(r"[ -]+", run.casefold()):
        if word in ("a", "an"):
            current += 1
        elif word == "and":
            continue
        elif word in EN_UNITS:
            current += EN_UNITS[word]
        elif word in EN_TENS:
            current += EN_TENS[word]
        elif word in EN_ORDINALS:          # "the first of April", "twenty-first"
            value = EN_ORDINALS[word]
            current = current * value if value >= 100 else current + value
        elif word in ("dozen", "dozens"):
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current


@functools.lru_cache(maxsize=4096)
def german_number(word: str) -> float | None:
    """One German number word: "dreizehn" -> 13, "dreiundzwanzig" -> 23, "hundertfünfzig"
    -> 150, "zweitausendachtzehn" -> 2018, "eine" -> 1, "ersten" -> 1; None for any other
    word."""
    word = word.casefold().replace("ß", "ss")
    # Ordinals: "ersten", "dritte", "zwanzigsten", "hundertster".
    for ending in ("sten", "ste", "ster", "stes", "stem", "ten", "te", "ter", "tes", "tem"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            head = word[:-len(ending)]
            special = {"er": 1, "drit": 3, "sieb": 7, "ach": 8}
            if head in special and ending.startswith("s" if head == "er" else "t"):
                return special[head]
            value = _cardinal(head)
            if value is not None:
                return value
    return _cardinal(word)


def _cardinal(word: str) -> float | None:
    """A German cardinal in one word (casefolded, ß as ss)."""
    def below_hundred(w: str) -> float | None:
        units = {k.replace("ß", "ss"): v for k, v in DE_UNITS.items()}
        tens = {k.replace("ß", "ss"): v for k, v in DE_TENS.items()}
        if w in units:
            return units[w]
        if w in tens:
            return tens[w]
        if "und" in w:
            head, _, tail = w.partition("und")
            if tail in tens and head in units and 0 < units[head] < 10:
                return units[head] + tens[tail]
        return None

    def below_thousand(w: str) -> float | None:
        if "hundert" in w:
            head, _, tail = w.partition("hundert")
            h = 1 if head in ("", "ein") else below_hundred(head)
            t = 0 if tail == "" else below_hundred(tail)
            return None if h is None or t is None or h >= 10 else h * 100 + t
        return below_hundred(w)

    if "tausend" in word:
        head, _, tail = word.partition("tausend")
        h = 1 if head in ("", "ein") else below_thousand(head)
        t = 0 if tail == "" else below_thousand(tail)
        return None if h is None or t is None else h * 1000 + t
    return below_thousand(word)


def extract(text: str, lang: str, lenient: bool = False) -> list[Number]:
    """Every number in `text` (`lang`: "de", "en", "zh" or another code read as English)."""
    # Footnote marks ("2023.¹") are no digits: NFKC would make "2023.1" of them.
    text = unicodedata.normalize("NFKC", _SUPERSCRIPTS.sub(" ", text))
    base = lang.split("-")[0].split("_")[0].casefold()
    out: list[Number] = []
    taken = [False] * (len(text) + 1)
    for m in _DIGITS.finditer(text):
        values = _readings(m.group(1), base, lenient)
        factor, end = _scale_after(text, m.end(), base)
        values = values + _clock_readings(m.group(1), text, m.end())
        # "1月19日": the month of a Chinese date is a soft number (German writes the name).
        hard = not (base == "zh" and text[m.end():m.end() + 1] == "月")
        out.append(Number(tuple(v * factor for v in values), hard, text[m.start():end]))
        for i in range(m.start(), end):
            taken[i] = True
    if base == "zh":
        for m in _CN_RUN.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            value = chinese_numeral(m.group(0))
            if value:
                out.append(Number((value,), False, m.group(0)))
        return out
    if base == "de":
        candidates = ((m, german_number(m.group(0))) for m in _DE_WORD.finditer(text))
    else:
        candidates = ((m, english_number(m.group(0))) for m in _EN_RUN.finditer(text))
    for m, value in candidates:
        if value is None or taken[m.start()]:
            continue
        factor, end = _scale_after(text, m.end(), base)
        if m.group(0).casefold() in ONLY_WITH_SCALE and factor == 1.0:
            continue
        out.append(Number((value * factor,), False, text[m.start():end]))
        for i in range(m.start(), end):
            taken[i] = True
    return out


def unmatched(source: list[Number], target: list[Number]) -> tuple[list[Number], list[Number]]:
    """Hard numbers of each side that nothing on the other side matches (each number on
    the other side used once)."""
    def missing(ours: list[Number], theirs: list[Number]) -> list[Number]:
        free = list(theirs)
        lost = []
        # Hard numbers claim partners first, so a soft "one" cannot steal a digit's match.
        for n in sorted(ours, key=lambda n: not n.hard):
            hit = next((k for k, o in enumerate(free) if n.matches(o)), None)
            if hit is None:
                if n.hard:
                    lost.append(n)
            else:
                free.pop(hit)
        return lost

    return missing(source, target), missing(target, source)
