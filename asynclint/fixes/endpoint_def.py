"""The fix that declares an `async def` endpoint with `def`: FastAPI (and Starlette) then run
it in the threadpool, where its blocking calls no longer stall the event loop.

Offered, as an unsafe fix on the `async` keyword, for a route that never suspends (no `await`,
`async for`, `async with` or async comprehension in its own body, no `yield`), that names
nothing of asyncio, anyio, trio or sniffio (`asyncio.get_running_loop()` and `create_task` need
the loop, which a worker thread does not have) and whose every
finding is one a threadpool fixes (the blocking calls, a sync `Session`). Then it is the fix of
each of those findings: one edit fixes them all, and it keeps the calls on one thread in their
order, which running each call in a thread of its own does not (a `sqlite3` connection may
only be used on the thread that made it). Not for WebSocket routes: FastAPI awaits their
endpoint, a `def` one would not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import libcst as cst

from asynclint.fixes.locate import NodeEdit, PendingFix

if TYPE_CHECKING:
    from asynclint.checks.frames import Frame

# Findings a sync `def` endpoint fixes (FastAPI runs it in its threadpool). Not AL108: a second
# event loop in a worker thread would not share the app's loop-bound resources.
THREADPOOL_FIXES = frozenset(
    {"AL100", "AL101", "AL102", "AL103", "AL104", "AL105", "AL106", "AL107", "AL109", "AL110", "AL111"}
)
# What the `def` fix resolves: those, and a sync session (AL201's own help leads with it).
DEF_FIXES = THREADPOOL_FIXES | {"AL201"}
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


# Modules whose functions may need the running event loop (`asyncio.get_running_loop()`,
# `create_task`, `anyio.from_thread`...): in a worker thread there is none.
LOOP_MODULES = frozenset({"asyncio", "anyio", "trio", "sniffio"})


def _needs_the_loop(function: cst.FunctionDef, loop_names: frozenset[str]) -> bool:
    """`yield` or `await` in the function's own body, or a name of the loop's modules."""
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Yield, cst.Await)):
            return True
        if isinstance(node, cst.Name) and (node.value in loop_names or node.value in LOOP_MODULES):
            return True
        if not isinstance(node, _SCOPES):
            stack.extend(node.children)
    return False


def runs_in_threadpool_as_def(frame: Frame) -> bool:
    """Whether declaring the frame's function with `def` would run it in the threadpool with
    the same meaning: an async HTTP route that never suspends."""
    return (
        frame.is_route
        and frame.is_async
        and not frame.has_await
        and not (frame.endpoint or "").startswith("WEBSOCKET")
    )


def endpoint_def_fix(frame: Frame, function: cst.FunctionDef, codes: Sequence[str],
                     loop_names: frozenset[str]) -> PendingFix | None:
    """The `async def` → `def` fix of the route `function`, whose findings have `codes`; None
    where it is not offered. `loop_names`: the module's names for LOOP_MODULES and their
    members (`asyncio`, `create_task`): a route using one may need the running loop."""
    if not codes or not runs_in_threadpool_as_def(frame) or function.asynchronous is None:
        return None
    if any(code not in DEF_FIXES for code in codes) or _needs_the_loop(function, loop_names):
        return None
    name = function.name.value
    message = f"Declare `{name}` with `def`: FastAPI runs it in its threadpool"
    # from `async` up to the name: the space between `async` and `def` is no node of its own
    after_def = function.whitespace_after_def.value
    return PendingFix("unsafe", message, (NodeEdit(function.asynchronous, "def" + after_def, upto=function.name),))
