"""`bitext --help` and every subcommand's `--help` read well for a new user: each command
has a one-line summary and a description, each argument says what it takes."""
from __future__ import annotations

import argparse

import pytest

from align.cli import build_parser, main
from align.qa.checks import CHECKS


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Yield (command path, parser, its one-line help) for every command and sub-action."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {a.dest: a.help for a in action._choices_actions}
            for name, child in action.choices.items():
                yield path + (name,), child, summaries.get(name)
                yield from walk(child, path + (name,))


COMMANDS = list(walk(build_parser()))


def test_every_command_is_found():
    names = {" ".join(path) for path, _, _ in COMMANDS}
    assert {"import", "show", "backup", "models pull", "glossary add", "corpus open"} <= names


@pytest.mark.parametrize("path,parser,summary", COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_command_has_summary_description_and_argument_help(path, parser, summary):
    assert summary, f"`bitext {' '.join(path)}` has no one-line help in its parent's list"
    assert parser.description, f"`bitext {' '.join(path)} --help` has no description"
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help, f"`bitext {' '.join(path)}`: {name} has no help text"


def test_top_level_help_lists_commands_in_the_order_of_a_first_run(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.split("positional arguments:")[1]
              .split("options:")[0].splitlines()[2:] if line.startswith("    ") and
              not line.startswith("      ")]
    # a first run: segment or import a text, then translate, then read, export
    order = [listed.index(c) for c in ("segment", "import", "prepare", "export")]
    assert order == sorted(order), listed
    assert "bitext COMMAND --help" in out


def test_qa_dismiss_help_names_the_check_codes(capsys):
    with pytest.raises(SystemExit):
        main(["qa", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for code in CHECKS:
        assert code in out.split("--dismiss SENTENCE_ID CHECK", 2)[-1], code


@pytest.mark.parametrize("path,parser,summary", COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_numbers_and_folders_are_named_as_such(path, parser, summary):
    """`--beam N` and `--cache-dir DIR`, not `--beam BEAM` and `--cache-dir CACHE_DIR`."""
    for action in parser._actions:
        if not action.option_strings or action.nargs == 0:
            continue
        if action.type in (int, float):
            assert action.metavar == "N", (path, action.option_strings)
        if action.dest.endswith("_dir"):
            assert action.metavar == "DIR", (path, action.option_strings)
