"""Misuse twin of the reference app: ``async def`` endpoints that block the event loop.

Same ``/items`` CRUD and the same slow-work endpoints as ``examples.reference_app.main``, each
slow one done the blocking way. Every reported line ends with an ``expect`` marker comment; see
the package docstring for the near misses that must stay silent.

* ``GET /sleep``        -- ``time.sleep`` (AL101)
* ``GET /exchange-rate`` -- ``requests.get`` (AL102; real network, the tests never call it)
* ``GET /file``         -- ``open()`` (AL103)
* ``GET /subprocess``   -- ``subprocess.run`` (AL104)
* ``GET /legacy/count`` -- ``sqlite3`` (AL105)
* ``POST /items``       -- a ``threading.Lock`` held with ``with`` (AL106)
* ``POST /admin/reseed`` -- ``asyncio.run`` in a coroutine (AL108: RuntimeError at run time)
* ``GET /resolve``      -- ``socket.gethostbyname`` (AL109)
* ``GET /sync-session`` -- a sync SQLAlchemy ``Session`` (AL201)
* ``GET /helper``       -- a project ``def`` helper that sleeps (AL110, in helpers.py)

``input()`` in a coroutine (AL107) is in :mod:`examples.blocking_app.cli`.

Run from the repository root: ``uvicorn examples.blocking_app.main:app``.
"""

import asyncio
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import requests
from fastapi import Depends, FastAPI, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import func, select, text

from examples.reference_app.main import get_item_or_404
from examples.reference_app.schemas import (
    ItemCreateRequest,
    ItemResponse,
    ItemUpdateRequest,
)

from . import database
from .database import SessionDep
from .helpers import fetch_report
from .models import Base, Item

REPORT_PATH = Path(__file__).parent / "data" / "report.txt"
RATES_URL = "https://api.exchangerate.host/latest"

Seconds = Annotated[float, Query(ge=0, le=5)]

# Per-process counters, guarded by a *thread* lock: the wrong kind of lock for a coroutine.
_stats_lock = threading.Lock()
_stats = {"created": 0}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await database.engine.dispose()
    await run_in_threadpool(database.sync_engine.dispose)


app = FastAPI(title="asynclint blocking app (misuse twin)", lifespan=lifespan)


# --------------------------------------------------------------------------- items


@app.post("/items", status_code=status.HTTP_201_CREATED)
async def create_item(payload: ItemCreateRequest, session: SessionDep) -> ItemResponse:
    item = Item(name=payload.name, price=payload.price)
    session.add(item)
    await session.commit()
    with _stats_lock:  # expect: AL106
        _stats["created"] += 1
    return ItemResponse.model_validate(item)


@app.get("/items")
async def list_items(session: SessionDep) -> list[ItemResponse]:
    items = await session.scalars(select(Item).order_by(Item.id))
    return [ItemResponse.model_validate(item) for item in items]


@app.get("/items/{item_id}")
async def read_item(item_id: int, session: SessionDep) -> ItemResponse:
    return ItemResponse.model_validate(await get_item_or_404(session, item_id))


@app.patch("/items/{item_id}")
async def update_item(
    item_id: int, payload: ItemUpdateRequest, session: SessionDep
) -> ItemResponse:
    item = await get_item_or_404(session, item_id)
    for field, value in payload.model_dump(exclude_none=True).items():
        setattr(item, field, value)
    await session.commit()
    return ItemResponse.model_validate(item)


@app.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: int, session: SessionDep) -> None:
    await session.delete(await get_item_or_404(session, item_id))
    await session.commit()


@app.get("/stats")
async def stats() -> dict[str, int]:
    return dict(_stats)


# ------------------------------------------------------- slow work, done wrongly


@app.get("/sleep")
async def sleep_endpoint(seconds: Seconds = 0.2) -> dict[str, Any]:
    time.sleep(seconds)  # expect: AL101
    return {"slept": seconds}


@app.get("/exchange-rate")
async def exchange_rate(currency: str = "EUR") -> dict[str, Any]:
    query = {"base": currency}
    response = requests.get(RATES_URL, params=query, timeout=5)  # expect: AL102
    response.raise_for_status()
    return response.json()


