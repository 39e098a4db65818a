"""AL201–AL203: SQLAlchemy sessions in async code — sync sessions, missing and superfluous
`await`s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from asynclint.rules.base import Rule

if TYPE_CHECKING:  # libcst only where a file is checked: `--explain` and warm runs need none
    import libcst as cst

    from asynclint.fixes.locate import PendingFix
from asynclint.rules.orm_examples import ASYNC_SETUP, SYNC_SETUP


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
    ENDPOINT_DEF_FIX = True
    name = "sync-session-in-async"
    summary = "DB I/O on a sync SQLAlchemy Session/Engine/Connection in async code"
    message = "{call} on sync {kind} `{name}`{origin} in {where}"
    VALID = (
        SYNC_SETUP + "@app.get('/items')\ndef items(db: Session = Depends(get_db)):\n"
        "    return db.query(1).all()\n",
        SYNC_SETUP + "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
        "    db.add(object())\n",
        SYNC_SETUP + "from fastapi.concurrency import run_in_threadpool\n"
        "def count(db):\n    return 1\n"
        "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
        "    return await run_in_threadpool(db.execute, 'select 1')\n",
        ASYNC_SETUP + "async def f():\n    async with Factory() as s:\n"
        "        await s.execute(select(1))\n",
        "async def f(db):\n    db.query(1)\n",
        SYNC_SETUP + "async def f():\n    await run_sync(lambda: SessionLocal().query(1).all())\n",
        # `session or SessionLocal()` with an unknown parameter: an awaited call says
        # AsyncSession, a plain one a sync Session; used both ways, nothing is known
        SYNC_SETUP + "async def save(item, session=None):\n    session = session or SessionLocal()\n"
        "    session.add(item)\n    await session.flush()\n    session.commit()\n",
        # an attribute assigned a sync session in one method and an async one in another
        SYNC_SETUP + ASYNC_SETUP + "class Audit:\n    def __init__(self):\n"
        "        self.session = SessionLocal()\n    def use_async(self):\n"
        "        self.session = Factory()\n    async def log(self, entry):\n"
        "        self.session.add(entry)\n        self.session.commit()\n",
        # `request.state.db` set to a sync session in one middleware and an async one in another
        SYNC_SETUP + ASYNC_SETUP + "from fastapi import Request\n"
        "@app.middleware('http')\nasync def sync_db(request: Request, call_next):\n"
        "    request.state.db = SessionLocal()\n    return await call_next(request)\n"
        "@app.middleware('http')\nasync def async_db(request: Request, call_next):\n"
        "    request.state.db = Factory()\n    return await call_next(request)\n"
        "@app.get('/items')\nasync def items(request: Request):\n"
        "    return request.state.db.query(1).all()\n",
        "from fastapi_async_sqlalchemy import db\nfrom sqlalchemy import inspect, text\n"
        "async def f(item):\n    await db.session.execute(text('select 1'))\n    return inspect(item)\n",
        # Annotated `Session` but awaited: the annotation is what is wrong (an AsyncSession).
        SYNC_SETUP + "async def count(db: Session):\n    result = await db.execute('select 1')\n"
        "    return result.scalar()\n",
    )
    INVALID = (
        SYNC_SETUP + "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
        "    rows = db.query(1).all()  # expect: AL201\n    db.commit()\n    return rows\n",
        SYNC_SETUP + "async def job():\n    with SessionLocal() as db:\n"
        "        db.execute('select 1')  # expect: AL201\n",
        SYNC_SETUP + "from typing import Annotated\nDB = Annotated[Session, Depends(get_db)]\n"
        "@app.get('/items')\nasync def items(db: DB):\n    return db.scalars('x')  # expect: AL201\n",
        "from sqlalchemy import create_engine, text\nengine = create_engine('sqlite://')\n"
        "async def f():\n    with engine.connect() as conn:  # expect: AL201\n"
        "        conn.execute(text('select 1'))\n",
        SYNC_SETUP + "async def save(item, session=None):\n    session = session or SessionLocal()\n"
        "    session.add(item)\n    session.commit()  # expect: AL201\n",
        SYNC_SETUP + "class ItemRepository:\n    def __init__(self, db: Session = Depends(get_db)):\n"
        "        self.db = db\n    async def list(self):\n"
        "        return self.db.query(1).all()  # expect: AL201\n"
        "@app.get('/items')\nasync def items(repo: ItemRepository = Depends()):\n"
        "    return repo.db.scalars('x')  # expect: AL201\n",
        SYNC_SETUP + "from fastapi import Request\n"
        "@app.middleware('http')\nasync def db_session(request: Request, call_next):\n"
        "    request.state.db = SessionLocal()\n    return await call_next(request)\n"
        "@app.get('/items')\nasync def items(request: Request):\n"
        "    return request.state.db.query(1).all()  # expect: AL201\n",
        "from fastapi_sqlalchemy import db\nfrom sqlalchemy import create_engine, inspect\n"
        "engine = create_engine('sqlite://')\nasync def f():\n"
        "    return db.session.query(1).all()  # expect: AL201\n"
        "async def tables():\n    return inspect(engine).get_table_names()  # expect: AL201\n",
    )
    # a route that never suspends is declared with `def`; one that awaits, or a plain
    # coroutine function, is left as it is
    FIXED = (
        (
            SYNC_SETUP + "@app.get('/items')\nasync def items(db: Session = Depends(get_db)):\n"
            "    return db.query(1).all()  # expect: AL201\n"
            "@app.post('/items')\nasync def add(request, db: Session = Depends(get_db)):\n"
            "    db.add(await request.json())\n    db.commit()  # expect: AL201\n"
            "async def job():\n    with SessionLocal() as db:\n        db.execute('select 1')  # expect: AL201\n",
            SYNC_SETUP + "@app.get('/items')\ndef items(db: Session = Depends(get_db)):\n"
            "    return db.query(1).all()  # expect: AL201\n"
            "@app.post('/items')\nasync def add(request, db: Session = Depends(get_db)):\n"
            "    db.add(await request.json())\n    db.commit()  # expect: AL201\n"
            "async def job():\n    with SessionLocal() as db:\n        db.execute('select 1')  # expect: AL201\n",
        ),
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

    ## Fix safety
    The fix inserts `await` before the call (`await session.commit()`, `x = await
    s.execute(q)`, `return await s.get(A, 1)`), with parentheses where the call is a receiver:
    `(await s.scalars(q)).all()`; `await s.scalars(q).all()` becomes the same (the `await`
    moves onto the call, as `.all()` is a plain method), `await s.stream(q).all()` becomes
    `await (await s.stream(q)).all()`. Text is inserted, so the call's comments stay. It is
    unsafe: the function now waits for the I/O there, and what the code does with the result
    changes from a coroutine to the awaited value. It is offered only where `await` is legal
    and unambiguous: directly in the body of an `async def` — not in a nested `def`, a
    lambda, a class body or a comprehension — and not under an `await` of a longer chain
    (`await s.scalars(q).first().id`) or of a method not known to be plain or a coroutine.
    """

    code = "AL202"
    name = "unawaited-orm-io"
    summary = "AsyncSession/AsyncConnection coroutine method called without `await`"
    message = "{call} returns a coroutine that is never awaited in {where}{detail}"
    VALID = (
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    await s.commit()\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    return (await s.execute(select(1))).scalars().all()\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    s.add(object())\n",
        ASYNC_SETUP + "import asyncio\nasync def f(s: AsyncSession):\n"
        "    await asyncio.gather(s.commit(), s.flush())\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    pending = s.commit()\n    await pending\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    return await s.run_sync(lambda sync_s: sync_s.query(1).all())\n",
        ASYNC_SETUP + "def f(s: AsyncSession):\n    return s.commit()\n",
        "async def f(s):\n    s.commit()\n",
        # what the fix writes
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    return (await s.scalars(select(1))).all()\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    return await (await s.stream(select(1))).all()\n",
    )
    INVALID = (
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    s.commit()  # expect: AL202\n",
        ASYNC_SETUP + "async def f():\n    async with Factory() as s:\n"
        "        return await s.scalars(select(1)).all()  # expect: AL202\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = s.execute(select(1))  # expect: AL202\n"
        "    return 1\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    return s.commit()  # expect: AL202\n",
        ASYNC_SETUP + "async def f():\n    engine.dispose()  # expect: AL202\n",
        "from fastapi_async_sqlalchemy import db\nasync def f(item):\n    db.session.add(item)\n"
        "    db.session.commit()  # expect: AL202\n",
        # no `await` is legal there: reported, without a fix (tests/test_fixes.py)
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    def later():\n"
        "        s.commit()  # expect: AL202\n    return later\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    return [s.scalars(select(1)).all() for _ in range(2)]  # expect: AL202\n",
    )
    # (INVALID source, the source after `asynclint --fix --unsafe-fixes`)
    FIXED = (
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    s.commit()  # expect: AL202\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    await s.commit()  # expect: AL202\n",
        ),
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = s.execute(select(1))  # expect: AL202\n"
            "    return 1\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = await s.execute(select(1))  # expect: AL202\n"
            "    return 1\n",
        ),
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    rows = s.scalars(select(1)).all()  # expect: AL202\n"
            "    return rows\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    rows = (await s.scalars(select(1))).all()  # expect: AL202\n"
            "    return rows\n",
        ),
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    print(s.scalars(select(1)).all())  # expect: AL202\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    print((await s.scalars(select(1))).all())  # expect: AL202\n",
        ),
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    return s.get(int, 1)  # expect: AL202\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    return await s.get(int, 1)  # expect: AL202\n",
        ),
        # the precedence bug: the `await` moves onto the call (`.all()` is a plain method) ...
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n"
            "    return await s.scalars(  # the query\n        select(1)).all()  # expect: AL202\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n"
            "    return (await s.scalars(  # the query\n        select(1))).all()  # expect: AL202\n",
        ),
        # ... and stays where the method is a coroutine too (AsyncResult.all)
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n"
            "    return await s.stream(select(1)).all()  # expect: AL202\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n"
            "    return await (await s.stream(select(1))).all()  # expect: AL202\n",
        ),
        # already in parentheses: `await` goes inside them, no new ones
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    return (s.scalars(select(1))).all()  # expect: AL202\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    return (await s.scalars(select(1))).all()  # expect: AL202\n",
        ),
    )

    @classmethod
    def fix(cls, call: cst.Call, receiver: bool, moved: cst.Await | None = None) -> PendingFix | None:
        """`call` → `await call`; a receiver `(await call).attr`; with `moved`, the `await` over
        `await call.method()` moves onto the call. Unsafe: the code now waits there."""
        from asynclint.fixes.missing_await import insert_await

        return insert_await(call, receiver, moved)


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

    ## Fix safety
    The fix removes the `await` (and the space after it), keeping the call, its parentheses
    and the comments inside it. It is safe: the awaited value is not awaitable, so the code it
    replaces could only raise `TypeError` after the call had run; the call itself runs as
    before. Where a comment sits between `await` and the call, the fix is display-only.
    """

    code = "AL203"
    name = "await-on-sync-method"
    summary = "`await` on a non-coroutine method (`AsyncSession.add`, `Result.scalars`)"
    message = "`await {call}`: {call} is not a coroutine in {where} (TypeError at run time)"
    VALID = (
        ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    s.add(x)\n    await s.commit()\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n"
        "    result = await s.execute(select(1))\n    return result.scalars().all()\n",
        "async def f(s, x):\n    await s.add(x)\n",
        # the awaits that must stay: coroutine methods
        ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    s.add(x)\n    await s.flush()\n"
        "    await s.refresh(x)\n",
    )
    INVALID = (
        ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    await s.add(x)  # expect: AL203\n",
        ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = await s.execute(select(1))\n"
        "    return await result.scalars()  # expect: AL203\n",
    )
    # (INVALID source, the source after `asynclint --fix`), checked by tests/test_fixes.py
    FIXED = (
        (
            ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    await s.add(x)  # expect: AL203\n",
            ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    s.add(x)  # expect: AL203\n",
        ),
        (
            ASYNC_SETUP + "async def f(s: AsyncSession, x):\n"
            "    await (s.add(  # keep me\n        x))  # expect: AL203\n",
            ASYNC_SETUP + "async def f(s: AsyncSession, x):\n"
            "    (s.add(  # keep me\n        x))  # expect: AL203\n",
        ),
        (
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = await s.execute(select(1))\n"
            "    return (await result.scalars()).all()  # expect: AL203\n",
            ASYNC_SETUP + "async def f(s: AsyncSession):\n    result = await s.execute(select(1))\n"
            "    return (result.scalars()).all()  # expect: AL203\n",
        ),
        # a comment between `await` and the call: display-only, the file is left as it is
        (
            ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    (await  # why?\n     s.add(x))  # expect: AL203\n",
            ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    (await  # why?\n     s.add(x))  # expect: AL203\n",
        ),
    )

    @classmethod
    def fix(cls, awaited: cst.Await) -> PendingFix:
        """`await s.add(x)` → `s.add(x)`: the text from `await` to the awaited expression (its
        first parenthesis, if any) is deleted; everything else stays as written."""
        import libcst as cst

        from asynclint.fixes.locate import NodeEdit, PendingFix

        message = "Remove the `await`"
        if "#" in cst.Module(body=[]).code_for_node(awaited.whitespace_after_await):
            return PendingFix("display-only", message, ())
        expression = awaited.expression
        upto = expression.lpar[0] if expression.lpar else expression
        return PendingFix("safe", message, (NodeEdit(awaited, "", upto),))
