"""Wrappers that run a callable off the event loop. Passing a blocking callable to them is the fix;
calling the blocking function inside their argument list is still a blocking call on the loop."""

from __future__ import annotations

OFFLOAD_FUNCTIONS = frozenset(
    {
        "fastapi.concurrency.run_in_threadpool",
        "starlette.concurrency.run_in_threadpool",
        "anyio.to_thread.run_sync",
        "asyncio.to_thread",
        "trio.to_thread.run_sync",
        "asyncer.asyncify",
        "asgiref.sync.sync_to_async",
    }
)

# "<receiver kind>.<method>" forms.
OFFLOAD_METHODS = frozenset(
    {
        "asyncio.AbstractEventLoop.run_in_executor",
        "fastapi.BackgroundTasks.add_task",
        "concurrent.futures.Executor.submit",
    }
)
