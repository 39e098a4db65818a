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
    """The node type's visit and leave methods, and its fields in reverse order."""
    name = node_type.__name__
    return (
        getattr(visitor_type, f"visit_{name}", None),
        getattr(visitor_type, f"leave_{name}", None),
        _fields(node_type)[::-1],
    )


def walk(node: cst.CSTNode, visitor: object) -> None:
    """Visit `node` and its descendants, calling `visitor.visit_X(node)` / `leave_X(node)`.

    Iterative, with its own stack: nesting deeper than Python's recursion limit is walked."""
    table = _TABLES.setdefault(type(visitor), {})
    # Nodes still to visit, the next one last; a (leave, node) pair is a `leave_X` due once
    # the node's children are done.
    stack: list[Any] = [node]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if type(item) is tuple:
            item[0](visitor, item[1])
            continue
        entry = table.get(type(item))
        if entry is None:
            entry = table[type(item)] = _dispatch(type(visitor), type(item))
        visit, leave, fields = entry
        if leave is not None:
            push((leave, item))
        if visit is not None and visit(visitor, item) is False:
            continue
        for name in fields:  # reversed: the first child is popped first
            value = getattr(item, name)
            if isinstance(value, cst.CSTNode):
                push(value)
            elif isinstance(value, (list, tuple)):
                for child in reversed(value):
                    if isinstance(child, cst.CSTNode):
                        push(child)
