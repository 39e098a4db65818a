"""Well-known coroutine functions, and functions that schedule a task (data).

A call to one of these whose result is dropped never runs (AL301) or may be garbage-collected
mid-flight (AL302).
"""

from __future__ import annotations

COROUTINE_FUNCTIONS = frozenset(
    {
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.wait",
        "asyncio.open_connection",
        "asyncio.open_unix_connection",
        "asyncio.start_server",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.to_thread",
        "anyio.sleep",
        "anyio.sleep_forever",
        "anyio.to_thread.run_sync",
        "anyio.open_file",
        "anyio.run_process",
        "anyio.open_process",
        "anyio.connect_tcp",
        "anyio.getaddrinfo",
        "fastapi.concurrency.run_in_threadpool",
        "starlette.concurrency.run_in_threadpool",
    }
)

TASK_FUNCTIONS = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
# "<receiver kind>.<method>" forms.
TASK_METHODS = frozenset({"asyncio.AbstractEventLoop.create_task"})
