"""AL106, AL108: thread-world concurrency on the event loop — locks, queues, futures — and a
second event loop."""

from __future__ import annotations

from asynclint.rules.base import BLOCKS, OFFLOAD_FIX_SAFETY, Rule
from asynclint.rules.offload_examples import SYNC_PRIMITIVE_FIXED


class BlockingSyncPrimitive(Rule):
    """
    ## What it does
    Flags waits on thread synchronisation objects in async code: `threading.Lock.acquire` and
    `with lock:`, `queue.Queue.get/put/join` (and `multiprocessing.Queue`'s), `threading.Event.wait`,
    `Thread.join`, `concurrent.futures.Future.result` — and the waits for a result computed
    elsewhere: Celery's `AsyncResult.get()` (`task.delay(...).get()`, `AsyncResult(task_id).get()`;
    `delay()` alone only sends the task) and kafka-python's `producer.send(...).get()`. The
    object's type must be known from its construction or annotation; an unknown `lock` is not
    flagged.

    `get` waits for an item on any queue, but `put` waits only for room in a bounded one: not
    on a `queue.SimpleQueue` (unbounded by design), nor on a queue built without a maxsize
    (`queue.Queue()`, `Queue(0)`, `Queue(maxsize=0)`; `multiprocessing.Queue()` is capped at
    the platform's semaphore maximum, 2³¹−1 items on Linux). A maxsize that is a positive
    constant, or not a constant, or a queue known only from an annotation, counts as bounded.
    A call whose `block` (or `blocking`, for `acquire`) flag is not known to be true —
    `put(item, block=False)`, `get(False)`, `acquire(blocking=flag)` — does not wait; nor do
    `put_nowait` and `get_nowait`, nor a zero timeout: `thread.join(timeout=0)`, `event.wait(0)`,
    `future.result(timeout=0)`.

    ## Why is this bad?
    The thread that would release the lock, fill the queue or finish the future may itself be
    waiting for the event loop: at best the loop stalls, at worst it deadlocks.

    ## Example
    ```python
    lock = threading.Lock()

    async def update():
        with lock:
            await save()
    ```

    ## Use instead
    ```python
    lock = asyncio.Lock()

    async def update():
        async with lock:
            await save()
    ```
    """

    code = "AL106"
    ENDPOINT_DEF_FIX = True
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
    FIXED = SYNC_PRIMITIVE_FIXED
    name = "blocking-sync-primitive"
    summary = "threading lock/event, queue.Queue, Future.result, Celery result waits in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nlock = asyncio.Lock()\nasync def f():\n    async with lock:\n        pass\n",
        "async def f(lock):\n    with lock:\n        pass\n",
        "import queue\nq = queue.Queue()\nasync def f():\n    return q.get_nowait()\n",
        "import asyncio, concurrent.futures\nasync def f(pool: concurrent.futures.ThreadPoolExecutor):\n"
        "    return await asyncio.wrap_future(pool.submit(print))\n",
        # A queue without a bound never makes `put` wait: SimpleQueue, or no (or a ≤ 0) maxsize.
        "import multiprocessing, queue\nfrom queue import LifoQueue, SimpleQueue\n"
        "a = queue.Queue()\nb = queue.Queue(0)\nc = queue.Queue(maxsize=0)\n"
        "d = SimpleQueue()\ne = LifoQueue()\nm = multiprocessing.Queue()\n"
        "async def f(s: queue.SimpleQueue, x):\n"
        "    a.put(x)\n    b.put(x)\n    c.put(x, timeout=1)\n    d.put(x)\n    e.put(x)\n"
        "    m.put(x)\n    s.put(x)\n",
        # A wait flag that is not true: the call returns at once (or raises Full/Empty).
        "import queue, threading\nq = queue.Queue(10)\nlock = threading.Lock()\n"
        "async def f(x, wait):\n    q.put(x, block=False)\n    q.put(x, False)\n"
        "    q.get(False)\n    q.get(block=wait)\n    return lock.acquire(blocking=False)\n",
        # A zero timeout returns at once.
        "import threading\nasync def f(worker: threading.Thread, done: threading.Event, future):\n"
        "    worker.join(timeout=0)\n    return done.wait(0)\n",
        # sending a task (or a Kafka record) does not wait for it
        "from celery import shared_task\nfrom kafka import KafkaProducer\nproducer = KafkaProducer()\n"
        "@shared_task\ndef resize(image_id):\n    return image_id\n"
        "async def f(image_id):\n    producer.send('images', b'x')\n    return resize.delay(image_id).id\n",
    )
    INVALID = (
        "import threading\nlock = threading.Lock()\nasync def f():\n"
        "    with lock:  # expect: AL106\n        pass\n",
        "import threading\nasync def f(lock: threading.Lock):\n    lock.acquire()  # expect: AL106\n",
        "import queue\nq = queue.Queue()\nasync def f():\n    return q.get()  # expect: AL106\n",
        # `get` and `join` wait on any queue; `put` waits for room in a bounded one (a
        # maxsize that is a positive constant, or not a constant at all).
        "import queue\nq = queue.SimpleQueue()\nu = queue.Queue()\n"
        "async def f():\n    u.join()  # expect: AL106\n    return q.get(timeout=1)  # expect: AL106\n",
        "import multiprocessing, queue\nSIZE = 8\n"
        "a = queue.Queue(10)\nb = queue.Queue(maxsize=SIZE)\nc = multiprocessing.Queue(4)\n"
        "async def f(x, n, d: queue.Queue):\n    e = queue.PriorityQueue(n)\n"
        "    a.put(x)  # expect: AL106\n    b.put(x, True, 1)  # expect: AL106\n"
        "    c.put(x)  # expect: AL106\n    d.put(x)  # expect: AL106\n    e.put(x)  # expect: AL106\n",
        "import threading\nlock = threading.Lock()\nasync def f():\n"
        "    return lock.acquire(True)  # expect: AL106\n",
        "import threading\nasync def f():\n    done = threading.Event()\n    done.wait()  # expect: AL106\n",
        "from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor()\n"
        "async def f():\n    return pool.submit(print).result()  # expect: AL106\n",
        "from celery import Celery\nfrom celery.result import AsyncResult\napp = Celery('jobs')\n"
        "@app.task\ndef resize(image_id):\n    return image_id\n"
        "async def f(image_id, task_id):\n"
        "    resize.delay(image_id).get(timeout=10)  # expect: AL106\n"
        "    return AsyncResult(task_id).get()  # expect: AL106\n",
        "from kafka import KafkaProducer\nproducer = KafkaProducer()\nasync def f(event):\n"
        "    return producer.send('events', event).get(timeout=5)  # expect: AL106\n",
    )


