"""Database wiring for the misuse twin: an async engine for CRUD, and a *sync* engine too.

Two async session factories share the async engine: ``async_session_factory`` with
``expire_on_commit=False`` as in the reference app (``SessionDep``), and
``expiring_session_factory``, an ``async_sessionmaker()`` with SQLAlchemy's default
``expire_on_commit=True`` (``ExpiringSessionDep``): after ``await session.commit()`` every
instance of such a session is expired, and reading an attribute reloads it (AL205).

Both point at the same SQLite file, taken from ``$ASYNCLINT_BLOCKING_DB`` (default
``./blocking_items.db``) when this module is imported; :func:`configure` points both at another
file (the tests use a temporary one). Look the engines up through the module at call time
(``database.sync_engine``), as in the reference app.

The sync engine registers an SQL function ``sleep(seconds)`` on each connection. It stands in
for a slow query (``pg_sleep`` in PostgreSQL, ``SLEEP()`` in MySQL), so that the cost of running
a synchronous ``Session`` on the event loop can be measured: a real query on a small SQLite file
takes well under a millisecond.
"""

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

from examples.reference_app.database import sqlite_url

DB_PATH_ENV_VAR = "ASYNCLINT_BLOCKING_DB"
DEFAULT_DB_FILENAME = "blocking_items.db"


def _register_sleep(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.create_function("sleep", 1, time.sleep)


def _make_sync_engine(path: Path) -> Engine:
    sync = create_engine(f"sqlite:///{path}")
    event.listen(sync, "connect", _register_sleep)
    return sync


def default_path() -> str:
    """``$ASYNCLINT_BLOCKING_DB``, else ``./blocking_items.db``."""
    return os.environ.get(DB_PATH_ENV_VAR) or DEFAULT_DB_FILENAME


def configure(path: str | os.PathLike[str]) -> None:
    """Point the async and the sync engine at the SQLite file ``path``."""
    global db_path, engine, async_session_factory, sync_engine
    db_path = Path(path).absolute()
    engine = create_async_engine(sqlite_url(db_path))
    async_session_factory = async_sessionmaker(engine, expire_on_commit=False)
    expiring_session_factory.configure(bind=engine)
    sync_engine = _make_sync_engine(db_path)
    SyncSession.configure(bind=sync_engine)


db_path: Path
engine: AsyncEngine
async_session_factory: async_sessionmaker[AsyncSession]
sync_engine: Engine
# Bound (and re-bound) to `engine` and `sync_engine` by configure().
expiring_session_factory: async_sessionmaker[AsyncSession] = async_sessionmaker()
SyncSession: sessionmaker[Session] = sessionmaker()
configure(default_path())


async def get_async_session() -> AsyncIterator[AsyncSession]:
    async with async_session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_async_session)]


async def get_expiring_session() -> AsyncIterator[AsyncSession]:
    """A session whose commit expires its instances (the default ``expire_on_commit=True``)."""
    async with expiring_session_factory() as session:
        yield session


ExpiringSessionDep = Annotated[AsyncSession, Depends(get_expiring_session)]
