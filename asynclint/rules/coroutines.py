"""AL301–AL302: coroutines that never run, tasks that can vanish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from asynclint.rules.base import Rule

if TYPE_CHECKING:  # libcst only where a file is checked: `--explain` and warm runs need none
    import libcst as cst

    from asynclint.fixes.locate import PendingFix


class UnawaitedCoroutine(Rule):
    """
    ## What it does
    Flags a call to a known coroutine function whose result is dropped or assigned and never
    used: the project's own `async def` functions and methods (`self.method()` included,
    across modules), `asyncio.sleep`, `anyio.sleep`, `asyncio.to_thread` and other well-known
    coroutines. A coroutine passed to `gather`, `wait_for`, `create_task`, `shield` or any
    other call, returned, or stored and awaited later is fine.

    A coroutine assigned to a variable is used when a nested function, lambda or class body
    reads that variable (a closure: `async def task(): await pending`), wherever the nested
    code is defined; not when the nested scope binds the name itself (a parameter, an
    assignment), which makes it another variable.

    An async generator function (an `async def` whose own body has a `yield`) is not a
    coroutine function: its call is an async iterator, meant for `async for`, so keeping,
    returning, passing on or even dropping it is not reported here (awaiting it is AL303).
    Nor is an `async def` declared to return `AsyncIterator`, `AsyncGenerator` or
    `AsyncIterable` (a protocol's stub, implemented by async generators).

    ## Why is this bad?
    Calling an `async def` only creates a coroutine object; its body never runs unless it is
    awaited or scheduled. Python merely warns "coroutine ... was never awaited" at garbage
    collection time.

    ## Example
    ```python
    async def signup(user):
        send_welcome_email(user)  # async def send_welcome_email(...)
    ```

    ## Use instead
    ```python
    async def signup(user):
        await send_welcome_email(user)
    ```
    or keep it running in the background with a task you keep a reference to.

    ## Fix safety
    The fix inserts `await` before the call: `await send_welcome_email(user)`, `pending =
    await work()`; a call used as a receiver gets parentheses, `(await get_client()).name`.
    Text is inserted, so the call's comments stay. It is unsafe: the function now waits there
    for the coroutine to finish (the other fix, running it as a task, is left to you), and a
    variable that held the coroutine now holds its result. It is offered only where `await`
    is legal and unambiguous: directly in the body of an `async def` — not in a nested `def`,
    a lambda, a class body or a comprehension — and not for the coroutine object's own
    attributes (`work().send(None)`). Under an `await` of a longer chain
    (`await get_client().send()`) there is no fix: whether the method wants one more `await`
    is not known.
    """

    code = "AL301"
    name = "unawaited-coroutine"
    summary = "a coroutine function called without `await` (its body never runs)"
    message = "{call} creates a coroutine that is never awaited in {where}{detail}"
    VALID = (
        "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n",
        "async def work():\n    pass\nasync def f():\n    await work()\n",
        "import asyncio\nasync def work():\n    pass\n"
        "async def f():\n    await asyncio.gather(work(), work())\n",
        "import asyncio\nasync def work():\n    pass\n"
        "async def f():\n    task = asyncio.create_task(work())\n    await task\n",
        "async def work():\n    pass\nasync def f():\n    pending = work()\n    await pending\n",
        "async def work():\n    pass\ndef f():\n    return work()\n",
        "import asyncio\nasync def work():\n    pass\nasync def f():\n"
        "    await asyncio.wait_for(work(), timeout=1)\n",
        "def work():\n    pass\nasync def f():\n    work()\n",
        "from contextlib import asynccontextmanager\n@asynccontextmanager\nasync def span():\n"
        "    yield\nasync def f():\n    cm = span()\n    async with cm:\n        pass\n    span()\n",
        # An async generator function returns an async iterator, not a coroutine.
        "async def stream_events(x):\n    yield x\nasync def f(x):\n    gen = stream_events(x)\n"
        "    async for event in gen:\n        print(event)\n",
        "async def stream_events(x):\n    yield x\nasync def f(x):\n    return stream_events(x)\n",
        "from fastapi.responses import StreamingResponse\n"
        "async def stream_events(x):\n    yield x\nasync def f(x):\n"
        "    return StreamingResponse(stream_events(x))\n",
        "async def stream_events(x):\n    yield x\nasync def f(x):\n    stream_events(x)\n"
        "    unused = stream_events(x)\n",
        "import collections.abc\nfrom typing import AsyncGenerator, AsyncIterable\n"
        "class Source:\n    async def a(self) -> AsyncGenerator[int, None]:\n        ...\n"
        "    async def b(self) -> AsyncIterable[int]:\n        ...\n"
        "    async def c(self) -> collections.abc.AsyncIterator[int]:\n        ...\n"
        "    async def run(self):\n        self.a()\n        self.b()\n        self.c()\n",
        # Used by a closure: awaited when the nested function runs (defined before or after).
        "import asyncio\nasync def f():\n    unshielded = asyncio.sleep(10)\n"
        "    async def task():\n        await unshielded\n    await asyncio.wait_for(task(), 1)\n",
        "async def work():\n    pass\nasync def f(run):\n    async def later():\n"
        "        return await pending\n    pending = work()\n    await run(later)\n",
        "import asyncio\nasync def work():\n    pass\nasync def f(loop):\n    pending = work()\n"
        "    loop.call_soon(lambda: asyncio.ensure_future(pending))\n",
        "async def work():\n    pass\nasync def f():\n    pending = work()\n"
        "    class Job:\n        pending = None\n        async def run(self):\n"
        "            await pending\n    await Job().run()\n",
        # what the fix writes
        "async def connect():\n    return 'c'\nasync def f():\n    await connect()\n"
        "    return (await connect()).upper()\n",
    )
    INVALID = (
        "import asyncio\nasync def f():\n    asyncio.sleep(1)  # expect: AL301\n",
        # A `yield` in a nested def or lambda does not make the outer function a generator.
        "async def work():\n    def rows():\n        yield 1\n    return list(rows())\n"
        "async def job():\n    return lambda: (yield)\n"
        "async def f():\n    work()  # expect: AL301\n    job()  # expect: AL301\n",
        "async def work():\n    pass\nasync def f():\n    work()  # expect: AL301\n",
        "class Mailer:\n    async def send(self):\n        pass\n"
        "    async def run(self):\n        self.send()  # expect: AL301\n",
        "async def work():\n    pass\nasync def f():\n    pending = work()  # expect: AL301\n"
        "    return 1\n",
        # A nested scope that binds the name itself (a parameter, an assignment) reads its own.
        "async def work():\n    pass\nasync def f(run):\n    pending = work()  # expect: AL301\n"
        "    async def later(pending):\n        await pending\n"
        "    def other():\n        pending = None\n        return pending\n"
        "    await run(later, other, lambda pending: pending)\n",
        # no `await` is legal in a nested sync def: reported, without a fix (tests/test_fixes.py)
        "async def work():\n    pass\nasync def f():\n    def later():\n"
        "        work()  # expect: AL301\n    return later\n",
    )
    # (INVALID source, the source after `asynclint --fix --unsafe-fixes`)
    FIXED = (
        (
            "async def work():\n    pass\nasync def f():\n    work()  # expect: AL301\n",
            "async def work():\n    pass\nasync def f():\n    await work()  # expect: AL301\n",
        ),
        (
            "async def work():\n    pass\nasync def f():\n    pending = work()  # expect: AL301\n"
            "    return 1\n",
            "async def work():\n    pass\nasync def f():\n    pending = await work()  # expect: AL301\n"
            "    return 1\n",
        ),
        (
            "class Client:\n    name = 'c'\nasync def connect():\n    return Client()\n"
            "async def f():\n    return connect().name  # expect: AL301\n",
            "class Client:\n    name = 'c'\nasync def connect():\n    return Client()\n"
            "async def f():\n    return (await connect()).name  # expect: AL301\n",
        ),
        (
            "async def connect():\n    return 'c'\nasync def f():\n"
            "    print(connect().upper())  # expect: AL301\n",
            "async def connect():\n    return 'c'\nasync def f():\n"
            "    print((await connect()).upper())  # expect: AL301\n",
        ),
        (
            "class Mailer:\n    async def send(self, to):\n        pass\n"
            "    async def run(self):\n        self.send(  # expect: AL301\n"
            "            'me',  # the owner\n        )\n",
            "class Mailer:\n    async def send(self, to):\n        pass\n"
            "    async def run(self):\n        await self.send(  # expect: AL301\n"
            "            'me',  # the owner\n        )\n",
        ),
        # already in parentheses: `await` goes inside them, no new ones
        (
            "async def connect():\n    return 'c'\nasync def f():\n"
            "    return (connect()).upper()  # expect: AL301\n",
            "async def connect():\n    return 'c'\nasync def f():\n"
            "    return (await connect()).upper()  # expect: AL301\n",
        ),
    )

    @classmethod
    def fix(cls, call: cst.Call, receiver: bool, moved: cst.Await | None = None) -> PendingFix | None:
        """`call` → `await call`; a receiver `(await call).attr`; with `moved`, the `await` over
        `await call.method()` moves onto the call. Unsafe: the code now waits there."""
        from asynclint.fixes.missing_await import insert_await

        return insert_await(call, receiver, moved)


class AwaitOnAsyncGenerator(Rule):
    """
    ## What it does
    Flags `await` on a call of one of your project's async generator functions: an
    `async def` whose own body contains `yield` (across modules, methods included).

    ## Why is this bad?
    Calling an async generator function does not make a coroutine: it returns an async
    iterator, whose body runs only as it is iterated. Awaiting it raises
    `TypeError: object async_generator can't be used in 'await' expression`.

    An async generator function is not a coroutine function for AL301 either: a call kept,
    returned, passed on (`StreamingResponse(stream_events(...))`) or dropped is not reported.
    Neither is an `async def` declared to return `AsyncIterator`, `AsyncGenerator` or
    `AsyncIterable` (a protocol's stub); a `yield` inside a nested `def` or lambda does not
    make the outer function a generator. Generators wrapped by a decorator
    (`@asynccontextmanager`) are something else and are not reported.

    ## Example
    ```python
    async def stream_events(order_id):
        async for event in bus.subscribe(order_id):
            yield event

    async def latest(order_id):
        events = await stream_events(order_id)
        return events[-1]
    ```

    ## Use instead
    ```python
    async def latest(order_id):
        events = [event async for event in stream_events(order_id)]
        return events[-1]
    ```
    or `async for event in stream_events(order_id): ...`.

    ## Fix safety
    The fix is display-only, shown and never applied: `await gen(x)` →
    `[item async for item in gen(x)]` collects every item before going on, which for an
    unbounded stream never ends; iterating with `async for` may be what was meant.
    """

    code = "AL303"
    name = "await-on-async-generator"
    summary = "`await` on an async generator function's call (TypeError: iterate it instead)"
    message = (
        "`await {call}` in {where}: {call} returns an async generator, not a coroutine "
        "(TypeError at run time); iterate it with `async for ... in {call}`"
    )
    VALID = (
        "async def events():\n    yield 1\nasync def f():\n"
        "    async for event in events():\n        print(event)\n",
        "async def events():\n    yield 1\nasync def f():\n"
        "    return [event async for event in events()]\n",
        "async def work():\n    def inner():\n        yield 1\n    return list(inner())\n"
        "async def f():\n    return await work()\n",
        "from contextlib import asynccontextmanager\n@asynccontextmanager\nasync def span():\n"
        "    yield\nasync def f():\n    async with span():\n        pass\n",
        "async def f(events):\n    await events()\n",
        "from typing import AsyncIterator\nclass Source:\n"
        "    async def stream(self) -> AsyncIterator[int]:\n        ...\n"
        "async def f(source: Source):\n    return await source.stream()\n",
    )
    INVALID = (
        "async def events():\n    yield 1\nasync def f():\n"
        "    return await events()  # expect: AL303\n",
        "class Feed:\n    async def items(self, n):\n        for i in range(n):\n"
        "            yield i\n    async def first(self):\n"
        "        return (await self.items(1))[0]  # expect: AL303\n",
    )


class DanglingTask(Rule):
    """
    ## What it does
    Flags `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and `loop.create_task(...)`
    whose result is dropped.

    ## Why is this bad?
    The event loop keeps only a weak reference to tasks: a task nobody references can be
    garbage-collected before it finishes, silently cancelling the work.

    ## Example
    ```python
    async def handler():
        asyncio.create_task(refresh_cache())
    ```

    ## Use instead
    ```python
    background_tasks = set()

    async def handler():
        task = asyncio.create_task(refresh_cache())
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
    ```
    or run it in an `asyncio.TaskGroup`.

    ## Fix safety
    The fix is display-only advice, with no edit: where to keep the task (a module-level set,
    an attribute of the app, a `TaskGroup` the code already has) is the user's choice.
    """

    code = "AL302"
    name = "dangling-task"
    summary = "`asyncio.create_task` result dropped (the task can be garbage-collected)"
    message = "the task created by {call} is not kept in {where}: it can be garbage-collected before it finishes"
    VALID = (
        "import asyncio\nasync def work():\n    pass\ntasks = set()\nasync def f():\n"
        "    task = asyncio.create_task(work())\n    tasks.add(task)\n",
        "import asyncio\nasync def work():\n    pass\nasync def f():\n"
        "    async with asyncio.TaskGroup() as tg:\n        tg.create_task(work())\n",
    )
    INVALID = (
        "import asyncio\nasync def work():\n    pass\nasync def f():\n"
        "    asyncio.create_task(work())  # expect: AL302\n",
        "import asyncio\nasync def work():\n    pass\nasync def f():\n"
        "    asyncio.ensure_future(work())  # expect: AL302\n",
    )
