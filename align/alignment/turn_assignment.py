"""A transcript's sentences placed in the project's blocks before any sentence is linked.

A translation laid out as a transcript ("Interviewer: ...", "Jack Ma: ...") rarely has the
project's turns one for one: turns are left out, split over several labelled lines, merged,
and its labels are not the project's names. Aligning it as one text lets a sentence land in a
turn of the other speaker, or far away where the translation was abridged.

So the structure comes first. Each translation sentence is assigned to one project block (a
turn, heading or narration: a *unit*) or to none, by a monotone dynamic programme over the
translation's sentences whose states are "in unit u" and "unplaced since unit u":

- evidence: how well the sentence matches the best sentence of the unit (similarity z-scores,
  less what the best of that many random sentences would reach); "none" earns `null_score`;
- structure: moving on to a later unit costs little at a translation turn boundary and much
  inside a turn (a merged turn is possible, not likely); a new speaker's turn does not continue
  the unit of the turn before; every unit passed over costs a little (missing turns and
  abridged stretches are allowed, but near beats far);
- speakers: the labels are mapped to the project's speakers from the text itself. A first
  pass without speakers places the sentences; each label goes to the speaker whose turns its
  confidently placed sentences fell into (co-occurrence). A second pass allows a labelled
  sentence only in turns of its speaker (or in headings and narration).

The sentences of each unit are then aligned inside it, so no link crosses a turn, and a unit
no sentence was placed in keeps its sentences unlinked.

Pure numpy: the caller passes the sentence similarities (see `similarity_z`).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Hashable, Sequence

import numpy as np

from align.alignment.features import shared_anchor_sets

NEG = -1e9


@dataclass(frozen=True)
class TurnCosts:
    """The structure's prices, in the similarity's z units."""

    null_score: float = 1.5        # a sentence placed nowhere earns this
    noise_weight: float = 0.5      # × sqrt(2 ln n): what the best of n random sentences reaches
    jump_in_turn: float = 2.5      # moving to a later unit inside one translation turn
    stay_new_speaker: float = 4.0  # a turn of another label continuing the same unit
    stay_same_speaker: float = 0.5  # the same label again (a turn split over labelled lines)
    skip_unit: float = 0.3         # per unit with text passed over
    leave_unit: float = 0.5        # going from a unit to "placed nowhere" and back
    confident_margin: float = 1.0  # above null_score: a placement that counts for the speaker map
    map_share: float = 0.6         # a label maps to a speaker holding this share of its votes


@dataclass(frozen=True)
class Placement:
    units: list[int | None]              # per translation sentence: its unit, or None
    speaker_of_label: dict[Hashable, Hashable]  # translation label -> project speaker
    evidence: np.ndarray                 # (sentences, units) after the size allowance


def pair_length_ratio(sim: np.ndarray, units: Sequence[int | None], unit_of_source: Sequence[int],
                      src_chars: Sequence[int], tgt_chars: Sequence[int], min_z: float = 3.0,
                      min_pairs: int = 5) -> float | None:
    """Source characters per target character, from the sentence pairs that clearly translate
    each other (each placed sentence and its best match in its unit, similarity >= min_z):
    the median of their ratios. An abridged translation's blocks hold far less text than the
    source's, so their totals would make every 1:1 link look too short; None with too few
    pairs to tell."""
    sim = np.asarray(sim, dtype=np.float32)
    unit_of_source = np.asarray(unit_of_source, dtype=int)
    logs = []
    for t, u in enumerate(units):
        if u is None:
            continue
        cols = np.flatnonzero(unit_of_source == u)
        best = int(cols[np.argmax(sim[t, cols])])
        if sim[t, best] >= min_z and src_chars[best] and tgt_chars[t]:
            logs.append(math.log(src_chars[best] / tgt_chars[t]))
    return float(math.exp(np.median(logs))) if len(logs) >= min_pairs else None


def similarity_z(src_vecs: np.ndarray, tgt_vecs: np.ndarray) -> np.ndarray:
    """(targets, sources) cosine similarities as z-scores over all pairs: in a document most
    pairs are unrelated, so the whole table is the chance baseline."""
    src = np.asarray(src_vecs, dtype=np.float32)
    tgt = np.asarray(tgt_vecs, dtype=np.float32)
    if not src.size or not tgt.size:
        return np.zeros((len(tgt), len(src)), np.float32)
    cos = tgt @ src.T
    spread = float(cos.std()) or 1.0
    return (cos - float(cos.mean())) / spread


def shared_token_bonus(src_texts: Sequence[str], tgt_texts: Sequence[str], src_cased: bool = True,
                       tgt_cased: bool = True, weight: float = 1.5, cap: float = 3.0) -> np.ndarray:
    """(targets, sources): numbers and names found in both sentences, each worth `weight`
    divided by the number of source sentences holding it ("Trump" in twenty sentences says
    little about which one; "45.000" in one says a lot)."""
    src_sets, tgt_sets = shared_anchor_sets(src_texts, tgt_texts, src_cased, tgt_cased)
    df = Counter(tok for toks in src_sets for tok in toks)
    out = np.zeros((len(tgt_texts), len(src_texts)), np.float32)
    holders: dict[str, list[int]] = defaultdict(list)
    for s, toks in enumerate(src_sets):
        for tok in toks:
            holders[tok].append(s)
    for t, toks in enumerate(tgt_sets):
        for tok in toks:
            out[t, holders[tok]] += weight / df[tok]
    return np.minimum(out, cap)


def unit_evidence(sim: np.ndarray, unit_of_source: Sequence[int], n_units: int,
                  costs: TurnCosts = TurnCosts()) -> np.ndarray:
    """(targets, units): each target's best similarity within the unit, less the best that
    chance would give among that many sentences (a long turn is not a better match by size)."""
    sim = np.asarray(sim, dtype=np.float32)
    out = np.full((sim.shape[0], n_units), NEG, np.float32)
    unit_of_source = np.asarray(unit_of_source, dtype=int)
    for u in range(n_units):
        cols = np.flatnonzero(unit_of_source == u)
        if cols.size and sim.shape[0]:
            allowance = costs.noise_weight * math.sqrt(2 * math.log(cols.size + 1))
            out[:, u] = sim[:, cols].max(axis=1) - allowance
    return out


def _transitions(unit_has_text: np.ndarray, costs: TurnCosts) -> dict[str, np.ndarray]:
    """Transition scores between the 2U+1 states: 0..U-1 "in unit u", U+1+u "placed nowhere,
    last unit u" (U: nowhere, before any unit). Keys: "within" a translation turn, "same" (a
    new turn of the same label), "other" (a new turn of another label)."""
    n = len(unit_has_text)
    # passed[u+1, v]: units with text strictly between u and v (u = -1: before the first)
    with_text = np.concatenate([[0], np.cumsum(unit_has_text.astype(int))])
    last = np.arange(-1, n)                       # last unit of each "nowhere" state
    out = {}
    for kind in ("within", "same", "other"):
        t = np.full((2 * n + 1, 2 * n + 1), NEG, np.float64)
        for a_last, a_state, a_in in ([(u, u, True) for u in range(n)]
                                      + [(int(w), n + 1 + int(w), False) for w in last]):
            for v in range(max(a_last, 0), n):
                passed = with_text[v] - with_text[a_last + 1] if v > a_last else 0
                cost = costs.skip_unit * max(passed, 0)
                if v == a_last:
                    if kind == "other":
                        cost += costs.stay_new_speaker
                    elif kind == "same":
                        cost += costs.stay_same_speaker
                elif kind == "within" and a_last >= 0:
                    cost += costs.jump_in_turn
                if not a_in:
                    cost += costs.leave_unit if a_last >= 0 else 0.0
                t[a_state, v] = -cost
            nowhere = n + 1 + a_last
            t[a_state, nowhere] = -(costs.leave_unit if a_in else 0.0)
        out[kind] = t
    return out


def _best_path(emit: np.ndarray, null_score: float, turn_of: Sequence[int],
               label_of: Sequence[Hashable], trans: dict[str, np.ndarray]) -> list[int | None]:
    n_t, n = emit.shape
    states = 2 * n + 1
    emission = np.concatenate([emit, np.full((n_t, n + 1), null_score)], axis=1)
    score = np.full(states, NEG)
    score[n] = 0.0                                # nowhere, before any unit
    back = np.zeros((n_t, states), dtype=np.int32)
    for t in range(n_t):
        if t == 0:
            kind = "same"
        elif turn_of[t] == turn_of[t - 1]:
            kind = "within"
        else:
            kind = "same" if label_of[t] == label_of[t - 1] else "other"
        cand = score[:, None] + trans[kind]
        back[t] = cand.argmax(axis=0)
        score = cand[back[t], np.arange(states)] + emission[t]
    state = int(score.argmax())
    path = []
    for t in range(n_t - 1, -1, -1):
        path.append(state if state < n else None)
        state = int(back[t, state])
    return path[::-1]


def map_speakers(units: Sequence[int | None], evidence: np.ndarray, label_of: Sequence[Hashable],
                 unit_speaker: Sequence[Hashable], costs: TurnCosts = TurnCosts()) -> dict:
    """label -> speaker: the speaker in whose turns most of the label's confidently placed
    sentences fell, when it holds `map_share` of them."""
    votes: dict[Hashable, Counter] = defaultdict(Counter)
    for t, u in enumerate(units):
        if u is None or label_of[t] is None or unit_speaker[u] is None:
            continue
        if evidence[t, u] >= costs.null_score + costs.confident_margin:
            votes[label_of[t]][unit_speaker[u]] += 1
    out = {}
    for label, counter in votes.items():
        speaker, n = counter.most_common(1)[0]
        if n >= costs.map_share * sum(counter.values()):
            out[label] = speaker
    return out


def place_sentences(sim: np.ndarray, unit_of_source: Sequence[int], unit_speaker: Sequence[Hashable],
                    turn_of: Sequence[int], label_of: Sequence[Hashable],
                    costs: TurnCosts = TurnCosts(), known: dict | None = None) -> Placement:
    """Place each translation sentence in a unit (or none).

    sim: (translation sentences, source sentences) similarity z-scores.
    unit_of_source: the unit of each source sentence (units are numbered in document order).
    unit_speaker: per unit, its speaker (None for headings, narration).
    turn_of / label_of: per translation sentence, the number of its turn and the turn's label
      (None before the first labelled line).
    known: labels already known to be a speaker (e.g. the same name); the text decides the rest.
    """
    n_units = len(unit_speaker)
    sim = np.asarray(sim, dtype=np.float32)
    evidence = unit_evidence(sim, unit_of_source, n_units, costs)
    has_text = np.bincount(np.asarray(unit_of_source, dtype=int), minlength=n_units)[:n_units] > 0
    if not sim.shape[0] or not n_units:
        return Placement([None] * sim.shape[0], {}, evidence)
    trans = _transitions(has_text, costs)
    units = _best_path(evidence, costs.null_score, turn_of, label_of, trans)
    mapping = {**map_speakers(units, evidence, label_of, unit_speaker, costs), **(known or {})}
    if mapping:
        constrained = evidence.copy()
        for t, label in enumerate(label_of):
            speaker = mapping.get(label)
            if speaker is None:
                continue
            for u, other in enumerate(unit_speaker):
                if other is not None and other != speaker:
                    constrained[t, u] = NEG
        units = _best_path(constrained, costs.null_score, turn_of, label_of, trans)
    return Placement(units, mapping, evidence)
