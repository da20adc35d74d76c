"""The human English translations the project ships (tests/data), as QA sees them: used by
tests/test_qa_human.py (no check raises more than one false alarm per 100 sentences) and
bench/bench_qa.py --human (the table, with every flag and its cause).

- The interview's reference English (tests/data/interview_reference_en.tsv): 155 pairs.
- The layout translations (tests/data/layouts_en): their gold links, each the German
  sentences of one layout text (imported as `bitext import` does) and the English that
  translates them; sentences split or merged by the translator make one link.
- The loose transcript of the interview (tests/data/davos_transcript_en.txt): imported
  with `import-translation` and the real e5 aligner (its vectors ship in
  davos_transcript_e5_query.npz), the links the aligner made; see `transcript_document`.
- A check set the names rules were not tuned on (issue 26): the German–French development
  document (tests/data/align-dev, a Swiss Alpine Club yearbook chronicle of the Himalaya) on
  its gold links, French as the target; see `defr_document`.

Every flag on these is a false alarm in the sense that a person wrote the English, but its
cause differs: a check's mistake, a free translation (the transcript shortens answers), or
a link the aligner got wrong. The bench prints each flag so the cause can be read.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from align.alignment.evaluation import read_links
from tests.qa_damage import glossary_pairs, interview_knowledge, reference_pairs

DATA = Path(__file__).resolve().parent / "data"
LAYOUTS_EN = DATA / "layouts_en"


@dataclass
class HumanDocument:
    name: str
    pairs: list[tuple[str, str]]            # (German, English) per link
    sources: tuple[str, ...] = ()           # every German sentence of the document
    speakers: tuple[str, ...] = ()
    sentences: int = 0                      # English sentences in the pairs
    notes: dict[int, str] = field(default_factory=dict)   # pair index -> "alignment error"
    glossary: list[tuple[str, str]] = field(default_factory=list)
    tgt_lang: str = "en"


def reference_document() -> HumanDocument:
    pairs = reference_pairs()
    return HumanDocument("interview_reference_en.tsv", pairs, *interview_knowledge(),
                         sentences=len(pairs), glossary=glossary_pairs())


def layout_names() -> list[str]:
    return sorted(p.name[:-len(".gold.json")] for p in LAYOUTS_EN.glob("*.gold.json"))


def _german(path: Path) -> tuple[list[str], list[bool], tuple[str, ...]]:
    """The layout text's sentences as `bitext import` segments them, whether each lies in
    boilerplate, and its speakers (as merged and as written)."""
    from align import quality
    from align.imports.source import import_text
    from align.store import Project

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "p"
        import_text(path.read_text(encoding="utf-8"), directory, path.name)
        with Project.open(directory) as p:
            blocks = p.blocks()
            excluded = {b.id for b in blocks if b.excluded}
            segments = p.source_segments()
            sources: dict[str, list] = {}
            for s in segments:
                sources.setdefault(s.block_id, []).append(s)
            knowledge = quality.knowledge_of(blocks, sources)
    return ([s.text for s in segments], [s.block_id in excluded for s in segments],
            knowledge.speakers)


def layout_document(name: str) -> HumanDocument:
    """A layout translation as its gold links: English sentences that share a German
    sentence make one link with all of their German sentences (a split, a merge)."""
    gold = json.loads((LAYOUTS_EN / f"{name}.gold.json").read_text(encoding="utf-8"))
    texts, excluded, speakers = _german(DATA / "layouts" / gold["german"])
    entries = []
    last = -1
    for entry in gold["sentences"]:
        found = set()
        for german in entry["de"]:
            hits = [k for k, text in enumerate(texts) if text == german]
            if not hits:
                raise ValueError(f"{name}: {german!r} is not a sentence of {gold['german']}")
            last = next((h for h in hits if h >= last), hits[0])
            found.add(last)
        entries.append((entry["en"], found))
    # Union the entries that share a German sentence, in order.
    links: list[tuple[list[str], set[int]]] = []
    for english, found in entries:
        if not found:
            continue                     # a sentence the translator added: no source
        if links and links[-1][1] & found:
            links[-1][0].append(english)
            links[-1][1].update(found)
        else:
            links.append(([english], set(found)))
    pairs, sentences = [], 0
    for english, found in links:
        if any(excluded[k] for k in found):
            continue
        pairs.append((" ".join(texts[k] for k in sorted(found)), " ".join(english)))
        sentences += len(english)
    sources = tuple(t for t, x in zip(texts, excluded) if not x)
    return HumanDocument(f"layouts_en/{name}", pairs, sources, speakers, sentences)


def transcript_document() -> HumanDocument:
    """The loose English transcript imported with `import-translation` and the real e5
    aligner (the vectors it embeds ship in tests/data; anything missing is encoded live),
    then the project's links as QA reads them. A link whose English line the transcript's
    gold places in another German block is noted as an alignment error."""
    import models.alignment
    from align import quality
    from align.cli import main
    from align.store import Project
    from models.encoders import CachedEncoder, E5Encoder
    from tests.conftest import make_gold_project

    encoder = CachedEncoder(E5Encoder("query"))
    encoder.import_vectors(DATA / "davos_transcript_e5_query.npz")
    saved = models.alignment._default_encoder
    models.alignment._default_encoder = encoder
    transcript = DATA / "davos_transcript_en.txt"
    gold_first = json.loads((DATA / "davos_transcript_en.gold.json").read_text(
        encoding="utf-8"))["blocks"]
    lines = [line for line in transcript.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            directory = make_gold_project(Path(tmp) / "davos")
            if main(["import-translation", str(directory), "--lang", "en", str(transcript)]) != 0:
                raise RuntimeError("import-translation of the transcript failed")
            with Project.open(directory) as p:
                units = quality.project_units(p, "en")
                knowledge = quality.project_knowledge(p)
                first = {}
                for s in p.source_segments():
                    first.setdefault(s.block_id, s.text)
                targets = {t.id: t.text for t in p.target_segments("en")}
                links = {l.id: l for l in p.links("en")}
    finally:
        models.alignment._default_encoder = saved
    notes = {}
    for k, unit in enumerate(units):
        line = next((i for i, text in enumerate(lines) if unit.target.split(" ")[0] in text
                     and targets[links[unit.link_id].tgt_ids[0]] in text), None)
        if line is not None and gold_first[line] != first[unit.block_id]:
            notes[k] = "alignment error: the English belongs to another turn"
    sentences = sum(len(links[u.link_id].tgt_ids) for u in units)
    return HumanDocument("davos_transcript_en.txt (imported)", [(u.source, u.target) for u in units],
                         knowledge.sources, knowledge.speakers, sentences, notes)


def defr_document() -> HumanDocument:
    """The German–French development document on its gold links (links with text on both
    sides; the one-sided are omissions the aligner's gold records). Its text is tokenised
    (spaces around punctuation), as the corpus ships it; the checks read tokens alike."""
    folder = DATA / "align-dev"
    de = (folder / "dev.de").read_text(encoding="utf-8").splitlines()
    fr = (folder / "dev.fr").read_text(encoding="utf-8").splitlines()
    pairs, sentences = [], 0
    for src, tgt in read_links((folder / "dev.defr").read_text(encoding="utf-8").splitlines()):
        if src and tgt:
            pairs.append((" ".join(de[i].strip() for i in src), " ".join(fr[j].strip() for j in tgt)))
            sentences += len(tgt)
    return HumanDocument("align-dev de-fr (gold links)", pairs, tuple(t.strip() for t in de),
                         (), sentences, tgt_lang="fr")


def flags_of(doc: HumanDocument):
    """Per pair, the flags every check raises on it, in the document's own context."""
    from align.qa.checks import DocumentContext, check_pair

    ctx = DocumentContext(doc.pairs, doc.sources, doc.speakers).context("de", doc.tgt_lang,
                                                                         doc.glossary)
    return [check_pair(s, t, ctx) for s, t in doc.pairs]
