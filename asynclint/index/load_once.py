"""Load-once guards: the statements of a sync helper that run once per process, not per call.

    def settings():
        global _SETTINGS
        if _SETTINGS is None:
            _SETTINGS = json.load(open(PATH))
        return _SETTINGS

The guarded block tests a module-level sentinel (declared `global` in the function) and
assigns it, so after the first call it is skipped: its blocking calls are not steady-state
blocking, and AL110 does not count them. The shapes recognised:

* `if NAME is None:` / `if not NAME:` whose block assigns NAME;
* `if NAME is not None: return NAME` / `if NAME: return ...` followed by statements that
  assign NAME (the rest of that statement list is the guarded part).

A parameter or a local is not a sentinel (it is unset on every call), nor is a module-level
name the block never assigns: those blocks run on every call and stay facts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

# Nested scopes assign their own names, not the function's.
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _sentinel(test: ast.expr) -> tuple[str, bool] | None:
    """(NAME, True) when the test holds while NAME is unset (`NAME is None`, `not NAME`),
    (NAME, False) when it holds once NAME is set (`NAME is not None`, `NAME`)."""
    if isinstance(test, ast.Name):
        return test.id, False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id, True
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        if isinstance(test.ops[0], ast.Is):
            return test.left.id, True
        if isinstance(test.ops[0], ast.IsNot):
            return test.left.id, False
    return None


def _targets(target: ast.expr) -> Iterable[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _targets(element)
    elif isinstance(target, ast.Starred):
        yield from _targets(target.value)


def _assigns(statements: list[ast.stmt], name: str) -> bool:
    """Whether the statements (not nested functions or classes) bind `name`."""
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Assign):
            if any(name in _targets(target) for target in node.targets):
                return True
        elif (
            isinstance(node, (ast.AnnAssign, ast.NamedExpr))
            and node.value is not None
            and name in _targets(node.target)
        ):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


def load_once_guard(node: ast.If, globals_: set[str]) -> bool:
    """`if _CACHE is None: ... _CACHE = ...`: the `if` block runs once per process."""
    found = _sentinel(node.test)
    if found is None:
        return False
    name, while_unset = found
    return while_unset and name in globals_ and _assigns(node.body, name)


def guarded_after(node: ast.If, rest: list[ast.stmt], globals_: set[str]) -> bool:
    """`if _CACHE is not None: return _CACHE` followed by `rest`, which assigns `_CACHE`:
    `rest` runs once per process."""
    found = _sentinel(node.test)
    if found is None or node.orelse or not rest:
        return False
    name, while_unset = found
    return (
        not while_unset
        and name in globals_
        and isinstance(node.body[-1], ast.Return)
        and _assigns(rest, name)
    )
