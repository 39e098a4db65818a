"""Runtime proof on examples/threadpool_app: threads wait on the pool, holding their threads.

The app's `def` routes run in anyio's threadpool with a sync session from a QueuePool.

* 40 threads, 2 connections, 8 concurrent requests to the route without a response model:
  8 threads are in the route at once, 2 hold the connections and 6 wait in QueuePool checkout
  *holding their threads* — what `asynclint --endpoints` predicts (2 connections, 40 threads)
  and AL401 reports. With 8 connections, none waits.
* The thread limit lowered to the pool (2 and 2) is no fix for the route *with* a response
  model: FastAPI validates its return value in another threadpool hop while the `yield`
  dependency's session still holds its connection (released at teardown, after that hop), so
  the threads waiting in checkout hold every thread the hop needs and requests fail with
  QueuePool's TimeoutError; the same limits serve the route without a response model.

Every verdict compares counts of the same run (threads in the route, requests that waited or
failed), never a time against a bound: the query holds its connection until all requests are
in the route or HOLD_LIMIT has passed, so a slow machine changes how long a run takes, not
what it counts. The app is driven in-process (`httpx.ASGITransport`), its sync routes in the
test loop's threadpool. Run with `-s` to see the figures.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy import event, text

from examples.threadpool_app import database, items
from examples.threadpool_app.main import app

pytestmark = pytest.mark.anyio
REQUESTS = 8
POOL = 2
HOLD_LIMIT = 0.3
POOL_TIMEOUT = 1.0  # SQLAlchemy's default is 30 s


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Counts:
    max_in_route: int = 0  # threads in the route at once
    # threads that entered the route while every connection was held by another thread in
    # the route: each waits in QueuePool checkout, holding its thread, until one leaves
    queued: int = 0
    failed: int = 0  # requests answered with an error (QueuePool's TimeoutError)


class Probe:
    """Replaces the route's query: counts threads in the route and holds each connection until
    every request is in the route (or HOLD_LIMIT seconds have passed)."""

    def __init__(self, capacity: int, requests: int) -> None:
        self.capacity = capacity
        self.requests = requests
        self.lock = threading.Lock()
        self.in_route = 0
        self.counts = Counts()
        self.all_in = threading.Event()

    def slow_query(self, db, item_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
        with self.lock:
            self.in_route += 1
            self.counts.max_in_route = max(self.counts.max_in_route, self.in_route)
            self.counts.queued += self.in_route > self.capacity
            if self.in_route >= self.requests:
                self.all_in.set()
        try:
            value = db.execute(text("select :id"), {"id": item_id}).scalar_one()  # checkout
            self.all_in.wait(HOLD_LIMIT)  # a slow query: the connection stays lent meanwhile
        finally:
            with self.lock:
                self.in_route -= 1
        return {"id": value}


@pytest.fixture
def configured(tmp_path: Path) -> Iterator[None]:
    yield
    database.configure(str(tmp_path / "reset.db"), pool_size=POOL)


async def run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_size: int, threads: int | None,
    requests: int = 8, suffix: str = "",
) -> Counts:
    engine = database.configure(str(tmp_path / f"pool{pool_size}-{threads}-{requests}{suffix.strip('/')}.db"), pool_size=pool_size,
                                pool_timeout=POOL_TIMEOUT)
    lent = {"now": 0, "max": 0}

    @event.listens_for(engine, "checkout")
    def checkout(*_: object) -> None:
        lent["now"] += 1
        lent["max"] = max(lent["max"], lent["now"])

    @event.listens_for(engine, "checkin")
    def checkin(*_: object) -> None:
        lent["now"] -= 1

    probe = Probe(capacity=pool_size, requests=requests)
    statuses: list[int] = []
    monkeypatch.setattr(items, "slow_query", probe.slow_query)
    limiter = anyio.to_thread.current_default_thread_limiter()
    previous = limiter.total_tokens
    if threads is not None:
        limiter.total_tokens = threads
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def get(n: int) -> None:
                statuses.append((await client.get(f"/v1/api/items/{n}{suffix}")).status_code)

            async with anyio.create_task_group() as group:
                for n in range(requests):
                    group.start_soon(get, n)
    finally:
        limiter.total_tokens = previous
        engine.dispose()
    assert lent["max"] <= pool_size  # the pool never lends more than it has
    probe.counts.failed = sum(status != 200 for status in statuses)
    return probe.counts


async def test_threads_wait_for_connections_while_holding_them_unless_the_pool_is_large_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: None
) -> None:
    """AL401's premise, on the route without a response model: 40 threads, 2 connections."""
    trap = await run(tmp_path, monkeypatch, pool_size=POOL, threads=None, suffix="/raw")
    raised = await run(tmp_path, monkeypatch, pool_size=REQUESTS, threads=None, suffix="/raw")
    print(f"\n{REQUESTS} concurrent requests, 40 threads: pool {POOL}: {trap}; pool {REQUESTS}: {raised}")
    # more threads in the route than connections: the rest wait in checkout, holding threads
    assert trap.max_in_route > POOL and trap.queued > 0
    assert raised.queued == 0 and raised.max_in_route == trap.max_in_route
    assert trap.failed == raised.failed == 0


async def test_a_lowered_limiter_stalls_a_def_route_that_validates_its_response(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: None
) -> None:
    """The limiter lowered to the pool (2 threads, 2 connections) is no fix for a route with
    a response model: its return value is validated in another threadpool hop while the
    `yield` dependency's session still holds its connection (released at teardown), so the
    threads waiting in checkout hold every thread that hop needs — until pool_timeout."""
    monkeypatch.setattr(sys.modules[__name__], "HOLD_LIMIT", 0.05)
    monkeypatch.setattr(sys.modules[__name__], "POOL_TIMEOUT", 0.5)
    validated = await run(tmp_path, monkeypatch, pool_size=POOL, threads=POOL)
    raw = await run(tmp_path, monkeypatch, pool_size=POOL, threads=POOL, suffix="/raw")
    print(f"\n{REQUESTS} concurrent requests, 2 threads, 2 connections: with a response model "
          f"{validated.failed} failed (QueuePool TimeoutError), without {raw.failed}")
    assert validated.max_in_route <= POOL and raw.max_in_route <= POOL
    assert validated.failed > raw.failed == 0
