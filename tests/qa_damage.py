"""Damage a good translation the way machine translation goes wrong, one kind per QA check:
used by tests/test_qa_checks.py (each check catches its kind) and bench/bench_qa.py
(precision and recall per check on the interview's reference English).

Each damage function takes (source, target, rng) and returns the damaged target, or None
when the pair offers nothing to damage that way (no number to garble, no name to drop...).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from align.qa.checks import name_tokens

REFERENCE_EN = Path(__file__).resolve().parent / "data" / "interview_reference_en.tsv"
INTERVIEW_GOLD = Path(__file__).resolve().parent / "fixtures" / "interview_gold.json"

# Terms of the interview with the translation a style guide would require, and the
# wording MT is wont to use instead.
GLOSSARY = {
    "Sesame Credit": ("Sesame Credit", "sesame loans"),
    "Globalisierung": ("globalisation", "internationalisation"),
    "WTO": ("WTO", "World Trade Organization"),
    "Wall Street": ("Wall Street", "the stock market"),
    "Trump Tower": ("Trump Tower", "the Trump building"),
}


def reference_pairs(path: Path = REFERENCE_EN) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            de, en = line.split("\t")
            out.append((de, en))
    return out


def interview_knowledge() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every German sentence of the interview, boilerplate aside; its speakers and their
    aliases): what the document knows of names beyond its translations."""
    data = json.loads(INTERVIEW_GOLD.read_text(encoding="utf-8"))
    sources = tuple(s for b in data["blocks"] if b["kind"] != "boilerplate" for s in b["sentences"])
    speakers = {b["speaker"] for b in data["blocks"] if b["kind"] == "turn" and b["speaker"]}
    speakers |= {alias for aliases in data.get("speakers", {}).values() for alias in aliases}
    return sources, tuple(sorted(speakers))


_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def garble_number(source: str, target: str, rng: random.Random) -> str | None:
    """45,000 -> 45; 14.2 trillion -> 14.2 billion; 2008 -> 2009; 30 -> 3."""
    hits = list(_NUM.finditer(target))
    if not hits:
        return None
    m = rng.choice(hits)
    text = m.group(0)
    scale = re.match(r"\s*(trillion|billion|million)", target[m.end():])
    if scale and rng.random() < 0.5:
        swap = {"trillion": "billion", "billion": "million", "million": "thousand"}
        a = m.end() + scale.start(1)
        return target[:a] + swap[scale.group(1)] + target[a + len(scale.group(1)):]
    if "," in text:
        new = text.split(",")[0]                    # the thousands dropped
    elif len(text) > 1 and rng.random() < 0.5:
        new = text[:-1]                             # a digit lost
    else:
        new = str(int(text.replace(".", "")) + rng.choice([1, 2, 10]))
    return target[:m.start()] + new + target[m.end():]


def drop_name(source: str, target: str, rng: random.Random) -> str | None:
    """A name of the source left out of the translation (every occurrence of it)."""
    names = [n for n in dict.fromkeys(name_tokens(source))
             if re.search(rf"\b{re.escape(n)}\b", target) and n[0].isupper()
             and not target.startswith(n)]
    if not names:
        return None
    name = rng.choice(names)
    damaged = re.sub(rf"\s*\b{re.escape(name)}(?:'s)?\b", "", target)
    return damaged if damaged.strip() and damaged != target else None


def add_loop(source: str, target: str, rng: random.Random) -> str | None:
    """The decoder repeats its last words: "... than I had expected expected expected."."""
    words = target.rstrip(".!?…").split()
    if len(words) < 3:
        return None
    n = rng.choice([1, 2, 3]) if len(words) > 3 else 1
    times = 3 if n == 1 else rng.choice([2, 3])
    tail = words[-n:]
    end = target[len(target.rstrip(".!?…")):]
    return " ".join(words + tail * (times - 1)) + end


def copy_source(source: str, target: str, rng: random.Random) -> str | None:
    return source


def empty(source: str, target: str, rng: random.Random) -> str | None:
    return ""


def truncate(source: str, target: str, rng: random.Random) -> str | None:
    """Half the sentence lost (an early end of sentence)."""
    words = target.split()
    if len(words) < 10:
        return None
    keep = max(2, int(len(words) * rng.uniform(0.25, 0.4)))
    return " ".join(words[:keep]) + "."


def unbalance(source: str, target: str, rng: random.Random) -> str | None:
    """A closing bracket or quotation mark lost."""
    closers = [m for m in re.finditer(r"[)”\]]", target)]
    if not closers:
        return None
    m = rng.choice(closers)
    return target[:m.start()] + target[m.end():]


def break_term(source: str, target: str, rng: random.Random) -> str | None:
    """A glossary term rendered the way the glossary rules out."""
    for term, (wanted, wrong) in GLOSSARY.items():
        if term.casefold() in source.casefold() and wanted.casefold() in target.casefold():
            return re.sub(re.escape(wanted), wrong, target, flags=re.IGNORECASE)
    return None


DAMAGES = {
    "numbers": garble_number,
    "names": drop_name,
    "repeat": add_loop,
    "untranslated": copy_source,
    "empty": empty,
    "length": truncate,
    "brackets": unbalance,
    "glossary": break_term,
}


def glossary_pairs() -> list[tuple[str, str]]:
    return [(term, wanted) for term, (wanted, _) in GLOSSARY.items()]
