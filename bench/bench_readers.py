"""Document readers benchmark: prints figures, asserts nothing.

    python bench/bench_readers.py                    # a 300-paragraph book (~1,500 sentences)
    python bench/bench_readers.py --paragraphs 1500  # larger

A synthetic German book (chapters of short paragraphs, sentences drawn from the test story)
is written as Markdown and turned into DOCX, EPUB and HTML by pandoc and into ODT and PDF by
LibreOffice (`soffice --headless`), as a user's files are made; each file is then read as a
source (`read_document` + `to_document`: reader, segmenter, boilerplate and times) in a
fresh process. Printed per format: file size, seconds, sentences, and the process's peak
resident memory (which includes the interpreter and the libraries, ~100 MB).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STORY = ROOT / "tests" / "data" / "formats" / "gold" / "story.de.pdf.json"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from align.text.readers import read_document
from align.text.readers.structure import to_document
path = Path(sys.argv[1])
t = time.perf_counter()
doc = to_document(read_document(path.read_bytes(), path.name), "de")
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "sentences": sum(len(b.sentences) for b in doc.blocks),
                  "headings": sum(b.kind == "heading" for b in doc.blocks),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def book(paragraphs: int, seed: int = 1) -> str:
    gold = json.loads(STORY.read_text(encoding="utf-8"))
    sentences = [s for b in gold["blocks"] if b["kind"] == "narration" for s in b["sentences"]]
    rng = random.Random(seed)
    out = ["---", "title: Ein langes Buch", "---", ""]
    for k in range(paragraphs):
        if k % 30 == 0:
            out += [f"# Kapitel {k // 30 + 1}", ""]
        out += [" ".join(rng.choice(sentences) for _ in range(5)), ""]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        md = tmp / "book.md"
        md.write_text(book(args.paragraphs), encoding="utf-8")
        made = time.perf_counter()
        subprocess.run(["pandoc", str(md), "-o", str(tmp / "book.docx")], check=True)
        subprocess.run(["pandoc", str(md), "-o", str(tmp / "book.epub")], check=True)
        subprocess.run(["pandoc", "-s", str(md), "-o", str(tmp / "book.html")], check=True)
        for fmt in ("odt", "pdf"):
            subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(tmp),
                            str(tmp / "book.docx")], check=True, capture_output=True)
        print(f"book: {args.paragraphs} paragraphs, made in {time.perf_counter() - made:.1f} s; "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"{'format':8} {'size KB':>8} {'seconds':>8} {'sentences':>9} {'headings':>8} {'peak MB':>8}")
        for name in ("book.md", "book.html", "book.docx", "book.odt", "book.epub", "book.pdf"):
            path = tmp / name
            result = subprocess.run([sys.executable, "-c", CHILD, str(path), str(ROOT)],
                                    check=True, capture_output=True, text=True)
            r = json.loads(result.stdout.strip().splitlines()[-1])
            print(f"{path.suffix[1:]:8} {path.stat().st_size / 1024:8.0f} {r['seconds']:8.2f} "
                  f"{r['sentences']:9d} {r['headings']:8d} {r['peak_mb']:8.0f}")
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
