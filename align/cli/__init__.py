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


# Command modules in the order of a first run, so `bitext --help` reads as a workflow;
# a module not named here is listed after these, by name.
MODULE_ORDER = ("segment", "project", "speakers", "prepare", "translate", "export", "qa",
                "glossary", "align", "corpus")

EPILOG = """a first run:
  bitext import data/davos_interview_de.txt --project DIR   # segment and store a German text
  bitext prepare DIR                                         # fetch the models, translate
  PROJECT=DIR make app                                       # the reader (in the repository)
  bitext export DIR --format tmx --output out.tmx            # aligned parallel text

bitext COMMAND --help explains each command."""


class _SubParsers(argparse._SubParsersAction):
    """A command's one-line help doubles as its `--help` description when it has none."""

    def add_parser(self, name, **kwargs):
        if kwargs.get("description") is None:
            kwargs["description"] = kwargs.get("help")
        return super().add_parser(name, **kwargs)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _SubParsers)   # nested commands too (models pull)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bitext",
        description="Bilingual reader and translation aligner: segment, translate, align, export.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    rank = {name: i for i, name in enumerate(MODULE_ORDER)}
    for name in sorted(names, key=lambda n: (rank.get(n, len(rank)), n)):
        module = importlib.import_module(f"align.cli.{name}")
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
