"""The `bitext` command line: parses arguments and calls library functions, nothing more.

One module per command group, each exposing `register(subparsers)`. Command modules import
heavy libraries (torch, transformers) and models/ only inside their handlers, so `bitext
--help` stays fast; this is the one place align/ reaches into models/.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from align.errors import BitextError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bitext",
        description="Bilingual reader and translation aligner: segment, translate, align, export.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"align.cli.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BitextError as exc:
        # One line, no traceback: the message says what was wrong and what to do.
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `bitext segment ... | head`: the reader went away; not an error worth a traceback.
        sys.stderr.close()
        return 0
    except OSError as exc:
        # A file system refusal the command did not foresee: still one line, exit 2.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
