"""Loop-stall probe: does an endpoint keep the event loop responsive under concurrency?

The probe runs in the same event loop as the app (``httpx.ASGITransport`` calls the
ASGI app in-process), so anything that blocks the loop inside a handler also delays
a heartbeat task. The probe first times a few requests one at a time, then fires ``n``
concurrently while the heartbeat sleeps ``interval`` seconds in a loop and records each
wake-up. A non-blocking endpoint lets the requests overlap (total time close to one
request) and keeps the heartbeat beating; a blocking one runs them back to back (total
close to ``n`` requests) and starves the heartbeat.

The verdicts compare quantities of the same run, never a time against a fixed bound: a
busy machine slows every request and delays every wake-up, but it cannot make
overlapping requests serialise, nor a blocked loop beat on time.

Generic: works with any ``httpx.AsyncClient`` and any GET path, so it can be reused
for a blocking "misuse twin" of an app.
"""

import asyncio
import time
from dataclasses import dataclass

import httpx

# A loop blocked by each request beats at most about once per request, n + 1 times in a run
# of n back-to-back calls: with calls of 0.2 s and a 0.01 s heartbeat, under 0.06 of the run
# (measured: 0.01, the heartbeat usually gets no turn until all n are done). A free loop
# beats on time for most of the run (measured: 0.43-0.86 over 20 runs on 2 cores kept busy
# by two extra processes and other users). The threshold sits between the two, a few times
# from each; it assumes the blocking call is much longer than the heartbeat interval.
LOOP_FREE_SHARE = 0.2

# n requests run back to back take about n single requests (overlap ratio ~n, measured down
# to 0.92 n under that load: the fastest single request is itself a noisy yardstick);
# requests that overlap take about one (ratio ~1, measured up to 1.64). A request that
# spends CPU of its own, such as starting a Python interpreter, cannot hide that CPU behind
# the others when n of them share 2 cores with other work, so they overlap less (measured up
# to 2.86) and need the wider limit, about as far from one side as from the other.
OVERLAP_LIMIT = 0.5
OVERLAP_LIMIT_CPU_BOUND = 0.75


@dataclass(frozen=True)
class ProbeResult:
    path: str
    n: int
    single_seconds: float
    """Fastest of the requests timed one at a time before the concurrent ones, same run."""
    total_seconds: float
    """Wall time for all ``n`` concurrent requests to complete."""
    max_lag_seconds: float
    """Largest lateness of a heartbeat wake-up while the requests ran."""
    heartbeats: int
    """Number of heartbeat wake-ups observed (few means the loop was starved)."""
    interval: float
    """The heartbeat's sleep between wake-ups."""
    heartbeat_seconds: float
    """How long the heartbeat ran: from its start to its last wake-up."""
    status_codes: tuple[int, ...]

    @property
    def overlap_ratio(self) -> float:
        """Concurrent total over one request: about 1 if they overlap, at least ``n`` if not."""
        return self.total_seconds / self.single_seconds

    @property
    def on_time_share(self) -> float:
        """Share of the heartbeat's run it spent sleeping as asked rather than waiting for the
        loop: near 1 when the loop stays free, near 0 when the loop is starved."""
        return self.heartbeats * self.interval / self.heartbeat_seconds

    def summary(self) -> str:
        return (
            f"{self.path}: N={self.n} total={self.total_seconds:.3f}s "
            f"max_lag={self.max_lag_seconds:.3f}s heartbeats={self.heartbeats} "
            f"single={self.single_seconds:.3f}s overlap={self.overlap_ratio:.2f} "
            f"on_time={self.on_time_share:.2f}"
        )


def assert_overlaps_and_keeps_loop_free(
    result: ProbeResult, overlap_limit: float = OVERLAP_LIMIT
) -> None:
    """The ``n`` requests overlapped and the heartbeat kept beating while they ran."""
    assert result.overlap_ratio < overlap_limit * result.n, (
        f"requests did not overlap: {result.summary()}"
    )
    assert result.on_time_share >= LOOP_FREE_SHARE, (
        f"heartbeat starved: {result.summary()}"
    )


def assert_serialises_and_starves_loop(
    result: ProbeResult, overlap_limit: float = OVERLAP_LIMIT
) -> None:
    """The ``n`` requests ran back to back and the heartbeat hardly got a turn."""
    assert result.overlap_ratio >= overlap_limit * result.n, (
        f"requests overlapped: {result.summary()}"
    )
    assert result.on_time_share < LOOP_FREE_SHARE, (
        f"heartbeat kept beating: {result.summary()}"
    )


class _Heartbeat:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.max_lag = 0.0
        self.beats = 0
        self.seconds = 0.0
        self._stop = asyncio.Event()
        self._started = asyncio.Event()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        self._started.set()
        while not self._stop.is_set():
            due = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            woke = loop.time()
            self.max_lag = max(self.max_lag, woke - due)
            self.beats += 1
            self.seconds = woke - start

    async def started(self) -> None:
        await self._started.wait()

    def stop(self) -> None:
        self._stop.set()


async def _single_request_seconds(
    client: httpx.AsyncClient, path: str, repeats: int
) -> float:
    # The fastest of a few: a one-off cost (lazy imports, thread-pool start-up, first DB
    # connection) or a moment of load only slows some of them, so the minimum is what one
    # request costs when nothing else competes, the yardstick for the concurrent total.
    fastest = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        await client.get(path)
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


async def probe(
    client: httpx.AsyncClient,
    path: str,
    n: int = 5,
    interval: float = 0.01,
    *,
    single_repeats: int = 3,
) -> ProbeResult:
    """Time ``GET path`` alone, then fire ``n`` concurrent ones while measuring event-loop lag.

    The requests timed alone (``single_repeats``, the fastest kept) also warm the endpoint up,
    so one-off costs are not counted in the concurrent run. The heartbeat is stopped only after
    one more wake-up following the last response, so a stall caused by the final request is
    still recorded.
    """
    single = await _single_request_seconds(client, path, single_repeats)

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
        single_seconds=single,
        total_seconds=total,
        max_lag_seconds=heartbeat.max_lag,
        heartbeats=heartbeat.beats,
        interval=interval,
        heartbeat_seconds=heartbeat.seconds,
        status_codes=tuple(r.status_code for r in responses),
    )
