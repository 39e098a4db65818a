"""Sync database wiring: a sync engine whose pool is smaller than FastAPI's threadpool.

`pool_size=2, max_overflow=0` lends at most 2 connections, against anyio's 40 threads:
`asynclint --select AL401 examples/threadpool_app` reports it, and
`asynclint --endpoints examples/threadpool_app` shows the numbers. The database file is
``$ASYNCLINT_THREADPOOL_DB`` (default ``./threadpool.db``); :func:`configure` points the app at
another file and pool size (the tests use it), so look the factory up through the module.
"""

import os
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

DATABASE_URL = f"sqlite:///{os.environ.get('ASYNCLINT_THREADPOOL_DB', 'threadpool.db')}"

engine = create_engine(
    DATABASE_URL,
    poolclass=QueuePool,
    pool_size=2,
    max_overflow=0,
    pool_timeout=10,
    connect_args={"check_same_thread": False},
)
SessionLocal = sessionmaker(bind=engine, autoflush=False)


def configure(path: str, pool_size: int, pool_timeout: float = 10) -> Engine:
    """Point the app at the sqlite file ``path`` with a pool of ``pool_size`` connections."""
    global engine, SessionLocal
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
        connect_args={"check_same_thread": False},
    )
    SessionLocal = sessionmaker(bind=engine, autoflush=False)
    return engine


def get_db() -> Iterator[Session]:
    """FastAPI dependency (sync, `yield`): FastAPI runs it in its threadpool."""
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
