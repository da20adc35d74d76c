"""Placing a transcript's sentences in the project's turns when the turns do not match
(align/alignment/turn_assignment.py), and the import that aligns inside the placed turns."""
from __future__ import annotations

import numpy as np
import pytest

from align.alignment.turn_assignment import (TurnCosts, map_speakers, pair_length_ratio,
                                             place_sentences, shared_token_bonus, similarity_z,
                                             unit_evidence)
from align.imports.translation import align_text
from align.store import Project
from align.text.document import Block, Document

# The project: (kind, speaker, sentences as concept names). Concepts stand for meanings; a
# translation sentence of the same concept is its translation.
UNITS = [
    ("narration", None, ["intro1", "intro2"]),
    ("turn", "Sorkin", ["welcome", "met_trump", "tell_us"]),
    ("turn", "Jack Ma", ["productive"]),
    ("turn", "Sorkin", ["expect"]),
    ("turn", "Jack Ma", ["news", "open_minded", "happy", "downstairs"]),
    ("turn", "Sorkin", ["who_called", "how_come"]),          # left out by the translation
    ("turn", "Jack Ma", ["ask_myself", "one_day", "email"]),  # left out by the translation
    ("heading", None, ["heading_glob"]),
    ("turn", "Sorkin", ["jobs", "not_employed"]),
    ("turn", "Jack Ma", ["no_hire", "45000", "million"]),
    ("turn", "Jack Ma", ["last_words", "thirty_years"]),
    ("turn", "Sorkin", ["thanks"]),
]
# The translation: (label, concepts) per turn; None: lines before the first label.
TRANSCRIPT = [
    ("Interviewer", ["welcome"]),                       # Sorkin's turn split over two labels
    ("Interviewer", ["met_trump", "tell_us"]),
    ("Jack Ma", ["productive"]),
    ("Interviewer", ["expect"]),
    ("Jack Ma", ["news", "happy", "downstairs"]),       # cut short
    ("Interviewer", ["jobs", "not_employed"]),
    ("Jack Ma", ["no_hire", "45000", "last_words"]),    # two Jack Ma turns merged
    ("Interviewer", ["aside", "thanks"]),               # an aside with no counterpart
]


def concept_similarity(src: list[str], tgt: list[str], seed: int = 0) -> np.ndarray:
    """z-like similarities: 5 for a translation, noise otherwise (as an encoder would give)."""
    rng = np.random.default_rng(seed)
    sim = rng.normal(0.0, 1.0, (len(tgt), len(src)))
    for t, concept in enumerate(tgt):
        for s, other in enumerate(src):
            if concept == other:
                sim[t, s] = 5.0
    return sim


def flatten():
    src = [c for _, _, cs in UNITS for c in cs]
    unit_of_source = [u for u, (_, _, cs) in enumerate(UNITS) for _ in cs]
    speakers = [sp if kind == "turn" else None for kind, sp, _ in UNITS]
    tgt = [c for _, cs in TRANSCRIPT for c in cs]
    turn_of = [k for k, (_, cs) in enumerate(TRANSCRIPT) for _ in cs]
    label_of = [label for label, cs in TRANSCRIPT for _ in cs]
    return src, unit_of_source, speakers, tgt, turn_of, label_of


def unit_of_concept(concept: str) -> int | None:
    return next((u for u, (_, _, cs) in enumerate(UNITS) if concept in cs), None)


@pytest.mark.parametrize("seed", range(5))
def test_sentences_land_in_their_turn_with_turns_missing_split_and_merged(seed):
    src, unit_of_source, speakers, tgt, turn_of, label_of = flatten()
    placement = place_sentences(concept_similarity(src, tgt, seed), unit_of_source, speakers,
                                turn_of, label_of)
    expected = [unit_of_concept(c) for c in tgt]
    aside = tgt.index("aside")
    # the aside matches nothing: placed nowhere, or with the question it opens (its turn)
    assert placement.units[aside] in (None, unit_of_concept("thanks"))
    expected[aside] = placement.units[aside]
    assert placement.units == expected
    assert placement.speaker_of_label == {"Interviewer": "Sorkin", "Jack Ma": "Jack Ma"}


def test_labels_map_to_speakers_by_where_their_sentences_fall_not_by_name():
    src, unit_of_source, speakers, tgt, turn_of, label_of = flatten()
    relabelled = {"Interviewer": "A. R. S.", "Jack Ma": "马云"}
    labels = [relabelled[x] for x in label_of]
    placement = place_sentences(concept_similarity(src, tgt), unit_of_source, speakers, turn_of, labels)
    assert placement.speaker_of_label == {"A. R. S.": "Sorkin", "马云": "Jack Ma"}


def test_a_sentence_is_not_placed_in_a_turn_of_the_other_speaker():
    # "tell_us" (Sorkin's) looks most like Jack Ma's "productive" here, a little more than like
    # its own; the speaker map, learned from the rest, keeps it with Sorkin or nowhere.
    src, unit_of_source, speakers, tgt, turn_of, label_of = flatten()
    sim = concept_similarity(src, tgt)
    t = tgt.index("tell_us")
    sim[t, src.index("tell_us")] = 2.5
    sim[t, src.index("productive")] = 3.5
    placement = place_sentences(sim, unit_of_source, speakers, turn_of, label_of)
    assert placement.units[t] in (unit_of_concept("tell_us"), None)
    assert speakers[placement.units[tgt.index("productive")]] == "Jack Ma"


