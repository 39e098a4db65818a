"""AL201–AL205: SQLAlchemy sessions in async code (sync sessions, awaits, lazy and expired loads)."""

from __future__ import annotations

from asynclint.rules.base import Rule

_SYNC_SETUP = (
    "from fastapi import FastAPI, Depends\n"
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import Session, sessionmaker\n"
    "app = FastAPI()\n"
    "SessionLocal = sessionmaker(bind=create_engine('sqlite://'))\n"
    "def get_db():\n"
    "    db = SessionLocal()\n"
    "    try:\n"
    "        yield db\n"
    "    finally:\n"
    "        db.close()\n"
)
_ASYNC_SETUP = (
    "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n"
    "engine = create_async_engine('sqlite+aiosqlite://')\n"
    "Factory = async_sessionmaker(engine)\n"
)
_MODELS = (
    "from datetime import datetime\n"
    "from sqlalchemy import ForeignKey, func\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload\n"
    "class Base(DeclarativeBase):\n    pass\n"
    "class Parent(Base):\n"
    "    __tablename__ = 'parent'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    updated: Mapped[str] = mapped_column(server_default=func.now(), onupdate=func.now())\n"
    "    hits: Mapped[int] = mapped_column(server_default='0')\n"
    "    touched: Mapped[datetime] = mapped_column(default=datetime.now, onupdate=datetime.now)\n"
    "    children: Mapped[list['Child']] = relationship(back_populates='parent')\n"
    "    tags: Mapped[list['Child']] = relationship(lazy='selectin')\n"
    "class Child(Base):\n"
    "    __tablename__ = 'child'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    parent_id: Mapped[int] = mapped_column(ForeignKey('parent.id'))\n"
    "    parent: Mapped[Parent] = relationship(back_populates='children')\n"
)


_SQLMODEL = (
    "from typing import Optional\n"
    "from sqlmodel import Field, Relationship, SQLModel\n"
    "from sqlmodel.ext.asyncio.session import AsyncSession\n"
    "class Team(SQLModel, table=True):\n"
    "    id: Optional[int] = Field(default=None, primary_key=True)\n"
    "    heroes: list['Hero'] = Relationship(sa_relationship_kwargs={'lazy': 'selectin'})\n"
    "    coaches: list['Hero'] = Relationship(sa_relationship_kwargs=dict(lazy='joined'))\n"
    "    fans: list['Hero'] = Relationship(sa_relationship_kwargs=RELATIONSHIP_OPTIONS)\n"
    "    rivals: list['Hero'] = Relationship()\n"
    "class Hero(SQLModel, table=True):\n"
    "    id: Optional[int] = Field(default=None, primary_key=True)\n"
    "    team_id: Optional[int] = Field(default=None, foreign_key='team.id')\n"
)
# Pydantic response schemas over `Parent` (fields `id`, `updated`, `children`), and a route table.
_SCHEMAS = (
    "from fastapi import FastAPI\n"
    "from fastapi.encoders import jsonable_encoder\n"
    "from pydantic import BaseModel, ConfigDict, model_validator\n"
    "app = FastAPI()\n"
    "class Out(BaseModel):\n    model_config = ConfigDict(from_attributes=True)\n    id: int\n"
    "class Stamped(Out):\n    updated: str\n"
    "class Family(Out):\n    children: list[dict]\n"
    "class Plain(BaseModel):\n    id: int\n"
)
_ADDED = "    async with Factory() as s:\n        p = Parent()\n        s.add(p)\n"
_COMMITTED = _ADDED + "        await s.commit()\n"
# Project helpers handing out sessions of a factory (`{factory}`): returned, yielded to FastAPI,
# or yielded by an async context manager.
_WRAPPERS = (
    "from contextlib import asynccontextmanager\n"
    "from fastapi import Depends\n"
    "def new_session():\n    return {factory}()\n"
    "async def get_session():\n    async with {factory}() as session:\n        yield session\n"
    "@asynccontextmanager\nasync def session_scope():\n"
    "    async with {factory}() as session:\n        yield session\n"
)


