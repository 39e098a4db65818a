"""AL204: relationships that load lazily from an AsyncSession's instance (MissingGreenlet)."""

from __future__ import annotations

from asynclint.rules.base import Rule
from asynclint.rules.orm_examples import ASYNC_SETUP, MODELS, SCHEMAS, SQLMODEL


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

    ## Fix safety
    The fix loads the relationship with the query that loaded the instance in the same
    function: `select(Parent)` becomes `select(Parent).options(selectinload(Parent.children))`,
    and `await s.get(Parent, pid)` gains `options=[selectinload(Parent.children)]`
    (`from sqlalchemy.orm import selectinload` is added once unless the module binds it). It
    is unsafe: the query now runs a second `SELECT` for the relationship, for every row, also
    where the relationship was not read before, and a `get` of an instance already in the
    session's identity map does not reload it (the relationship then loads on refresh). Offered
    only where the instance was assigned once, in this function, from an expression holding
    exactly one `select(Model)` of its model (or a `get(Model, ...)` without `options=`);
    where the query is in a helper, or the instance comes from a loop or a parameter, the fix
    is display-only: the advice, no edit.
    """

    code = "AL204"
    name = "implicit-lazy-load"
    summary = "relationship lazily loaded from an AsyncSession instance (MissingGreenlet)"
    message = "`{name}.{attr}`{via} lazy-loads the {model}.{attr} relationship in {where} (MissingGreenlet)"
    VALID = (
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).first()\n"
        "    return p.children\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return p.tags\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return await p.awaitable_attrs.children\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return p.id\n",
        MODELS + "def f(p: Parent):\n    return p.children\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    await s.refresh(p, ['children'])\n    return p.children\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession, names: list[str]):\n"
        "    p = await s.get(Parent, 1)\n    q = await s.get(Parent, 2)\n"
        "    await s.refresh(p, attribute_names=('id', 'children'))\n"
        "    await s.refresh(q, names)\n    return p.children, q.children\n",
        SQLMODEL + "async def f(s: AsyncSession):\n"
        "    team = await s.get(Team, 1)\n    return team.heroes, team.coaches, team.fans\n",
        # Loaded by the async accessor: later reads find it in memory.
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    await p.awaitable_attrs.children\n"
        "    return [child.id for child in p.children]\n",
        # Serialised: loaded with the query, by a refresh that names it, or built in Python;
        # a helper that reads it only on some calls.
        ASYNC_SETUP + MODELS + SCHEMAS + "@app.get('/p', response_model=list[Family])\n"
        "async def f(s: AsyncSession):\n"
        "    p = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).first()\n"
        "    r = await s.get(Parent, 2)\n    await s.refresh(r, ['children'])\n    built = Parent()\n"
        "    Family.model_validate(p), Family.model_validate(r), Family.model_validate(built)\n"
        "    ps = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).all()\n"
        "    return ps\n",
        ASYNC_SETUP + MODELS + "def kids(p, all: bool):\n    if all:\n        return p.children\n"
        "    return []\n"
        "async def f(s: AsyncSession):\n    p = await s.get(Parent, 1)\n    return kids(p, False)\n",
    )
    INVALID = (
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return p.children  # expect: AL204\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    result = await s.execute(select(Child))\n"
        "    for child in result.scalars().all():\n"
        "        print(child.parent)  # expect: AL204\n",
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    q = await s.get(Parent, 2)\n"
        "    await s.refresh(p)\n    await s.refresh(q, ['id'])\n"
        "    return p.children, q.children  # expect: AL204, AL204\n",
        SQLMODEL + "async def f(s: AsyncSession):\n"
        "    team = await s.get(Team, 1)\n    return team.rivals  # expect: AL204\n",
        # The accessor loads the relationship it names, not the others.
        ASYNC_SETUP + MODELS + "async def f(s: AsyncSession):\n"
        "    c = await s.get(Child, 1)\n    p = await s.get(Parent, 1)\n"
        "    await c.awaitable_attrs.parent\n    await p.awaitable_attrs.tags\n"
        "    return c.parent, p.children  # expect: AL204\n",
        # Serialised: a schema field named like the lazy relationship (`Family.children`),
        # read by model_validate, by a route's response model, by a project helper.
        ASYNC_SETUP + MODELS + SCHEMAS + "async def f(s: AsyncSession):\n"
        "    p = await s.get(Parent, 1)\n    return Family.model_validate(p)  # expect: AL204\n"
        "@app.get('/p', response_model=list[Family])\n"
        "async def g(s: AsyncSession):\n"
        "    ps = (await s.scalars(select(Parent))).all()\n    return ps  # expect: AL204\n",
        ASYNC_SETUP + MODELS + "def kids(p):\n    return [child.id for child in p.children]\n"
        "async def f(s: AsyncSession):\n    p = await s.get(Parent, 1)\n"
        "    return kids(p)  # expect: AL204\n",
    )
    FIXED = (
        (
            ASYNC_SETUP + MODELS + "async def f(s: AsyncSession, pid: int):\n"
            "    p = await s.get(Parent, pid)\n    return p.children  # expect: AL204\n"
            "async def g(s: AsyncSession, pid: int):\n"
            "    p = (await s.scalars(select(Parent).where(Parent.id == pid))).one()\n"
            "    return p.children  # expect: AL204\n",
            ASYNC_SETUP + MODELS + "async def f(s: AsyncSession, pid: int):\n"
            "    p = await s.get(Parent, pid, options=[selectinload(Parent.children)])\n"
            "    return p.children  # expect: AL204\n"
            "async def g(s: AsyncSession, pid: int):\n"
            "    p = (await s.scalars(select(Parent).options(selectinload(Parent.children)).where(Parent.id == pid))).one()\n"
            "    return p.children  # expect: AL204\n",
        ),
        # serialised by the response model: the query that loaded the list
        (
            ASYNC_SETUP + MODELS + SCHEMAS + "@app.get('/p', response_model=list[Family])\n"
            "async def g(s: AsyncSession):\n"
            "    ps = (await s.scalars(select(Parent))).all()\n    return ps  # expect: AL204\n",
            ASYNC_SETUP + MODELS + SCHEMAS + "@app.get('/p', response_model=list[Family])\n"
            "async def g(s: AsyncSession):\n"
            "    ps = (await s.scalars(select(Parent).options(selectinload(Parent.children)))).all()\n"
            "    return ps  # expect: AL204\n",
        ),
        # the query is in a helper, or the instance a loop variable: only shown (display-only)
        (
            ASYNC_SETUP + MODELS + "async def load(s: AsyncSession, pid: int) -> Parent:\n"
            "    return await s.get(Parent, pid)\n"
            "async def f(s: AsyncSession):\n    p = await load(s, 1)\n    return p.children  # expect: AL204\n"
            "async def g(s: AsyncSession):\n    result = await s.execute(select(Child))\n"
            "    for child in result.scalars().all():\n        print(child.parent)  # expect: AL204\n",
            ASYNC_SETUP + MODELS + "async def load(s: AsyncSession, pid: int) -> Parent:\n"
            "    return await s.get(Parent, pid)\n"
            "async def f(s: AsyncSession):\n    p = await load(s, 1)\n    return p.children  # expect: AL204\n"
            "async def g(s: AsyncSession):\n    result = await s.execute(select(Child))\n"
            "    for child in result.scalars().all():\n        print(child.parent)  # expect: AL204\n",
        ),
    )
