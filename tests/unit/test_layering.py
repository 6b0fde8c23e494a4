"""Imports point one way: views → services/moderation → reputation/models (docs/architecture.md, "Layers").

Parsed from the source with `ast`, so a wrong-way import fails here before it becomes a cycle; the
services render nothing (templates are the views' and the mail module's business), and no two of
the project's modules import each other at module level, however indirectly.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package (path prefix, dotted) → prefixes it must never import
FORBIDDEN = {
    "reputation": ("forum", "moderation", "flask", "flask_babel", "babel", "sqlalchemy", "flask_sqlalchemy"),
    "forum.models": ("forum.services", "forum.views", "forum.search", "moderation"),
    "forum.services": ("forum.views", "forum.templating", "jinja2", "flask.render_template",
                       "flask.render_template_string", "markupsafe"),
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


PROJECT = ("forum", "moderation", "reputation")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level_imports(path: Path) -> set[str]:
    """Imports that run when the module is imported (top level, including inside if/try blocks)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If | ast.Try):
            pending.extend(ast.iter_child_nodes(node))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def import_graph() -> dict[str, set[str]]:
    """module → the project modules it imports at module level (`from a import b` counts a.b if a module)."""
    paths = {_module_name(p): p for package in PROJECT for p in _modules(package)}
    graph = {}
    for name, path in paths.items():
        targets = set()
        for imported in _module_level_imports(path):
            while imported and imported not in paths:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


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


# --- roles are compared only in the policy package (forum/policy/roles.py) and the models ------

ROLE_NAMES = {"member", "moderator", "agent", "admin"}
ROLE_CHECK_HOMES = ("forum/policy/", "forum/models/")


def _mentions_role(node: ast.AST) -> bool:
    """`x.role`, `getattr(x, "role")`, `Role.ADMIN`, "admin", or a tuple/set/list of those."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")
    if isinstance(node, ast.Constant):
        return node.value in ROLE_NAMES
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
        return any(isinstance(a, ast.Constant) and a.value == "role" for a in node.args)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_mentions_role(e) for e in node.elts)
    return False


def _reads_role(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "role"
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" and any(
        isinstance(a, ast.Constant) and a.value == "role" for a in node.args)


def _grant_role(node: ast.AST) -> bool:
    """reputation's Grant.role (author or actor of a ledger entry) is not a member's role."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "GrantRole"


