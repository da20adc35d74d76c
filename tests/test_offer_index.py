"""Offering a project's corrections on re-import (issue 21): the indexed matching gives
exactly the offers of matching every memory unit against every sentence, and its work is
bounded by the distinct texts, not by units x sentences."""
import random
from pathlib import Path

import pytest

from align.imports.source import import_text
from align.propagation import _receivers, best_offers, offer_memory, translation_memory
from align.store import Project
from align.text.fuzzy import FuzzyIndex, fuzzy_matches, normalise
from tests.qa_damage import reference_pairs

ROOT = Path(__file__).resolve().parents[1]
INTERVIEW = (ROOT / "data" / "davos_interview_de.txt").read_text(encoding="utf-8")
REFERENCE = dict(reference_pairs())


def pairwise_best(project, memory, same_project, threshold=0.85):
    """The straightforward computation (as offer_memory did before the index): every unit
    against every receiver with fuzzy_matches."""
    out = {}
    for lang in dict.fromkeys(u.lang for u in memory):
        best = {}
        for unit in (u for u in memory if u.lang == lang):
            candidates = {k: v for k, v in _receivers(project, lang, unit.target).items()
                          if not (same_project and k == unit.src_id)}
            for sid, sim in fuzzy_matches(unit.source, candidates, threshold):
                if sid not in best or sim > best[sid][0]:
                    best[sid] = (sim, unit)
        out[lang] = best
    return out


def perturbed(text: str, rng: random.Random) -> str:
    """The text with a few words dropped, doubled or re-cased per line: near repeats."""
    lines = []
    for line in text.splitlines():
        words = line.split(" ")
        for _ in range(rng.randint(0, 3)):
            i = rng.randrange(len(words))
            choice = rng.random()
            if choice < 0.4 and len(words) > 1:
                del words[i]
            elif choice < 0.7:
                words.insert(i, words[i])
            else:
                words[i] = words[i].upper()
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def corrected_project(directory: Path, copies: int, seed: int) -> Project:
    """The interview, then `copies - 1` near repeats; the first copy's sentences with a
    hand-made reference are corrected (edited, some reviewed), a few repeats already say it."""
    rng = random.Random(seed)
    text = INTERVIEW + "".join(perturbed(INTERVIEW, rng) for _ in range(copies - 1))
    import_text(text, directory, "interview.txt")
    p = Project.open(directory)
    sources = p.source_segments()
    first_copy = len(sources) // copies
    picked = [(n, s) for n, s in enumerate(sources) if s.text in REFERENCE]
    for _, s in picked:
        p.set_machine_translation(s.id, "en", f"MT {s.text}", {"model": "m"})
    target_of = {l.src_ids[0]: l.tgt_ids[0] for l in p.links("en")}
    for n, s in picked:
        if n < first_copy or rng.random() < 0.05:       # a correction, or a repeat saying it
            seg = p.segment(target_of[s.id])
            seg = p.edit_segment(seg.id, REFERENCE[s.text], seg.version)
            if rng.random() < 0.2:
                p.set_status(seg.id, "reviewed", seg.version)
    return p


@pytest.mark.parametrize("seed", [1, 2])
def test_index_gives_fuzzy_matches_similarities(seed):
    rng = random.Random(seed)
    sentences = [s for line in INTERVIEW.splitlines() for s in line.split(". ") if s]
    texts = sentences + [perturbed(s, rng).strip() for s in sentences for _ in range(2)]
    index = FuzzyIndex(normalise(t) for t in texts)
    for query in rng.sample(texts, 15):
        for threshold in (0.85, 0.6, 0.95):
            expected = {
                normalise(texts[int(k)]): sim for k, sim in
                fuzzy_matches(query, {str(i): t for i, t in enumerate(texts)}, threshold)}
            assert index.matches(query, threshold) == expected


@pytest.mark.parametrize("same_project", [True, False])
def test_offers_are_those_of_the_pairwise_computation(tmp_path, same_project):
    p = corrected_project(tmp_path / "p", copies=3, seed=7)
    try:
        memory = translation_memory(p)
        assert len(memory) > 50
        expected = pairwise_best(p, memory, same_project)
        got = best_offers(p, memory, same_project=same_project)
        assert list(got) == list(expected)
        for lang in expected:            # the same offers, in the same order
            assert list(got[lang].items()) == list(expected[lang].items())
        assert any(sim < 1.0 for sim, _ in expected["en"].values())   # fuzzy ones too
        assert offer_memory(p, memory, same_project=same_project) == len(expected["en"])
    finally:
        p.close()


def test_work_is_bounded_by_distinct_texts(tmp_path):
    p = corrected_project(tmp_path / "p", copies=20, seed=3)
    try:
        memory = translation_memory(p)
        receivers = len(p.source_segments())
        indexes = []
        offers = best_offers(p, memory, same_project=True, index_stats=indexes)
        (index,) = indexes
        assert len(offers["en"]) > 100
        # Pairwise it would be up to units x sentences full comparisons.
        assert index.ratio_calls < len(memory) * receivers / 100, (
            index.ratio_calls, len(memory), receivers)
    finally:
        p.close()
