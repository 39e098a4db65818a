"""Setup code the SQLAlchemy rules' examples start from: sessions, factories, models, schemas.

The rule examples are whole programs checked by the real engine (tests/test_rule_examples.py);
these are the parts they share.
"""

from __future__ import annotations

SYNC_SETUP = (
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
ASYNC_SETUP = (
    "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n"
    "engine = create_async_engine('sqlite+aiosqlite://')\n"
    "Factory = async_sessionmaker(engine)\n"
)
MODELS = (
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


SQLMODEL = (
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
SCHEMAS = (
    "from fastapi import FastAPI\n"
    "from fastapi.encoders import jsonable_encoder\n"
    "from pydantic import BaseModel, ConfigDict, model_validator\n"
    "app = FastAPI()\n"
    "class Out(BaseModel):\n    model_config = ConfigDict(from_attributes=True)\n    id: int\n"
    "class Stamped(Out):\n    updated: str\n"
    "class Family(Out):\n    children: list[dict]\n"
    "class Plain(BaseModel):\n    id: int\n"
)
ADDED = "    async with Factory() as s:\n        p = Parent()\n        s.add(p)\n"
COMMITTED = ADDED + "        await s.commit()\n"
# Project helpers handing out sessions of a factory (`{factory}`): returned, yielded to FastAPI,
# or yielded by an async context manager.
WRAPPERS = (
    "from contextlib import asynccontextmanager\n"
    "from fastapi import Depends\n"
    "def new_session():\n    return {factory}()\n"
    "async def get_session():\n    async with {factory}() as session:\n        yield session\n"
    "@asynccontextmanager\nasync def session_scope():\n"
    "    async with {factory}() as session:\n        yield session\n"
)
