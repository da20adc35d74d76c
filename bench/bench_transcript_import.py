"""A loose English transcript imported into the interview: where do its sentences land?

    python bench/bench_transcript_import.py [--vectors tests/data/davos_transcript_e5_query.npz]

The project is the interview's hand-checked segmentation (tests/fixtures/interview_gold.json);
the translation is tests/data/davos_transcript_en.txt (written for the tests: "Interviewer:"
for Sorkin, turns left out, split and merged, long answers cut), and
tests/data/davos_transcript_en.gold.json says which German block each of its lines
translates. Both imports go through `align.imports.translation.align_text` with the real e5
aligner; "before" hides the aligner's `similarity`, so the text is aligned as one text as it
was before transcripts were placed turn by turn. Prints, for each: the share of English
sentences linked into a turn of the right speaker, into the right block, the share left
unlinked, how many links fall under the suggestion threshold, how many German sentences of
blocks the English leaves out got a link (should be none), and the time taken. Asserts
nothing. Vectors come from the e5 cache on disk (BITEXT_EMBED_CACHE, else
~/.cache/bitext/embeddings.sqlite) or --vectors; the time includes encoding what is missing.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from align.alignment.suggestions import is_suggestion  # noqa: E402
from align.imports.translation import align_text  # noqa: E402
from align.store import Project  # noqa: E402
from models.alignment import BlockAligner, default_encoder  # noqa: E402
from tests.conftest import make_gold_project  # noqa: E402

DATA = ROOT / "tests" / "data"
TRANSCRIPT = DATA / "davos_transcript_en.txt"
GOLD = DATA / "davos_transcript_en.gold.json"


def sentence_gold(project: Project, text: str, sentences: list[str]) -> list[int]:
    """The gold block (its position) of each imported sentence: the block of the line it
    comes from, named in the gold file by its first German sentence."""
    first = {}
    for segment in project.source_segments():
        first.setdefault(segment.block_id, segment.text)
    position = {first[b.id]: b.position for b in project.blocks() if b.id in first}
    blocks = [position[german] for german in json.loads(GOLD.read_text(encoding="utf-8"))["blocks"]]
    lines = [line for line in text.splitlines() if line.strip()]
    out, k = [], 0
    for sentence in sentences:
        while sentence.strip() not in lines[k]:
            k += 1
        out.append(blocks[k])
    return out


def measure(project: Project, aligner, label: str) -> dict:
    text = TRANSCRIPT.read_text(encoding="utf-8")
    start = time.perf_counter()
    sentences, links = align_text(project, text, "en", TRANSCRIPT.name, aligner)
    seconds = time.perf_counter() - start
    blocks = project.blocks(include_excluded=False)
    block_of_source = {s.id: s.block_id for s in project.source_segments()}
    position = {b.id: b.position for b in blocks}
    speaker = {b.position: b.speaker for b in blocks}
    gold = sentence_gold(project, text, sentences)
    linked = {}
    for src, tgt, score in links:
        for t in tgt:
            if src:
                linked[t] = (position[block_of_source[src[0]]], score)
    right_speaker = sum(1 for t, (b, _) in linked.items()
                        if speaker[b] == speaker[gold[t]] and speaker[b] is not None
                        or b == gold[t])
    right_block = sum(1 for t, (b, _) in linked.items() if b == gold[t])
    covered = set(gold)
    stray = sum(len(src) for src, tgt, _ in links if src and tgt
                and position[block_of_source[src[0]]] not in covered)
    suggested = sum(1 for src, tgt, score in links if src and tgt and is_suggestion(score))
    two_sided = sum(1 for src, tgt, _ in links if src and tgt)
    n = len(sentences)
    row = dict(variant=label, sentences=n, linked=len(linked),
               right_speaker=right_speaker / n, right_block=right_block / n,
               unlinked=(n - len(linked)) / n, links=two_sided, suggested=suggested,
               german_linked_in_left_out_blocks=stray, seconds=seconds)
    print(f"{label:>7}: {n} English sentences, {len(linked)} linked; in the right speaker's turn "
          f"{right_speaker}/{n} = {right_speaker / n:.3f}; in the right block {right_block}/{n} = "
          f"{right_block / n:.3f}; unlinked {n - len(linked)}; links {two_sided}, of which "
          f"{suggested} suggestions; German sentences linked in blocks the English leaves out: "
          f"{stray}; {seconds:.1f} s")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", help="an .npz of e5 vectors (CachedEncoder.export_vectors)")
    parser.add_argument("--only", choices=("before", "after"),
                        help="one variant (run it twice on one BITEXT_EMBED_CACHE for cold and warm)")
    args = parser.parse_args()
    encoder = default_encoder()
    if args.vectors:
        print(f"loaded {encoder.import_vectors(args.vectors)} vectors from {args.vectors}")
    after = BlockAligner("de", "en", encoder)
    before = lambda blocks: after(blocks)  # noqa: E731  (no `similarity`: one text, as before)
    with tempfile.TemporaryDirectory() as tmp:
        with Project.open(make_gold_project(Path(tmp) / "gold")) as project:
            variants = {"before": before, "after": after}
            rows = [measure(project, variants[name], name) for name in variants
                    if args.only in (None, name)]
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
