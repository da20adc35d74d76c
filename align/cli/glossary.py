"""`bitext glossary DIR add|remove|list|import|export`: term pairs per target language,
checked by `bitext qa` and highlighted in the reader."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("glossary", help="a project's glossary: term pairs per language",
                       description="Term pairs (German term, its required translation) per "
                                   "target language. `bitext qa` flags a sentence whose source "
                                   "has a term and whose translation lacks its target term. "
                                   "TSV files hold source<TAB>target, one pair a line.")
    p.add_argument("project", help="project folder")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    a = actions.add_parser("add", help="add a term pair (or change its target)")
    a.add_argument("source", help="the German term (quote a term of several words)")
    a.add_argument("target", help="its required translation")
    a = actions.add_parser("remove", help="remove a term")
    a.add_argument("source", help="the German term")
    actions.add_parser("list", help="list the terms")
    a = actions.add_parser("import", help="add the pairs of a TSV file")
    a.add_argument("file", help="TSV file: source<TAB>target, one pair a line (UTF-8)")
    a = actions.add_parser("export", help="write the terms as TSV")
    a.add_argument("--output", "-o", default="-", help="file to write, replaced if it exists "
                                                         "(default: standard output)")
    for action in actions.choices.values():
        action.add_argument("--lang", default="en", help="target language (default en)")
    p.set_defaults(func=cmd_glossary)


def cmd_glossary(args: argparse.Namespace) -> int:
    from align.quality import export_glossary, import_glossary
    from align.store import Project
    from align.text.languages import check_language
    from align.text.textio import read_user_bytes

    lang = check_language(args.lang)
    with Project.open(args.project) as project:
        if args.action == "add":
            changed = project.add_glossary_terms(lang, [(args.source, args.target)])
            print(f"{'added' if changed else 'already there'}: {args.source} → {args.target} ({lang})")
        elif args.action == "remove":
            project.remove_glossary_term(lang, args.source)
            print(f"removed: {args.source} ({lang})")
        elif args.action == "list":
            terms = project.glossary(lang)
            for source, target in terms:
                print(f"{source}\t{target}")
            print(f"{len(terms)} term(s) in {lang}", file=sys.stderr)
        elif args.action == "import":
            n = import_glossary(project, lang, read_user_bytes(args.file))
            print(f"{n} term(s) added or changed in the {lang} glossary")
        else:
            text = export_glossary(project, lang)
            if args.output == "-":
                sys.stdout.write(text)
            else:
                Path(args.output).write_text(text, encoding="utf-8")
                print(f"wrote {len(project.glossary(lang))} term(s) to {args.output}",
                      file=sys.stderr)
    return 0