class SyncSessionInAsync(Rule):
    """
    ## What it does
    Flags database I/O on a sync SQLAlchemy (or sqlmodel) `Session`, `Engine` or `Connection`
    inside async code: `query`, `execute`, `scalars`, `get`, `commit`, `flush`, `refresh`, ...
    One finding per function, at the first I/O, naming where the session comes from (a
    `Depends(get_db)` dependency, an `Annotated` alias from another module, `SessionLocal()`).
    A call that is awaited (`await db.execute(q)`) is not reported: the code treats the session
    as an `AsyncSession`, and a wrong annotation is not a blocking call.

    A session is known through the ways applications pass it around: `self.session` of a
    repository, unit of work or CRUD base class (from its `__init__` parameter's annotation or
    `Depends`, a class-level annotation, or what its methods assign — known only if every
    assignment is of one kind; base classes in other modules count), `request.state.db` (every
    assignment to `<request>.state.db` in the project must agree), `fastapi_sqlalchemy`'s
    `db.session`, and `session = session or SessionLocal()`: with one side unknown, the
    function's own use decides — plain `session.commit()` calls confirm a sync session, awaited
    ones say it is an `AsyncSession`, both together leave it unknown.
    `sqlalchemy.inspect(engine)` on a sync engine connects.

    ## Why is this bad?
    A sync session talks to the database on the calling thread. In an `async def` endpoint
    that thread runs the event loop: every query stalls all requests of the worker.

    ## Example
    ```python
    @app.get("/items")
    async def list_items(db: Session = Depends(get_db)):
        return db.query(Item).all()
    ```

    ## Use instead
    ```python
    @app.get("/items")
    def list_items(db: Session = Depends(get_db)):  # FastAPI runs it in the threadpool
        return db.query(Item).all()
    ```
    or an `AsyncSession` from `async_sessionmaker` and `await session.scalars(select(Item))`.
    """

    code = "AL201"
    name = "sync-session-in-async"
    summary = "DB I/O on a sync SQLAlchemy Session/Engine/Connection in async code"
    message = "{call} on sync {kind} `{name}`{origin} in {where}"
    VALID = (
        _SYNC_SETUP + "@app.get('/items')\ndef items(db: Session = Depends(get_db)):\n"
        "    return db.query(1).all()\n",
        _SYNC_SETUP + "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
        "    db.add(object())\n",
        _SYNC_SETUP + "from fastapi.concurrency import run_in_threadpool\n"
        "def count(db):\n    return 1\n"
        "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
        "    return await run_in_threadpool(db.execute, 'select 1')\n",
        _ASYNC_SETUP + "async def f():\n    async with Factory() as s:\n"
        "        await s.execute(select(1))\n",
        "async def f(db):\n    db.query(1)\n",
        _SYNC_SETUP + "async def f():\n    await run_sync(lambda: SessionLocal().query(1).all())\n",
        # `session or SessionLocal()` with an unknown parameter: an awaited call says
        # AsyncSession, a plain one a sync Session; used both ways, nothing is known
        _SYNC_SETUP + "async def save(item, session=None):\n    session = session or SessionLocal()\n"
        "    session.add(item)\n    await session.flush()\n    session.commit()\n",
        # an attribute assigned a sync session in one method and an async one in another
        _SYNC_SETUP + _ASYNC_SETUP + "class Audit:\n    def __init__(self):\n"
        "        self.session = SessionLocal()\n    def use_async(self):\n"
        "        self.session = Factory()\n    async def log(self, entry):\n"
        "        self.session.add(entry)\n        self.session.commit()\n",
        # `request.state.db` set to a sync session in one middleware and an async one in another
        _SYNC_SETUP + _ASYNC_SETUP + "from fastapi import Request\n"
        "@app.middleware('http')\nasync def sync_db(request: Request, call_next):\n"
        "    request.state.db = SessionLocal()\n    return await call_next(request)\n"
        "@app.middleware('http')\nasync def async_db(request: Request, call_next):\n"
        "    request.state.db = Factory()\n    return await call_next(request)\n"
        "@app.get('/items')\nasync def items(request: Request):\n"
        "    return request.state.db.query(1).all()\n",
        "from fastapi_async_sqlalchemy import db\nfrom sqlalchemy import inspect, text\n"
        "async def f(item):\n    await db.session.execute(text('select 1'))\n    return inspect(item)\n",
        # Annotated `Session` but awaited: the annotation is what is wrong (an AsyncSession).
        _SYNC_SETUP + "async def count(db: Session):\n    result = await db.execute('select 1')\n"
        "    return result.scalar()\n",
    )
    INVALID = (
        _SYNC_SETUP + "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
        "    rows = db.query(1).all()  # expect: AL201\n    db.commit()\n    return rows\n",
        _SYNC_SETUP + "async def job():\n    with SessionLocal() as db:\n"
        "        db.execute('select 1')  # expect: AL201\n",
        _SYNC_SETUP + "from typing import Annotated\nDB = Annotated[Session, Depends(get_db)]\n"
        "@app.get('/items')\nasync def items(db: DB):\n    return db.scalars('x')  # expect: AL201\n",
        "from sqlalchemy import create_engine, text\nengine = create_engine('sqlite://')\n"
        "async def f():\n    with engine.connect() as conn:  # expect: AL201\n"
        "        conn.execute(text('select 1'))\n",
        _SYNC_SETUP + "async def save(item, session=None):\n    session = session or SessionLocal()\n"
        "    session.add(item)\n    session.commit()  # expect: AL201\n",
        _SYNC_SETUP + "class ItemRepository:\n    def __init__(self, db: Session = Depends(get_db)):\n"
        "        self.db = db\n    async def list(self):\n"
        "        return self.db.query(1).all()  # expect: AL201\n"
        "@app.get('/items')\nasync def items(repo: ItemRepository = Depends()):\n"
        "    return repo.db.scalars('x')  # expect: AL201\n",
        _SYNC_SETUP + "from fastapi import Request\n"
        "@app.middleware('http')\nasync def db_session(request: Request, call_next):\n"
        "    request.state.db = SessionLocal()\n    return await call_next(request)\n"
        "@app.get('/items')\nasync def items(request: Request):\n"
        "    return request.state.db.query(1).all()  # expect: AL201\n",
        "from fastapi_sqlalchemy import db\nfrom sqlalchemy import create_engine, inspect\n"
        "engine = create_engine('sqlite://')\nasync def f():\n"
        "    return db.session.query(1).all()  # expect: AL201\n"
        "async def tables():\n    return inspect(engine).get_table_names()  # expect: AL201\n",
    )