def role_comparisons(source: str, filename: str = "<source>") -> list[int]:
    """Line numbers where the source compares a member's role (==, !=, in, is) or filters on `User.role`."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_grant_role(o) for o in operands):
                continue
            if any(_reads_role(o) for o in operands) and any(_mentions_role(o) for o in operands):
                lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_"
              and _reads_role(node.func.value)):
            lines.append(node.lineno)
    return lines


def test_roles_are_compared_only_in_the_policy_package_and_models():
    wrong = []
    for package in ("forum", "moderation", "reputation"):
        for path in _modules(package):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(ROLE_CHECK_HOMES):
                continue
            wrong += [f"{relative}:{line}" for line in role_comparisons(path.read_text(), relative)]
    assert wrong == [], "compare roles through forum.policy (roles.is_moderator, can(), require())"


def test_templates_do_not_decide_permissions():
    """Templates ask `can()` or display the view's booleans; they don't test roles or thresholds."""
    templates = ROOT / "forum" / "templates"
    wrong = [f"{p.relative_to(ROOT)}" for p in templates.rglob("*.html")
             if any(needle in p.read_text() for needle in (".role in ", ".role not in ", ".reputation >="))]
    assert wrong == []


@pytest.mark.parametrize("source", [
    'if user.role == "admin": pass',
    "ok = actor.role in (Role.MODERATOR, Role.ADMIN)",
    'ok = getattr(actor, "role", None) not in STAFF or getattr(actor, "role", None) != "agent"',
    "q = select(User).where(User.role.in_([Role.AGENT]))",
    "ok = Role.ADMIN == user.role",
])
def test_the_role_check_finds_comparisons(source):
    assert role_comparisons(source) != []


def test_the_role_check_ignores_assignments_and_ledger_grants():
    source = ("user.role = Role.MEMBER\nregister(role=Role.ADMIN)\n"
              "x = a if grant.role is GrantRole.AUTHOR else b\n")
    assert role_comparisons(source) == []


def test_comments_point_inside_the_repository():
    """A newcomer has only the repository: no comment cites the product spec or house style by section."""
    outside = re.compile(r"\bDESIGN\s*§|[(]STY" + r"LE\b|\bSTY" + r"LE:")
    cited = [f"{path.relative_to(ROOT)}:{number}"
             for package in (*PROJECT, "tests", "bench", "migrations") for path in _modules(package)
             for number, line in enumerate(path.read_text().splitlines(), 1) if outside.search(line)]
    cited += [f"{name}:{number}" for name in ("requirements.txt", "requirements-dev.txt", "Makefile")
              for number, line in enumerate((ROOT / name).read_text().splitlines(), 1) if outside.search(line)]
    assert cited == []


# --- "not deleted, not hidden, not suspended" is decided only in forum/policy/ (and the models) ----

LIFECYCLE_COLUMNS = {"deleted_at", "hidden_at", "suspended_until"}
LIFECYCLE_HOMES = ("forum/policy/", "forum/models/")
IS_TESTS = {"is_", "is_not", "isnot", "is_distinct_from", "is_not_distinct_from", "isnot_distinct_from"}


def _lifecycle_column(node: ast.AST) -> bool:
    """`x.deleted_at` or `getattr(x, "hidden_at", …)`."""
    if isinstance(node, ast.Attribute):
        return node.attr in LIFECYCLE_COLUMNS
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in LIFECYCLE_COLUMNS)


def lifecycle_reads(source: str, filename: str = "<source>") -> list[int]:
    """Lines that decide on a lifecycle column by hand: a comparison, an `.is_()`/`.is_not()` clause or
    a truth test (`if x.deleted_at`, `not x.hidden_at`, `a or x.deleted_at`). Writing the column (the
    delete, hide or suspend itself) and passing its value on (an export, a date shown) are not decisions."""
    lines = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        tested: list[ast.AST] = []
        if isinstance(node, ast.Compare):
            tested = [node.left, *node.comparators]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in IS_TESTS:
            tested = [node.func.value]
        elif isinstance(node, ast.If | ast.IfExp | ast.While | ast.Assert):
            tested = [node.test]
        elif isinstance(node, ast.comprehension):
            tested = list(node.ifs)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert):
            tested = [node.operand]
        elif isinstance(node, ast.BoolOp):
            tested = list(node.values)
        if any(_lifecycle_column(t) for t in tested):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_visibility_is_decided_only_in_the_policy_package_and_models():
    wrong = []
    for package in PROJECT:
        for path in _modules(package):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(LIFECYCLE_HOMES):
                continue
            wrong += [f"{relative}:{line}" for line in lifecycle_reads(path.read_text(), relative)]
    assert wrong == [], ("ask forum/policy/visibility.py (public_questions(), live(), is_live_account(), "
                         "member_clause(), can_see(), …) instead of reading the column")


@pytest.mark.parametrize("source", [
    "q = select(Question).where(Question.deleted_at.is_(None))",
    "q = select(Answer).where(Answer.hidden_at.is_not(None))",
    "q = select(User).where(User.suspended_until > now)",
    "if user is None or user.deleted_at is not None: pass",
    "if answer.hidden_at: pass",
    "live = not (q.deleted_at or q.closed_at)",
    "ids = [a.id for a in answers if a.deleted_at is None]",
    'if getattr(question, "hidden_at", None) is not None: pass',
    "shown = q.title if not q.hidden_at else ''",
])
def test_the_lifecycle_check_finds_hand_typed_rules(source):
    assert lifecycle_reads(source) != []


def test_the_lifecycle_check_allows_the_change_itself_and_plain_values():
    source = ("question.deleted_at, question.deleted_by_id = utcnow(), actor.id\n"
              "target.hidden_at = None\nmember.suspended_until = until\n"
              'row = {"deleted_at": iso(q.deleted_at)}\n'
              "q = select(User).order_by(User.suspended_until)\n")
    assert lifecycle_reads(source) == []
