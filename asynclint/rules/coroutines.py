"""AL301–AL302: coroutines that never run, tasks that can vanish."""

from __future__ import annotations

from asynclint.rules.base import Rule


class UnawaitedCoroutine(Rule):
    """
    ## What it does
    Flags a call to a known coroutine function whose result is dropped or assigned and never
    used: the project's own `async def` functions and methods (`self.method()` included,
    across modules), `asyncio.sleep`, `anyio.sleep`, `asyncio.to_thread` and other well-known
    coroutines. A coroutine passed to `gather`, `wait_for`, `create_task`, `shield` or any
    other call, returned, or stored and awaited later is fine.

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
    )
    INVALID = (
        "import asyncio\nasync def f():\n    asyncio.sleep(1)  # expect: AL301\n",
        "async def work():\n    pass\nasync def f():\n    work()  # expect: AL301\n",
        "class Mailer:\n    async def send(self):\n        pass\n"
        "    async def run(self):\n        self.send()  # expect: AL301\n",
        "async def work():\n    pass\nasync def f():\n    pending = work()  # expect: AL301\n"
        "    return 1\n",
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