class UnawaitedOrmIo(Rule):
    """
    ## What it does
    Flags a coroutine method of `AsyncSession`, `AsyncConnection`, `AsyncEngine` or
    `AsyncResult` called without `await`: the result dropped, assigned and never awaited,
    returned un-awaited from an async function, or the precedence bug
    `await session.scalars(q).all()` (the `.all()` is applied to the coroutine).

    ## Why is this bad?
    Nothing happens until the coroutine is awaited: `session.commit()` without `await`
    commits nothing (Python only warns "coroutine was never awaited"), and
    `await session.scalars(q).all()` raises `AttributeError: 'coroutine' object has no
    attribute 'all'`.

    ## Example
    ```python
    async def create(session: AsyncSession, item: Item):
        session.add(item)
        session.commit()
    ```

    ## Use instead
    ```python
    async def create(session: AsyncSession, item: Item):
        session.add(item)
        await session.commit()
    ```
    """

    code = "AL202"
    name = "unawaited-orm-io"
    summary = "AsyncSession/AsyncConnection coroutine method called without `await`"
    message = "{call} returns a coroutine that is never awaited in {where}{detail}"
    VALID = (
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    await s.commit()\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    return (await s.execute(select(1))).scalars().all()\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    s.add(object())\n",
        _ASYNC_SETUP + "import asyncio\nasync def f(s: AsyncSession):\n"
        "    await asyncio.gather(s.commit(), s.flush())\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    pending = s.commit()\n    await pending\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    return await s.run_sync(lambda sync_s: sync_s.query(1).all())\n",
        _ASYNC_SETUP + "def f(s: AsyncSession):\n    return s.commit()\n",
        "async def f(s):\n    s.commit()\n",
    )
    INVALID = (
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    s.commit()  # expect: AL202\n",
        _ASYNC_SETUP + "async def f():\n    async with Factory() as s:\n"
        "        return await s.scalars(select(1)).all()  # expect: AL202\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = s.execute(select(1))  # expect: AL202\n"
        "    return 1\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    return s.commit()  # expect: AL202\n",
        _ASYNC_SETUP + "async def f():\n    engine.dispose()  # expect: AL202\n",
        "from fastapi_async_sqlalchemy import db\nasync def f(item):\n    db.session.add(item)\n"
        "    db.session.commit()  # expect: AL202\n",
    )


