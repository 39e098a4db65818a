"""Reference FastAPI app: every endpoint is ``async def`` and none blocks the event loop.

Besides CRUD on ``/items`` (async SQLAlchemy + aiosqlite), it exposes one endpoint
per kind of slow operation, each done the non-blocking way, so that a misuse twin
(blocking version) can be compared against it with a loop-stall probe:

* ``GET /sleep``      -- ``await asyncio.sleep``
* ``GET /bridge``     -- a synchronous, slow function run via ``run_in_threadpool``
* ``GET /file``       -- ``await anyio.Path(...).read_text()``
* ``GET /subprocess`` -- ``await asyncio.create_subprocess_exec(...)``

Run from the repository root: ``uvicorn examples.reference_app.main:app``.
The database location is described in :mod:`examples.reference_app.database`.
"""

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import FastAPI, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from . import database
from .database import SessionDep
from .models import Base, Item
from .schemas import ItemCreateRequest, ItemResponse, ItemUpdateRequest

REPORT_PATH = Path(__file__).parent / "data" / "report.txt"

# Bounded so that a single request cannot tie up a worker for long.
Seconds = Annotated[float, Query(ge=0, le=5)]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await database.engine.dispose()


app = FastAPI(title="asynclint reference app", lifespan=lifespan)


# --------------------------------------------------------------------------- items


async def get_item_or_404(session: AsyncSession, item_id: int) -> Item:
    item = await session.get(Item, item_id)
    if item is None:
        raise HTTPException(
            status_code=status.HTTP_404_NOT_FOUND, detail=f"Item {item_id} not found"
        )
    return item


@app.post("/items", status_code=status.HTTP_201_CREATED)
async def create_item(payload: ItemCreateRequest, session: SessionDep) -> ItemResponse:
    item = Item(name=payload.name, price=payload.price)
    session.add(item)
    await session.commit()  # not expired (expire_on_commit=False): no reload to validate it
    return ItemResponse.model_validate(item)


@app.get("/items")
async def list_items(session: SessionDep) -> list[ItemResponse]:
    items = await session.scalars(select(Item).order_by(Item.id))
    return [ItemResponse.model_validate(item) for item in items]


@app.get("/items/{item_id}")
async def read_item(item_id: int, session: SessionDep) -> ItemResponse:
    item = await get_item_or_404(session, item_id)
    return ItemResponse.model_validate(item)


@app.patch("/items/{item_id}")
async def update_item(
    item_id: int, payload: ItemUpdateRequest, session: SessionDep
) -> ItemResponse:
    item = await get_item_or_404(session, item_id)
    # Only fields given a value are applied; falsy values such as 0 or "" count.
    if payload.name is not None:
        item.name = payload.name
    if payload.price is not None:
        item.price = payload.price
    await session.commit()
    return ItemResponse.model_validate(item)


@app.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(item_id: int, session: SessionDep) -> None:
    item = await get_item_or_404(session, item_id)
    await session.delete(item)
    await session.commit()


# ------------------------------------------------------- slow work, done correctly


def slow_report(seconds: float) -> dict[str, Any]:
    """A synchronous, blocking function (think: legacy library call)."""
    time.sleep(seconds)
    return {"report": "ready", "seconds": seconds}


@app.get("/bridge")
async def bridge(seconds: Seconds = 0.2) -> dict[str, Any]:
    """Run the blocking function in the thread pool, off the event loop."""
    return await run_in_threadpool(slow_report, seconds)


@app.get("/sleep")
async def sleep_endpoint(seconds: Seconds = 0.2) -> dict[str, Any]:
    await asyncio.sleep(seconds)
    return {"slept": seconds}


@app.get("/file")
async def read_file() -> dict[str, Any]:
    content = await anyio.Path(REPORT_PATH).read_text(encoding="utf-8")
    return {"path": REPORT_PATH.name, "content": content}


@app.get("/subprocess")
async def run_subprocess(seconds: Seconds = 0.2) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys, time; time.sleep(float(sys.argv[1]))",
        str(seconds),
    )
    returncode = await process.wait()
    if returncode != 0:
        raise HTTPException(
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
            detail=f"Subprocess exited with status {returncode}",
        )
    return {"returncode": returncode, "seconds": seconds}
