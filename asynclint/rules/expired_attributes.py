"""AL205: attributes read after a commit or flush expired them (MissingGreenlet)."""

from __future__ import annotations

from asynclint.rules.base import Rule
from asynclint.rules.orm_examples import (
    ADDED,
    ASYNC_SETUP,
    COMMITTED,
    MODELS,
    SCHEMAS,
    SYNC_SETUP,
    WRAPPERS,
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

    ## Fix safety
    The fix inserts `await session.refresh(obj)` as a statement of its own right after the
    `await session.commit()` that expired `obj`: same indentation, the file's line ending, the
    session written as the commit's receiver. Instances read after one commit are refreshed
    each once, in the order they are read; every finding of that commit carries the same edit.
    It is unsafe: a refresh is an extra round trip to the database, and it loads the row as
    the database has it, which may differ from the values the code set before the commit
    (defaults, triggers, another transaction). It is offered only where the refresh is sure to
    run between the two: the commit is an expression statement on a line of its own,
    `await <session>.commit()`, in the block of the read or a block enclosing it (not after
    `if ...:` on the same line), in the same function, `obj` is a plain name, and no
    statement between them binds `obj` or the session again. A column left expired by an
    UPDATE (`onupdate=`), a list of instances, and an instance deleted, expunged or merged
    (the session holds a copy) in the function get no fix: there a refresh would raise
    `InvalidRequestError`.
    """

    code = "AL205"
    name = "expired-attribute-access"
    summary = "attribute read after `commit()` expired it, without `refresh()` (MissingGreenlet)"
    message = "`{name}.{attr}` is read{via} after {event} expired it in {where} (MissingGreenlet)"
    VALID = (
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        await s.refresh(x)\n        return x.id\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(x: Parent):\n    async with Keep() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession, x: Parent):\n"
        "    s.add(x)\n    await s.commit()\n    return x.id\n",
        ASYNC_SETUP + MODELS + "async def f(x: Parent, ok: bool):\n    async with Factory() as s:\n"
        "        s.add(x)\n        if ok:\n            await s.commit()\n        else:\n"
        "            return x.id\n",
        # Sessions from project helpers around an expire_on_commit=False factory.
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        + WRAPPERS.format(factory="Keep")
        + "async def a(x: Parent):\n    s = new_session()\n    s.add(x)\n    await s.commit()\n"
        "    return x.id\n"
        "async def b(x: Parent, s: AsyncSession = Depends(get_session)):\n"
        "    s.add(x)\n    await s.commit()\n    return x.id\n"
        "async def c(x: Parent):\n    async with session_scope() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id\n",
        # Set in Python before the flush: written, not filled in by the database.
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.updated = 'now'\n        p.hits += 1\n"
        "        await s.flush()\n        return p.updated, p.hits, p.touched\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f():\n    async with Keep() as s:\n"
        "        p = Parent(updated='now', hits=1)\n        s.add(p)\n        await s.commit()\n"
        "        return p.updated, p.hits\n",
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        x.hits = 0\n"
        "        await s.refresh(x, ['id'])\n        return x.hits, x.id\n",
        # A flush fills in database-computed columns only on an UPDATE of a row changed here:
        # an INSERT fetches them (RETURNING); a parameter may be new or not (unknown); an
        # instance loaded and left unchanged, or with only a relationship assigned, is not
        # updated; `hits` has a server default but no `onupdate`.
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(x: Parent):\n    async with Keep() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.updated\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f():\n    async with Keep() as s:\n"
        "        p = Parent()\n        s.add(p)\n        await s.commit()\n"
        "        return p.updated, p.hits\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        q = await s.get(Parent, pid + 1)\n"
        "        q.children = []\n        await s.commit()\n        return p.updated, q.updated\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.touched = None\n        await s.flush()\n"
        "        return p.hits, p.touched\n",
        # Loaded again: a refresh, or the async accessor, which on an expired instance loads
        # every expired column along with the one it names.
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.commit()\n"
        "        await s.refresh(p)\n        a = p.updated\n"
        "        p.hits += 1\n        await s.flush()\n        await p.awaitable_attrs.updated\n"
        "        return a, p.updated\n",
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        await x.awaitable_attrs.hits\n"
        "        children = await x.awaitable_attrs.children\n"
        "        return x.id, x.updated, x.children, children\n",
        # The fix's result: the commit, then a refresh of each instance read after it.
        ASYNC_SETUP + MODELS + "async def f(x: Parent, y: Parent):\n    async with Factory() as s:\n"
        "        s.add_all([x, y])\n        await s.commit()\n        await s.refresh(y)\n"
        "        await s.refresh(x)\n        return y.id, x.id, y.hits\n",
        # Read in another function than the commit's (a nested one runs later, on its own).
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n"
        "        async def later():\n            return x.id\n        return later\n",
        # Serialised after a refresh; never committed; through a session whose factory (behind
        # a dependency) keeps its instances loaded.
        ASYNC_SETUP + MODELS + SCHEMAS + "async def f():\n" + COMMITTED
        + "        await s.refresh(p)\n        return Out.model_validate(p), Stamped.from_orm(p)\n"
        "async def g():\n" + ADDED + "        return Out.model_validate(p)\n",
        ASYNC_SETUP + MODELS + SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        + WRAPPERS.format(factory="Keep") + "@app.post('/p', response_model=Out)\n"
        "async def create(s: AsyncSession = Depends(get_session)):\n"
        "    p = Parent()\n    s.add(p)\n    await s.commit()\n    return p\n",
        # The UPDATE expired `updated`, which `Out` does not read.
        ASYNC_SETUP + MODELS + SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "@app.patch('/p/{pid}')\nasync def touch(pid: int) -> Out:\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.flush()\n"
        "        return p\n",
        # The suggested fix for it: `eager_defaults=True` has the UPDATE return the column.
        ASYNC_SETUP + MODELS + SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "class Eager(Base):\n    __tablename__ = 'eager'\n    __mapper_args__ = {'eager_defaults': True}\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    hits: Mapped[int] = mapped_column(default=0)\n"
        "    updated: Mapped[str] = mapped_column(server_default=func.now(), onupdate=func.now())\n"
        "@app.patch('/e/{eid}')\nasync def touch(eid: int) -> Stamped:\n    async with Keep() as s:\n"
        "        e = await s.get(Eager, eid)\n        e.hits += 1\n        await s.flush()\n"
        "        return e\n",
        # A `def` endpoint with a sync Session: the reload is plain sync I/O in the threadpool.
        SYNC_SETUP + MODELS + SCHEMAS + "@app.post('/p', response_model=Out)\n"
        "def create(db: Session = Depends(get_db)):\n"
        "    p = Parent()\n    db.add(p)\n    db.commit()\n    Out.model_validate(p)\n    return p\n",
        # Nothing read: no from_attributes (an error before any read), the flag off,
        # jsonable_encoder (skips what is expired), response_model=None.
        ASYNC_SETUP + MODELS + SCHEMAS + "@app.post('/p', response_model=None)\nasync def f():\n"
        + COMMITTED + "        Plain.model_validate(p), Plain.from_orm(p)\n"
        "        Out.model_validate(p, from_attributes=False)\n        jsonable_encoder(p)\n"
        "        return p\n",
        # Reads that are not known: a helper reading on some calls only, or refreshing first;
        # a schema whose base is not known, or that sees the raw object first.
        ASYNC_SETUP + MODELS + SCHEMAS + "from external import Base as ExternalBase\n"
        "class Ext(ExternalBase):\n    id: int\n"
        "class Raw(Out):\n    @model_validator(mode='before')\n    @classmethod\n"
        "    def unwrap(cls, data):\n        return data\n"
        "def describe(p, verbose: bool):\n    if verbose:\n        return p.id\n    return ''\n"
        "async def reloaded(s, p):\n    await s.refresh(p)\n    return p.id\n"
        "async def f():\n" + COMMITTED + "        describe(p, False)\n"
        "        return Ext.model_validate(p), Raw.model_validate(p)\n"
        # An awaited call given the instance may reload it: not known to be expired after it.
        "async def g():\n" + COMMITTED + "        await reloaded(s, p)\n"
        "        return p.id, Out.model_validate(p)\n",
    )
    FIXED = (
        (
            ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
            "        s.add(x)\n        await s.commit()  # saved\n"
            "        ident = x.id  # expect: AL205\n        return ident\n",
            ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
            "        s.add(x)\n        await s.commit()  # saved\n        await s.refresh(x)\n"
            "        ident = x.id  # expect: AL205\n        return ident\n",
        ),
        (
            ASYNC_SETUP + MODELS + "async def f(pid: int, ok: bool):\n    async with Factory() as session:\n"
            "        p = await session.get(Parent, pid)\n        p.hits = 1\n        await session.commit()\n"
            "        if ok:\n            return p.updated  # expect: AL205\n        return None\n",
            ASYNC_SETUP + MODELS + "async def f(pid: int, ok: bool):\n    async with Factory() as session:\n"
            "        p = await session.get(Parent, pid)\n        p.hits = 1\n        await session.commit()\n"
            "        await session.refresh(p)\n"
            "        if ok:\n            return p.updated  # expect: AL205\n        return None\n",
        ),
        # Two instances, read three times: one refresh each, in the order they are read.
        (
            ASYNC_SETUP + MODELS + "async def f(x: Parent, y: Parent):\n    async with Factory() as s:\n"
            "        s.add_all([x, y])\n        await s.commit()\n"
            "        first = y.id  # expect: AL205\n        return first, x.id, y.hits  # expect: AL205, AL205\n",
            ASYNC_SETUP + MODELS + "async def f(x: Parent, y: Parent):\n    async with Factory() as s:\n"
            "        s.add_all([x, y])\n        await s.commit()\n        await s.refresh(y)\n"
            "        await s.refresh(x)\n"
            "        first = y.id  # expect: AL205\n        return first, x.id, y.hits  # expect: AL205, AL205\n",
        ),
        # Serialised: by a schema, and by the route's response model.
        (
            ASYNC_SETUP + MODELS + SCHEMAS + "@app.post('/p', response_model=Out)\nasync def f():\n"
            + COMMITTED + "        Stamped.model_validate(p)  # expect: AL205\n        return p  # expect: AL205\n",
            ASYNC_SETUP + MODELS + SCHEMAS + "@app.post('/p', response_model=Out)\nasync def f():\n"
            + COMMITTED + "        await s.refresh(p)\n"
            "        Stamped.model_validate(p)  # expect: AL205\n        return p  # expect: AL205\n",
        ),
    )
    INVALID = (
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id  # expect: AL205\n",
        ASYNC_SETUP + MODELS + "async def load(s: AsyncSession, pid: int) -> Parent:\n"
        "    return await s.get(Parent, pid)\n"
        "async def f(pid: int):\n    async with Factory() as s:\n"
        "        p = await load(s, pid)\n        await s.commit()\n        return p.id  # expect: AL205\n",
        # The same helpers around the default factory (expire_on_commit=True).
        ASYNC_SETUP + MODELS + WRAPPERS.format(factory="Factory")
        + "async def a(x: Parent):\n    s = new_session()\n    s.add(x)\n    await s.commit()\n"
        "    return x.id  # expect: AL205\n"
        "async def b(x: Parent, s: AsyncSession = Depends(get_session)):\n"
        "    s.add(x)\n    await s.commit()\n    return x.id  # expect: AL205\n"
        "async def c(x: Parent):\n    async with session_scope() as s:\n"
        "        s.add(x)\n        await s.commit()\n        return x.id  # expect: AL205\n",
        # Set before a commit that expires everything: reloaded all the same. And the flush
        # still fills in what was not set.
        ASYNC_SETUP + MODELS + "async def f(pid: int):\n    async with Factory() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits = 1\n        await s.commit()\n"
        "        return p.hits  # expect: AL205\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.flush()\n"
        "        return p.updated  # expect: AL205\n",
        # Loaded, changed, committed without expiring: the UPDATE expired `updated`
        # (`onupdate=func.now()`); an instance inserted by a first commit is updated by a second.
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits = 0\n        await s.commit()\n"
        "        return p.hits, p.updated  # expect: AL205\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f():\n    async with Keep() as s:\n"
        "        p = Parent()\n        s.add(p)\n        await s.commit()\n"
        "        p.hits = 1\n        await s.commit()\n        return p.updated  # expect: AL205\n",
        # The async accessor loads what it names (and, on an expired instance, the columns):
        # other relationships stay expired, and a column the UPDATE did not expire loads nothing.
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        await x.awaitable_attrs.tags\n"
        "        return x.id, x.children  # expect: AL205\n",
        ASYNC_SETUP + MODELS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "async def f(pid: int):\n    async with Keep() as s:\n"
        "        p = await s.get(Parent, pid)\n        p.hits += 1\n        await s.flush()\n"
        "        await p.awaitable_attrs.hits\n        return p.updated  # expect: AL205\n",
        # Serialised after the commit: model_validate, from_orm, from_attributes=True on a
        # schema without the config.
        ASYNC_SETUP + MODELS + SCHEMAS + "async def f():\n" + COMMITTED
        + "        a = Out.model_validate(p)  # expect: AL205\n"
        "        b = Stamped.from_orm(p)  # expect: AL205\n"
        "        return a, b, Plain.model_validate(p, from_attributes=True)  # expect: AL205\n",
        # Returned from a route: response_model, a return annotation (FastAPI reads the fields
        # whatever the schema's config), a list the session loaded.
        ASYNC_SETUP + MODELS + SCHEMAS + "@app.post('/a', response_model=Out)\nasync def a():\n"
        + COMMITTED + "        return p  # expect: AL205\n"
        "@app.post('/b')\nasync def b() -> Plain | None:\n" + COMMITTED + "        return p  # expect: AL205\n"
        "@app.get('/c', response_model=list[Out])\nasync def c():\n    async with Factory() as s:\n"
        "        ps = (await s.scalars(select(Parent))).all()\n        await s.commit()\n"
        "        return ps  # expect: AL205\n",
        # Passed to project functions that read it on every call (an async one awaited).
        ASYNC_SETUP + MODELS + "def describe(p):\n    return {'id': p.id}\n"
        "async def stamp(p):\n    return p.updated\n"
        "async def f():\n" + COMMITTED + "        d = describe(p)  # expect: AL205\n"
        "        return d, await stamp(p=p)  # expect: AL205\n",
        # The UPDATE left `updated` to the database: `Stamped` reads it, `Out` does not.
        ASYNC_SETUP + MODELS + SCHEMAS + "Keep = async_sessionmaker(engine, expire_on_commit=False)\n"
        "@app.patch('/p/{pid}', response_model=Stamped)\nasync def touch(pid: int):\n"
        "    async with Keep() as s:\n        p = await s.get(Parent, pid)\n        p.hits += 1\n"
        "        await s.flush()\n        Out.model_validate(p)\n        return p  # expect: AL205\n",
        # pydantic v1's orm_mode; sqlmodel's SQLModel has from_attributes in its base config.
        ASYNC_SETUP + MODELS + "from pydantic.v1 import BaseModel as V1Model\nfrom sqlmodel import SQLModel\n"
        "class Legacy(V1Model):\n    id: int\n    class Config:\n        orm_mode = True\n"
        "class Public(SQLModel):\n    id: int\n"
        "async def f():\n" + COMMITTED
        + "        return Legacy.from_orm(p), Public.model_validate(p)  # expect: AL205, AL205\n",
        # No fix: the session is bound again before the read; the commit is not a statement of
        # its own (after `if ok:` on its line; beside another statement).
        ASYNC_SETUP + MODELS + "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        s = Factory()\n"
        "        return x.id  # expect: AL205\n"
        "async def g(x: Parent, ok: bool):\n    async with Factory() as s:\n"
        "        s.add(x)\n        if ok: await s.commit()\n        return x.id  # expect: AL205\n"
        "async def h(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit(); n = 1\n        return x.id, n  # expect: AL205\n",
    )
