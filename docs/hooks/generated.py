"""MkDocs hook: the reference pages that are generated from the code, so they cannot drift.

- reference/cli.md: every `bitext` command and option, read from the argparse parsers
  (`align.cli.build_parser`), where the marker `<!-- cli-reference -->` stands.
- reference/project-folder.md: the SQLite schema of a new project (every table, column and
  index, additions included), where `<!-- sqlite-schema -->` stands.

tests/test_docs.py checks the generated text against the parsers and the schema.
"""
from __future__ import annotations

import argparse
import html
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:        # `mkdocs build` from the repository root
    sys.path.insert(0, str(ROOT))

CLI_MARKER = "<!-- cli-reference -->"
SCHEMA_MARKER = "<!-- sqlite-schema -->"


def _subcommands(parser: argparse.ArgumentParser):
    """(name, one-line help, parser) of each direct subcommand, in the order registered."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name) or "", sub


def _cell(text: str) -> str:
    """Help text as one Markdown table cell: "<lang>" must show, not open an HTML tag."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def _option_rows(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                metavar = action.metavar or action.dest.upper()
                name += " " + (metavar if isinstance(metavar, str) else " ".join(metavar))
            name = f"`{name}`"
        else:
            name = f"`{action.metavar or action.dest}`"
        help_text = action.help or ""
        if "%(" in help_text:
            help_text = help_text % {**vars(action), "prog": parser.prog,
                                     "default": action.default}
        extra = []
        if action.choices and not isinstance(action.choices, dict):
            extra.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
        if (action.option_strings and action.nargs != 0 and action.default not in (None, "")
                and action.default is not argparse.SUPPRESS and "default" not in help_text):
            extra.append(f"default `{action.default}`")
        if action.required and action.option_strings:
            extra.append("required")
        text = help_text + (" (" + "; ".join(extra) + ")" if extra else "")
        rows.append(f"| {name} | {_cell(text)} |")
    return rows


def render_parser(parser: argparse.ArgumentParser, path: str = "bitext", level: int = 2) -> str:
    """Markdown for `parser` and, below it, each of its subcommands."""
    out = [f"{'#' * level} `{path}`\n"]
    if parser.description:
        out.append(_cell(parser.description) + "\n")
    usage = " ".join(parser.format_usage().split()).removeprefix("usage: ")
    out.append(f"```text\n{usage}\n```\n")
    rows = _option_rows(parser)
    if rows:
        out.append("| argument | what it does |\n|---|---|\n" + "\n".join(rows) + "\n")
    for name, _help, sub in _subcommands(parser):
        out.append(render_parser(sub, f"{path} {name}", level + 1))
    return "\n".join(out)


def cli_reference() -> str:
    from align.cli import build_parser

    parser = build_parser()
    listing = ["| command | what it does |", "|---|---|"]
    for name, help_text, sub in _subcommands(parser):
        listing.append(f"| [`bitext {name}`](#bitext-{name}) | {_cell(help_text)} |")
        for inner, inner_help, _ in _subcommands(sub):
            listing.append(f"| [`bitext {name} {inner}`](#bitext-{name}-{inner}) | {_cell(inner_help)} |")
    body = [render_parser(sub, f"bitext {name}", 2) for name, _h, sub in _subcommands(parser)]
    return "\n".join(listing) + "\n\n" + "\n".join(body)


def sqlite_schema() -> str:
    from align.store import Project

    with tempfile.TemporaryDirectory() as tmp:
        Project.create(Path(tmp) / "p").close()
        con = sqlite3.connect(Path(tmp) / "p" / "project.sqlite")
        try:
            rows = con.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                               "AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name").fetchall()
        finally:
            con.close()
    return "```sql\n" + "\n\n".join(sql.strip() + ";" for _t, _n, sql in rows) + "\n```\n"


def on_page_markdown(markdown: str, page, config, files) -> str:
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, cli_reference())
    if SCHEMA_MARKER in markdown:
        markdown = markdown.replace(SCHEMA_MARKER, sqlite_schema())
    return markdown
