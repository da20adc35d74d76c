"""Names a translation should keep, from everything the document knows: its speakers (and
their merged aliases), the German text as a whole (translated or not yet), and the
translations it already has.

German capitalises every noun, so a capitalised word is a name only on evidence:
- a speaker of the document ("Jack Ma", "Sorkin", "Solkin");
- the German itself: a word that recurs mid-sentence, seldom after an article, and at least
  once where German would not put a common noun: next to another capitalised word
  ("Jack Ma", "Donald Trump", "Trump Tower") or as a genitive before its noun ("Trumps
  Bemerkungen");
- translations that keep the word (at least half of those whose source has it).
A word the document's translations mostly leave out (seen twice or more, kept less than
half the time) is no name to check, whatever else says so.

Only Latin-script targets take names from speakers and the German: Chinese writes
"Trump" as 特朗普, so there a name needs a translation that keeps it.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import Iterable

from align.qa import german_nouns
from align.qa.numbers import german_number

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ž"          # Latin capitals ("Österreich", "Şahin"); filtered by isupper
_NAME = re.compile(rf"\b[{_UPPER}][\w'-]*[^\W_]|\b[a-z]+[A-Z][\w-]*", re.UNICODE)
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]", re.UNICODE)

# Capitalised mid-sentence without being names: the polite "Sie" and its forms, titles.
PRONOUNS = frozenset("sie ihr ihre ihren ihrem ihrer ihres ihnen du dich dir dein deine deinen "
                     "deinem deiner euch euer eure".split())
TITLES = frozenset("herr herrn frau dr prof sankt st mr mrs ms".split())
_TITLE_HEADS = ("präsident", "professor", "kanzler", "minister", "bürgermeister", "senator",
                "abgeordnet", "vorsitzend", "gouverneur", "könig", "papst", "general",
                # roles that speaker labels name instead of a person
                "moderator", "sprecher", "zuschauer", "zeuge", "zeugin", "anwohner", "publikum",
                "gemeinderat", "gemeinderät", "richter", "interviewer", "reporter", "frage",
                "antwort", "ra")


# A compound that ends in a title is one: "Staatspräsident", "Regierungssprecherin".
_TITLE_END = re.compile("(?:" + "|".join(_TITLE_HEADS[:-1]) + ")(?:in|innen|en|n|s|e|es)?$")


def is_title(word: str) -> bool:
    """"Herr", "Dr", "Präsidentin", "designierten Präsidenten", "Staatspräsident": a title
    before a name."""
    w = word.casefold()
    return w in TITLES or w.startswith(_TITLE_HEADS[:-1]) or w == "ra" \
        or len(w) > 8 and _TITLE_END.search(w) is not None
# Words before a common noun: articles, possessives, demonstratives, quantifiers, and
# prepositions fused with an article ("im", "zum").
DETERMINERS = frozenset("""der die das den dem des ein eine einen einem einer eines kein keine
keinen keinem keiner keines mein meine meinen meinem meiner meines dein deine deinen deinem
deiner deines sein seine seinen seinem seiner seines ihr ihre ihren ihrem ihrer ihres unser
unsere unseren unserem unserer unseres euer eure euren eurem eurer eures dieser diese diesen
diesem dieses jener jene jenen jenem jenes jeder jede jeden jedem jedes welcher welche welchen
welchem welches mancher manche manchen manchem solcher solche solchen solchem alle allen aller
viele vielen vieler wenige wenigen einige einigen mehrere mehreren beide beiden zwei drei vier
fünf sechs sieben acht neun zehn zwölf hundert tausend million millionen milliarde milliarden
billion billionen tausende hunderte dutzend dutzende prozent
etwas nichts viel wenig allerlei
im am zum zur vom beim ins ans aufs durchs fürs ums übers""".split())
_ACRONYM = re.compile(r"[A-Z]{2,6}")
_ADJECTIVE_END = re.compile(r"(?:e|en|er|es|em)$")
# Names English writes otherwise (a dropped "Peking" is one whose "Beijing" is missing too).
EXONYMS = {
    "Peking": ("Beijing",), "Deutschland": ("Germany",), "Österreich": ("Austria",),
    "Schweiz": ("Switzerland",), "Wien": ("Vienna",), "München": ("Munich",),
    "Köln": ("Cologne",), "Indien": ("India",), "Russland": ("Russia",),
    "Frankreich": ("France",), "Italien": ("Italy",), "Spanien": ("Spain",),
    "Kanada": ("Canada",), "Türkei": ("Turkey", "Türkiye"), "Griechenland": ("Greece",),
    "Polen": ("Poland",), "Niederlande": ("Netherlands",), "Belgien": ("Belgium",),
    "Dänemark": ("Denmark",), "Schweden": ("Sweden",), "Norwegen": ("Norway",),
    "Ägypten": ("Egypt",), "Südafrika": ("South Africa",), "Brasilien": ("Brazil",),
    "Argentinien": ("Argentina",), "Australien": ("Australia",), "Nürnberg": ("Nuremberg",), "Prag": ("Prague",),
    "Warschau": ("Warsaw",), "Moskau": ("Moscow",), "Rom": ("Rome",), "Mailand": ("Milan",),
    "Venedig": ("Venice",), "Genf": ("Geneva",), "Brüssel": ("Brussels",),
    "Hongkong": ("Hong Kong",), "Oktober": ("October",), "Kalifornien": ("California",),
    "USA": ("US", "U.S.", "America", "American", "United States"),
    "US": ("U.S.", "America", "American", "United States", "dollar"),   # "US-Dollar": dollars
    "EU": ("EU", "European Union"),
    "KMU": ("SME", "small and medium"), "BIP": ("GDP",), "EZB": ("ECB",), "UNO": ("UN",),
    "BRD": ("FRG", "Germany"), "DDR": ("GDR", "East Germany"), "OECD": ("OECD",),
}


@functools.lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Capitalised words and words with an inner capital (eWTP), hyphen parts split."""
    out = []
    for m in _NAME.finditer(text):
        for part in m.group(0).split("-"):
            part = part.strip("'")
            if len(part) >= 2 and any(ch.isupper() for ch in part) and part[0].isalpha():
                out.append(part)
    return tuple(out)


