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


# Where a commit may be written: the unit of work commits for every entry point (forum/transaction.py).
COMMIT_HOME = "forum/transaction.py"
COMMIT_EXEMPT = ("migrations", "bench", "tests", ".venv")  # schema changes, benchmark seeding, fixtures
NOT_THE_DATABASE = {
    # A Whoosh IndexWriter's commit writes the search index's files, not a database transaction.
    "forum/search/whoosh_backend.py": "writer",
}


def _commits(path: Path) -> list[str]:
    """Every `….commit()` call and every reference to a `session.commit` (passed as a callback, say)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed_receiver = NOT_THE_DATABASE.get(path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else "")
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "commit"):
            continue
        receiver = ast.unparse(node.value)
        if receiver == allowed_receiver:
            continue
        found.append(f"{path.name}:{node.lineno} {receiver}.commit")
    return found


def _production_sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in COMMIT_EXEMPT or relative.parts[0].startswith("."):
            continue
        yield path


def test_only_the_unit_of_work_commits():
    """Services flush; the entry point's unit of work commits once (see forum/transaction.py)."""
    wrong = []
    for path in _production_sources():
        if path.relative_to(ROOT).as_posix() != COMMIT_HOME:
            wrong.extend(_commits(path))
    assert wrong == []
    assert [c.split(" ", 1)[1] for c in _commits(ROOT / COMMIT_HOME)] == ["db.session.commit"]


def test_the_commit_check_sees_calls_and_references(tmp_path):
    module = tmp_path / "sneaky.py"
    module.write_text("def f(conn, later):\n    db.session.commit()\n    conn.commit()\n"
                      "    later(db.session.commit)\n    writer.commit()\n")
    assert _commits(module) == ["sneaky.py:2 db.session.commit", "sneaky.py:3 conn.commit",
                                "sneaky.py:4 db.session.commit", "sneaky.py:5 writer.commit"]
