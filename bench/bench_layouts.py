"""Segmentation of German texts in layouts nobody tuned for, against hand-made gold.

Each text in tests/data/layouts/*.txt has a gold file beside it (*.gold.json: blocks with
kind, speaker and sentences, cut by hand). The text is segmented with `segment_document`
and compared with the gold:

* blocks right: gold blocks (turn, narration, heading) found with the same first and last
  character, the same kind and the same speaker; turns right: the same, counting turns only;
* speaker: gold sentences whose words land in a block of the right speaker (none for
  narration and headings);
* sentence boundaries: where a sentence ends (the end of the text not counted), as precision
  and recall; sentences right: gold sentences whose start and end both match a sentence.

The texts came in four batches, each written with its gold before the segmenter was run on
it and then used to fix the rules: the eight without a prefix, then heldout_*, fresh_* and
blind_* (three each). Each batch is summed apart; `--code` on an older commit shows what a
batch scored when it was new (docs/benchmarks.md, "Segmentation").

Positions are counted in the text with all whitespace removed, so a sentence joined from
two lines compares equal; a timestamp or label left in a sentence moves its start. Nothing
is read from outside the repository.

    python bench/bench_layouts.py [--code DIR]    # DIR: another checkout's root, to compare
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "layouts"
BATCHES = ("heldout", "fresh", "blind")  # file-name prefixes of the later batches, in order


@dataclass
class Span:
    kind: str
    speaker: str | None
    start: int
    end: int


@dataclass
class Counts:
    blocks: int = 0
    blocks_right: int = 0
    turns: int = 0
    turns_right: int = 0
    sentences: int = 0
    sentences_right: int = 0
    speaker_right: int = 0
    gold_cuts: int = 0
    found_cuts: int = 0
    right_cuts: int = 0

    def add(self, other: "Counts") -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def locate(text: str, blocks: list[dict]) -> tuple[list[Span], list[Span]]:
    """(block spans, sentence spans) in `text` without whitespace; a sentence that is not
    found in order (the segmenter changed its words) gets no span."""
    flat = "".join(text.split())
    cursor = 0
    block_spans, sentence_spans = [], []
    for block in blocks:
        spans = []
        for sentence in block["sentences"]:
            needle = "".join(sentence.split())
            at = flat.find(needle, cursor)
            if at < 0:
                continue
            cursor = at + len(needle)
            spans.append(Span(block["kind"], block["speaker"], at, cursor))
        sentence_spans += spans
        if spans:
            block_spans.append(Span(block["kind"], block["speaker"], spans[0].start, spans[-1].end))
    return block_spans, sentence_spans


def score(text: str, gold: list[dict], found: list[dict]) -> Counts:
    gold_blocks, gold_sentences = locate(text, gold)
    found_blocks, found_sentences = locate(text, found)
    c = Counts()
    found_keys = {(b.kind, b.speaker, b.start, b.end) for b in found_blocks}
    for b in gold_blocks:
        right = (b.kind, b.speaker, b.start, b.end) in found_keys
        c.blocks += 1
        c.blocks_right += right
        if b.kind == "turn":
            c.turns += 1
            c.turns_right += right
    found_ranges = {(s.start, s.end) for s in found_sentences}
    last = len("".join(text.split()))
    gold_cuts = {s.end for s in gold_sentences if s.end < last}
    found_cuts = {s.end for s in found_sentences if s.end < last}
    for s in gold_sentences:
        c.sentences += 1
        c.sentences_right += (s.start, s.end) in found_ranges
        # The speaker of the found block that holds this sentence's last character.
        holder = next((b for b in found_blocks if b.start < s.end <= b.end), None)
        speaker = holder.speaker if holder and holder.kind == "turn" else None
        wanted = s.speaker if s.kind == "turn" else None
        c.speaker_right += speaker == wanted
    c.gold_cuts, c.found_cuts = len(gold_cuts), len(found_cuts)
    c.right_cuts = len(gold_cuts & found_cuts)
    return c


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def row(name: str, c: Counts) -> str:
    p, r = _ratio(c.right_cuts, c.found_cuts), _ratio(c.right_cuts, c.gold_cuts)
    return (f"{name:<28} {c.blocks_right:>3}/{c.blocks:<3} {c.turns_right:>3}/{c.turns:<3} "
            f"{_ratio(c.speaker_right, c.sentences):>7} {p:>6} {r:>6} "
            f"{c.sentences_right:>3}/{c.sentences:<3}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", help="import align/ from this checkout instead (e.g. an older commit)")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.code).resolve() if args.code else ROOT))
    from align.text.segment import segment_document

    print(f"{'text':<28} {'blocks':>7} {'turns':>7} {'speaker':>7} {'P':>6} {'R':>6} {'sentences':>9}")
    total = Counts()
    batches: dict[str, Counts] = {}
    for gold_path in sorted(DATA.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (DATA / gold["text"]).read_text(encoding="utf-8")
        found = segment_document(text, "de").to_json()["blocks"]
        c = score(text, gold["blocks"], found)
        total.add(c)
        prefix = gold["text"].split("_")[0]
        batch = prefix if prefix in BATCHES else "first"
        batches.setdefault(batch, Counts()).add(c)
        print(row(gold["text"].removesuffix(".txt"), c))
    for batch in ("first",) + BATCHES:
        if batch in batches:
            print(row(f"batch {batch}", batches[batch]))
    print(row("all", total))
    print("blocks/turns: right of gold; speaker: share of gold sentences in a block of the right "
          "speaker; P/R: sentence boundaries; sentences: start and end both right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
