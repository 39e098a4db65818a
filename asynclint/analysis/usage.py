"""How a function uses a name: are the calls made through it awaited or not?

`session = session or SessionLocal()` is a sync Session only if the parameter is one too. The
function's own code says which it is: `await session.commit()` only works on an AsyncSession,
a plain `session.commit()` only on a sync one (a sync `def` can only do the latter). For each
name (and `self.attr`), the calls through it (`session.commit()`, `client.chat.completions.create()`)
are awaited — `await`, an `async with` item, an `async for` iterable — or plain; the answer is
True (all awaited), False (none) or None (mixed). Methods that are plain in both the sync and the
async API (`add`, `expire`, `with_options`) say nothing. This is the `ast` scanner (pass 1); its
libcst twin is `checks/usage.py`.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Callable, Iterable, Sequence

from asynclint.analysis import orm
from asynclint.analysis.values import OneOf, Ref
from asynclint.index.ast_refs import dotted

Uses = dict[str, "bool | None"]

_PLAIN_IN_BOTH = orm.NOT_AWAITABLE[orm.ASYNC_SESSION] | {"with_options", "copy", "options"}
_AST_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def ast_uses(body: Sequence[ast.AST]) -> Uses:
    """The uses in a function body (ast), nested functions, lambdas and classes left out."""
    awaited: set[int] = set()
    calls: list[tuple[list[str], int]] = []
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, _AST_SCOPES):
            continue
        if isinstance(node, ast.Await):
            awaited.add(id(node.value))
        elif isinstance(node, ast.AsyncWith):
            awaited.update(id(item.context_expr) for item in node.items)
        elif isinstance(node, ast.AsyncFor):
            awaited.add(id(node.iter))
        elif isinstance(node, ast.Call):
            parts = dotted(node.func)
            if parts is not None and len(parts) > 1:
                calls.append((parts, id(node)))
        stack.extend(ast.iter_child_nodes(node))
    return combine((parts, ident in awaited) for parts, ident in calls)


def combine(calls: Iterable[tuple[list[str], bool]]) -> Uses:
    uses: Uses = {}
    for parts, awaited in calls:
        if parts[-1] in _PLAIN_IN_BOTH:
            continue
        for end in range(1, len(parts)):  # `client.chat.completions.create()` uses `client`
            key = ".".join(parts[:end])
            uses[key] = awaited if uses.get(key, awaited) == awaited else None
    return uses


def target_key(parts: list[str] | None) -> str | None:
    """The name an assignment binds, as `Uses` keys it: `session`, `self.session`."""
    return ".".join(parts) if parts is not None and len(parts) <= 2 else None


def decided(value: Ref | None, key: str | None, uses: Callable[[], Uses]) -> Ref | None:
    """`key = a or b`: the OneOf, told how the function uses `key` (`uses` scans on demand)."""
    if not isinstance(value, OneOf) or key is None:
        return value
    return replace(value, awaited=uses().get(key))
