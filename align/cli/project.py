"""`bitext import`, `bitext show`, `bitext backup`, `bitext restore`: the project store."""
from __future__ import annotations

import argparse
from pathlib import Path

from align.errors import ProjectError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a German text into a project (created if missing)",
                       description="Segment a text and store it as a project's source text. "
                                   "Importing into an existing project keeps the translations "
                                   "of unchanged sentences (a backup is taken first).")
    p.add_argument("file", help="the text file (UTF-8, UTF-16/32 with BOM, or a recognisable "
                                "legacy encoding), or a document: EPUB, HTML, DOCX, ODT, PDF, "
                                "Markdown, SRT or WebVTT (headings, speakers and subtitle "
                                "times kept)")
    p.add_argument("--project", required=True, help="project folder")
    p.add_argument("--lang", default="de", help="source language (default de)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("show", help="print a summary of a project")
    p.add_argument("project", help="project folder")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("backup", help="take a consistent snapshot of a project")
    p.add_argument("project", help="project folder")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a project from a backup (newest by default)",
                       description="Restore a project from a backup; the current state is "
                                   "backed up first, so a restore can be undone.")
    p.add_argument("project", help="project folder")
    p.add_argument("backup", nargs="?", help="backup file, by name or path (see `bitext "
                                             "backups DIR`; default: the newest)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help="check a project's database for damage")
    p.add_argument("project", help="project folder")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backups", help="list a project's backups")
    p.add_argument("project", help="project folder")
    p.set_defaults(func=cmd_backups)


def cmd_import(args: argparse.Namespace) -> int:
    from align.imports.source import import_file

    report = import_file(args.file, args.project, lang=args.lang)
    verb = "created" if report.created else "re-imported into"
    print(f"{verb} {args.project}: {report.blocks} blocks, {report.sentences} sentences")
    if not report.created:
        from align.propagation import offer_memory, translation_memory
        from align.store import Project

        # The project's corrections, offered to the sentences that came back (accepted or
        # dismissed in the reader; nothing changes by itself).
        with Project.open(args.project) as p:
            offered = offer_memory(p, translation_memory(p), same_project=True)
        if offered:
            print(f"{offered} sentences are offered a correction of a similar sentence "
                  f"(accept them in the reader)")
        print(f"kept {report.kept_segments} sentences with their translations, "
              f"{report.new_segments} new, {report.orphaned_segments} no longer in the text; "
              f"{report.carried_links} alignments carried to re-cut sentences, "
              f"{report.orphaned_translations} human translations kept as orphans; "
              f"backup: {report.backup}")
    return 0


def format_summary(project_dir: str) -> str:
    from align.store import Project

    with Project.open(project_dir) as p:
        s = p.summary()
    lines = [f"project:   {project_dir}",
             f"document:  {s.title} ({s.source_name}, {s.lang})",
             "blocks:    " + ", ".join(f"{n} {k}" for k, n in sorted(s.blocks.items())),
             f"sentences: {s.sentences} ({s.excluded_sentences} excluded as boilerplate)",
             "speakers:"]
    for name, aliases in sorted(s.speakers.items()):
        merged = f" (merged: {', '.join(aliases)})" if aliases else ""
        lines.append(f"  {name}: {s.turns_per_speaker.get(name, 0)} turns{merged}")
    if not s.languages:
        lines.append("translations: none yet (run `bitext translate-project DIR --to en,zh`)")
    for lang, c in sorted(s.languages.items()):
        # The reader's header says the same, in the same units (see align/store/coverage.py).
        lines.append(f"{lang}: {s.translated.get(lang, 0)}/{s.sentences - s.excluded_sentences}"
                     f" {s.lang} sentences translated; {c['total']} {lang} sentences - "
                     f"{c['mt']} mt, {c['imported']} imported, {c['edited']} edited, "
                     f"{c['reviewed']} reviewed; {s.links.get(lang, 0)} links"
                     + (f", {s.unaligned[lang]} sentences unaligned" if s.unaligned.get(lang) else ""))
    if s.orphaned:
        lines.append(f"orphaned human translations kept: {s.orphaned}")
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace) -> int:
    print(format_summary(args.project))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from align.store import Project

    with Project.open(args.project) as p:
        print(p.backup("manual"))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from align.store import DB_NAME, Project, check_database, restore_damaged

    directory = Path(args.project)
    if not directory.is_dir():
        raise ProjectError(f"{directory}: no such project folder")
    db = directory / DB_NAME
    if db.is_file() and check_database(db) is None:
        with Project.open(directory) as p:
            source = p.resolve_backup(args.backup)
            safety = p.restore(source)
        print(f"restored {source.name}; the state before the "
              f"restore was saved as {safety.name} (restore that to undo)")
        return 0
    # The database is missing or cannot be opened: move it aside and copy the backup in.
    restored = restore_damaged(directory, args.backup)
    aside = " (the damaged database was kept beside it)" if db.exists() else ""
    print(f"restored {restored} from backup{aside}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Full integrity check; exit 0 only for a healthy bitext database."""
    from align.store import DB_NAME, Project, check_database

    db = Path(args.project) / DB_NAME
    if not db.is_file():
        raise ProjectError(f"{args.project}: not a bitext project (no {DB_NAME})")
    problem = check_database(db)
    if problem:
        raise ProjectError(f"{db}: {problem}; `bitext restore {args.project}` brings back the "
                           f"newest backup")
    with Project.open(args.project) as p:
        result = p.integrity_check()
    if result != "ok":
        raise ProjectError(f"{db}: integrity check failed: {result}")
    print(f"{db}: ok")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from align.store import Project

    with Project.open(args.project) as p:
        for b in p.list_backups():
            print(b)
    return 0
