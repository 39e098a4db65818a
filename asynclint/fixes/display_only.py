"""Display-only fixes: shown (JSON, SARIF, editors), never applied, even with `--unsafe-fixes`.

For findings whose fix needs a choice only the user can make: where to keep a task (AL302),
which session to use (AL201), what to lock with (AL106), whether to iterate or collect an async
generator (AL303), whether the coroutine that `asyncio.run` started may share the app's loop
(AL108). Where a concrete rewrite exists it is carried as edits, for an editor to offer; the
others carry the advice alone (no edits), as the `help:` line does.
"""

from __future__ import annotations

import libcst as cst

from asynclint.fixes.locate import NodeEdit, PendingFix
from asynclint.fixes.missing_await import enclosing

_EMPTY = cst.Module(body=[])
# Where `await x` / a comprehension can replace an expression as it stands: a statement's
# value, an argument (the roles the checker gives them).
_PLAIN_ROLES = frozenset({"discard", "assign", "return", "arg"})


def advice(message: str) -> PendingFix:
    """A display-only fix without edits."""
    return PendingFix("display-only", message, ())


def await_instead(function: cst.FunctionDef | None, call: cst.Call, role: str | None) -> PendingFix:
    """AL108: `asyncio.run(coro())` → `await coro()`, directly in the `async def`'s body."""
    message = "`await` the coroutine instead of starting a second event loop"
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    plain = len(call.args) == 1 and len(positional) == 1 and not call.lpar
    if function is None or not plain or role not in _PLAIN_ROLES or not enclosing(function, call):
        return advice(message)
    coroutine = _EMPTY.code_for_node(positional[0].value)
    if "#" in _EMPTY.code_for_node(call).replace(coroutine, "", 1):
        return advice(message)  # a comment between `asyncio.run(` and the coroutine would be lost
    return PendingFix("display-only", message, (NodeEdit(call, f"await {coroutine}"),))


def collect_items(function: cst.FunctionDef | None, awaited: cst.Await, call: cst.Call, role: str | None) -> PendingFix:
    """AL303: `await gen(x)` → `[item async for item in gen(x)]` (or iterate it: the user's
    choice, so only shown)."""
    message = "Iterate it with `async for`, or collect its items"
    if function is None or role not in _PLAIN_ROLES or awaited.lpar or not enclosing(function, awaited):
        return advice(message)
    generator = _EMPTY.code_for_node(call)
    return PendingFix("display-only", message, (NodeEdit(awaited, f"[item async for item in {generator}]"),))
