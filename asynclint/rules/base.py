"""What every rule is: a code, a kebab-case name, documentation in ruff's shape, and examples.

Detection is not spread over per-rule visitors: the checker walks each file once and asks the
rule for its message. The examples (`VALID`, `INVALID`) are run by the test suite; in INVALID
snippets every line that must be reported ends with `# expect: CODE`.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

# The message of the rules for calls that block the event loop (AL100-AL109, AL111).
BLOCKS = "{call} blocks the event loop in {where}{detail}"
# The same rules' message when the runtime check (asynclint/runtime/) saw the call block.
BLOCKED = "{call} blocked the event loop in {function} ({where}){detail} [runtime]"

# The "Fix safety" section of the rules whose fix runs the blocking call in a thread
# (AL102-AL107, AL109, AL110): written once, added to each rule's `--explain` by FIX_SAFETY.
OFFLOAD_FIX_SAFETY = """\
The fix runs the call in a worker thread: `fn(a, k=v)` becomes
`await asyncio.to_thread(fn, a, k=v)`, or `await run_in_threadpool(fn, a, k=v)` in a module
that imports FastAPI (`from fastapi.concurrency import run_in_threadpool`) or Starlette
(`starlette.concurrency`), or `await sync_to_async(fn)(a, k=v)` in one that imports Django
(`from asgiref.sync import sync_to_async`: thread-sensitive, so the calls share one thread,
as Django's ORM needs); the arguments are kept as written, and the import is added once
unless the module already has it (an existing alias is reused). It is unsafe: the call now
runs on another thread, so objects it shares with the event loop must be thread-safe (a sync
client, session or connection used from several threads may not be, and a lock acquired in
the thread is owned by it: an `RLock` must be released there); context variables are
copied into the thread, and changes it makes to them are not seen afterwards; the arguments
are evaluated before the call starts, as before, but the event loop no longer waits for the
call: other tasks run while it does, and a cancelled request does not stop it (the thread
runs to the end). The fix is offered only
for a call directly in the body of the `async def` (not in a nested `def`, lambda, class
body, comprehension, decorator or default) that is a statement by itself, the whole value of
an assignment (plain, annotated or augmented) or of a `return`, or that sits in one only as
an argument of other calls or an element of a list, tuple, set or dict display (a dict's
value, not its key: `return {"ip": gethostbyname(h)}`); with a plain dotted callee
(`requests.get`, `client.post`, `helper`: not `open(p).read()`); not awaited, not a `with`
item; with no `await`, `yield` or `:=` in its arguments; and where `asyncio` (or
`run_in_threadpool`) is not a local name of an enclosing function. Elsewhere no fix is offered."""

# The second paragraph of "Fix safety" for the findings a `def` endpoint fixes
# (fixes/endpoint_def.py), added by ENDPOINT_DEF_FIX.
ENDPOINT_DEF_FIX_SAFETY = """\
In an `async def` route that never suspends (no `await`, `async for`, `async with`, async
comprehension or `yield` in its own body), that names nothing of asyncio, anyio, trio or
sniffio (a worker thread has no running loop for `get_running_loop()` or `create_task`) and
whose every finding a threadpool fixes (the blocking
calls, AL201's sync session), the fix of each of them (in place of its own) is to declare the route with
`def` (`async def items(...)` becomes `def items(...)`): FastAPI and Starlette run a `def`
endpoint in their threadpool, so its calls block a worker thread, not the event loop, and they
stay on one thread in their order (an `sqlite3` connection works only on the thread that
made it). It is unsafe: the route now takes one of the threadpool's threads (40 by default) for
its whole run, and code that calls the endpoint function itself and awaits it (a test, another
route) breaks. Not offered for WebSocket routes (FastAPI awaits those) or other functions."""


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    message: ClassVar[str]
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()
    # (source, the source after `--fix --unsafe-fixes`) for rules with a fix; the `# expect`
    # marks stay in the fixed source (they are comments) and say nothing there.
    FIXED: ClassVar[tuple[tuple[str, str], ...]] = ()
    # `extra-blocking-calls` the examples are checked with (for rules driven by configuration).
    EXAMPLE_EXTRA_CALLS: ClassVar[dict[str, str]] = {}
    # A "Fix safety" section shared by several rules, added after the docstring.
    FIX_SAFETY: ClassVar[str] = ""
    # Whether a route's `def` fix (ENDPOINT_DEF_FIX_SAFETY) fixes the rule's findings.
    ENDPOINT_DEF_FIX: ClassVar[bool] = False

    @classmethod
    def explain(cls) -> str:
        """The text `--explain CODE` prints: heading and the docstring."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        if cls.FIX_SAFETY:
            doc += "\n\n## Fix safety\n" + cls.FIX_SAFETY
        if cls.ENDPOINT_DEF_FIX:
            heading = "" if "\n## Fix safety\n" in doc else "\n\n## Fix safety"
            doc += heading + "\n\n" + ENDPOINT_DEF_FIX_SAFETY
        return f"{cls.code} ({cls.name})\n\n{doc}\n"

    @classmethod
    def format_message(cls, **parts: str) -> str:
        return cls.message.format(**parts)
