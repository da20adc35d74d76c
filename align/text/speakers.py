"""Finding speaker labels ("Sorkin:", "Jack Ma:", "Q:") in a transcript, and merging typos.

Nothing here knows any name. A label is a run of 1-3 capitalised words right before a
colon and whitespace. It is taken for a speaker when it starts a turn (at the start of a
line or after a sentence end) at least twice, or when it is a near-duplicate of such a
label ("Solkin" for "Sorkin"). Single-word ordinals and discourse words ("Erstens:",
"Finally:", "Hinweis:") are never speakers, nor phrases that open with an article,
determiner or preposition ("Das Problem:", "Die Antwort:", "Zum Beispiel:"); phrases whose
last word is lower case ("Das Gute ist:") or whose first word follows a lower-case word mid-sentence
("... die Frage:") never start a turn in the first place.

Layouts real transcripts use besides "Name: speech":
* titles and initials do not count as words ("Prof. Dr. Anna Keller:", "A. R. S.:"), and a
  number or a role in parentheses may close a label ("Sprecher 2:", "Petra Lang (SPD):");
* a timestamp before the label ("[00:12:03] Sprecher 1:", "00:12 – Anna:") belongs to it:
  the turn starts at the timestamp, and the label counts as opening the line;
* once at least three turns open lines, a label that opens a line once, after the first
  turn, is a speaker too (a guest heard once) when speech follows it;
* a screenplay: a name in capitals alone on its line ("MARIE"), at least twice for each of
  two names or more, with the speech on the next lines; such a turn ends at a blank line;
* a meeting export: a name and a time alone on a line ("Anna Schulz   0:03"), at least three
  times, with the speech on the next lines.

Chinese and Japanese transcripts write labels without spaces, usually with a full-width
colon ("马云：我认为……"): there a label is a run of 1-6 CJK characters (a middle dot allowed,
"杰克·马") between a line start or sentence end and a colon, that opens a line at least once
and is not a phrase ("全球化的问题"), an ordinal ("第五") or a speech verb ("他说", "彼は言った").
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

MAX_LABEL_WORDS = 3  # titles and initials not counted ("Prof. Dr. Anna Keller")
MIN_TRANSCRIPT_LINES = 3  # turns opening lines before a label heard once is trusted

_COLON = re.compile(r":(?=\s)")
_TOKEN = re.compile(r"\S+")
# Single words that introduce a point, never a person.
_NOT_A_SPEAKER = re.compile(
    r"(?:\w+tens|first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|"
    r"finally|lastly|next|then|also|however|example|beispiel|note|hinweis|anmerkung|"
    r"achtung|warning|warnung|tipp?|fazit|summary|zusammenfassung|update|edit|ps|p\.s\.|nb|"
    r"source|quelle|foto|photo|bild|image|video|schließlich|zuletzt|außerdem|zunächst)",
    re.IGNORECASE)
_SENTENCE_END = ".!?…“”\"»)]。！？」』"
# Titles written before a name; with initials they do not count as words of a label.
_TITLES = frozenset("prof dr drs dipl ing mag med phil rer nat jur habil hr hrn fr frl mr mrs ms "
                    "st jr sr sen rep gen".split())
# Articles, determiners and prepositions: "Das Problem:", "Zum Beispiel:" open a point, not a turn.
_DETERMINERS = frozenset("der die das des dem den ein eine einer eines einem einen kein keine "
                         "mein meine unser unsere dieser diese dieses jeder jede jedes "
                         "zum zur im am beim vom ins ans aufs in an auf aus bei mit nach seit "
                         "vor zu über unter für gegen ohne um durch "
                         "the a an my our this that these those in on at for with by from of".split())
# A timestamp right before a label: "[00:12:03] ", "00:12 – ", "(01:02:03.5) ", with a date
# before the time in a chat export ("[12.03.24, 18:02:11] ").
_TIMESTAMP = (r"[\[(]?(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?[ \t]+)?"
              r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?[ \t]*(?:[-–—|][ \t]*)?")
_TIMESTAMP_BEFORE = re.compile(rf"(?<!\S){_TIMESTAMP}$")
# A role in parentheses right before a label's colon.
_ROLE_BEFORE = re.compile(r"(?<=\S)[ \t]+\([^()\n:]{1,40}\)$")
# A meeting export (Teams, Zoom): a name and a time alone on a line, the speech below.
_NAME_TIME_LINE = re.compile(
    r"^[ \t]*([A-ZÄÖÜ][\w'’.-]*(?:[ \t][A-ZÄÖÜ][\w'’.-]*){0,2})"  # 1-3 capitalised words
    r"[ \t]+[(\[]?\d{1,2}:\d{2}(?::\d{2})?[)\]]?[ \t]*\n(?=[ \t]*\S)", re.MULTILINE)
# A screenplay name: capitals alone on a line (a period, hyphen or apostrophe inside allowed).
_NAME_LINE = re.compile(
    r"^[ \t]*([A-ZÄÖÜ][A-ZÄÖÜ.'’-]+(?: [A-ZÄÖÜ][A-ZÄÖÜ.'’-]*){0,2})[ \t]*\n(?=[ \t]*\S)", re.MULTILINE)
# A CJK label: 1-6 ideographs/kana (a middle dot between names) right before a colon.
_CJK_LABEL = re.compile(r"([\u3040-\u30ff\u3400-\u9fff][\u3040-\u30ff\u3400-\u9fff·・]{0,5})[ \t]*[：:]")
# Notes, sources and enumerations that are not people.
_CJK_NOT_A_SPEAKER = frozenset("注 备注 注释 来源 出处 编者按 按 摘要 提示 例如 比如 首先 其次 最后 总之 总结 "
                               "结论 图 图片 照片 视频 更新 声明 附 附录".split())
_CJK_ORDINAL = re.compile(r"[第其][一二三四五六七八九十百千两〇零\d]+")
_CJK_SPEECH_VERB = ("说", "道", "问", "称", "表示", "指出", "认为", "回答", "写", "言った", "述べた", "答えた")
_SPACE = " \t\u3000"  # spaces and tabs, including the ideographic space used to indent


@dataclass(frozen=True)
class TurnStart:
    start: int  # offset of the label's first character
    end: int  # offset just after the colon: where the turn's own text begins
    label: str  # the label exactly as written ("Solkin")
    # A screenplay turn (a name alone on its line) ends at the next blank line.
    ends_at_blank_line: bool = False


@dataclass
class Speakers:
    turns: list[TurnStart]
    canonical: dict[str, str]  # label as written -> canonical speaker name
    merges: dict[str, list[str]] = field(default_factory=dict)  # canonical -> merged aliases


@dataclass(frozen=True)
class _Candidate:
    label: str
    start: int
    colon: int
    clean: bool  # starts a line, or follows a sentence end
    opens_line: bool = False  # only spaces before it on its line
    lead: int = -1  # where its turn starts: a timestamp before the label, else `start`

    @property
    def turn_start(self) -> int:
        return self.start if self.lead < 0 else self.lead


def find_speakers(text: str, undo_merges: Iterable[str] = ()) -> Speakers:
    """Find turn starts and speaker names; `undo_merges` lists aliases to keep separate."""
    by_colon = _candidates(text)
    clean_counts = Counter(c.label for cands in by_colon.values() for c in cands if c.clean)
    accepted = {label for label, n in clean_counts.items() if n >= 2 and _may_be_speaker(label)}
    # A CJK label must open a line somewhere: after "。" alone, "他说：" is just prose.
    opens = {c.label for cands in by_colon.values() for c in cands if c.opens_line}
    accepted = {label for label in accepted if not _is_cjk(label) or label in opens}
    # A label seen once at a turn start is a speaker when it is a near-duplicate of one.
    accepted |= {label for label in clean_counts if label not in accepted and _may_be_speaker(label)
                 and any(_similar(label, other) for other in accepted)}
    accepted |= _heard_once(text, by_colon, accepted)
    turns = []
    for colon, cands in sorted(by_colon.items()):
        # The longest accepted label wins ("Jack Ma", not "Ma"). A mid-sentence label
        # (a missing period before it: "... gemacht haben Solkin: Bitte") needs a
        # capitalised word or a quote after it.
        for cand in sorted(cands, key=lambda c: c.start):
            if cand.label in accepted and (cand.clean or _capitalised_after(text, colon)):
                turns.append(TurnStart(cand.turn_start, colon + 1, cand.label))
                break
    if not turns:
        turns = _screenplay_turns(text) or _name_time_turns(text)
    canonical, merges = _merge_near_duplicates(text, turns, set(undo_merges))
    return Speakers(turns=turns, canonical=canonical, merges=merges)


def _heard_once(text: str, by_colon: dict[int, list[_Candidate]], accepted: set[str]) -> set[str]:
    """Labels that open a line once, in a text laid out as a transcript (a guest's one question)."""
    openers = [c for cands in by_colon.values() for c in cands if c.opens_line]
    turn_lines = [c for c in openers if c.label in accepted]
    if len(turn_lines) < MIN_TRANSCRIPT_LINES:
        return set()
    first = min(c.start for c in turn_lines)
    return {c.label for c in openers
            if c.start > first and c.label not in accepted and not _is_cjk(c.label)
            and not any(ch.isdigit() for ch in c.label) and _may_be_speaker(c.label)
            and _speech_follows(text, c.colon)}


def _speech_follows(text: str, colon: int) -> bool:
    """After a label: a sentence on its line, or nothing on its line and text on the next
    ("Tagesordnungspunkt 5: Verschiedenes" is a heading, not a turn)."""
    line_end = text.find("\n", colon)
    rest = text[colon + 1:line_end if line_end >= 0 else len(text)].strip()
    if rest:
        return bool(re.search(r"[.!?…][\"“”»«'’)]*(?:\s|$)", rest))
    return line_end >= 0 and bool(text[line_end + 1:line_end + 200].split("\n", 1)[0].strip())


def _screenplay_turns(text: str) -> list[TurnStart]:
    """Names in capitals alone on their lines, speech below: at least two names, each twice."""
    found = [(m.start(1), m.end(), m.group(1)) for m in _NAME_LINE.finditer(text)
             if sum(ch.isalpha() for ch in m.group(1)) >= 2 and _may_be_speaker(m.group(1))]
    counts = Counter(name for _, _, name in found)
    names = {name for name, n in counts.items() if n >= 2}
    if len(names) < 2:
        return []
    return [TurnStart(start, end, name, ends_at_blank_line=True)
            for start, end, name in found if name in names]


def _name_time_turns(text: str) -> list[TurnStart]:
    """A name and a time alone on a line ("Anna Schulz   0:03"), the speech below: three or more."""
    found = [m for m in _NAME_TIME_LINE.finditer(text) if _may_be_speaker(m.group(1))]
    if len(found) < MIN_TRANSCRIPT_LINES:
        return []
    return [TurnStart(m.start(1), m.end(), " ".join(m.group(1).split())) for m in found]


def line_labels(text: str) -> set[str]:
    """Labels that open lines ("Sorkin: ...", "马云：..."), when at least two lines open with one.

    For a translation brought in as plain text: its labels need not be the project's (马云 for
    Jack Ma), and a short excerpt may name each speaker once, so the two-turn rule of
    `find_speakers` is relaxed to "the text is laid out as a transcript".
    """
    found = []
    for cands in _candidates(text).values():
        # A timestamp may stand before the label ("[12.03.24, 18:02:11] Anna:"); `label_prefix`
        # takes it off with the label.
        at_line_start = [c for c in cands if c.opens_line]
        if at_line_start and _may_be_speaker(at_line_start[0].label):
            found.append(at_line_start[0].label)
    return set(found) if len(found) >= 2 else set()


def label_prefix(labels: Iterable[str]) -> re.Pattern:
    """Matches one of `labels` with its colon (and the spaces around) at the start of a text,
    with a timestamp before it if there is one ("[00:12:03] ", "[12.03.24, 18:02:11] ");
    group 1 is the label."""
    alternatives = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^[\s\u3000]*(?:{_TIMESTAMP})?({alternatives})[ \t\u3000]*[:：][\s\u3000]*")


def colon_labelled(text: str) -> str:
    """A screenplay ("JONAS" alone on a line, the speech below) or a meeting export ("Anna
    Schulz   0:03" alone on a line) written as a colon transcript ("JONAS: " before the first
    line of the speech), so that a translation laid out that way has labels `line_labels`
    finds; any other text comes back as it is. Only for a text with no colon labels."""
    if line_labels(text):
        return text
    turns = _screenplay_turns(text) or _name_time_turns(text)
    out, at = [], 0
    for turn in turns:
        out.append(text[at:turn.start])
        out.append(f"{turn.label}: ")
        at = turn.end
    return "".join(out) + text[at:]


def _candidates(text: str) -> dict[int, list[_Candidate]]:
    """Every run of 1-3 capitalised words right before ': ', with all its suffixes; and every
    CJK label that starts a line or follows a sentence end."""
    out: dict[int, list[_Candidate]] = {}
    # Where each line's first non-space character is: "opens a line" in constant time.
    line_openers = {m.end() for m in re.finditer(rf"^[{_SPACE}]*", text, re.MULTILINE)}
    for m in _CJK_LABEL.finditer(text):
        start, colon = m.start(1), m.end() - 1
        if _is_clean_start(text, start) and _cjk_may_be_speaker(m.group(1)):
            out.setdefault(colon, []).append(_Candidate(m.group(1), start, colon, True, start in line_openers))
    for m in _COLON.finditer(text):
        colon = m.start()
        # Only a window before the colon is read: transcripts can be one long line.
        window_start = max(text.rfind("\n", max(0, colon - 200), colon) + 1, colon - 200)
        # A role in parentheses may close a label: "Petra Lang (SPD):", "Anna (Moderation):".
        role = _ROLE_BEFORE.search(text, window_start, colon)
        name_end = role.start() if role else colon
        tokens = list(_TOKEN.finditer(text, window_start, name_end))
        if tokens and window_start > 0 and tokens[0].start() == window_start and \
                not text[window_start - 1].isspace():
            tokens = tokens[1:]  # a word cut by the window
        if not tokens or tokens[-1].end() != name_end:
            continue  # "word :" or ":" alone
        # A number may close a label ("Sprecher 2"); titles and initials are not words.
        numbered = len(tokens) > 1 and bool(re.fullmatch(r"\d{1,3}", tokens[-1].group()))
        run, words = [], 0
        for tok in reversed(tokens[:-1] if numbered else tokens):
            if not _is_name_word(tok.group()):
                break
            words += not _is_title(tok.group())
            if words > MAX_LABEL_WORDS:
                break
            run.append(tok)
        for tok in run:  # each suffix of the run: "Jack Ma" and "Ma"
            label = " ".join(text[tok.start():colon].split())
            stamp = _TIMESTAMP_BEFORE.search(text, max(0, tok.start() - 40), tok.start())
            if stamp and not _is_clean_start(text, stamp.start()):
                stamp = None  # part of something else: the label stands on its own
            lead = stamp.start() if stamp else tok.start()
            out.setdefault(colon, []).append(
                _Candidate(label, tok.start(), colon, _is_clean_start(text, lead),
                           lead in line_openers, lead))
    return out


def _is_title(token: str) -> bool:
    """An academic or courtesy title ("Prof.", "Dr.") or an initial ("A.")."""
    return token.endswith(".") and (token[:-1].lower() in _TITLES or
                                    (len(token) == 2 and token[0].isupper()))


def _is_name_word(token: str) -> bool:
    if not token[:1].isupper():
        return False
    if token.endswith("."):  # "Dr.", "Mr.", "Prof." -- but not "Meinung."
        return (len(token) <= 4 and token[:-1].isalpha()) or _is_title(token)
    return bool(re.fullmatch(r"[^\W\d_][\w'’-]*", token))


def _is_cjk(label: str) -> bool:
    return bool(_CJK_LABEL.match(label + "："))


def _cjk_may_be_speaker(label: str) -> bool:
    return not (label in _CJK_NOT_A_SPEAKER or "的" in label or _CJK_ORDINAL.fullmatch(label)
                or label.endswith(_CJK_SPEECH_VERB))


def _is_clean_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 80):pos].rstrip(_SPACE)
    return not before or before.endswith("\n") or before[-1] in _SENTENCE_END


