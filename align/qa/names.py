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
from collections import Counter
from typing import Iterable

_NAME = re.compile(r"\b[A-Z][\w'-]*[A-Za-z0-9]|\b[a-z]+[A-Z][\w-]*", re.UNICODE)
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]", re.UNICODE)

# Capitalised mid-sentence without being names: the polite "Sie" and its forms, titles.
PRONOUNS = frozenset("sie ihr ihre ihren ihrem ihrer ihres ihnen du dich dir dein deine deinen "
                     "deinem deiner euch euer eure".split())
TITLES = frozenset("herr herrn frau dr prof sankt st mr mrs ms".split())
_TITLE_HEADS = ("präsident", "professor", "kanzler", "minister", "bürgermeister", "senator",
                "abgeordnet", "vorsitzend", "gouverneur", "könig", "papst", "general")


def is_title(word: str) -> bool:
    """"Herr", "Dr", "Präsidentin", "designierten Präsidenten": a title before a name."""
    w = word.casefold()
    return w in TITLES or w.startswith(_TITLE_HEADS)
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
im am zum zur vom beim ins ans aufs durchs fürs ums übers""".split())
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
    "USA": ("US", "U.S.", "America", "United States"), "EU": ("EU", "European Union"),
}


@functools.lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Capitalised words and words with an inner capital (eWTP), hyphen parts split."""
    out = []
    for m in _NAME.finditer(text):
        for part in m.group(0).split("-"):
            part = part.strip("'")
            if len(part) >= 2 and any(ch.isupper() for ch in part):
                out.append(part)
    return tuple(out)


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
def _name_pattern(name: str) -> re.Pattern:
    # Whole words ("Ma" is not in "many"; Chinese characters around "WTO" are no letters
    # of it), an ending allowed: "Trump's", "Alibabas".
    return re.compile(rf"(?<![{_LATIN}]){re.escape(name)}(?:'s|’s|s)?(?![{_LATIN}])")


def kept(name: str, target: str) -> bool:
    """Whether `target` keeps the name: as it is or as its genitive stem, as English writes
    it ("Beijing" for "Peking"), or spelt the English way ("Mexico" for "Mexiko": the same
    word but for its last two letters)."""
    for form in dict.fromkeys((name, stem(name)) + EXONYMS.get(name, ())):
        if form in target and _name_pattern(form).search(target):
            return True
    if len(name) >= 5:
        head = name[:max(4, len(name) - 2)].casefold()
        return any(w.casefold().startswith(head) and abs(len(w) - len(name)) <= 2
                   for w in re.findall(rf"[{_LATIN}]+", target))
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


@functools.lru_cache(maxsize=16)
def source_names(sources: tuple[str, ...], speakers: tuple[str, ...] = ()) -> frozenset[str]:
    """Names the German shows by itself (see the module's notes): speakers' words, and
    words that recur mid-sentence, seldom after an article, and at least once beside
    another capitalised word or as a genitive before a noun."""
    sentences = [_TOKEN.findall(s) for s in sources]
    words = {t for tokens in sentences for t in tokens if _capitalised(t)}

    def key(token: str) -> str:
        s = stem(token)
        return s if s != token and s in words else token

    def plain(token: str) -> bool:     # a capitalised word that may be a name
        return _capitalised(token) and token.casefold() not in PRONOUNS \
            and not is_title(token) and token.casefold() not in DETERMINERS

    mid: Counter[str] = Counter()
    led: Counter[str] = Counter()
    strong: Counter[str] = Counter()
    for tokens in sentences:
        for i, token in enumerate(tokens):
            if not plain(token) or not _mid(tokens, i):
                continue
            k = key(token)
            mid[k] += 1
            after_article = _after_determiner(tokens, i)
            led[k] += after_article
            genitive = k != token
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            # Two capitalised words in a row, the first without an article: a name of two
            # words ("Jack Ma", "Donald Trump"); "unserer Plattform Waren" is two nouns.
            run_before = plain(tokens[i - 1]) and _mid(tokens, i - 1) \
                and key(tokens[i - 1]) == tokens[i - 1] and not _after_determiner(tokens, i - 1)
            run_after = plain(nxt) and not after_article
            if genitive and _capitalised(nxt):
                strong[k] += 1                               # "Trumps Bemerkungen"
            elif not genitive and (run_before or run_after):
                strong[k] += 1
    found = {k for k, n in mid.items()
             if n >= 2 and strong[k] and led[k] * 3 <= n and len(k) >= 2}
    for speaker in speakers:
        for token in name_tokens(re.sub(r"\(.*?\)", "", speaker)):
            for form in {token, token.title() if token.isupper() and len(token) > 3 else token}:
                if form.casefold() in PRONOUNS or is_title(form) or len(form) < 2:
                    continue
                if led[form] * 3 <= mid[form]:              # "das Publikum" is no name
                    found.add(form)
    return frozenset(found)


def translated_evidence(pairs: Iterable[tuple[str, str]]) -> tuple[Counter, Counter]:
    """(seen, kept): per capitalised source word (genitives under their stem), in how many
    pairs' sources it occurs and in how many of their translations it is kept."""
    pairs = list(pairs)
    words = {t for s, _ in pairs for t in name_tokens(s)}
    seen: Counter[str] = Counter()
    kept_in: Counter[str] = Counter()
    for source, target in pairs:
        keys = {stem(t) if stem(t) in words else t for t in name_tokens(source)}
        for name in keys:
            seen[name] += 1
            kept_in[name] += kept(name, target)
    return seen, kept_in


def document_names(pairs: Iterable[tuple[str, str]], tgt_lang: str = "en",
                   sources: tuple[str, ...] = (), speakers: tuple[str, ...] = ()
                   ) -> frozenset[str]:
    """Names this document's translations should keep. `pairs`: its translated links
    (copies of the source left out); `sources`: all its source sentences; `speakers`: its
    speaker names and aliases."""
    seen, kept_in = translated_evidence(pairs)
    names = {n for n, k in kept_in.items() if k >= 1 and k * 2 >= seen[n]}
    if tgt_lang.split("-")[0].casefold() not in ("zh", "ja", "ko"):
        for n in source_names(tuple(sources), tuple(speakers)):
            if not (seen[n] >= 2 and kept_in[n] * 2 < seen[n]):
                names.add(n)
    return frozenset(names)
