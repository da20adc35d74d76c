"""`bitext qa DIR`: list the QA flags of a project's translations; exit 1 while any is open."""
from __future__ import annotations

import argparse
import json
import sys

from align.qa.checks import CHECKS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "qa", help="check translations (numbers, copies, loops, length, names, brackets, "
                   "empty output, glossary); exit 1 while a flag is open",
        description="Run the QA checks on every translated sentence and list the open flags, "
                    "one a line: language, sentence id, check, reason, then the texts. Exits 0 "
                    "when nothing is open, 1 when something is (for scripts), 2 on bad input. "
                    "A flag a person dismissed stays dismissed until its texts change.")
    p.add_argument("project", help="project folder")
    p.add_argument("--lang", action="append", help="target language (repeatable; default: all)")
    p.add_argument("--json", action="store_true", help="one JSON object per flag, a line each")
    p.add_argument("--all", action="store_true", help="list dismissed flags too (marked)")
    p.add_argument("--dismiss", nargs=2, metavar=("SENTENCE_ID", "CHECK"),
                   help="dismiss one flag (needs --lang when the project has several): the "
                        "sentence id and the check as listed, one of " + ", ".join(CHECKS))
    p.set_defaults(func=cmd_qa)


def cmd_qa(args: argparse.Namespace) -> int:
    from align.errors import InputError
    from align.quality import dismiss_by_id, run_qa
    from align.store import Project
    from align.text.languages import check_language

    with Project.open(args.project) as project:
        langs = [check_language(l) for l in args.lang] if args.lang else project.languages()
        if args.dismiss:
            if len(langs) != 1:
                raise InputError("say which language the flag is in: --lang en")
            hit = dismiss_by_id(project, langs[0], *args.dismiss)
            print(f"dismissed {hit.flag.code} on {hit.unit.segment_id}: {hit.flag.reason}")
            return 0
        found = [f for lang in langs for f in run_qa(project, lang)]
    shown = [f for f in found if args.all or not f.dismissed]
    for f in shown:
        if args.json:
            print(json.dumps(f.as_dict(), ensure_ascii=False))
        else:
            mark = " (dismissed)" if f.dismissed else ""
            print(f"{f.unit.lang}\t{f.unit.segment_id}\t{f.flag.code}{mark}\t{f.flag.reason}\t"
                  f"{one_line(f.unit.source)}\t{one_line(f.unit.target)}")
    open_flags = sum(not f.dismissed for f in found)
    print(f"{open_flags} open flag(s), {len(found) - open_flags} dismissed, in "
          f"{', '.join(langs) or 'no translations'}", file=sys.stderr)
    return 1 if open_flags else 0


def one_line(text: str) -> str:
    return " ".join(text.split())
