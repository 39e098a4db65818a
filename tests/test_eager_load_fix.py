"""AL204's fix: `.options(selectinload(Model.rel))` on the query that loaded the instance in the
same function; display-only (advice, no edit) wherever that query is not certain."""

from __future__ import annotations

import pytest
from fixing import fixed as _fix

from asynclint.engine import CheckOptions, check_source
from asynclint.rules.orm_examples import ASYNC_SETUP

MODELS = (
    "from sqlalchemy import ForeignKey\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n"
    "class Base(DeclarativeBase):\n    pass\n"
    "class Parent(Base):\n    __tablename__ = 'parent'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    children: Mapped[list['Child']] = relationship()\n"
    "class Child(Base):\n    __tablename__ = 'child'\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    parent_id: Mapped[int] = mapped_column(ForeignKey('parent.id'))\n"
)
SETUP = ASYNC_SETUP + MODELS


def _fixes(text: str) -> list[dict]:
    result = check_source(text, "example.py", CheckOptions())
    assert result.errors == []
    return [finding.fix for finding in result.findings if finding.code == "AL204"]


def test_the_import_is_added_once_after_the_opening_imports():
    body = (
        "async def f(s: AsyncSession):\n    p = await s.get(Parent, 1)\n    return p.children\n"
        "async def g(s: AsyncSession):\n    q = await s.get(Parent, 2)\n    return q.children\n"
    )
    fixed = _fix(SETUP + body)
    assert fixed.count("from sqlalchemy.orm import selectinload\n") == 1
    assert "await s.get(Parent, 1, options=[selectinload(Parent.children)])" in fixed
    assert "await s.get(Parent, 2, options=[selectinload(Parent.children)])" in fixed
    assert _fixes(fixed) == []  # a second run: nothing left to load lazily


def test_an_alias_the_module_binds_is_reused():
    text = (
        "from sqlalchemy.orm import selectinload as eager\n" + SETUP
        + "async def f(s: AsyncSession):\n    p = await s.get(Parent, 1,)\n    return p.children\n"
    )
    fixed = _fix(text)
    assert "await s.get(Parent, 1, options=[eager(Parent.children)],)" in fixed
    assert "import selectinload\n" not in fixed


def test_a_subquery_of_a_column_is_not_the_query_that_loads_the_instance():
    text = SETUP + (
        "async def f(s: AsyncSession):\n"
        "    p = (await s.scalars(select(Parent).where(Parent.id.in_(select(Parent.id))))).first()\n"
        "    return p.children\n"
    )
    fixed = _fix(text)
    assert "select(Parent).options(selectinload(Parent.children)).where(Parent.id.in_(select(Parent.id)))" in fixed


@pytest.mark.parametrize(
    "body",
    [
        # assigned twice: which query loaded it is a guess
        pytest.param(
            "async def f(s: AsyncSession, first: bool):\n    p = await s.get(Parent, 1)\n"
            "    if first:\n        p = await s.get(Parent, 2)\n    return p.children\n",
            id="assigned-twice",
        ),
        # two queries of the model in the expression
        pytest.param(
            "async def f(s: AsyncSession):\n"
            "    p = (await s.scalars(select(Parent).limit(1))).first() or (await s.scalars(select(Parent))).one()\n"
            "    return p.children\n",
            id="two-selects",
        ),
        # `selectinload` names something else here
        pytest.param(
            "async def f(s: AsyncSession, selectinload):\n    p = await s.get(Parent, 1)\n"
            "    return p.children\n",
            id="name-taken",
        ),
        # the query is in a helper
        pytest.param(
            "async def load(s: AsyncSession) -> Parent:\n    return await s.get(Parent, 1)\n"
            "async def f(s: AsyncSession):\n    p = await load(s)\n    return p.children\n",
            id="helper",
        ),
    ],
)
def test_display_only_where_the_query_is_not_certain(body: str) -> None:
    fixes = _fixes(SETUP + body)
    assert fixes
    assert all(fix["applicability"] == "display-only" and fix["edits"] == [] for fix in fixes)
    assert "selectinload(Parent.children)" in fixes[0]["message"]
