"""Imports point one way: views → services/moderation → reputation/models (STYLE, "Where logic lives").

Parsed from the source with `ast`, so a wrong-way import fails here before it becomes a cycle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package (path prefix, dotted) → prefixes it must never import
FORBIDDEN = {
    "reputation": ("forum", "moderation", "flask", "sqlalchemy", "flask_sqlalchemy"),
    "forum.models": ("forum.services", "forum.views", "forum.search", "moderation"),
    "forum.services": ("forum.views",),
    "forum.search": ("forum.views",),
    "moderation": ("forum.views",),
}


def _modules(package: str):
    folder = ROOT.joinpath(*package.split("."))
    yield from sorted(folder.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _violates(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package):
    wrong = []
    for path in _modules(package):
        for name in sorted(_imports(path)):
            if any(_violates(name, prefix) for prefix in FORBIDDEN[package]):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_the_parser_sees_imports_inside_functions(tmp_path):
    """The check must not miss a late import written to dodge a cycle."""
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from forum.views import questions\n    import flask.json\n")
    assert {"forum.views", "forum.views.questions", "flask.json"} <= _imports(module)
