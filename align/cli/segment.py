"""`bitext segment FILE`: show how a text splits into blocks (turns, headings...) and sentences."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

OUTLINE_WIDTH = 100


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "segment", help="split a text into speaker turns, headings and sentences",
        description="Read a text file and print its structure: narration, speaker turns, "
                    "headings and trailing boilerplate, each with its sentences. Similar "
                    "speaker labels are merged (\"Solkin\" into \"Sorkin\"); --keep-apart "
                    "undoes a merge.")
    p.add_argument("file", help="the text file (UTF-8, UTF-16/32 with BOM, or a recognisable legacy encoding)")
    p.add_argument("--lang", default="de", help="language of the text (default: de)")
    p.add_argument("--json", action="store_true",
                   help='print {"blocks": [...], "speakers": {...}} as JSON')
    p.add_argument("--keep-apart", action="append", default=[], metavar="LABEL",
                   help="a speaker label (as written) not to merge into a similar one; repeatable")
    p.set_defaults(func=cmd_segment)


def cmd_segment(args: argparse.Namespace) -> int:
    import sys

    from align.text.languages import check_language
    from align.text.readers import read_document, size_limit
    from align.text.readers.structure import to_document
    from align.text.segment import segment_document
    from align.text.textio import decode_text, read_user_bytes

    lang = check_language(args.lang)
    path = Path(args.file)
    data = read_user_bytes(path, size_limit(path))
    read = read_document(data, path.name)   # a document format (DOCX, EPUB, SRT...), or None
    if read is None:
        text = decode_text(data, str(path))
        doc = segment_document(text, lang=lang, title=args.file, undo_merges=args.keep_apart)
    else:
        text = read.source_text()[0]
        doc = to_document(read, lang=lang, title=args.file, undo_merges=args.keep_apart)
    merged = {alias for aliases in segment_document(text, lang=lang).speakers.values()
              for alias in aliases} if args.keep_apart else set()
    for label in args.keep_apart:
        if label not in merged:
            print(f"warning: --keep-apart {label}: no speaker label {label!r} was merged "
                  f"(merged: {', '.join(sorted(merged)) or 'none'})", file=sys.stderr)
    if args.json:
        print(json.dumps(doc.to_json(), ensure_ascii=False, indent=2))
    else:
        print(outline(doc))
    return 0


def outline(doc) -> str:
    """A readable outline: one line per block, its sentences indented below."""
    lines = []
    for number, block in enumerate(doc.blocks, 1):
        who = f" {block.speaker}" if block.speaker else ""
        if block.speaker_label and block.speaker_label != block.speaker:
            who += f" (written {block.speaker_label})"
        count = len(block.sentences)
        lines.append(f"#{number} {block.kind}{who}: {count} sentence{'s' * (count != 1)}")
        for sentence in block.sentences:
            if len(sentence) > OUTLINE_WIDTH:
                sentence = sentence[:OUTLINE_WIDTH - 1].rstrip() + "…"
            lines.append(f"    {sentence}")
    lines.append(f"(sentences longer than {OUTLINE_WIDTH} characters are shortened with …; "
                 f"--json prints them whole)")
    if doc.speakers:
        merged = "; ".join(f"{name} <- {', '.join(aliases)}" for name, aliases in doc.speakers.items())
        lines.append(f"merged speaker labels: {merged} (undo with --keep-apart LABEL)")
    return "\n".join(lines)