def test_an_abridged_translation_leaves_the_missing_stretch_empty():
    src, unit_of_source, speakers, tgt, turn_of, label_of = flatten()
    placement = place_sentences(concept_similarity(src, tgt), unit_of_source, speakers, turn_of, label_of)
    placed = set(placement.units)
    for concept in ("who_called", "ask_myself", "heading_glob", "intro1"):
        assert unit_of_concept(concept) not in placed
    assert placement.units[tgt.index("aside")] in (None, unit_of_concept("thanks"))


def test_without_evidence_nothing_is_placed():
    src, unit_of_source, speakers, tgt, turn_of, label_of = flatten()
    sim = np.random.default_rng(3).normal(0.0, 1.0, (len(tgt), len(src)))
    placement = place_sentences(sim, unit_of_source, speakers, turn_of, label_of)
    assert sum(u is not None for u in placement.units) <= 2


def test_evidence_allows_for_the_size_of_a_unit():
    sim = np.array([[2.0, 2.0, 2.0, 2.0, 2.0]])
    ev = unit_evidence(sim, [0, 1, 1, 1, 1], 2)
    assert ev[0, 0] > ev[0, 1]   # the same best match in a longer unit is worth less


def test_speaker_map_needs_a_clear_majority():
    evidence = np.full((4, 2), 5.0)
    units = [0, 1, 0, 1]
    mapping = map_speakers(units, evidence, ["Q"] * 4, ["A", "B"], TurnCosts())
    assert mapping == {}
    assert map_speakers([0, 0, 0, 1], evidence, ["Q"] * 4, ["A", "B"]) == {"Q": "A"}


def test_similarity_z_and_shared_tokens():
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(6, 8))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    z = similarity_z(vecs[:3], vecs[3:])
    assert z.shape == (3, 3) and abs(float(z.mean())) < 1e-5
    bonus = shared_token_bonus(["Alibaba hat 45.000 Mitarbeiter.", "Trump und Alibaba."],
                               ["Alibaba has 45,000 employees."])
    assert bonus[0, 0] > bonus[0, 1] > 0   # the number counts, the common name a little


# ----- through the import --------------------------------------------------------------------

GERMAN = {
    "intro1": "Am Morgen wurde Jack Ma in Davos interviewt.", "intro2": "Es war ein beliebter Dialog.",
    "welcome": "Nochmals willkommen, Herr Jack Ma!", "met_trump": "Sie haben gerade Trump getroffen.",
    "tell_us": "Können Sie uns von diesem Treffen erzählen?",
    "productive": "Das Treffen war produktiv.", "expect": "Was sind Ihre Erwartungen?",
    "news": "Ich habe viele Neuigkeiten gehört.", "open_minded": "Er war aufgeschlossen.",
    "happy": "Ich war sehr zufrieden.", "downstairs": "Er brachte mich nach unten.",
    "who_called": "Wer hat wen angerufen?", "how_come": "Wie kam es dazu?",
    "ask_myself": "Das frage ich mich auch.", "one_day": "Eines Tages fragte mich jemand.",
    "email": "Ein Freund schickte mir eine E-Mail.", "heading_glob": "Globalisierung",
    "jobs": "Sie versprachen eine Million Arbeitsplätze.", "not_employed": "Sind sie bei Alibaba angestellt?",
    "no_hire": "Wir stellen nicht ein.", "45000": "Alibaba hat 45.000 Mitarbeiter.",
    "million": "Wir können nicht 1 Million Leute einstellen.",
    "last_words": "Kann ich noch ein paar Worte sagen?", "thirty_years": "Die nächsten 30 Jahre zählen.",
    "thanks": "Vielen Dank, Herr Jack Ma!",
}
ENGLISH = {
    "welcome": "Welcome back, Jack.", "met_trump": "You just met Trump.",
    "tell_us": "Tell us about that meeting.", "productive": "Well, it was a very productive meeting.",
    "expect": "What did you expect?", "news": "Like everybody, I heard a lot of news.",
    "happy": "I was very happy.", "downstairs": "He walked me downstairs.",
    "jobs": "You promised a million jobs.", "not_employed": "Not Alibaba employees, are they?",
    "no_hire": "No, we don't hire.", "45000": "Alibaba has 45,000 employees.",
    "last_words": "Can I say a few last words?", "aside": "That is a good question.",
    "thanks": "Thank you very much, Jack Ma!", "title": "Jack Ma in Davos",
}
CONCEPT = {**{v: k for k, v in GERMAN.items()}, **{v: k for k, v in ENGLISH.items()}}


