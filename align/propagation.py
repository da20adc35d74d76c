"""Corrections propagate (issue 12): a correction made once is offered wherever the same or
nearly the same source sentence comes back, as a CAT tool's translation memory offers a
fuzzy match (85% or more). Offered, never applied: a person accepts each suggestion (or all
of them) in the reader.

Two ways in:
- `propagate_correction`: a person saved a translation; every other sentence whose source
  matches gets it as a suggestion (unless its translation already says that, or a person
  reviewed it).
- `offer_memory`: new text was imported; the corrected sentences of a project (the same
  one on re-import, or the one open in the reader) are offered as matches.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from align.store import Project
from align.text.fuzzy import THRESHOLD, FuzzyIndex, fuzzy_matches, normalise

HUMAN = ("edited", "reviewed")


@dataclass(frozen=True)
class MemoryUnit:
    """One corrected sentence: its source and its translation in `lang`."""
    lang: str
    src_id: str
    source: str
    tgt_id: str
    target: str


def _one_to_one(project: Project, lang: str) -> dict[str, str]:
    """source id -> target id, for sentences linked 1:1 in `lang`."""
    return {link.src_ids[0]: link.tgt_ids[0] for link in project.links(lang)
            if len(link.src_ids) == 1 and len(link.tgt_ids) == 1}


def _sources(project: Project) -> dict[str, str]:
    """Source sentences that are read and translated (boilerplate left out)."""
    included = {b.id for b in project.blocks(include_excluded=False)}
    return {s.id: s.text for s in project.source_segments() if s.block_id in included}


def translation_memory(project: Project, langs: Iterable[str] | None = None) -> list[MemoryUnit]:
    """The project's corrected sentences (edited or reviewed, linked 1:1)."""
    sources = {s.id: s.text for s in project.source_segments()}
    units = []
    for lang in langs or [l for l in project.languages() if l != project.source_lang]:
        pairs = _one_to_one(project, lang)
        targets = project.segments_by_id(list(pairs.values()))
        for sid, tid in pairs.items():
            t = targets.get(tid)
            if t is not None and t.status in HUMAN and t.text.strip() and sid in sources:
                units.append(MemoryUnit(lang, sid, sources[sid], tid, t.text))
    return units


