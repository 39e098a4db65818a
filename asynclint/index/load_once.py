"""Load-once guards: the statements of a sync helper that run once per process, not per call.

    def settings():
        global _SETTINGS
        if _SETTINGS is None:
            _SETTINGS = json.load(open(PATH))
        return _SETTINGS

The guarded block tests a module-level sentinel (declared `global` in the function) and
assigns it, so after the first call it is skipped: its blocking calls are not steady-state
blocking, and AL110 does not count them. A method's guard on an attribute of its own instance
(`if not self.running: ... self.running = True`) is one too: it runs once per instance, and the
objects that guard a start or a load that way are the long-lived ones (services, clients,
singletons). The shapes recognised:

* `if NAME is None:` / `if not NAME:` whose block assigns NAME;
* `if NAME is not None: return NAME` / `if NAME: return ...` followed by statements that
  assign NAME (the rest of that statement list is the guarded part).

A parameter or a local is not a sentinel (it is unset on every call), nor is a module-level
name or an attribute the block never assigns: those blocks run on every call and stay facts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

# Nested scopes assign their own names, not the function's.
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _key(node: ast.expr) -> str | None:
    """`NAME`, or `receiver.attr` for an attribute of a name (`self.running`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _sentinel(test: ast.expr) -> tuple[str, bool] | None:
    """(KEY, True) when the test holds while KEY is unset (`KEY is None`, `not KEY`),
    (KEY, False) when it holds once KEY is set (`KEY is not None`, `KEY`); KEY is a name or
    `self.attr`."""
    if _key(test) is not None:
        return _key(test), False  # type: ignore[return-value]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _key(test.operand):
        return _key(test.operand), True  # type: ignore[return-value]
    if (
        isinstance(test, ast.Compare)
        and _key(test.left) is not None
        and len(test.ops) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        if isinstance(test.ops[0], ast.Is):
            return _key(test.left), True  # type: ignore[return-value]
        if isinstance(test.ops[0], ast.IsNot):
            return _key(test.left), False  # type: ignore[return-value]
    return None


def _targets(target: ast.expr) -> Iterable[str]:
    key = _key(target)
    if key is not None:
        yield key
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


def _persists(key: str, globals_: set[str], receiver: str | None) -> bool:
    """A name declared `global`, or an attribute of the method's own instance: state that
    outlives the call."""
    head, _, attribute = key.partition(".")
    return (head == receiver and bool(attribute)) if attribute else key in globals_


def load_once_guard(node: ast.If, globals_: set[str], receiver: str | None = None) -> bool:
    """`if _CACHE is None: ... _CACHE = ...`: the `if` block runs once per process (or, for
    `self.x`, once per instance)."""
    found = _sentinel(node.test)
    if found is None:
        return False
    key, while_unset = found
    return while_unset and _persists(key, globals_, receiver) and _assigns(node.body, key)


def guarded_after(
    node: ast.If, rest: list[ast.stmt], globals_: set[str], receiver: str | None = None
) -> bool:
    """`if _CACHE is not None: return _CACHE` followed by `rest`, which assigns `_CACHE`:
    `rest` runs once per process (or per instance, for `self.x`)."""
    found = _sentinel(node.test)
    if found is None or node.orelse or not rest:
        return False
    key, while_unset = found
    return (
        not while_unset
        and _persists(key, globals_, receiver)
        and isinstance(node.body[-1], ast.Return)
        and _assigns(rest, key)
    )