class ConceptAligner:
    """The import's aligner protocol with a known answer: `similarity` from the concepts (as
    an encoder would see translations), blocks aligned by concept, 1:1, else left unaligned."""

    def __init__(self):
        self.blocks = []

    def similarity(self, src, tgt):
        return concept_similarity([CONCEPT[s] for s in src], [CONCEPT[t] for t in tgt])

    def __call__(self, blocks, length_ratio=None):
        self.blocks.append(blocks)
        out = []
        for src, tgt in blocks:
            links, used = [], set()
            for j, t in enumerate(tgt):
                i = next((i for i, s in enumerate(src) if CONCEPT[s] == CONCEPT[t]), None)
                links.append(((i,), (j,), 0.9) if i is not None else ((), (j,), 0.0))
                used.add(i)
            links += [((i,), (), 0.0) for i in range(len(src)) if i not in used]
            out.append(links)
        return out


def transcript_text(names=("Interviewer", "Jack Ma")) -> str:
    lines = ["Jack Ma in Davos"]
    relabel = dict(zip(("Interviewer", "Jack Ma"), names))
    for label, concepts in TRANSCRIPT:
        colon = "：" if relabel[label][0] > "\u3000" else ": "
        lines.append(f"{relabel[label]}{colon}" + " ".join(ENGLISH[c] for c in concepts))
    # the merged Jack Ma answer goes over two lines, the second without a label
    merged = next(k for k, line in enumerate(lines) if "No, we" in line)
    first, second = lines[merged].split(" Can I", 1)
    lines[merged:merged + 1] = [first, "Can I" + second]
    return "\n".join(lines) + "\n"


@pytest.fixture
def project(tmp_path):
    doc = Document([Block(kind, [GERMAN[c] for c in cs], speaker=sp, speaker_label=sp)
                    for kind, sp, cs in UNITS], lang="de", title="toy interview")
    with Project.create(tmp_path / "p") as p:
        p.import_document(doc, "toy.txt", "toy")
        yield p


@pytest.mark.parametrize("names", [("Interviewer", "Jack Ma"), ("A. R. S.", "马云"),
                                   ("Andrew Ross Sorkin", "Ma")])
def test_import_links_only_within_the_right_turn_and_takes_the_labels_off(project, names):
    aligner = ConceptAligner()
    sentences, links = align_text(project, transcript_text(names), "en", "en.txt", aligner)
    assert not any(s.startswith(tuple(n + c for n in names for c in ":：")) for s in sentences)
    german = {s.id: s.text for s in project.source_segments()}
    pairs = {sentences[t]: german[src[0]] for src, tgt, _ in links if src for t in tgt}
    assert pairs == {ENGLISH[c]: GERMAN[c] for c in ENGLISH if c not in ("aside", "title")}
    assert ENGLISH["aside"] in sentences and ENGLISH["aside"] not in pairs
    # one aligner call, one block per placed unit; no block for what the English leaves out
    assert len(aligner.blocks) == 1
    aligned_german = {s for src, _ in aligner.blocks[0] for s in src}
    assert not aligned_german & {GERMAN[c] for c in ("who_called", "ask_myself", "heading_glob", "intro1")}


def test_an_aligner_without_similarity_aligns_a_mismatched_transcript_as_one_text(project):
    calls = []

    def plain(blocks):
        calls.append(blocks)
        return [[] for _ in blocks]
    with pytest.raises(Exception):
        align_text(project, transcript_text(), "en", "en.txt", plain)
    assert len(calls[0]) == 1


def test_turns_the_project_lacks_are_placed_nowhere():
    extra = [("Interviewer", ["extra_q"]), ("Jack Ma", ["extra_a1", "extra_a2", "extra_a3"])]
    transcript = TRANSCRIPT[:4] + extra + TRANSCRIPT[4:]
    src, unit_of_source, speakers, _, _, _ = flatten()
    tgt = [c for _, cs in transcript for c in cs]
    turn_of = [k for k, (_, cs) in enumerate(transcript) for _ in cs]
    label_of = [label for label, cs in transcript for _ in cs]
    placement = place_sentences(concept_similarity(src, tgt, 1), unit_of_source, speakers, turn_of, label_of)
    for concept in ("extra_q", "extra_a1", "extra_a2", "extra_a3"):
        assert placement.units[tgt.index(concept)] is None
    assert placement.units[tgt.index("news")] == unit_of_concept("news")


def test_length_ratio_comes_from_clear_pairs_not_from_block_totals():
    # every unit's German is three times the English it keeps (abridged), but each kept
    # sentence is 1.2 times as long in German as in English
    src, unit_of_source, speakers, tgt, turn_of, label_of = flatten()
    sim = concept_similarity(src, tgt)
    placement = place_sentences(sim, unit_of_source, speakers, turn_of, label_of)
    tgt_chars = [50] * len(tgt)
    src_chars = [60] * len(src)
    ratio = pair_length_ratio(sim, placement.units, unit_of_source, src_chars, tgt_chars)
    assert ratio == pytest.approx(1.2)
    assert pair_length_ratio(np.zeros_like(sim), placement.units, unit_of_source, src_chars,
                             tgt_chars) is None   # no clear pair: no estimate
