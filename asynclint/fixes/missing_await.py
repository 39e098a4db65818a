"""The missing-`await` fix of AL202 and AL301: where `await` may be inserted, and the edits.

`await` is legal in the body of an `async def` itself. The checker's frames already tell a
nested `def`, lambda or class body apart; `enclosing` also finds the comprehensions (legal
inside an `async def`, but a generator expression with an `await` becomes an async generator:
left without a fix) and gives the expressions around the call, for the parentheses.
"""

from __future__ import annotations

import libcst as cst

from asynclint.fixes.locate import NodeEdit, PendingFix

# Attributes of the coroutine object itself: `work().send(None)` means the coroutine.
COROUTINE_ATTRIBUTES = frozenset({
    "send", "throw", "close", "__await__", "__class__", "__name__", "__qualname__",
    "cr_await", "cr_code", "cr_frame", "cr_running", "cr_origin", "cr_suspended",
})
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_EMPTY = cst.Module(body=[])
MESSAGE = "Add `await`"


def enclosing(function: cst.FunctionDef, target: cst.CSTNode) -> list[cst.CSTNode] | None:
    """The nodes from `function`'s body down to `target`'s parent, innermost last; None when
    `target` is not in the body itself (in a nested scope or a comprehension, or elsewhere)."""
    parents: dict[int, cst.CSTNode] = {}
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if node is target:
            path = []
            while id(node) in parents:
                node = parents[id(node)]
                path.append(node)
            return path[::-1]
        if isinstance(node, _SCOPES):
            continue
        for child in node.children:
            parents[id(child)] = node
            stack.append(child)
    return None


def receiver_await(call: cst.Call, path: list[cst.CSTNode]) -> tuple[cst.Await, str] | None | bool:
    """For `call` used as a receiver (`call.attr`): the `await` over the chain it starts,
    as (the Await, the method) when it is `await call.method(...)`; None when no `await`
    covers the chain; False when one covers a longer chain (`await call.a().b()`)."""
    chain: cst.CSTNode = call
    for parent in reversed(path):
        linked = (
            (isinstance(parent, cst.Attribute) and parent.value is chain)
            or (isinstance(parent, cst.Call) and parent.func is chain)
            or (isinstance(parent, cst.Subscript) and parent.value is chain)
        )
        if linked:
            chain = parent
            continue
        if not (isinstance(parent, cst.Await) and parent.expression is chain):
            return None
        direct = (
            isinstance(chain, cst.Call)
            and isinstance(chain.func, cst.Attribute)
            and chain.func.value is call
        )
        return (parent, chain.func.attr.value) if direct else False
    return None


def insert_await(call: cst.Call, parenthesise: bool, moved: cst.Await | None = None) -> PendingFix | None:
    """`call` → `await call`, or `(await call)` when `parenthesise` (a receiver) and it has no
    parentheses of its own (then `await` goes inside them). With `moved`, the `await` over the
    chain (`await call.all()`) is deleted too: `(await call).all()`; None when a comment sits
    after that `await` (it would be deleted with it)."""
    edits = []
    if moved is not None:
        if "#" in _EMPTY.code_for_node(moved.whitespace_after_await):
            return None
        expression = moved.expression
        edits.append(NodeEdit(moved, "", expression.lpar[0] if expression.lpar else expression))
    if call.lpar or not parenthesise:
        edits.append(NodeEdit(call, "await ", upto=call))
    else:
        edits.append(NodeEdit(call, "(await ", upto=call))
        edits.append(NodeEdit(call, ")", after=True))
    return PendingFix("unsafe", MESSAGE, tuple(edits))
