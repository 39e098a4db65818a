"""A read-only traversal of a libcst tree that calls a visitor's `visit_X` / `leave_X` methods.

libcst's own `Module.visit` rebuilds every node on the way back up (it is the same machinery
as its transformers), which makes visiting cost about twice the parse. A linter only reads:
this walk calls the same methods, in the same parent-before-children order, without
rebuilding anything, and skips what no rule looks at (whitespace, punctuation, comments,
annotations, decorators, import statements' children — the visitor reads those directly).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import libcst as cst

_SKIPPED_FIELDS = frozenset(
    {
        "lpar", "rpar", "comma", "leading_lines", "lines_after_decorators", "header", "footer",
        "semicolon", "dot", "colon", "equal", "operator", "asynchronous", "decorators",
        "annotation", "returns", "type_parameters", "star", "newline", "trailing_whitespace",
        "empty_lines",
    }
)
# Fields holding names rather than references: `obj.attr`, `f(key=...)`, `def name`.
_NAME_FIELDS = {
    cst.Attribute: {"attr"},
    cst.Arg: {"keyword"},
    cst.FunctionDef: {"name"},
    cst.ClassDef: {"name"},
    cst.Param: {"name"},
}
_LEAVES: tuple[type[cst.CSTNode], ...] = (
    cst.Import, cst.ImportFrom, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary,
    cst.Annotation, cst.Decorator, cst.Comment, cst.EmptyLine,
)

Dispatch = tuple[Callable[..., Any] | None, Callable[..., Any] | None, tuple[str, ...]]
_TABLES: dict[type, dict[type, Dispatch]] = {}


def _fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    if issubclass(node_type, _LEAVES):
        return ()
    names = _NAME_FIELDS.get(node_type, set())
    return tuple(
        field.name
        for field in dataclasses.fields(node_type)
        if field.name not in _SKIPPED_FIELDS
        and not field.name.startswith("whitespace")
        and field.name not in names
    )


def _dispatch(visitor_type: type, node_type: type[cst.CSTNode]) -> Dispatch:
    name = node_type.__name__
    return (
        getattr(visitor_type, f"visit_{name}", None),
        getattr(visitor_type, f"leave_{name}", None),
        _fields(node_type),
    )


def walk(node: cst.CSTNode, visitor: object) -> None:
    """Visit `node` and its descendants, calling `visitor.visit_X(node)` / `leave_X(node)`."""
    table = _TABLES.setdefault(type(visitor), {})
    _walk(node, visitor, table)


def _walk(node: cst.CSTNode, visitor: object, table: dict[type, Dispatch]) -> None:
    node_type = type(node)
    entry = table.get(node_type)
    if entry is None:
        entry = table[node_type] = _dispatch(type(visitor), node_type)
    visit, leave, fields = entry
    if visit is None or visit(visitor, node) is not False:
        for name in fields:
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                _walk(value, visitor, table)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, cst.CSTNode):
                        _walk(item, visitor, table)
    if leave is not None:
        leave(visitor, node)