def checked_tokens(text: str) -> list[str]:
    """The name tokens of a source sentence that stand where a name can: not a word right
    after an article or a number ("ca. 300 Keller" are cellars, though Keller is a
    speaker), unless it is an acronym, part of a compound ("der Alibaba-Chef": the article
    is the compound's) or the first of several capitalised words ("den Trump Tower")."""
    out = []
    for m in _NAME.finditer(text):
        before = re.search(r"(\S+)\s+$", text[:m.start()])
        prev = before.group(1).casefold() if before else ""
        common = (prev in DETERMINERS or re.fullmatch(r"\d[\d.,]*", prev) is not None) \
            and not _ACRONYM.fullmatch(m.group(0)) and "-" not in m.group(0) \
            and not re.match(rf"\s+[{_UPPER}]", text[m.end():])
        if not common:
            out.extend(name_tokens(m.group(0)))
    return out


def stem(name: str) -> str:
    """German genitive: "Trumps" is Trump's."""
    return name[:-1] if len(name) > 3 and name.endswith("s") else name


def name_of(token: str, names: frozenset[str] | set[str]) -> str | None:
    """The document name a source token stands for: itself, or its genitive stem."""
    if token in names:
        return token
    s = stem(token)
    return s if s != token and s in names else None


_LATIN = "A-Za-z\u00c0-\u024f"


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str, flags: int = 0) -> re.Pattern:
    # Whole words ("Ma" is not in "many"; Chinese characters around "WTO" are no letters
    # of it), an ending allowed: "Trump's", "Alibabas".
    return re.compile(rf"(?<![{_LATIN}]){re.escape(name)}(?:'s|’s|s)?(?![{_LATIN}])", flags)


_LATIN_RUN = re.compile(rf"[{_LATIN}]+")


@functools.lru_cache(maxsize=4096)
def _runs(target: str) -> tuple[frozenset[str], frozenset[str]]:
    """The target's runs of Latin letters, as written and casefolded."""
    runs = _LATIN_RUN.findall(target)
    return frozenset(runs), frozenset(r.casefold() for r in runs)


def _has_word(form: str, target: str, ignore_case: bool = False) -> bool:
    """What `_name_pattern(form).search(target)` says, without compiling a pattern for
    every name (compiling them was most of a document's names check): a one-word form is a
    whole run of Latin letters, or that run less an "s"."""
    if not _LATIN_RUN.fullmatch(form):
        return _name_pattern(form, re.IGNORECASE if ignore_case else 0).search(target) is not None
    exact, folded = _runs(target)
    if ignore_case:
        f = form.casefold()
        return f in folded or f + "s" in folded
    return form in exact or form + "s" in exact


