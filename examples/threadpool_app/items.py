"""Sync routes on a sync session: each request holds a threadpool thread for its whole run."""

import time

from fastapi import APIRouter, Depends
from sqlalchemy import text
from sqlalchemy.orm import Session

from examples.threadpool_app.database import get_db

router = APIRouter(prefix="/items")
QUERY_SECONDS = 0.05


def slow_query(db: Session, item_id: int) -> dict[str, int]:
    """A query that keeps its connection for a while (think: a report)."""
    value = db.execute(text("select :id"), {"id": item_id}).scalar_one()
    time.sleep(QUERY_SECONDS)
    return {"id": value}


@router.get("/{item_id}")
def read_item(item_id: int, db: Session = Depends(get_db)) -> dict[str, int]:
    return slow_query(db, item_id)


@router.get("/")
def health() -> dict[str, bool]:
    """A `def` route without the database: it needs a thread, not a connection."""
    return {"ok": True}


@router.get("/{item_id}/raw", response_model=None)
def read_item_raw(item_id: int, db: Session = Depends(get_db)) -> dict[str, int]:
    """The same without a response model: FastAPI validates nothing after the route returns."""
    return slow_query(db, item_id)
