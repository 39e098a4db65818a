"""Loop-stall probe: does an endpoint keep the event loop responsive under concurrency?

The probe runs in the same event loop as the app (``httpx.ASGITransport`` calls the
ASGI app in-process), so anything that blocks the loop inside a handler also delays
a heartbeat task. While ``n`` requests run concurrently, the heartbeat sleeps
``interval`` seconds in a loop and records how late each wake-up is. A non-blocking
endpoint keeps that lag near zero and lets the requests overlap (total time close to
one request); a blocking one shows a lag about as long as the blocking call and a
total time close to ``n`` requests back to back.

Generic: works with any ``httpx.AsyncClient`` and any GET path, so it can be reused
for a blocking "misuse twin" of an app.
"""

import asyncio
import time
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class ProbeResult:
    path: str
    n: int
    total_seconds: float
    """Wall time for all ``n`` concurrent requests to complete."""
    max_lag_seconds: float
    """Largest lateness of a heartbeat wake-up while the requests ran."""
    heartbeats: int
    """Number of heartbeat wake-ups observed (few means the loop was starved)."""
    status_codes: tuple[int, ...]

    def summary(self) -> str:
        return (
            f"{self.path}: N={self.n} total={self.total_seconds:.3f}s "
            f"max_lag={self.max_lag_seconds:.3f}s heartbeats={self.heartbeats}"
        )


class _Heartbeat:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.max_lag = 0.0
        self.beats = 0
        self._stop = asyncio.Event()
        self._started = asyncio.Event()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self._started.set()
        while not self._stop.is_set():
            due = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            self.max_lag = max(self.max_lag, loop.time() - due)
            self.beats += 1

    async def started(self) -> None:
        await self._started.wait()

    def stop(self) -> None:
        self._stop.set()


async def probe(
    client: httpx.AsyncClient,
    path: str,
    n: int = 5,
    interval: float = 0.01,
    *,
    warmup: bool = True,
) -> ProbeResult:
    """Fire ``n`` concurrent ``GET path`` requests while measuring event-loop lag.

    With ``warmup`` (default), one request is made first, outside the measurement,
    so one-off costs (lazy imports, thread-pool start-up, first DB connection) are
    not counted. The heartbeat is stopped only after one more wake-up following the
    last response, so a stall caused by the final request is still recorded.
    """
    if warmup:
        await client.get(path)

    heartbeat = _Heartbeat(interval)
    heartbeat_task = asyncio.create_task(heartbeat.run())
    await heartbeat.started()
    try:
        start = time.perf_counter()
        responses = await asyncio.gather(*(client.get(path) for _ in range(n)))
        total = time.perf_counter() - start
        heartbeat.stop()
        await heartbeat_task
    finally:
        if not heartbeat_task.done():
            heartbeat_task.cancel()

    return ProbeResult(
        path=path,
        n=n,
        total_seconds=total,
        max_lag_seconds=heartbeat.max_lag,
        heartbeats=heartbeat.beats,
        status_codes=tuple(r.status_code for r in responses),
    )
