"""The documentation stays whole: the generated reference pages cover every command, option
and table; the README stays short and its links land; the reader's stylesheet and script are
the package's files. (`make test` also builds the site with `mkdocs build --strict`.)"""
from __future__ import annotations

import argparse
import importlib.util
import re
import sqlite3
from pathlib import Path

import yaml

from align.cli import build_parser
from align.store import Project

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _hook():
    spec = importlib.util.spec_from_file_location("docs_generated", DOCS / "hooks" / "generated.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands(parser: argparse.ArgumentParser, path: str = "bitext"):
    """(command path, its parser) for every command and nested command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{path} {name}", sub
                yield from _commands(sub, f"{path} {name}")


def _section(text: str, command: str) -> str:
    """The part of the generated page under the heading of `command`, up to the next heading."""
    match = re.search(rf"^#+ `{re.escape(command)}`\n(.*?)(?=^#+ `|\Z)", text, re.S | re.M)
    assert match, f"no heading for {command}"
    return match.group(1)


def test_the_cli_reference_has_every_command_and_option():
    text = _hook().cli_reference()
    commands = list(_commands(build_parser()))
    assert len(commands) >= 20
    for command, parser in commands:
        section = _section(text, command)
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            for option in action.option_strings:
                # in the first column of the argument table: "| `-o, --output PATH` |"
                cell = rf"^\| `[^`]*(?<![\w-]){re.escape(option)}(?![\w-])[^`]*` \|"
                assert re.search(cell, section, re.M), f"{command} {option} missing"
            if not action.option_strings:
                assert f"`{action.metavar or action.dest}`" in section, (command, action.dest)


def test_the_cli_page_asks_for_the_generated_reference():
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert _hook().CLI_MARKER in page
    # the page holds no hand-written command sections that could drift
    assert "## `bitext" not in page


def test_the_schema_reference_has_every_table_of_a_new_project(tmp_path):
    Project.create(tmp_path / "p").close()
    con = sqlite3.connect(tmp_path / "p" / "project.sqlite")
    tables = {name for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")}
    con.close()
    schema = _hook().sqlite_schema()
    for table in tables:
        assert re.search(rf"CREATE TABLE {table}\s*\(", schema), table
    page = (DOCS / "reference" / "project-folder.md").read_text(encoding="utf-8")
    assert _hook().SCHEMA_MARKER in page
    for table in tables:           # each table is also explained in words on the page
        assert f"| `{table}` |" in page, f"table {table} is not described"


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def entries(nav):
        for item in nav:
            for value in item.values():
                yield from (entries(value) if isinstance(value, list) else [value])

    in_nav = set(entries(config["nav"]))
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")
             if "incoming" not in p.relative_to(DOCS).parts}
    assert in_nav == pages
    assert "incoming/" in config["exclude_docs"]


def test_the_readme_is_short_and_its_links_land():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "make app" in readme and "make test" in readme
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if not link.startswith("http")]
    assert len(local) >= 20
    for link in local:
        assert (ROOT / link).exists(), link
    # the screenshot the README shows is a PNG the screenshot command wrote
    image = ROOT / "docs" / "images" / "reader-three-columns.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_reader_style_and_script_are_the_package_files():
    from importlib import resources

    from align import reader

    css = (resources.files("align") / "reader.css").read_text(encoding="utf-8")
    js = (resources.files("align") / "reader.js").read_text(encoding="utf-8")
    assert reader.READER_CSS == css and ".bx-row" in css
    assert reader.READER_JS == f"<script>\n{js}</script>" and "MutationObserver" in js
    # no stylesheet or script left as a Python string in the module
    source = (ROOT / "align" / "reader.py").read_text(encoding="utf-8")
    assert "grid-template-columns" not in source and "addEventListener" not in source


def test_help_text_is_escaped_in_the_generated_reference():
    text = _hook().cli_reference()
    # `bitext export --with-confidence` speaks of confidence_<lang> columns: shown, not a tag
    assert "confidence_&lt;lang&gt;" in text and "confidence_<lang>" not in text