class AwaitOnSyncMethod(Rule):
    """
    ## What it does
    Flags `await` on a plain (non-coroutine) method of the async SQLAlchemy classes:
    `AsyncSession.add`, `add_all`, `expunge`, `expire`, `in_transaction`, ...; and on the
    methods of the buffered `Result` that `await session.execute(...)` returns
    (`scalars()`, `all()`, ...).

    ## Why is this bad?
    These return plain values; awaiting one raises `TypeError: object NoneType can't be used
    in 'await' expression` at run time.

    ## Example
    ```python
    async def create(session: AsyncSession, item: Item):
        await session.add(item)
        await session.commit()
    ```

    ## Use instead
    ```python
    async def create(session: AsyncSession, item: Item):
        session.add(item)
        await session.commit()
    ```
    """

    code = "AL203"
    name = "await-on-sync-method"
    summary = "`await` on a non-coroutine method (`AsyncSession.add`, `Result.scalars`)"
    message = "`await {call}`: {call} is not a coroutine in {where} (TypeError at run time)"
    VALID = (
        _ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    s.add(x)\n    await s.commit()\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    result = await s.execute(select(1))\n    return result.scalars().all()\n",
        "async def f(s, x):\n    await s.add(x)\n",
    )
    INVALID = (
        _ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    await s.add(x)  # expect: AL203\n",
        _ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = await s.execute(select(1))\n"
        "    return await result.scalars()  # expect: AL203\n",
    )


class ImplicitLazyLoad(Rule):
    """
    ## What it does
    Flags attribute access, in async code, to a relationship that would load lazily: on an
    instance obtained from an `AsyncSession` (`get`, `scalars`/`execute` of `select(Model)`,
    ...) whose relationship uses the default `lazy="select"` and was not loaded eagerly by the
    query (`selectinload`, `joinedload`, `subqueryload`, `immediateload`). sqlmodel's
    `Relationship(sa_relationship_kwargs={"lazy": "selectin"})` (or `dict(lazy=...)`) counts as
    `lazy=`; options that are not written out (a name, `**base`) are unknown, and not reported.
    A relationship named in `await session.refresh(obj, ["children"])` (or
    `attribute_names=[...]`) is loaded by it (SQLAlchemy ≥ 2.0.4); a plain `refresh(obj)` leaves
    lazy relationships lazy. So is a relationship awaited through the async accessor,
    `await obj.awaitable_attrs.children`; the instance's other relationships stay lazy.

    Serialisation reads relationships too: a pydantic schema field named like a lazy
    relationship of the instance's model, read by `Schema.model_validate(obj)` (with
    `from_attributes`), `Schema.from_orm(obj)`, a FastAPI route returning `obj` (or a list of
    instances, for `list[Schema]`) with that schema as its `response_model` or return
    annotation, or a project function that reads `param.children` on every call. The schema
    and the model may live in other modules (details under AL205).

    ## Why is this bad?
    A lazy load is sync I/O. Under asyncio SQLAlchemy refuses it and raises
    `sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called` (wrapped by pydantic
    in a `ValidationError`, by FastAPI in a `ResponseValidationError`: a 500).

    ## Example
    ```python
    parent = await session.get(Parent, 1)
    return [child.id for child in parent.children]
    ```

    ## Use instead
    ```python
    parent = await session.get(Parent, 1, options=[selectinload(Parent.children)])
    return [child.id for child in parent.children]
    ```
    or `await parent.awaitable_attrs.children` (after which `parent.children` is in memory),
    or `lazy="selectin"` on the relationship. For a route returning the instance, the same
    `options=[selectinload(Parent.children)]` in the query that loads it.
    """

    code = "AL204"
    name = "implicit-lazy-load"
    summary = "relationship lazily loaded from an AsyncSession instance (MissingGreenlet)"
    message = "`{name}.{attr}`{via} lazy-loads the {model}.{attr} relationship in {where} (MissingGreenlet)"
    VALID = (
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).first()\n"
        "    return p.children\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return p.tags\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return await p.awaitable_attrs.children\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return p.id\n",
        _MODELS + "def f(p: Parent):\n    return p.children\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    await s.refresh(p, ['children'])\n    return p.children\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession, names: list[str]):\n"
        "    p = await s.get(Parent, 1)\n    q = await s.get(Parent, 2)\n"
        "    await s.refresh(p, attribute_names=('id', 'children'))\n"
        "    await s.refresh(q, names)\n    return p.children, q.children\n",
        _SQLMODEL + "async def f(s: AsyncSession):\n"
        "    team = await s.get(Team, 1)\n    return team.heroes, team.coaches, team.fans\n",
        # Loaded by the async accessor: later reads find it in memory.
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    await p.awaitable_attrs.children\n"
        "    return [child.id for child in p.children]\n",
        # Serialised: loaded with the query, by a refresh that names it, or built in Python;
        # a helper that reads it only on some calls.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "@app.get('/p', response_model=list[Family])\n"
        "async def f(s: AsyncSession):\n"
        "    p = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).first()\n"
        "    r = await s.get(Parent, 2)\n    await s.refresh(r, ['children'])\n    built = Parent()\n"
        "    Family.model_validate(p), Family.model_validate(r), Family.model_validate(built)\n"
        "    ps = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).all()\n"
        "    return ps\n",
        _ASYNC_SETUP + _MODELS + "def kids(p, all: bool):\n    if all:\n        return p.children\n"
        "    return []\n"
        "async def f(s: AsyncSession):\n    p = await s.get(Parent, 1)\n    return kids(p, False)\n",
    )
    INVALID = (
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return p.children  # expect: AL204\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    result = await s.execute(select(Child))\n"
        "    for child in result.scalars().all():\n"
        "        print(child.parent)  # expect: AL204\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    q = await s.get(Parent, 2)\n"
        "    await s.refresh(p)\n    await s.refresh(q, ['id'])\n"
        "    return p.children, q.children  # expect: AL204, AL204\n",
        _SQLMODEL + "async def f(s: AsyncSession):\n"
        "    team = await s.get(Team, 1)\n    return team.rivals  # expect: AL204\n",
        # The accessor loads the relationship it names, not the others.
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession):\n"
        "    c = await s.get(Child, 1)\n    p = await s.get(Parent, 1)\n"
        "    await c.awaitable_attrs.parent\n    await p.awaitable_attrs.tags\n"
        "    return c.parent, p.children  # expect: AL204\n",
        # Serialised: a schema field named like the lazy relationship (`Family.children`),
        # read by model_validate, by a route's response model, by a project helper.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return Family.model_validate(p)  # expect: AL204\n"
        "@app.get('/p', response_model=list[Family])\n"
        "async def g(s: AsyncSession):\n"
        "    ps = (await s.scalars(select(Parent))).all()\n    return ps  # expect: AL204\n",
        _ASYNC_SETUP + _MODELS + "def kids(p):\n    return [child.id for child in p.children]\n"
        "async def f(s: AsyncSession):\n    p = await s.get(Parent, 1)\n"
        "    return kids(p)  # expect: AL204\n",
    )