def _receiver_pool(project: Project, lang: str) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(source id -> source text of the sentences that may receive a translation in `lang`:
    not reviewed by a person, not in a many-sided link; stripped translation -> the ids among
    them whose translation already says it, so they do not receive that one)."""
    pairs = _one_to_one(project, lang)
    targets = project.segments_by_id(list(pairs.values()))
    linked = {s for link in project.links(lang) for s in link.src_ids}
    pool: dict[str, str] = {}
    saying: dict[str, set[str]] = {}
    for sid, source in _sources(project).items():
        if sid in pairs:
            t = targets.get(pairs[sid])
            if t is None or t.status == "reviewed":
                continue
            saying.setdefault(t.text.strip(), set()).add(sid)
        elif sid in linked:
            continue
        pool[sid] = source
    return pool, saying


def _receivers(project: Project, lang: str, text: str) -> dict[str, str]:
    """Source id -> source text of the sentences that may receive `text` in `lang`."""
    pool, saying = _receiver_pool(project, lang)
    says = saying.get(text.strip(), set())
    return {sid: source for sid, source in pool.items() if sid not in says}


def propagate_correction(project: Project, tgt_id: str, threshold: float = THRESHOLD) -> int:
    """Offer the saved translation `tgt_id` to every sentence whose source matches its
    own; returns how many suggestions are open for it now."""
    seg = project.segment(tgt_id)
    if seg.status not in HUMAN or not seg.text.strip():
        return 0
    link = next((l for l in project.links(seg.lang) if tgt_id in l.tgt_ids), None)
    if link is None or len(link.src_ids) != 1 or len(link.tgt_ids) != 1:
        return 0
    src_id = link.src_ids[0]
    source = project.segments_by_id([src_id])[src_id].text
    candidates = _receivers(project, seg.lang, seg.text)
    candidates.pop(src_id, None)
    matches = fuzzy_matches(source, candidates, threshold)
    return project.offer_correction(seg.lang, src_id, tgt_id, seg.text, matches)


def propagate_corrections(project: Project, tgt_ids: Sequence[str]) -> int:
    return sum(propagate_correction(project, t) for t in dict.fromkeys(tgt_ids))


def best_offers(project: Project, memory: Sequence[MemoryUnit], *, same_project: bool,
                threshold: float = THRESHOLD, index_stats: list | None = None,
                ) -> dict[str, dict[str, tuple[float, MemoryUnit]]]:
    """lang -> source id -> (similarity, unit) of the best match from `memory` for each
    sentence of `project` (the first unit wins a tie). The same as matching every unit
    against every receiver with `fuzzy_matches`, but each distinct source text is compared
    once per language, against an index of the distinct receiver texts (bounded work on a
    long text full of repeats). `index_stats` collects each language's FuzzyIndex."""
    by_lang: dict[str, list[MemoryUnit]] = {}
    for unit in memory:
        by_lang.setdefault(unit.lang, []).append(unit)
    result = {}
    for lang, units in by_lang.items():
        pool, saying = _receiver_pool(project, lang)
        position = {sid: i for i, sid in enumerate(pool)}
        ids_by_form: dict[str, list[str]] = {}
        for sid, source in pool.items():
            ids_by_form.setdefault(normalise(source), []).append(sid)
        index = FuzzyIndex(ids_by_form)
        if index_stats is not None:
            index_stats.append(index)
        # Per query form: the receivers it matches, best first, ties in text order (as
        # fuzzy_matches ranks them).
        ranked_by_query: dict[str, list[tuple[str, float]]] = {}
        best: dict[str, tuple[float, MemoryUnit]] = {}
        for unit in units:
            q = normalise(unit.source)
            if q not in ranked_by_query:
                hits = [(sid, sim) for form, sim in index.matches(unit.source, threshold).items()
                        for sid in ids_by_form[form]]
                hits.sort(key=lambda hit: (-hit[1], position[hit[0]]))
                ranked_by_query[q] = hits
            says = saying.get(unit.target.strip(), ())
            for sid, sim in ranked_by_query[q]:
                if sid in says or (same_project and sid == unit.src_id):
                    continue
                if sid not in best or sim > best[sid][0]:
                    best[sid] = (sim, unit)
        result[lang] = best
    return result


def offer_memory(project: Project, memory: Sequence[MemoryUnit], *, same_project: bool,
                 threshold: float = THRESHOLD) -> int:
    """Offer each sentence of `project` the best match from `memory` (of this project, or
    of another one: sentence ids are derived from the text, so only within one project is
    an equal id the sentence itself), per language; returns how many were offered."""
    offered = 0
    for lang, best in best_offers(project, memory, same_project=same_project,
                                  threshold=threshold).items():
        open_now = {(s.src_id, s.text) for s in project.offers(lang)}
        for sid, (sim, unit) in best.items():
            if (sid, unit.target) in open_now:
                continue
            project.add_offer(lang, sid, unit.src_id, unit.tgt_id, unit.target, sim)
            offered += 1
    return offered


def accept_all(project: Project, lang: str | None = None) -> tuple[int, list[str]]:
    """Accept every open suggestion (the best one per sentence); returns (accepted, one line
    per suggestion that could not be applied)."""
    from align.errors import BitextError

    accepted, problems = 0, []
    done: set[tuple[str, str]] = set()
    for sug in project.offers(lang):           # best match first
        if (sug.lang, sug.src_id) in done:
            continue
        try:
            project.accept_offer(sug.id)
        except BitextError as exc:
            problems.append(str(exc))
            continue
        done.add((sug.lang, sug.src_id))
        accepted += 1
    return accepted, problems
