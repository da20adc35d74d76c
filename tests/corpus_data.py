"""A small corpus cut from the bundled interview, for the corpus pipeline's tests.

`make_corpus(folder)` writes 20 documents (consecutive sentences of the hand-checked
gold segmentation, about 14 each, one "Speaker: text" line per turn), one document that
brings its own English (a JSONL file pairing the interview's opening with the hand
translations of tests/conftest.py), the bad documents a real corpus has (binary, empty, too
large, undecodable, missing), and a manifest listing them all.
"""
from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REFERENCE, gold_document

DOCUMENTS = 20
BAD = {
    "bad-binary": "looks like a binary file",
    "bad-empty": "the file is empty",
    "bad-too-large": "file is too big",
    "bad-undecodable": "encoding cannot be recognised",
    "bad-missing": "no such file",
}


def good_documents(count: int = DOCUMENTS) -> list[list[str]]:
    """`count` documents of consecutive sentences (turns cut where a document ends; no
    headings or boilerplate), as lines of text, one line per turn."""
    blocks = [b for b in gold_document().blocks if b.kind in ("turn", "narration")]
    sentences = [(k, s) for k, b in enumerate(blocks) for s in b.sentences]
    per_doc = len(sentences) / count
    docs = []
    for number in range(count):
        part = sentences[round(number * per_doc):round((number + 1) * per_doc)]
        lines: list[tuple[int, list[str]]] = []
        for k, sentence in part:
            if not lines or lines[-1][0] != k:
                lines.append((k, []))
            lines[-1][1].append(sentence)
        docs.append([f"{blocks[k].speaker}: {' '.join(ss)}" if blocks[k].speaker else " ".join(ss)
                     for k, ss in lines])
    return docs


def make_corpus(folder: Path, count: int = DOCUMENTS, bad: bool = True, human: bool = True) -> Path:
    """Write the corpus and return its manifest (JSONL; relative paths)."""
    texts = folder / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, lines in enumerate(good_documents(count), start=1):
        name = f"doc-{number:02d}"
        (texts / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        entries.append({"id": name, "de": f"texts/{name}.txt"})
    if human:
        german = list(REFERENCE)[:6]
        (texts / "human.txt").write_text(" ".join(german) + "\n", encoding="utf-8")
        rows = [{"translation": {"de": de, "en": REFERENCE[de][0]}} for de in german]
        (texts / "human.en.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        entries.append({"id": "human", "de": "texts/human.txt", "en": "texts/human.en.jsonl"})
    if bad:
        (texts / "binary.txt").write_bytes(bytes(range(256)) * 4)
        (texts / "empty.txt").write_bytes(b"  \n")
        with (texts / "huge.txt").open("wb") as fh:        # sparse: refused before reading
            fh.truncate(21 * 1024 * 1024)
        (texts / "undecodable.txt").write_bytes(bytes(range(0x80, 0x100)) * 8)
        for name, file in (("bad-binary", "binary.txt"), ("bad-empty", "empty.txt"),
                           ("bad-too-large", "huge.txt"), ("bad-undecodable", "undecodable.txt"),
                           ("bad-missing", "missing.txt")):
            entries.insert(len(entries) // 2, {"id": name, "de": f"texts/{file}"})
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return manifest