_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "k": "c"})
_E_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _umlaut_e(word: str) -> str:
    return word.translate(_E_UMLAUTS)


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """`text` without accents: "Païju" -> "Paiju", "Débé" -> "Debe"."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def _spelling(word: str) -> str:
    """A German name and its English spelling made alike: "Asien" and "Asia", "Kalifornien"
    and "California", "Mexiko" and "Mexico" (-ien is -ia, k is c, umlauts lose their dots)."""
    w = word.casefold()
    if w.endswith("ien"):
        w = w[:-3] + "ia"
    return w.translate(_UMLAUTS)


def kept(name: str, target: str) -> bool:
    """Whether `target` keeps the name: as it is or as its genitive stem, as English writes
    it ("Beijing" for "Peking"), spelt the English way ("Mexico" for "Mexiko": the same
    word but for its last two letters), or shortened ("Jeff" for "Jeffrey")."""
    forms = (name, stem(name)) + EXONYMS.get(name, ())
    if len(name) > 5 and name.endswith("er"):
        # An adjective of a place: "Pekinger Zeit" is "Beijing time", "Berliner" "Berlin".
        forms += (name[:-2],) + EXONYMS.get(name[:-2], ())
    for form in dict.fromkeys(forms):
        if _has_word(form, target):
            return True
        # "Big Data" kept as "big data": the same word in other case.
        if len(form) >= 3 and _has_word(form, target, ignore_case=True):
            return True
    # Accents and umlauts written otherwise: "Paiju" is "Païju", "Debe" "Débé", "Österr."
    # "Oesterr.".
    folded = _fold(target)
    if folded != target or _fold(name) != name:
        for form in dict.fromkeys(forms):
            for variant in {_fold(form), _fold(_umlaut_e(form))}:
                if len(variant) >= 3 and _has_word(variant, folded, ignore_case=True):
                    return True
    if len(name) >= 5:
        head = _spelling(name)[:max(4, len(name) - 2)]
        for w in _LATIN_RUN.findall(target):
            # "Chinese" is not "China": the English spelling is at most a letter longer;
            # and it is capitalised ("products" is no spelling of "Produkte").
            if w[0].isupper() and _spelling(w).startswith(head) and -2 <= len(w) - len(name) <= 1:
                return True
            # A short form: "Jeff" for "Jeffrey", "Alex" for "Alexander".
            if len(name) >= 6 and len(w) >= 4 and w[0].isupper() and name.startswith(w):
                return True
    return False


def kept_as_adjective(name: str, source: str, target: str) -> bool:
    """The name made an adjective: a word that begins with the name, less a final vowel
    ("Himalaya" -> "himalayenne", "Nepal" -> "népalais"). Where the source uses the name as
    the first part of a compound ("Himalaya-Chronik", "Himalaya-Träger") any such word
    ("Himalayan porters"); elsewhere one in lower case, as French writes its adjectives
    ("le Gouvernement népalais" for "die Regierung von Nepal"). English capitalises them,
    and "a Chinese" is not the "China" a translation dropped."""
    if len(name) < 4:
        return False
    compound = re.search(rf"(?<![{_LATIN}]){re.escape(name)}-[{_UPPER}]", source) is not None
    low = _fold(name.casefold())
    if low[-1] in "aeiouy":
        low = low[:-1]                    # "Himalaya" -> "himalay-enne", "Korea" -> "kore-an"
    return any(_fold(w.casefold()).startswith(low) and len(w) > len(name)
               and (compound or w[0].islower())
               for w in _LATIN_RUN.findall(target))


def titled_names(source: str) -> list[tuple[str, ...]]:
    """The names of several words after a title: "Herr Jack Ma", "Präsident Xi Jinping",
    "Präsidentin Dr. Elke Sommer" give (Jack, Ma), (Xi, Jinping), (Elke, Sommer)."""
    tokens = _TOKEN.findall(source)
    out = []
    i = 0
    while i < len(tokens):
        if not (_capitalised(tokens[i]) and is_title(tokens[i])):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and (tokens[j] == "." or _capitalised(tokens[j]) and is_title(tokens[j])):
            j += 1
        run = []
        while j < len(tokens) and _capitalised(tokens[j]) and not is_title(tokens[j]):
            run.append(tokens[j])
            j += 1
        if len(run) >= 2:
            out.append(tuple(run))
        i = max(j, i + 1)
    return out


def named_in_part(source: str, name: str, target: str) -> bool:
    """Whether a person named with a title keeps another part of the name in `target`:
    English shortens titled names ("Herr Jack Ma" -> "Jack", "Präsident Xi Jinping" ->
    "President Xi"), and the person is still named."""
    for run in titled_names(source):
        parts = {stem(t) for t in run} | set(run)
        if name in parts and any(kept(other, target) for other in run
                                 if other != name and stem(other) != name):
            return True
    return False


# ----- evidence -------------------------------------------------------------------------------
def _is_word(token: str) -> bool:
    return token[:1].isalpha()


def _capitalised(token: str) -> bool:
    return _is_word(token) and token[0].isupper()


def _mid(tokens: list[str], i: int) -> bool:
    """Whether the word at i stands mid-sentence: after a word, a number or a comma (not at
    the start, nor after a colon, a quotation mark, a bracket or a hyphen)."""
    return i > 0 and (tokens[i - 1][:1].isalnum() or tokens[i - 1] in ",;")


# Lowercase words with an adjective's ending that are none.
_NOT_ADJECTIVES = frozenset("über unter aber oder wieder immer hinter wegen gegen neben ohne "
                            "außer zwischen sondern seine seinem seinen seiner gerne heute "
                            "habe haben hatte hatten werde werden wurde wurden sagte sagten "
                            "bitte lange ebenfalls wie".split())


def _adjective(word: str) -> bool:
    return word[:1].islower() and len(word) > 3 and word not in _NOT_ADJECTIVES \
        and _ADJECTIVE_END.search(word) is not None


def _after_determiner(tokens: list[str], i: int) -> bool:
    """An article, a possessive or a number before the word, perhaps with one or two
    inflected adjectives between ("den freien Handel", "die Vereinigten Staaten")."""
    j = i - 1
    for _ in range(3):
        if j < 0:
            return False
        word = tokens[j]
        if word.casefold() in DETERMINERS or word.isdigit():
            return True
        if is_title(word):
            return False              # "den Präsidenten Donald Trump": the article is the title's
        if not (_is_word(word) and _ADJECTIVE_END.search(word.casefold())) or j == i - 3:
            return False
        j -= 1
    return False


def _prose(tokens: list[str]) -> bool:
    """A heading or a caption ("April 1996, Militärmuseum Peking.") capitalises what it
    likes: a sentence is evidence with two lowercase words, or one and a full stop at its
    end ("Mein Lieblingsfilm ist Forrest Gump.")."""
    lower = sum(t[:1].islower() for t in tokens)
    return lower >= 2 or lower == 1 and tokens[-1] in (".", "!", "?")


def _abbreviation(tokens: list[str], i: int) -> bool:
    """"Nr. 5", "St. Gallen", "Mrs. Dunsheath": a short word with a full stop that does
    not end the sentence."""
    return len(tokens[i]) <= 4 and i + 2 < len(tokens) and tokens[i + 1] == "."


@functools.lru_cache(maxsize=16)
def source_names(sources: tuple[str, ...], speakers: tuple[str, ...] = (),
                 lexicon: bool = False) -> frozenset[str]:
    """Names the German shows by itself (see the module's notes): speakers' words, and
    words that recur mid-sentence, seldom after an article, and at least once beside
    another capitalised word or as a genitive before a noun. With `lexicon` (a German
    source), also a word the German noun lexicon knows only as a name or not at all
    ("Harvard", "Alipay"), used mid-sentence and not as a noun even once; and the first
    part of a compound is no name when it is a common noun ("Internet-Generation")."""
    sentences = [tokens for tokens in map(_TOKEN.findall, sources) if tokens and _prose(tokens)]
    words = {t for tokens in sentences for t in tokens if _capitalised(t)}
    # A word the document also writes in lower case is a German word capitalised at a
    # sentence's start or as a noun ("Vor", "Eintreten"): no lexicon evidence.
    lowercase = {t.casefold() for tokens in map(_TOKEN.findall, sources) for t in tokens
                 if t[:1].islower()} if lexicon else set()

    def key(token: str) -> str:
        s = stem(token)
        return s if s != token and s in words else token

    def plain(token: str) -> bool:     # a capitalised word that may be a name
        return _capitalised(token) and token.casefold() not in PRONOUNS \
            and not is_title(token) and token.casefold() not in DETERMINERS

    mid: Counter[str] = Counter()
    led: Counter[str] = Counter()
    # The first part of a capitalised compound ("Hollywood-Filme", "Afghanistan-Krieg"):
    # German joins a common noun without a hyphen; the article is the compound's.
    compound: Counter[str] = Counter()
    for tokens in sentences:
        for i in range(len(tokens) - 2):
            first, dash, head = tokens[i:i + 3]
            if dash == "-" and plain(first) and len(first) >= 3 and _capitalised(head) \
                    and (i == 0 or tokens[i - 1] != "-"):
                compound[key(first)] += 1
    strong: Counter[str] = Counter()
    bare: Counter[str] = Counter()
    unknown: Counter[str] = Counter()       # uses as a name that the lexicon allows
    initial: Counter[str] = Counter()       # uses at a sentence's start

    def not_german(tokens: list[str], i: int) -> bool:
        token = tokens[i]
        return lexicon and token.casefold() not in lowercase and not _abbreviation(tokens, i) \
            and german_nouns.noun_class(token) != german_nouns.COMMON

    for tokens in sentences:
        for i, token in enumerate(tokens):
            if not plain(token):
                continue
            k = key(token)
            if not _mid(tokens, i):
                # "eWTP (Electronic World Trade Platform)": a bracket inside a sentence
                # holds no new sentence, so a word the lexicon lacks is a name there too.
                if i > 1 and tokens[i - 1] == "(" and not_german(tokens, i):
                    unknown[k] += 1
                else:
                    initial[k] += 1
                continue
            mid[k] += 1
            after_article = _after_determiner(tokens, i)
            led[k] += after_article
            if not after_article and not_german(tokens, i):
                unknown[k] += 1
            # "pflegende Angehörige": an adjective without an article, before a noun.
            bare[k] += _adjective(tokens[i - 1])
            genitive = k != token
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            # Two capitalised words in a row, the first without an article: a name of two
            # words ("Jack Ma", "Donald Trump"); "unserer Plattform Waren" is two nouns.
            run_before = plain(tokens[i - 1]) and _mid(tokens, i - 1) \
                and key(tokens[i - 1]) == tokens[i - 1] and not _after_determiner(tokens, i - 1) \
                and not (i >= 2 and _adjective(tokens[i - 2]))
            # "Vorteile Chinas Entwicklung": the genitive belongs to the noun after it.
            run_after = plain(nxt) and not after_article and key(nxt) == nxt
            if genitive and _capitalised(nxt):
                strong[k] += 1                               # "Trumps Bemerkungen"
            elif not genitive and (run_before or run_after):
                strong[k] += 1
    # A word seen twice needs an article at most a third of the time; a word seen once,
    # never (and its evidence: "Jeffrey Bezos" once is a name, as is an acronym: "IBM").
    found = {k for k, n in mid.items()
             if len(k) >= 2 and (strong[k] and (n >= 2 and led[k] * 3 <= n
                                                or n == 1 and led[k] == 0 and not bare[k])
                                 or _ACRONYM.fullmatch(k))}
    # A word the lexicon lacks that mostly starts sentences is a German word the lexicon
    # does not cover (it has nouns only: "; Vor 100 Jahren").
    # ("beim Davos Forum", "nach Davos": a name may stand after an article half the time.)
    found |= {k for k, n in unknown.items() if n and len(k) >= 2 and led[k] * 2 <= mid[k] and mid[k] >= initial[k]}
    found |= {k for k in compound if len(k) >= 3 and german_number(k) is None
              and not (lexicon and german_nouns.noun_class(k) == german_nouns.COMMON)}
    # A name of several words after an article: "den Trump Tower", "der Alibaba Group":
    # the words beside a name found above are the name's (an acronym excepted: "den USA
    # Arbeitsplätze" are two things).
    for tokens in sentences:
        for i in range(1, len(tokens) - 1):
            first, second = tokens[i], tokens[i + 1]
            if tokens[i - 1].casefold() in DETERMINERS and first in found \
                    and not _ACRONYM.fullmatch(first) and plain(second) and key(second) == second:
                found.add(second)
    for speaker in speakers:
        for token in name_tokens(re.sub(r"\(.*?\)", "", speaker)):
            for form in {token, token.title() if token.isupper() and len(token) > 3 else token}:
                if form.casefold() in PRONOUNS or is_title(form) or len(form) < 2:
                    continue
                if led[form] * 3 <= mid[form]:              # "das Publikum" is no name
                    found.add(form)
    return frozenset(found)


@functools.lru_cache(maxsize=16)
def mid_sentence_words(sources: tuple[str, ...]) -> frozenset[str]:
    """Capitalised words found mid-sentence (genitives also under their stem)."""
    out = set()
    for text in sources:
        tokens = _TOKEN.findall(text)
        for i, token in enumerate(tokens):
            if _capitalised(token) and _mid(tokens, i):
                out.update((token, stem(token)))
            elif _capitalised(token) and i > 0 and tokens[i - 1] == "-":
                out.update((token, stem(token)))          # "Alibaba-Chef"
    return frozenset(out)


def kept_as_name(name: str, target: str) -> bool:
    """Whether `target` keeps the word as a name: with a capital, not in lower case nor
    only as a sentence's first word ("Route" kept as French "route" is a common noun both
    languages share)."""
    return kept(name, _LOWER_WORD.sub(" ", _FIRST_WORD.sub(r"\1 ", target)))


_LOWER_WORD = re.compile(rf"(?<![{_LATIN}])[a-zß-öø-ÿ][{_LATIN}]*")
# A sentence's first word is capitalised whatever it is ("Expédition ...").
_FIRST_WORD = re.compile(rf"(^|[.!?:;«»\"“„]\s*)[{_LATIN}]+")


def translated_evidence(pairs: Iterable[tuple[str, str]], capitals: bool = True
                        ) -> tuple[Counter, Counter, Counter]:
    """(seen, kept, kept as a name): per capitalised source word (genitives under their
    stem), in how many pairs' sources it occurs, in how many of their translations it is
    kept, and in how many with its capital."""
    pairs = list(pairs)
    words = {t for s, _ in pairs for t in name_tokens(s)}
    seen: Counter[str] = Counter()
    kept_in: Counter[str] = Counter()
    named: Counter[str] = Counter()
    for source, target in pairs:
        keys = {stem(t) if stem(t) in words else t for t in name_tokens(source)}
        for name in keys:
            seen[name] += 1
            if kept(name, target):
                kept_in[name] += 1
                # Chinese has no capitals to tell a name by: kept is kept there.
                named[name] += kept_as_name(name, target) if capitals else 1
    return seen, kept_in, named


def document_names(pairs: Iterable[tuple[str, str]], tgt_lang: str = "en",
                   sources: tuple[str, ...] = (), speakers: tuple[str, ...] = (),
                   src_lang: str = "de") -> frozenset[str]:
    """Names this document's translations should keep. `pairs`: its translated links
    (copies of the source left out); `sources`: all its source sentences; `speakers`: its
    speaker names and aliases."""
    pairs = list(pairs)
    cjk = tgt_lang.split("-")[0].casefold() in ("zh", "ja", "ko")
    seen, kept_in, named = translated_evidence(pairs, capitals=not cjk)
    # "In" of "In den letzten 30 Jahren" kept as "In the last 30 years" is no name: a name
    # is capitalised mid-sentence somewhere in the document; nor are number words
    # ("Billionen", kept as "billion"), the polite "Sie" or titles.
    midway = mid_sentence_words(tuple(sources) + tuple(s for s, _ in pairs))
    # A word kept only in lower case ("Route" -> "route") is a shared common noun.
    names = {n for n, k in named.items() if k >= 1 and kept_in[n] * 2 >= seen[n] and n in midway
             and n.casefold() not in DETERMINERS | PRONOUNS and not is_title(n)}
    if not cjk:
        german = src_lang.split("-")[0].casefold() == "de"
        for n in source_names(tuple(sources), tuple(speakers), german):
            # A name the lexicon backs (no German common noun) is left out by the
            # translations only when none keeps it (an exonym the table lacks): one kept
            # shows it is a name, and the others dropped it.
            backed = german and german_nouns.noun_class(n) != german_nouns.COMMON
            if not (seen[n] >= 2 and (kept_in[n] == 0 if backed else kept_in[n] * 2 < seen[n])):
                names.add(n)
    return frozenset(names)
