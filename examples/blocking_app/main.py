"""Misuse twin of the reference app: ``async def`` endpoints that block the event loop or misuse
coroutines and SQLAlchemy's asyncio extension.

Same ``/items`` CRUD and the same slow-work endpoints as ``examples.reference_app.main``, each
slow one done the blocking way, plus a few endpoints of its own (``/orders``, item import and
copy). Every reported line ends with an ``expect`` marker comment; see
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

and async misuse that does not block but breaks (SQLAlchemy asyncio, coroutines, tasks):

* ``POST /items/import``  -- ``session.commit()`` without ``await``: nothing is stored (AL202)
* ``GET /items/names``    -- ``await session.scalars(q).all()``: AttributeError (AL202)
* ``POST /items/{id}/copy`` -- ``await session.add(copy)``: TypeError (AL203)
* ``GET /orders/{id}``    -- ``order.lines``, a lazy relationship: MissingGreenlet (AL204)
* ``POST /orders/{id}/cancel`` -- reads ``order.status`` after the commit expired it (AL205);
  so do ``/reopen`` (through ``get_order_or_404``) and ``POST /items/expiring`` (its response)
* ``POST /orders/{id}/ship`` -- ``notify_warehouse(...)`` without ``await``: never sent (AL301)
* ``POST /orders/{id}/receipt`` -- ``asyncio.create_task(...)`` with the task dropped (AL302)

``input()`` in a coroutine (AL107) is in :mod:`examples.blocking_app.cli`. ``POST /orders`` and
``GET /orders/{id}/eager`` are the correct counterparts of the ``/orders`` misuse.

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
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from examples.reference_app.main import get_item_or_404
from examples.reference_app.schemas import (
    ItemCreateRequest,
    ItemResponse,
    ItemUpdateRequest,
)

from . import database
from .database import ExpiringSessionDep, SessionDep
from .helpers import fetch_report
from .models import Base, Item, Order, OrderBase, OrderLine
from .notifications import notify_warehouse, order_events, send_receipt
from .schemas import OrderCreateRequest, OrderLineResponse, OrderResponse

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
        await conn.run_sync(OrderBase.metadata.create_all)
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


@app.get("/items/names")
async def item_names(session: SessionDep) -> list[str]:
    # Declared before `/items/{item_id}`, which would otherwise match `/items/names`.
    # `.all()` binds tighter than `await`: it is looked up on the coroutine (AttributeError).
    query = select(Item.name).order_by(Item.id)
    return await session.scalars(query).all()  # expect: AL202


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


@app.post("/items/import", status_code=status.HTTP_201_CREATED)
async def import_items(
    payload: list[ItemCreateRequest], session: SessionDep
) -> dict[str, int]:
    """Bulk import. The commit is called but not awaited: it never runs, nothing is stored."""
    session.add_all([Item(name=entry.name, price=entry.price) for entry in payload])
    session.commit()  # expect: AL202
    return {"imported": len(payload)}


@app.post("/items/{item_id}/copy", status_code=status.HTTP_201_CREATED)
async def copy_item(item_id: int, session: SessionDep) -> ItemResponse:
    original = await get_item_or_404(session, item_id)
    copy = Item(name=f"{original.name} (copy)", price=original.price)
    await session.add(copy)  # expect: AL203
    await session.commit()
    return ItemResponse.model_validate(copy)


@app.get("/stats")
async def stats() -> dict[str, int]:
    return dict(_stats)


# -------------------------------------------------------------------------- orders


async def get_order_or_404(session: AsyncSession, order_id: int) -> Order:
    order = await session.get(Order, order_id)
    if order is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND, detail=f"Order {order_id} not found"
        )
    return order


def order_response(order: Order, lines: list[OrderLine]) -> OrderResponse:
    return OrderResponse(
        id=order.id,
        customer=order.customer,
        status=order.status,
        lines=[OrderLineResponse.model_validate(line) for line in lines],
    )


@app.post("/orders", status_code=status.HTTP_201_CREATED)
async def create_order(
    payload: OrderCreateRequest, session: SessionDep
) -> OrderResponse:
    order = Order(
        customer=payload.customer,
        lines=[
            OrderLine(sku=line.sku, quantity=line.quantity) for line in payload.lines
        ],
    )
    session.add(order)
    await session.commit()
    # Fine: `order` was built here (its lines are in memory, not lazy) and SessionDep's
    # factory has expire_on_commit=False.
    return order_response(order, order.lines)


@app.get("/orders/{order_id}")
async def read_order(order_id: int, session: SessionDep) -> OrderResponse:
    order = await get_order_or_404(session, order_id)
    # `lines` was not loaded with the order: reading it is a lazy load, i.e. sync I/O.
    return order_response(order, order.lines)  # expect: AL204


@app.post("/orders/{order_id}/cancel")
async def cancel_order(order_id: int, session: ExpiringSessionDep) -> dict[str, Any]:
    order = await session.get(Order, order_id)
    if order is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND, detail=f"Order {order_id} not found"
        )
    order.status = "cancelled"
    await session.commit()
    # The commit expired `order` (expire_on_commit=True): reading it reloads it (sync I/O).
    return {"id": order_id, "status": order.status}  # expect: AL205


@app.post("/orders/{order_id}/reopen")
async def reopen_order(order_id: int, session: ExpiringSessionDep) -> dict[str, Any]:
    """``/cancel`` again, with the order loaded through the project's ``get_order_or_404``."""
    order = await get_order_or_404(session, order_id)
    order.status = "open"
    await session.commit()
    return {"id": order_id, "status": order.status}  # expect: AL205


