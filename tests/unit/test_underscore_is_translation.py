"""`_` is the translation function: a function that also uses `_` as a throwaway name
(`a, _, b = s.partition(":")`) makes its own `_()` calls fail with "'str' object is not callable",
but only on the path that reaches them (a digest key's error message did)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _shadowing(tree: ast.AST) -> list[str]:
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = list(ast.walk(function))
        stores = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in names)
        calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_" for n in names)
        if stores and calls:
            found.append(f"{function.name}:{function.lineno}")
    return found


def test_no_function_both_assigns_and_calls_underscore():
    offenders = [f"{path.relative_to(ROOT)}:{where}" for package in ("forum", "moderation", "reputation")
                 for path in sorted((ROOT / package).rglob("*.py"))
                 for where in _shadowing(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == []


def test_the_check_finds_a_shadowed_underscore():
    source = 'def parse(key):\n    a, _, b = key.partition(":")\n    raise ValueError(_("bad %(k)s", k=key))\n'
    assert _shadowing(ast.parse(source)) == ["parse:1"]
