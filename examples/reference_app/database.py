"""Async database wiring for the reference app.

The SQLite database file is taken from the environment variable
``ASYNCLINT_EXAMPLE_DB`` (a filesystem path, e.g. ``/tmp/items.db``). When it is
not set, the file ``items.db`` in the current working directory is used. The
path is read once, when this module is imported; no file is created until the
first connection is made.

Tests (or any other caller) can point the app at another database with
:func:`configure`, which replaces the module-level :data:`engine` and
:data:`async_session_factory`. Code that needs the engine should therefore look
it up through the module (``database.engine``) at call time rather than binding
it with ``from ... import engine``.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DB_PATH_ENV_VAR = "ASYNCLINT_EXAMPLE_DB"
DEFAULT_DB_FILENAME = "items.db"


def sqlite_url(path: str | os.PathLike[str]) -> str:
    """Return the ``sqlite+aiosqlite`` URL for the database file at ``path``."""
    return f"sqlite+aiosqlite:///{Path(path).absolute()}"


def default_database_url() -> str:
    """URL built from ``$ASYNCLINT_EXAMPLE_DB``, else ``./items.db``."""
    return sqlite_url(os.environ.get(DB_PATH_ENV_VAR) or DEFAULT_DB_FILENAME)


def _make_factory(bind: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(bind, expire_on_commit=False)  # commits leave instances loaded


engine: AsyncEngine = create_async_engine(default_database_url())
async_session_factory: async_sessionmaker[AsyncSession] = _make_factory(engine)


def configure(url: str) -> AsyncEngine:
    """Point the app at the database ``url`` and return the new engine.

    Replaces :data:`engine` and :data:`async_session_factory`. The previous
    engine is not disposed here (disposal is asynchronous); the app's lifespan
    disposes whichever engine is current when it shuts down.
    """
    global engine, async_session_factory
    engine = create_async_engine(url)
    async_session_factory = _make_factory(engine)
    return engine


async def get_async_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, closed afterwards."""
    async with async_session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_async_session)]
