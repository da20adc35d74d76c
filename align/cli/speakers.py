"""`bitext speakers DIR`: list speaker-label merges and undo or redo them."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("speakers", help="list a project's speaker merges; undo or redo one",
                       description="Near-duplicate speaker labels (\"Solkin\") are merged into one "
                                   "speaker (\"Sorkin\") on import. List the merges, keep a label "
                                   "apart (--keep-apart LABEL) or merge it again (--merge LABEL).")
    p.add_argument("project", help="project folder")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--keep-apart", metavar="LABEL", help="undo the merge of LABEL")
    group.add_argument("--merge", metavar="LABEL", help="merge LABEL again")
    p.set_defaults(func=cmd_speakers)


def cmd_speakers(args: argparse.Namespace) -> int:
    from align.store import Project

    with Project.open(args.project) as project:
        if args.keep_apart or args.merge:
            project.set_speaker_merge(args.keep_apart or args.merge, active=bool(args.merge))
        print(format_speakers(project))
    return 0


def format_speakers(project) -> str:
    active = project.speaker_merges()
    turns: dict[str, int] = {}
    for block in project.blocks():
        if block.kind == "turn" and block.speaker:
            turns[block.speaker] = turns.get(block.speaker, 0) + 1
    lines = [f"{name}: {count} turns" for name, count in sorted(turns.items())]
    for alias, canonical in sorted(project.speaker_merges(include_undone=True).items()):
        state = "merged" if alias in active else "kept apart"
        flag = "--keep-apart" if alias in active else "--merge"
        lines.append(f"{alias} -> {canonical}: {state} (change with {flag} {alias})")
    return "\n".join(lines)
