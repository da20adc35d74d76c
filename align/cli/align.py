"""`bitext align` and `bitext eval-align`: sentence alignment of pre-segmented files."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from align.errors import InputError


def register(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--src", required=True, help="source file, one sentence per line")
    common.add_argument("--tgt", required=True, help="target file, one sentence per line")
    common.add_argument("--src-lang", default="de", help="source language code (default: de)")
    common.add_argument("--tgt-lang", default="en", help="target language code (default: en)")
    common.add_argument("--encoder", default="e5",
                        help="sentence encoder: e5 (default, offline), e5:passage, "
                             "hf:<model id or folder> (e.g. hf:sentence-transformers/LaBSE)")
    common.add_argument("--mt", metavar="FILE",
                        help="machine translation of --src into the target language, one line per "
                             "source sentence: used as a bridge signal")
    common.add_argument("--translate", metavar="MODEL",
                        help="translate --src with this MarianMT model (a pair such as de-en, a hub id or "
                             "a folder; fetch with `bitext models pull`) and use the MT as a bridge signal")
    common.add_argument("--cache", metavar="FILE",
                        help="embedding cache file (default: ~/.cache/bitext/embeddings.sqlite)")
    common.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")

    p = subparsers.add_parser("align", parents=[common],
                              help="align two sentence files; prints one link per line, e.g. [0]:[0, 1]:0.8123")
    p.set_defaults(func=run_align)

    p = subparsers.add_parser("eval-align", parents=[common],
                              help="align and score against a gold alignment (strict/lax P/R/F1)")
    p.add_argument("--gold", required=True, help="gold links, one per line: [src ids]:[tgt ids]")
    p.add_argument("--out", metavar="FILE", help="also write the predicted links to FILE")
    p.set_defaults(func=run_eval_align)


def read_sentences(path: str) -> list[str]:
    """One sentence per line; a clear one-line error for a missing, binary or non-UTF-8 file."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no such file: {path}")
    data = file.read_bytes()
    if b"\0" in data:
        raise InputError(f"{path} is a binary file, not text with one sentence per line")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 (byte {exc.start}): convert it first") from exc
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(f"{path} has no sentences")
    return lines


def _align(args) -> list:
    from models.alignment import align_texts
    from models.encoders import default_cache_path, get_encoder

    src, tgt = read_sentences(args.src), read_sentences(args.tgt)
    if args.mt and args.translate:
        raise InputError("give either --mt or --translate, not both")
    mt = read_sentences(args.mt) if args.mt else None
    if args.translate:
        from models.marian import load_translator

        translator = load_translator(args.translate)
        mt = [t.text for t in translator.translate(src)]
    cache = None if args.no_cache else (args.cache or default_cache_path())
    encoder = get_encoder(args.encoder, cache)
    try:
        return align_texts(src, tgt, args.src_lang, args.tgt_lang, encoder=encoder, bridge=mt)
    finally:
        encoder.close()


def run_align(args) -> int:
    from align.alignment.evaluation import format_link

    out = sys.stdout
    for link in _align(args):
        out.write(format_link(link.src, link.tgt, link.score) + "\n")
    return 0


def run_eval_align(args) -> int:
    from align.alignment.evaluation import format_link, read_links, score_alignments

    gold = read_links(read_sentences(args.gold))
    links = _align(args)
    if args.out:
        Path(args.out).write_text("".join(format_link(l.src, l.tgt, l.score) + "\n" for l in links),
                                  encoding="utf-8")
    result = score_alignments([gold], [[(l.src, l.tgt) for l in links]])
    print(result.report())
    return 0