class ExpiredAttributeAccess(Rule):
    """
    ## What it does
    Flags an attribute read on an ORM instance after `await session.commit()` expired it
    (the default `expire_on_commit=True`, when the session's factory is known), or a read of a
    column the database computes in an UPDATE (`onupdate=func.now()` or another SQL
    expression, `server_onupdate=`) after a flush that updated the instance's row, without
    `await session.refresh(obj)` in between. Only a commit that dominates the read (same
    block or an enclosing one) counts.

    A session handed out by a project helper — `return Factory()`, a FastAPI dependency that
    yields one (`async with Factory() as s: yield s`), an `@asynccontextmanager` — carries its
    factory's `expire_on_commit`, in any module. A commit that expires the instance expires
    everything; only what is set, or refreshed by name, after it stays readable.

    The UPDATE case needs an instance known to have a row — loaded through the session in
    this function (`await s.get(...)`, a select, a project helper that loads it) or flushed
    once already — and a column of it set since (`obj.n = 1`, `obj.n += 1`). A new instance's
    flush is an INSERT, which fetches what the database fills in (SQLAlchemy 2's
    `eager_defaults="auto"` adds `server_default` and `onupdate` columns to its RETURNING on
    SQLite, PostgreSQL and MariaDB), and an instance of unknown provenance (a parameter)
    may be new: neither is reported. Nor are an unchanged instance, one with only a
    relationship assigned, an attribute set in Python before the flush (written by it, not
    computed by the database), or an `onupdate=` computed in Python (`onupdate=datetime.now`).

    `obj.awaitable_attrs` (SQLAlchemy's `AsyncAttrs`) loads nothing when read, and
    `await obj.awaitable_attrs.x` loads `x`: on an expired instance, every expired column with
    it (the relationships other than `x` stay expired); after an UPDATE, awaiting one of the
    columns it expired loads them all.

    Serialisation reads attributes too, and is reported the same way, naming the first field
    read that is a column or relationship of the instance's model (the pydantic schema and the
    ORM model may each live in another module; a literal `Field(alias=...)` is the name read):
    - `Schema.model_validate(obj)` when the schema's config has `from_attributes=True` (or the
      call passes it), `Schema.from_orm(obj)` with `from_attributes` or pydantic v1's
      `orm_mode`. A schema without that config is not reported: it cannot validate an ORM
      instance at all (a ValidationError or PydanticUserError before any attribute is read).
    - `return obj` from a FastAPI route whose `response_model=` (or, without one, return
      annotation) is a pydantic model, `Optional` or not, whatever its config: FastAPI
      validates the return value with `from_attributes=True` (a `pydantic.v1` model only with
      `orm_mode`). `return objs` for `list[Schema]`, when `objs` is a list the session loaded
      (`(await s.scalars(q)).all()`) that a commit has expired. `response_model=None` reads
      nothing.
    - `obj` passed to a project function, in any module, that reads `param.attr` on every call
      (not only in a branch, and not after passing the parameter on or calling a method on it);
      an `async def` only where the call is awaited.

    `jsonable_encoder(obj)` is not reported: it reads the instance's `__dict__`, from which
    expired attributes are missing, and silently leaves them out (`{}` after a commit).

    An awaited call given the instance (`await reload(session, obj)`; the session's own
    methods aside) may refresh it: after it the instance is not known to be expired, unless the
    callee is a project function known only to read that parameter.

    ## Why is this bad?
    An expired attribute is reloaded on access: sync I/O, which under asyncio raises
    `sqlalchemy.exc.MissingGreenlet`. Read by pydantic, it comes wrapped in a
    `ValidationError` ("Error extracting attribute: StatementError:
    (sqlalchemy.exc.MissingGreenlet) ..."); read by FastAPI's response validation, in a
    `ResponseValidationError`: the client gets a 500 for a request whose commit went through.

    ## Example
    ```python
    session.add(item)
    await session.commit()
    return {"id": item.id, "name": item.name}
    ```
    ```python
    @app.post("/items", response_model=ItemOut)
    async def create_item(payload: ItemIn, session: SessionDep):
        item = Item(name=payload.name)
        session.add(item)
        await session.commit()
        return item  # FastAPI reads item.id and item.name: expired
    ```

    ## Use instead
    ```python
    session.add(item)
    await session.commit()
    await session.refresh(item)
    return {"id": item.id, "name": item.name}
    ```
    or create the factory with `async_sessionmaker(engine, expire_on_commit=False)`. For a
    column the database computes in an UPDATE, refresh the instance after the flush, or have
    the UPDATE return it: `__mapper_args__ = {"eager_defaults": True}` on the model.
    """

    code = "AL205"
    name = "expired-attribute-access"
    summary = "attribute read after `commit()` expired it, without `refresh()` (MissingGreenlet)"
    message = "`{name}.{attr}` is read{via} after {event} expired it in {where} (MissingGreenlet)"
    VALID = (
        _ASYNC_SETUP + _MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        await s.refresh(x)\n        return x.id\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(x: Parent):\n    async with Keep() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id\n",
        _ASYNC_SETUP + _MODELS + "async def f(s: AsyncSession, x: Parent):\n"
        "    s.add(x)\n    await s.commit()\n    return x.id\n",
        _ASYNC_SETUP + _MODELS + "async def f(x: Parent, ok: bool):\n    async with Factory() as s:\n"
        "        s.add(x)\n        if ok:\n            await s.commit()\n        else:\n"
        "            return x.id\n",
        # Sessions from project helpers around an expire_on_commit=False factory.
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        + _WRAPPERS.format(factory="Keep")
        + "async def a(x: Parent):\n    s = new_session()\n    s.add(x)\n    await s.commit()\n"
        "    return x.id\n"
        "async def b(x: Parent, s: AsyncSession = Depends(get_session)):\n"
        "    s.add(x)\n    await s.commit()\n    return x.id\n"
        "async def c(x: Parent):\n    async with session_scope() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id\n",
        # Set in Python before the flush: written, not filled in by the database.
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.updated = 'now'\n        p.hits += 1\n"
        "        await s.flush()\n        return p.updated, p.hits, p.touched\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f():\n    async with Keep() as s:\n"
        "        p = Parent(updated='now', hits=1)\n        s.add(p)\n        await s.commit()\n"
        "        return p.updated, p.hits\n",
        _ASYNC_SETUP + _MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        x.hits = 0\n"
        "        await s.refresh(x, ['id'])\n        return x.hits, x.id\n",
        # A flush fills in database-computed columns only on an UPDATE of a row changed here:
        # an INSERT fetches them (RETURNING); a parameter may be new or not (unknown); an
        # instance loaded and left unchanged, or with only a relationship assigned, is not
        # updated; `hits` has a server default but no `onupdate`.
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(x: Parent):\n    async with Keep() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.updated\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f():\n    async with Keep() as s:\n"
        "        p = Parent()\n        s.add(p)\n        await s.commit()\n"
        "        return p.updated, p.hits\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        q = await s.get(Parent, pid + 1)\n"
        "        q.children = []\n        await s.commit()\n        return p.updated, q.updated\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.touched = None\n        await s.flush()\n"
        "        return p.hits, p.touched\n",
        # Loaded again: a refresh, or the async accessor, which on an expired instance loads
        # every expired column along with the one it names.
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.commit()\n"
        "        await s.refresh(p)\n        a = p.updated\n"
        "        p.hits += 1\n        await s.flush()\n        await p.awaitable_attrs.updated\n"
        "        return a, p.updated\n",
        _ASYNC_SETUP + _MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        await x.awaitable_attrs.hits\n"
        "        children = await x.awaitable_attrs.children\n"
        "        return x.id, x.updated, x.children, children\n",
        # Serialised after a refresh; never committed; through a session whose factory (behind
        # a dependency) keeps its instances loaded.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "async def f():\n" + _COMMITTED
        + "        await s.refresh(p)\n        return Out.model_validate(p), Stamped.from_orm(p)\n"
        "async def g():\n" + _ADDED + "        return Out.model_validate(p)\n",
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        + _WRAPPERS.format(factory="Keep") + "@app.post('/p', response_model=Out)\n"
        "async def create(s: AsyncSession = Depends(get_session)):\n"
        "    p = Parent()\n    s.add(p)\n    await s.commit()\n    return p\n",
        # The UPDATE expired `updated`, which `Out` does not read.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "@app.patch('/p/{pid}')\nasync def touch(pid: int) -> Out:\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.flush()\n"
        "        return p\n",
        # The suggested fix for it: `eager_defaults=True` has the UPDATE return the column.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "class Eager(Base):\n    __tablename__ = 'eager'\n    __mapper_args__ = {'eager_defaults': True}\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    hits: Mapped[int] = mapped_column(default=0)\n"
        "    updated: Mapped[str] = mapped_column(server_default=func.now(), onupdate=func.now())\n"
        "@app.patch('/e/{eid}')\nasync def touch(eid: int) -> Stamped:\n    async with Keep() as s:\n"
        "        e = await s.get(Eager, eid)\n        e.hits += 1\n        await s.flush()\n"
        "        return e\n",
        # A `def` endpoint with a sync Session: the reload is plain sync I/O in the threadpool.
        _SYNC_SETUP + _MODELS + _SCHEMAS + "@app.post('/p', response_model=Out)\n"
        "def create(db: Session = Depends(get_db)):\n"
        "    p = Parent()\n    db.add(p)\n    db.commit()\n    Out.model_validate(p)\n    return p\n",
        # Nothing read: no from_attributes (an error before any read), the flag off,
        # jsonable_encoder (skips what is expired), response_model=None.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "@app.post('/p', response_model=None)\nasync def f():\n"
        + _COMMITTED + "        Plain.model_validate(p), Plain.from_orm(p)\n"
        "        Out.model_validate(p, from_attributes=False)\n        jsonable_encoder(p)\n"
        "        return p\n",
        # Reads that are not known: a helper reading on some calls only, or refreshing first;
        # a schema whose base is not known, or that sees the raw object first.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "from external import Base as ExternalBase\n"
        "class Ext(ExternalBase):\n    id: int\n"
        "class Raw(Out):\n    @model_validator(mode='before')\n    @classmethod\n"
        "    def unwrap(cls, data):\n        return data\n"
        "def describe(p, verbose: bool):\n    if verbose:\n        return p.id\n    return ''\n"
        "async def reloaded(s, p):\n    await s.refresh(p)\n    return p.id\n"
        "async def f():\n" + _COMMITTED + "        describe(p, False)\n"
        "        return Ext.model_validate(p), Raw.model_validate(p)\n"
        # An awaited call given the instance may reload it: not known to be expired after it.
        "async def g():\n" + _COMMITTED + "        await reloaded(s, p)\n"
        "        return p.id, Out.model_validate(p)\n",
    )
    INVALID = (
        _ASYNC_SETUP + _MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id  # expect: AL205\n",
        _ASYNC_SETUP + _MODELS + "async def load(s: AsyncSession, pid: int) -> Parent:\n"
        "    return await s.get(Parent, pid)\n"
        "async def f(pid: int):\n    async with Factory() as s:\n"
        "        p = await load(s, pid)\n        await s.commit()\n        return p.id  # expect: AL205\n",
        # The same helpers around the default factory (expire_on_commit=True).
        _ASYNC_SETUP + _MODELS + _WRAPPERS.format(factory="Factory")
        + "async def a(x: Parent):\n    s = new_session()\n    s.add(x)\n    await s.commit()\n"
        "    return x.id  # expect: AL205\n"
        "async def b(x: Parent, s: AsyncSession = Depends(get_session)):\n"
        "    s.add(x)\n    await s.commit()\n    return x.id  # expect: AL205\n"
        "async def c(x: Parent):\n    async with session_scope() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id  # expect: AL205\n",
        # Set before a commit that expires everything: reloaded all the same. And the flush
        # still fills in what was not set.
        _ASYNC_SETUP + _MODELS + "async def f(pid: int):\n    async with Factory() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits = 1\n        await s.commit()\n"
        "        return p.hits  # expect: AL205\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.flush()\n"
        "        return p.updated  # expect: AL205\n",
        # Loaded, changed, committed without expiring: the UPDATE expired `updated`
        # (`onupdate=func.now()`); an instance inserted by a first commit is updated by a second.
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits = 0\n        await s.commit()\n"
        "        return p.hits, p.updated  # expect: AL205\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f():\n    async with Keep() as s:\n"
        "        p = Parent()\n        s.add(p)\n        await s.commit()\n"
        "        p.hits = 1\n        await s.commit()\n        return p.updated  # expect: AL205\n",
        # The async accessor loads what it names (and, on an expired instance, the columns):
        # other relationships stay expired, and a column the UPDATE did not expire loads nothing.
        _ASYNC_SETUP + _MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        await x.awaitable_attrs.tags\n"
        "        return x.id, x.children  # expect: AL205\n",
        _ASYNC_SETUP + _MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.flush()\n"
        "        await p.awaitable_attrs.hits\n        return p.updated  # expect: AL205\n",
        # Serialised after the commit: model_validate, from_orm, from_attributes=True on a
        # schema without the config.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "async def f():\n" + _COMMITTED
        + "        a = Out.model_validate(p)  # expect: AL205\n"
        "        b = Stamped.from_orm(p)  # expect: AL205\n"
        "        return a, b, Plain.model_validate(p, from_attributes=True)  # expect: AL205\n",
        # Returned from a route: response_model, a return annotation (FastAPI reads the fields
        # whatever the schema's config), a list the session loaded.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "@app.post('/a', response_model=Out)\nasync def a():\n"
        + _COMMITTED + "        return p  # expect: AL205\n"
        "@app.post('/b')\nasync def b() -> Plain | None:\n" + _COMMITTED + "        return p  # expect: AL205\n"
        "@app.get('/c', response_model=list[Out])\nasync def c():\n    async with Factory() as s:\n"
        "        ps = (await s.scalars(select(Parent))).all()\n        await s.commit()\n"
        "        return ps  # expect: AL205\n",
        # Passed to project functions that read it on every call (an async one awaited).
        _ASYNC_SETUP + _MODELS + "def describe(p):\n    return {'id': p.id}\n"
        "async def stamp(p):\n    return p.updated\n"
        "async def f():\n" + _COMMITTED + "        d = describe(p)  # expect: AL205\n"
        "        return d, await stamp(p=p)  # expect: AL205\n",
        # The UPDATE left `updated` to the database: `Stamped` reads it, `Out` does not.
        _ASYNC_SETUP + _MODELS + _SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "@app.patch('/p/{pid}', response_model=Stamped)\nasync def touch(pid: int):\n"
        "    async with Keep() as s:\n        p = await s.get(Parent, pid)\n        p.hits += 1\n"
        "        await s.flush()\n        Out.model_validate(p)\n        return p  # expect: AL205\n",
        # pydantic v1's orm_mode; sqlmodel's SQLModel has from_attributes in its base config.
        _ASYNC_SETUP + _MODELS + "from pydantic.v1 import BaseModel as V1Model\nfrom sqlmodel import SQLModel\n"
        "class Legacy(V1Model):\n    id: int\n    class Config:\n        orm_mode = True\n"
        "class Public(SQLModel):\n    id: int\n"
        "async def f():\n" + _COMMITTED
        + "        return Legacy.from_orm(p), Public.model_validate(p)  # expect: AL205, AL205\n",
    )


SQLALCHEMY_RULES: tuple[type[Rule], ...] = (
    SyncSessionInAsync,
    UnawaitedOrmIo,
    AwaitOnSyncMethod,
    ImplicitLazyLoad,
    ExpiredAttributeAccess,
)
