"""Where a session comes from decides what it is: each source of a kind, pinned by a snippet."""

from __future__ import annotations

import textwrap

import pytest

from asynclint.engine import CheckOptions, check_source

SYNC = """
    from fastapi import Depends, Security
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session, scoped_session, sessionmaker
    engine = create_engine("sqlite://")
    SessionLocal = sessionmaker(bind=engine)
    db_session = scoped_session(SessionLocal)
    def get_db():
        with SessionLocal() as db:
            yield db
"""
ASYNC = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import (
        AsyncSession, async_scoped_session, async_sessionmaker, create_async_engine,
    )
    from sqlalchemy.orm import sessionmaker
    aengine = create_async_engine("sqlite+aiosqlite://")
    AsyncLocal = async_sessionmaker(aengine)
    OldStyle = sessionmaker(aengine, class_=AsyncSession)
    scoped = async_scoped_session(AsyncLocal, scopefunc=lambda: 0)
"""


def found(setup: str, body: str) -> list[str]:
    text = textwrap.dedent(setup) + textwrap.dedent(body)
    result = check_source(text, "app.py", CheckOptions())
    assert result.errors == []
    return [finding.code for finding in result.findings]


@pytest.mark.parametrize(
    "body",
    [
        "async def f():\n    db_session.query(1).all()\n",
        "async def f():\n    db = db_session()\n    db.execute(text('x'))\n",
        "async def f():\n    with SessionLocal.begin() as db:\n        db.execute(text('x'))\n",
        "async def f():\n    db = Session(engine)\n    db.commit()\n",
        "async def f(db=Security(get_db)):\n    db.commit()\n",
        "async def f(db: 'Session'):\n    db.commit()\n",
        "async def f():\n    with engine.begin() as conn:\n        conn.execute(text('x'))\n",
        "from typing import Optional\nasync def f(db: Optional[Session] = None):\n    db.commit()\n",
        "async def f(db: Session | None = None):\n    db.commit()\n",
        "import sqlmodel\nasync def f(db: sqlmodel.Session):\n    db.exec(1)\n    db.commit()\n",
    ],
    ids=["scoped-proxy", "scoped-call", "sessionmaker-begin", "Session(engine)", "Security",
         "string-annotation", "engine-begin", "Optional", "union-none", "sqlmodel"],
)
def test_sync_session_sources_are_recognised(body):
    assert found(SYNC, body) == ["AL201"]


@pytest.mark.parametrize(
    "body",
    [
        "async def f():\n    async with AsyncLocal() as s:\n        await s.commit()\n",
        "async def f():\n    async with OldStyle() as s:\n        await s.commit()\n",
        "async def f():\n    s = AsyncSession(aengine)\n    await s.commit()\n",
        "async def f():\n    await scoped.commit()\n",
        "async def f():\n    async with aengine.begin() as conn:\n        await conn.execute(select(1))\n",
        "async def f():\n    async with AsyncLocal() as s:\n"
        "        result = await s.stream(select(1))\n        return await result.all()\n",
        "from sqlmodel.ext.asyncio.session import AsyncSession as SMAsync\n"
        "async def f(s: SMAsync):\n    await s.commit()\n",
    ],
    ids=["async_sessionmaker", "class_=AsyncSession", "AsyncSession(engine)", "async-scoped",
         "async-engine-begin", "stream", "sqlmodel-async"],
)
def test_async_sources_awaited_correctly_are_silent(body):
    assert found(ASYNC, body) == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("async def f():\n    async with OldStyle() as s:\n        s.commit()\n", "AL202"),
        ("async def f():\n    scoped.commit()\n", "AL202"),
        ("async def f():\n    async with AsyncLocal() as s:\n"
         "        result = await s.stream(select(1))\n        return result.all()\n", "AL202"),
        ("async def f():\n    async with AsyncLocal() as s:\n"
         "        result = await s.stream(select(1))\n        return await result.scalars()\n", "AL203"),
        ("import asyncio\nasync def f(s: AsyncSession):\n    await asyncio.shield(s.commit())\n", None),
        ("import anyio\nasync def f(s: AsyncSession):\n    async with anyio.create_task_group() as tg:\n"
         "        tg.start_soon(s.commit)\n", None),
    ],
    ids=["class_=AsyncSession", "async-scoped", "stream-unawaited", "stream-await-sync", "shield",
         "start_soon"],
)
def test_async_sources_misused(body, code):
    assert found(ASYNC, body) == ([code] if code else [])


def test_text_inside_docstrings_and_comments_is_not_code():
    body = '''
        async def f():
            """Never call time.sleep(1) or requests.get(url) here."""
            # time.sleep(1)
            return "open('x')"
    '''
    assert found("import time, requests\n", body) == []


def test_unknown_session_stays_silent():
    body = "async def f(db):\n    db.query(1)\n    db.commit()\n"
    assert found("from external import thing\n", body) == []


OR_SETUP = SYNC + """
    from typing import Optional
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
    AsyncLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # both sides known and of one kind: that kind, whatever the use
        ("async def f(s: Optional[Session] = None):\n    s = s or SessionLocal()\n    await s.flush()\n"
         "    s.commit()\n", ["AL201"]),
        # both known, different kinds: unknown
        ("async def f(s: Optional[AsyncSession] = None):\n    s = s or SessionLocal()\n    s.commit()\n", []),
        # one side unknown: plain I/O calls confirm the sync side...
        ("async def f(s=None):\n    s = s or SessionLocal()\n    s.add(1)\n    s.commit()\n", ["AL201"]),
        ("async def f(s=None):\n    s = s or db_session\n    return s.query(1).all()\n", ["AL201"]),
        # ... awaited ones say AsyncSession, which the sync side contradicts
        ("async def f(s=None):\n    s = s or SessionLocal()\n    await s.commit()\n", []),
        ("async def f(s=None):\n    s = s or SessionLocal()\n    await s.refresh(1)\n    s.commit()\n", []),
        # an async side is confirmed by awaited calls (and never reported for them)...
        ("async def f(s=None):\n    s = s or AsyncLocal()\n    await s.execute(text('x'))\n"
         "    await s.commit()\n", []),
        # ... while a plain call on it is either a sync session or a missing await: unknown
        ("async def f(s=None):\n    s = s or AsyncLocal()\n    s.commit()\n", []),
        # no I/O call says anything
        ("async def f(s=None):\n    s = s or SessionLocal()\n    s.add(1)\n    return s\n", []),
        # in a sync helper every call is plain: its blocking is a fact for its async callers
        ("def save(x, s=None):\n    s = s or SessionLocal()\n    s.add(x)\n    s.commit()\n"
         "async def f(x):\n    save(x)\n", ["AL110"]),
    ],
    ids=["both-sync", "sync-and-async", "plain-use", "scoped-proxy", "awaited-use", "mixed-use",
         "async-awaited", "async-plain", "no-io", "sync-helper"],
)
def test_x_or_y_keeps_the_kind_both_sides_agree_on_or_that_the_functions_use_decides(body, expected):
    assert found(OR_SETUP, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a class-level annotation declares what instances hold (a dataclass unit of work)
        ("from dataclasses import dataclass\n@dataclass\nclass UnitOfWork:\n    session: Session\n"
         "    async def save(self, x):\n        self.session.add(x)\n        self.session.commit()\n",
         ["AL201"]),
        # ... unless a method assigns the attribute: what it assigns decides
        ("class UnitOfWork:\n    session: Session\n    def __init__(self):\n        self.session = AsyncLocal()\n"
         "    async def save(self, x):\n        self.session.add(x)\n        await self.session.commit()\n", []),
        # `self.x = None` until a method builds it: calls on it see what was built
        ("class Cache:\n    def __init__(self):\n        self._db = None\n    def open(self):\n"
         "        self._db = SessionLocal()\n    async def hits(self):\n"
         "        return self._db.execute(text('select 1'))\n", ["AL201"]),
        # the same kind assigned in two methods stays known; two kinds make it unknown
        ("class Jobs:\n    def __init__(self):\n        self.db = SessionLocal()\n    def reset(self):\n"
         "        self.db = db_session()\n    async def run(self):\n        self.db.commit()\n", ["AL201"]),
        ("class Jobs:\n    def __init__(self):\n        self.db = SessionLocal()\n    def reset(self, db):\n"
         "        self.db = db\n    async def run(self):\n        self.db.commit()\n", []),
    ],
    ids=["dataclass-field", "assigned-wins", "built-lazily", "same-kind-twice", "unknown-assignment"],
)
def test_an_attribute_is_known_when_every_assignment_in_its_class_agrees(body, expected):
    assert found(OR_SETUP, body) == expected