class NestedEventLoop(Rule):
    """
    ## What it does
    Flags `asyncio.run()` and `loop.run_until_complete()` inside async code.

    ## Why is this bad?
    The event loop is already running: `asyncio.run` raises `RuntimeError: asyncio.run()
    cannot be called from a running event loop`, and `run_until_complete` raises
    `RuntimeError: This event loop is already running`.

    ## Example
    ```python
    async def handler():
        return asyncio.run(fetch())
    ```

    ## Use instead
    ```python
    async def handler():
        return await fetch()
    ```

    ## Fix safety
    The fix is display-only: `asyncio.run(fetch())` → `await fetch()` is shown (in the JSON
    output and in editors) but never applied, not even with `--unsafe-fixes`: the coroutine
    then runs on the app's own loop, sharing its resources, and waits as the caller waits;
    whether that is what the code meant is the user's call. Offered with the edit for a call
    with a single positional argument that is a statement, a value or an argument in the body
    of the `async def` itself; elsewhere as advice alone.
    """

    code = "AL108"
    name = "nested-event-loop"
    summary = "`asyncio.run` / `run_until_complete` inside a running loop"
    message = "{call} starts a second event loop inside the running one in {where} (RuntimeError)"
    VALID = (
        "import asyncio\nasync def main():\n    pass\nif __name__ == '__main__':\n    asyncio.run(main())\n",
        "import asyncio\nasync def f():\n    return await fetch()\n",
        "import asyncio\ndef sync_entry():\n    return asyncio.run(fetch())\n",
    )
    INVALID = (
        "import asyncio\nasync def f():\n    return asyncio.run(fetch())  # expect: AL108\n",
        "import asyncio\nasync def f():\n    loop = asyncio.get_event_loop()\n"
        "    return loop.run_until_complete(fetch())  # expect: AL108\n",
    )
