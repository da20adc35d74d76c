"""Human English translations of the layout texts, imported as a user would: where do they land?

    python bench/bench_import_translation.py [NAME ...]     # names from tests/data/layouts_en

For each English file in tests/data/layouts_en (written for the tests: sentences split, merged,
left out, one added; labels renamed; partial and abridged versions without labels), the German
text it translates (tests/data/layouts/) is imported with `bitext import` and the English with
`bitext import-translation --lang en`, in a scratch project, with the real e5 aligner (vectors
from BITEXT_EMBED_CACHE, else ~/.cache/bitext/embeddings.sqlite; missing ones are encoded).
The stored links are then read back and scored against the file's gold (which German
sentences each English sentence translates). Per file it prints:

  exact    English sentences with a counterpart linked to exactly the right German sentence(s)
  wrong    English sentences linked to German that is not (all of) their counterpart, and
           added sentences (no counterpart) that got linked anyway
  unlinked English sentences with a counterpart left without a link
  kept/sugg  two-sided links kept and left as suggestions (score < 0.8)
  P(kept)  share of kept links whose German is exactly the gold of each of their English sentences
  far      kept links more than two German sentences away from any gold counterpart

Asserts nothing.
"""
from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.cli import main as bitext  # noqa: E402
from align.store import Project  # noqa: E402

GERMAN = ROOT / "tests" / "data" / "layouts"
ENGLISH = ROOT / "tests" / "data" / "layouts_en"


def gold_of_targets(targets, gold_sentences, problems):
    """Per stored English sentence, its gold entry (index): the stored sentences are pieces
    of the gold sentences in order (the splitter may cut a gold sentence in two). A stored
    sentence that holds a gold sentence and more (a speaker label left on, two sentences the
    splitter did not cut) goes to the last gold sentence it holds, and is reported."""
    out, k = [], 0
    gold = [" ".join(g["en"].split()) for g in gold_sentences]
    for t in targets:
        text = " ".join(t.text.split())
        j = k
        while j < len(gold) and text not in gold[j]:
            j += 1
        if j == len(gold):
            j = k
            while j < len(gold) and gold[j] not in text:
                j += 1
            if j == len(gold):  # not translation text at all (a label read as a sentence)
                problems.append(("no text", t.text, [], []))
                out.append(None)
                continue
            while j + 1 < len(gold) and gold[j + 1] in text:
                j += 1
            problems.append(("stored", t.text, [], []))
        out.append(j)
        k = j
    return out


def gold_ids(source, gold_sentences):
    """Per gold entry, the ids of its German sentences (a text heard twice, such as "Frau
    Präsidentin!", is the next one in document order)."""
    out, last = [], -1
    for entry in gold_sentences:
        ids = []
        for german in entry["de"]:
            hits = [k for k, s in enumerate(source) if s.text == german]
            if not hits:
                raise SystemExit(f"gold German sentence not stored: {german!r}")
            k = next((h for h in hits if h >= last), hits[0])
            ids.append(source[k].id)
            last = k
        out.append(frozenset(ids))
    return out


def score_project(directory: Path, gold_sentences) -> dict:
    with Project.open(directory) as p:
        source = p.source_segments()
        targets = p.target_segments("en")
        links = [l for l in p.links("en") if l.src_ids and l.tgt_ids]
    position = {s.id: k for k, s in enumerate(source)}
    problems = []
    entry_of = gold_of_targets(targets, gold_sentences, problems)
    gold = gold_ids(source, gold_sentences)
    gold_of = {t.id: frozenset() if entry_of[k] is None else gold[entry_of[k]]
               for k, t in enumerate(targets)}
    text_of = {t.id: t.text for t in targets}
    linked = {}
    for link in links:
        for t in link.tgt_ids:
            linked.setdefault(t, set()).update(link.src_ids)
    exact = wrong = unlinked = 0
    for t in targets:
        want, got = gold_of[t.id], frozenset(linked.get(t.id, ()))
        if got and got == want:
            exact += 1
        elif got:
            wrong += 1
            problems.append(("wrong", t.text, sorted(position[i] for i in got), sorted(position[i] for i in want)))
        elif want:
            unlinked += 1
            problems.append(("unlinked", t.text, [], sorted(position[i] for i in want)))
    kept = [l for l in links if not l.suggested]
    right = [l for l in kept if all(gold_of[t] == frozenset(l.src_ids) for t in l.tgt_ids)]
    far = []
    for l in kept:
        wanted = [position[i] for t in l.tgt_ids for i in gold_of[t]]
        if not wanted or min(abs(position[s] - w) for s in l.src_ids for w in wanted) > 2:
            far.append((" / ".join(text_of[t] for t in l.tgt_ids), sorted(position[s] for s in l.src_ids), sorted(wanted), l.score))
    return {"sentences": len(targets), "with_counterpart": sum(bool(gold_of[t.id]) for t in targets),
            "exact": exact, "wrong": wrong, "unlinked": unlinked, "kept": len(kept),
            "suggested": len(links) - len(kept), "kept_right": len(right),
            "precision_kept": len(right) / len(kept) if kept else float("nan"),
            "far": far, "problems": problems}


def run_one(name: str, scratch: Path) -> dict:
    gold = json.loads((ENGLISH / f"{name}.gold.json").read_text(encoding="utf-8"))
    directory = scratch / name
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert bitext(["import", str(GERMAN / gold["german"]), "--project", str(directory)]) == 0
        assert bitext(["import-translation", str(directory), "--lang", "en", str(ENGLISH / f"{name}.txt")]) == 0
    result = score_project(directory, gold["sentences"])
    result["summary"] = out.getvalue().strip().splitlines()[-1]
    return result


def main(argv: list[str]) -> None:
    names = argv or sorted(p.name[:-len(".gold.json")] for p in ENGLISH.glob("*.gold.json"))
    print(f"{'file':28} {'sent':>4} {'exact':>5} {'wrong':>5} {'unlnk':>5} {'kept':>4} {'sugg':>4} {'P(kept)':>7} {'far':>3}")
    totals = {"kept": 0, "kept_right": 0, "exact": 0, "with_counterpart": 0}
    details = []
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        for name in names:
            r = run_one(name, Path(scratch))
            for key in totals:
                totals[key] += r[key]
            print(f"{name:28} {r['sentences']:4} {r['exact']:5} {r['wrong']:5} {r['unlinked']:5} "
                  f"{r['kept']:4} {r['suggested']:4} {r['precision_kept']:7.3f} {len(r['far']):3}")
            details.append((name, r))
        seconds = time.perf_counter() - start
    print(f"all: {totals['exact']} of {totals['with_counterpart']} sentences with a counterpart exactly right; "
          f"kept links {totals['kept_right']} of {totals['kept']} right "
          f"({totals['kept_right'] / max(totals['kept'], 1):.3f}); {seconds:.0f} s")
    for name, r in details:
        if r["problems"] or r["far"]:
            print(f"\n{name}: {r['summary']}")
            for kind, text, got, want in r["problems"]:
                print(f"  {kind:8} {text[:60]!r} -> German {got} (gold {want})")
            for text, got, want, score in r["far"]:
                print(f"  FAR kept {text[:60]!r} -> German {got} (gold {want}) score {score}")


if __name__ == "__main__":
    main(sys.argv[1:])
