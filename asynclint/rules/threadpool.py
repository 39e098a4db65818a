"""AL401: a sync engine's pool smaller than the threadpool its sync routes run in. Opt-in."""

from __future__ import annotations

from asynclint.rules.base import Rule

_APP = (
    "from fastapi import Depends, FastAPI\n"
    "from sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import Session, sessionmaker\n"
)
_DEPENDENCY = (
    "SessionLocal = sessionmaker(bind=engine)\n"
    "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n"
    "app = FastAPI()\n"
)
_SYNC_ROUTE = "@app.get('/items')\ndef items(db: Session = Depends(get_db)):\n    return db.execute('select 1').all()\n"


class ThreadpoolExceedsDbPool(Rule):
    """
    ## What it does
    Flags a sync SQLAlchemy engine (`create_engine(...)`) whose connection pool lends fewer
    connections (`pool_size + max_overflow`, 5 + 10 by default) than the threads FastAPI
    runs sync code in (anyio's default limiter: 40, or what the project sets with
    `anyio.to_thread.current_default_thread_limiter().total_tokens = N`), when a `def` route
    makes sessions of that engine — itself, or through its `Depends(...)` tree
    (`def get_db(): db = SessionLocal(); yield db`). Reported once, at the engine.

    This rule is **opt-in**: it is not in the default selection, nor in a prefix (`AL`,
    `AL4`). Enable it by its code (`--select AL401`, `--extend-select AL401`) or with `ALL`.
    Its premise is deployment configuration: the database's own connection limit, several
    worker processes sharing it, or a limiter set outside the code can make the numbers
    right on purpose.

    Silent when the limit or the pool cannot be established statically: a `total_tokens`
    set to a computed value, or to different values; a `pool_size`/`max_overflow` that is not
    a literal, `**kwargs`; `poolclass=NullPool`, `StaticPool` or any class but `QueuePool`;
    `pool_size=0` or `max_overflow=-1` (no limit); an sqlite URL or `connect_args` without an
    explicit `poolclass=QueuePool` (sqlite's pool class depends on the URL and the SQLAlchemy
    version); an async engine; an engine no `def` route uses.

    ## Why is this bad?
    FastAPI runs a `def` route in a threadpool thread (`run_in_threadpool`, fastapi/routing.py),
    and each sync dependency in another hop; the thread that runs the first query waits in
    `QueuePool` checkout (sqlalchemy/pool/impl.py, `self._pool.get(wait, self._timeout)`)
    while every connection is lent — *holding its thread*. With 40 threads and 15
    connections, 25 requests can sit in threads doing nothing: other sync routes, sync
    dependencies of async routes, `run_in_threadpool` calls, file responses and uploads queue
    behind them, and after `pool_timeout` (30 s) the waiting requests fail with
    `TimeoutError: QueuePool limit of size 5 overflow 10 reached`.
    `tests/test_threadpool_app_runtime.py` shows it on `examples/threadpool_app`: with 40
    threads and 2 connections, 6 of 8 concurrent requests wait in checkout holding a thread;
    with 8 connections, none.

    A pool as large as the limit stops threads waiting on *each other's routes*, not every
    stall: a `def` route with a response model (`response_model=`, or a return annotation) is
    validated in one more threadpool hop after it returns, while a `yield` dependency's
    session still holds its connection (it is returned at teardown, after that hop). Under
    more concurrent requests than pool and threads together, threads waiting in checkout can
    hold every thread those hops need, until `pool_timeout`. So **lowering the thread limit to
    the pool is no fix** (the test above: 2 threads and 2 connections fail 5 of 8 requests to
    the route with a response model, none to the one without); release the connection inside
    the route (`with SessionLocal() as db:` there, or commit and close before returning), keep
    concurrency below the pool (`uvicorn --limit-concurrency`), or use `AsyncSession`.

    ## Example
    ```python
    engine = create_engine(DATABASE_URL)          # 5 + 10 connections, 40 threads
    SessionLocal = sessionmaker(bind=engine)

    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()

    @app.get("/items")
    def items(db: Session = Depends(get_db)):
        return db.execute(select(Item)).scalars().all()
    ```

    ## Use instead
    A pool at least as large as the thread limit (within the database's connection limit):
    ```python
    engine = create_engine(DATABASE_URL, pool_size=20, max_overflow=20)
    ```
    or `AsyncSession` on `create_async_engine` with `async def` routes (no thread per request).
    """

    code = "AL401"
    name = "threadpool-exceeds-db-pool"
    summary = "a sync engine's pool (5 + 10 by default) smaller than the threadpool (40) its `def` routes use; opt-in"
    message = (
        "{call} lends at most {connections} connections, fewer than the {threads} threads of "
        "FastAPI's threadpool ({limit}): {routes} can wait for a connection while holding a thread"
    )
    VALID = (
        # a pool as large as the limit
        _APP + "engine = create_engine('postgresql://db/app', pool_size=20, max_overflow=20)\n"
        + _DEPENDENCY + _SYNC_ROUTE,
        # the limiter at the pool (silent: the pool is not smaller; see "Why is this bad?")
        _APP + "import anyio\nengine = create_engine('postgresql://db/app')\n" + _DEPENDENCY
        + "@app.on_event('startup')\nasync def limit():\n"
        "    anyio.to_thread.current_default_thread_limiter().total_tokens = 15\n" + _SYNC_ROUTE,
        # a limiter set to a value not known statically
        _APP + "import anyio, os\nengine = create_engine('postgresql://db/app')\n" + _DEPENDENCY
        + "async def limit():\n"
        "    anyio.to_thread.current_default_thread_limiter().total_tokens = int(os.environ['T'])\n"
        + _SYNC_ROUTE,
        # an async engine and async routes
        "from fastapi import Depends, FastAPI\n"
        "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n"
        "engine = create_async_engine('postgresql+asyncpg://db/app')\n"
        "SessionLocal = async_sessionmaker(engine)\n"
        "async def get_db():\n    async with SessionLocal() as db:\n        yield db\n"
        "app = FastAPI()\n@app.get('/items')\nasync def items(db: AsyncSession = Depends(get_db)):\n"
        "    return (await db.execute('select 1')).all()\n",
        # a `def` route that uses no session
        _APP + "engine = create_engine('postgresql://db/app')\n" + _DEPENDENCY
        + "@app.get('/health')\ndef health():\n    return {'ok': True}\n",
        # no pool limit to run into; sqlite's pool class depends on the URL and the version
        _APP + "from sqlalchemy.pool import NullPool\n"
        "engine = create_engine('postgresql://db/app', poolclass=NullPool)\n" + _DEPENDENCY + _SYNC_ROUTE,
        _APP + "engine = create_engine('sqlite:///app.db', connect_args={'check_same_thread': False})\n"
        + _DEPENDENCY + _SYNC_ROUTE,
        _APP + "engine = create_engine('postgresql://db/app', pool_size=settings_size)\n"
        + _DEPENDENCY + _SYNC_ROUTE,
    )
    INVALID = (
        _APP + "engine = create_engine('postgresql://db/app')  # expect: AL401\n" + _DEPENDENCY + _SYNC_ROUTE,
        # a small pool, a raised limit, a session built on the engine in the dependency
        _APP + "import anyio\n"
        "engine = create_engine('postgresql://db/app', pool_size=10, max_overflow=0)  # expect: AL401\n"
        "def get_session():\n    with Session(engine) as session:\n        yield session\n"
        "app = FastAPI()\n"
        "@app.on_event('startup')\nasync def limit():\n"
        "    anyio.to_thread.current_default_thread_limiter().total_tokens = 100\n"
        "@app.get('/items')\ndef items(s: Session = Depends(get_session)):\n    return s.execute('select 1').all()\n",
    )