@app.post("/orders/{order_id}/ship")
async def ship_order(order_id: int, session: SessionDep) -> dict[str, Any]:
    order = await get_order_or_404(session, order_id)
    order.status = "shipped"
    await session.commit()
    notify_warehouse(order.id)  # expect: AL301
    return {"id": order.id, "status": order.status}


@app.post("/orders/{order_id}/receipt", status_code=status.HTTP_202_ACCEPTED)
async def queue_receipt(order_id: int, session: SessionDep) -> dict[str, Any]:
    order = await get_order_or_404(session, order_id)
    # Runs in the background, but nothing keeps a reference to the task.
    asyncio.create_task(send_receipt(order.id))  # expect: AL302
    return {"id": order.id, "receipt": "queued"}


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


@app.get("/orders/{order_id}/eager")
async def read_order_eager(order_id: int, session: SessionDep) -> OrderResponse:
    """``GET /orders/{id}`` done right: the lines are loaded with the order (selectinload)."""
    order = await session.get(Order, order_id, options=[selectinload(Order.lines)])
    if order is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND, detail=f"Order {order_id} not found"
        )
    return order_response(order, order.lines)


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


# ------------------------------ async generators (appended after the others: see AL303)


@app.get("/orders/{order_id}/events")
async def read_order_events(order_id: int) -> list[str]:
    """The order's event feed. ``order_events`` is an async generator: its call is an async
    iterator, and awaiting it raises TypeError (AL303)."""
    return await order_events(order_id)  # expect: AL303


@app.get("/orders/{order_id}/events/collected")
async def read_order_events_collected(order_id: int) -> list[str]:
    """Near miss: ``GET /orders/{id}/events`` done right, iterating the generator."""
    return [event async for event in order_events(order_id)]


# ----------------------------------- serialised after an expiring commit (appended last)


@app.post(
    "/items/expiring", status_code=status.HTTP_201_CREATED, response_model=ItemResponse
)
async def create_item_expiring(
    payload: ItemCreateRequest, session: ExpiringSessionDep
) -> Item:
    """``POST /items`` through the expiring session, returning the instance: FastAPI validates
    it against ``response_model`` by reading ``item.id`` (and the other fields) from it, and the
    commit expired them all (AL205: MissingGreenlet, a 500 for a row that is stored)."""
    item = Item(name=payload.name, price=payload.price)
    session.add(item)
    await session.commit()
    return item  # expect: AL205


@app.post(
    "/items/expiring/refreshed",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemResponse,
)
async def create_item_refreshed(
    payload: ItemCreateRequest, session: ExpiringSessionDep
) -> Item:
    """Near miss: ``POST /items/expiring`` reloading the instance, awaited, before FastAPI
    reads it."""
    item = Item(name=payload.name, price=payload.price)
    session.add(item)
    await session.commit()
    await session.refresh(item)
    return item