@app.get("/file")
async def read_file() -> dict[str, Any]:
    with open(REPORT_PATH, encoding="utf-8") as fh:  # expect: AL103
        content = fh.read()
    return {"path": REPORT_PATH.name, "content": content}


@app.get("/subprocess")
async def run_subprocess(seconds: Seconds = 0.2) -> dict[str, Any]:
    completed = subprocess.run(  # expect: AL104
        [
            sys.executable,
            "-c",
            "import sys, time; time.sleep(float(sys.argv[1]))",
            str(seconds),
        ],
        check=False,
    )
    if completed.returncode != 0:
        raise HTTPException(
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
            detail=f"Subprocess exited with status {completed.returncode}",
        )
    return {"returncode": completed.returncode, "seconds": seconds}


@app.get("/legacy/count")
async def legacy_count() -> dict[str, int]:
    """Item count through the stdlib driver, as an older part of the service still does."""
    conn = sqlite3.connect(database.db_path)  # expect: AL105
    try:
        cursor = conn.execute("SELECT count(*) FROM items")  # expect: AL105
        (count,) = cursor.fetchone()  # expect: AL105
    finally:
        conn.close()
    return {"items": count}


async def seed_demo_items() -> int:
    async with database.async_session_factory() as session:
        session.add_all([Item(name="demo", price=1.0), Item(name="sample", price=2.5)])
        await session.commit()
    return 2


@app.post("/admin/reseed")
async def reseed() -> dict[str, int]:
    # Written as if this were a script: inside the server's loop it raises RuntimeError.
    added = asyncio.run(seed_demo_items())  # expect: AL108
    return {"added": added}


@app.get("/resolve")
async def resolve(host: str = "localhost") -> dict[str, str]:
    return {"host": host, "address": socket.gethostbyname(host)}  # expect: AL109


@app.get("/sync-session")
async def sync_session_report(seconds: Seconds = 0.2) -> dict[str, Any]:
    """Item count, then a slow report query, through a *sync* Session on the event loop."""
    with database.SyncSession() as session:
        count = session.scalar(select(func.count()).select_from(Item))  # expect: AL201
        session.execute(text("SELECT sleep(:seconds)"), {"seconds": seconds})
    return {"items": count, "seconds": seconds}


@app.get("/helper")
async def helper_endpoint(seconds: Seconds = 0.2) -> dict[str, Any]:
    return fetch_report(seconds)  # expect: AL110


# ------------------------------------------ near misses: correct, and must stay silent


@app.get("/sleep-sync")
def sleep_in_threadpool(seconds: Seconds = 0.2) -> dict[str, Any]:
    """A plain ``def`` endpoint: FastAPI runs it in its thread pool, so blocking is fine."""
    time.sleep(seconds)
    return {"slept": seconds}


@app.get("/sync-session-threadpool")
def sync_session_in_threadpool(seconds: Seconds = 0.2) -> dict[str, Any]:
    """The ``/sync-session`` work in a plain ``def`` endpoint (thread pool): fine."""
    with database.SyncSession() as session:
        count = session.scalar(select(func.count()).select_from(Item))
        session.execute(text("SELECT sleep(:seconds)"), {"seconds": seconds})
    return {"items": count, "seconds": seconds}


@app.get("/bridge")
async def bridge(seconds: Seconds = 0.2) -> dict[str, Any]:
    await run_in_threadpool(time.sleep, seconds)
    return {"slept": seconds}


@app.get("/file-offloaded")
async def read_file_offloaded() -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    content = await loop.run_in_executor(
        None, lambda: REPORT_PATH.read_text(encoding="utf-8")
    )
    return {"path": REPORT_PATH.name, "content": content}


class AsyncClock:
    """Injectable clock, so that tests can swap in one that does not really wait."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def get_clock() -> AsyncClock:
    return AsyncClock()


@app.get("/ticks")
async def ticks(
    time: Annotated[AsyncClock, Depends(get_clock)], n: int = 3, seconds: Seconds = 0.01
) -> dict[str, int]:
    # The parameter `time` shadows the module: this is AsyncClock.sleep, awaited.
    for _ in range(n):
        await time.sleep(seconds)
    return {"ticks": n}