def _capitalised_after(text: str, colon: int) -> bool:
    rest = text[colon + 1:colon + 81].lstrip()
    return rest[:1].isupper() or rest[:1] in "„\"“»«‚‘'("


def _may_be_speaker(label: str) -> bool:
    words = label.split()
    if len(words) > 1:
        return words[0].lower() not in _DETERMINERS
    return not _NOT_A_SPEAKER.fullmatch(label)


def _similar(a: str, b: str) -> bool:
    """Near-duplicate labels: a typo of the same name ("Solkin"/"Sorkin"); a German feminine
    form is another person ("Anwohner"/"Anwohnerin")."""
    if a == b or len(a.split()) != len(b.split()) or min(len(a), len(b)) < 4:
        return False
    short, long_ = sorted((a.lower(), b.lower()), key=len)
    if long_ == short + "in":
        return False
    limit = 1 if max(len(a), len(b)) <= 8 else 2
    return _edit_distance(a.lower(), b.lower()) <= limit


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _merge_near_duplicates(text: str, turns: list[TurnStart],
                           keep_apart: set[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    labels = list(dict.fromkeys(t.label for t in turns))  # in order of first appearance
    turn_counts = Counter(t.label for t in turns)
    mentions = {label: len(re.findall(r"(?<!\w)" + re.escape(label) + r"(?!\w)", text))
                for label in labels}
    # Two labels that speak right after each other are two people (Q and A, Anna and Anne).
    adjacent = {frozenset((a.label, b.label)) for a, b in zip(turns, turns[1:])}
    group = {label: label for label in labels}

    def root(label: str) -> str:
        while group[label] != label:
            label = group[label]
        return label

    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if a in keep_apart or b in keep_apart or frozenset((a, b)) in adjacent:
                continue
            if _similar(a, b):
                group[root(b)] = root(a)
    members: dict[str, list[str]] = {}
    for label in labels:
        members.setdefault(root(label), []).append(label)
    canonical: dict[str, str] = {}
    merges: dict[str, list[str]] = {}
    for names in members.values():
        # The more frequent label wins: turns first, then mentions anywhere in the text
        # ("Andrew Ross Sorkin" in the introduction), then the earlier one.
        best = max(names, key=lambda n: (turn_counts[n], mentions[n], -labels.index(n)))
        for name in names:
            canonical[name] = best
        if len(names) > 1:
            merges[best] = [n for n in names if n != best]
    return canonical, merges
