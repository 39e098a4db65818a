"""Project-wide facts: factories, dependencies, aliases and helpers defined in other modules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from asynclint.engine import CheckOptions, check_file
from asynclint.findings import Finding
from asynclint.index import summary as summary_module
from asynclint.index.modules import find_root, module_map, package_name
from asynclint.index.project import Project

DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_engine("sqlite:///app.db")
    SessionLocal = sessionmaker(bind=engine, autoflush=False)
    async_engine = create_async_engine("sqlite+aiosqlite:///app.db")
    AsyncSessionLocal = async_sessionmaker(async_engine)
    KeepSessionLocal = async_sessionmaker(async_engine, expire_on_commit=False)
"""
DEPS = """
    from .database import SessionLocal, AsyncSessionLocal, KeepSessionLocal

    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()

    async def get_async_db():
        async with AsyncSessionLocal() as session:
            yield session

    async def get_keep_db():
        async with KeepSessionLocal() as session:
            yield session
"""
TYPES = """
    from typing import Annotated
    from fastapi import Depends
    from sqlalchemy.orm import Session
    from sqlalchemy.ext.asyncio import AsyncSession
    from app.deps import get_db, get_async_db

    DBDep = Annotated[Session, Depends(get_db)]
    MislabelledDep = Annotated[AsyncSession, Depends(get_db)]
    AsyncDep = Annotated[Session, Depends(get_async_db)]
"""
MODELS = """
    from sqlalchemy import ForeignKey, func
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Author(Base):
        __tablename__ = "author"
        id: Mapped[int] = mapped_column(primary_key=True)
        books: Mapped[list["Book"]] = relationship(back_populates="author")

    class Book(Base):
        __tablename__ = "book"
        id: Mapped[int] = mapped_column(primary_key=True)
        author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
        author: Mapped[Author] = relationship(back_populates="books", lazy="joined")
"""
CLIENTS = """
    import requests

    def fetch(url):
        return requests.get(url, timeout=5).json()
"""
SERVICES = """
    from app.clients import fetch

    def profile(uid):
        return fetch(f"/users/{uid}")

    def ping(n):
        return pong(n - 1) if n else 0

    def pong(n):
        return ping(n)

    async def notify(uid):
        return uid
"""


def write_project(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    for name, text in {"app/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def lint(root: Path, *only: str) -> list[Finding]:
    """Check `only` (default: every file) with facts from the whole project."""
    files = sorted(root.rglob("*.py"))
    modules = module_map(find_root(root), files)
    project = Project(modules)
    targets = [root / name for name in only] if only else files
    findings: list[Finding] = []
    for file in targets:
        result = check_file(str(file), CheckOptions(modules=modules), package_name(file), project)
        assert result.errors == []
        findings.extend(result.findings)
    return findings


def codes(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return sorted((Path(f.path).name, f.line, f.code) for f in findings)


def routes(body: str) -> str:
    return textwrap.dedent(
        """
        from fastapi import APIRouter, Depends
        from sqlalchemy.orm import Session
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.types import DBDep, MislabelledDep, AsyncDep
        from app.deps import get_db, get_async_db, get_keep_db
        from app.services import profile, ping, notify
        from app.models import Author, Book
        from app import services

        router = APIRouter()
        """
    ) + textwrap.dedent(body)


@pytest.fixture
def project(tmp_path: Path):
    def make(route_body: str) -> Path:
        write_project(
            tmp_path,
            {
                "app/database.py": DATABASE,
                "app/deps.py": DEPS,
                "app/types.py": TYPES,
                "app/models.py": MODELS,
                "app/clients.py": CLIENTS,
                "app/services.py": SERVICES,
                "app/routes.py": routes(route_body),
                "app/main.py": "from fastapi import FastAPI\nfrom app.routes import router\n"
                               "app = FastAPI()\napp.include_router(router, prefix='/api')\n",
            },
        )
        return tmp_path

    return make


def test_sync_session_through_an_alias_from_another_module_is_reported_with_its_source(project):
    root = project(
        """
        @router.get("/items")
        async def list_items(db: DBDep):
            return db.query(Author).all()
        """
    )
    [finding] = lint(root, "app/routes.py")
    assert finding.code == "AL201"
    assert finding.line == 15
    assert "Depends(get_db)" in finding.message
    assert finding.endpoint == "GET /api/items"


def test_the_dependency_wins_over_a_wrong_annotation(project):
    root = project(
        """
        @router.get("/a")
        async def mislabelled(db: MislabelledDep):
            return db.execute("select 1")

        @router.get("/b")
        async def really_async(db: AsyncDep):
            return await db.execute("select 1")
        """
    )
    assert codes(lint(root, "app/routes.py")) == [("routes.py", 15, "AL201")]


def test_depends_default_without_annotation_resolves_the_yielded_session(project):
    root = project(
        """
        @router.get("/a")
        async def plain(db=Depends(get_db)):
            db.commit()

        @router.get("/b")
        async def fine(db: AsyncSession = Depends(get_async_db)):
            await db.commit()
        """
    )
    assert codes(lint(root, "app/routes.py")) == [("routes.py", 15, "AL201")]


def test_helper_chain_two_modules_deep_is_reported_with_the_chain(project):
    root = project(
        """
        @router.get("/profile/{uid}")
        async def get_profile(uid: int):
            return profile(uid)

        @router.get("/via-module")
        async def via_module(uid: int):
            return services.profile(uid)
        """
    )
    findings = lint(root, "app/routes.py")
    assert codes(findings) == [("routes.py", 15, "AL110"), ("routes.py", 19, "AL110")]
    message = findings[0].message
    assert "profile() → fetch() (" in message and "services.py:5)" in message
    assert "requests.get() (" in message and "clients.py:5)" in message
    assert "run_in_threadpool(profile, uid)" in findings[0].suggestion


def test_mutually_recursive_helpers_that_do_not_block_stay_silent(project):
    root = project(
        """
        @router.get("/ping")
        async def do_ping():
            return ping(3)
        """
    )
    assert lint(root, "app/routes.py") == []


def test_unawaited_project_coroutine_from_another_module_is_reported(project):
    root = project(
        """
        @router.post("/notify")
        async def do_notify(uid: int):
            notify(uid)
            await notify(uid)
        """
    )
    assert codes(lint(root, "app/routes.py")) == [("routes.py", 15, "AL301")]


def test_lazy_relationship_of_a_model_from_another_module(project):
    root = project(
        """
        from sqlalchemy import select
        from sqlalchemy.orm import selectinload

        @router.get("/authors/{aid}")
        async def author_books(aid: int, db: AsyncDep):
            author = await db.get(Author, aid)
            return author.books

        @router.get("/books/{bid}")
        async def book_author(bid: int, db: AsyncDep):
            book = await db.get(Book, bid)
            return book.author

        @router.get("/eager/{aid}")
        async def eager(aid: int, db: AsyncDep):
            result = await db.execute(select(Author).options(selectinload(Author.books)))
            return result.scalars().first().books
        """
    )
    assert codes(lint(root, "app/routes.py")) == [("routes.py", 19, "AL204")]


def test_expire_on_commit_comes_from_the_factory_in_another_module(project):
    root = project(
        """
        @router.post("/a")
        async def expiring(db: AsyncSession = Depends(get_async_db)):
            author = Author()
            db.add(author)
            await db.commit()
            return author.id

        @router.post("/b")
        async def keeping(db: AsyncSession = Depends(get_keep_db)):
            author = Author()
            db.add(author)
            await db.commit()
            return author.id
        """
    )
    assert codes(lint(root, "app/routes.py")) == [("routes.py", 18, "AL205")]


def test_names_from_outside_the_project_stay_silent(tmp_path):
    write_project(
        tmp_path,
        {
            "app/routes.py": """
                from fastapi import Depends
                from external.db import get_db, helper

                async def handler(db=Depends(get_db)):
                    db.query(1)
                    helper()
            """
        },
    )
    assert lint(tmp_path) == []


def test_only_the_given_files_are_reported_but_all_facts_are_known(project):
    root = project(
        """
        @router.get("/items")
        async def list_items(db: DBDep):
            return db.query(Author).all()
        """
    )
    (root / "app" / "other.py").write_text("import time\nasync def f():\n    time.sleep(1)\n")
    findings = lint(root, "app/routes.py")
    assert {Path(f.path).name for f in findings} == {"routes.py"}


def test_each_module_is_summarised_once_in_a_300_module_project(tmp_path, monkeypatch):
    """The index is built once per run, not once per checked file: cost stays linear."""
    modules = 300
    files = {"app/leaf.py": "import time\ndef leaf():\n    time.sleep(1)\n"}
    for index in range(modules - 1):
        callee = f"app.m{index - 1}.helper{index - 1}" if index else "app.leaf.leaf"
        module, _, name = callee.rpartition(".")
        files[f"app/m{index}.py"] = (
            f"from {module} import {name}\n"
            f"def helper{index}():\n    return {name}()\n"
            f"async def handler{index}():\n    return helper{index}()\n"
        )
    write_project(tmp_path, files)
    calls = []
    original = summary_module.summarise

    def counting(*args, **kwargs):
        calls.append(args[2])
        return original(*args, **kwargs)

    monkeypatch.setattr("asynclint.index.project.summarise", counting)
    findings = lint(tmp_path)
    assert len(findings) == modules - 1
    assert all(f.code == "AL110" for f in findings)
    assert len(calls) == len(set(calls)) <= modules + 1


def test_cli_linting_one_file_uses_facts_from_the_rest_of_the_project(project, monkeypatch):
    from asynclint.api import lint_paths
    from asynclint.config import Config

    root = project(
        """
        @router.get("/items")
        async def list_items(db: DBDep):
            return db.query(Author).all()
        """
    )
    (root / "app" / "other.py").write_text("import time\nasync def f():\n    time.sleep(1)\n")
    monkeypatch.chdir(root)
    result = lint_paths(["app/routes.py"], Config(root=root), jobs=1)
    assert [(f.path, f.line, f.code) for f in result.findings] == [("app/routes.py", 15, "AL201")]
    assert not (root / ".asynclint_cache").exists()  # the cache is outside the project


def test_cached_summaries_give_the_same_findings_and_a_corrupt_entry_is_a_miss(
    project, monkeypatch, user_cache_dir
):
    from asynclint.api import lint_paths
    from asynclint.config import Config
    from asynclint.index.cache import cache_location

    root = project(
        """
        @router.get("/profile/{uid}")
        async def get_profile(uid: int):
            return profile(uid)
        """
    )
    monkeypatch.chdir(root)
    first = lint_paths(["app"], Config(root=root), jobs=1).findings
    entries = [path for path in cache_location(root).directory.rglob("*") if path.is_file()]
    assert entries, "summaries and results are cached"
    assert user_cache_dir in entries[0].parents
    second = lint_paths(["app"], Config(root=root), jobs=1).findings
    for entry in entries:
        entry.write_bytes(b"not an entry")
    third = lint_paths(["app"], Config(root=root), jobs=1).findings
    assert first == second == third
    assert [f.code for f in first] == ["AL110"]


def test_an_explicitly_named_file_without_async_code_still_gets_its_syntax_checked(tmp_path, monkeypatch):
    from asynclint.api import lint_paths
    from asynclint.config import Config

    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "broken.py").write_text("def f(:\n    pass\n")
    monkeypatch.chdir(tmp_path)
    named = lint_paths(["broken.py"], Config(root=tmp_path), jobs=1).findings
    walked = lint_paths(["pkg"], Config(root=tmp_path), jobs=1).findings
    assert [(f.line, f.code) for f in named] == [(1, "AL001")]
    assert walked == []


def test_a_helper_chain_deeper_than_the_recursion_limit_is_followed(tmp_path):
    """Checked first, the last module's chain runs 1,500 modules deep (Python's limit is 1,000)."""
    depth = 1500
    files = {"app/m0.py": "import time\ndef helper0():\n    time.sleep(1)\n"}
    for index in range(1, depth):
        files[f"app/m{index}.py"] = (
            f"from app.m{index - 1} import helper{index - 1}\n"
            f"def helper{index}():\n    return helper{index - 1}()\n"
        )
    files["app/route.py"] = (
        f"from app.m{depth - 1} import helper{depth - 1}\n"
        f"async def route():\n    return helper{depth - 1}()\n"
    )
    write_project(tmp_path, files)
    [finding] = lint(tmp_path, "app/route.py")
    assert finding.code == "AL110"
    assert "time.sleep()" in finding.message


def test_a_src_layout_resolves_absolute_imports(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    files = {
        "src/app/__init__.py": "",
        "src/app/db.py": "from sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker()\n",
        "src/app/routes.py": (
            "from app.db import SessionLocal\n"
            "async def handler():\n    with SessionLocal() as db:\n        db.commit()\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert codes(lint(tmp_path, "src/app/routes.py")) == [("routes.py", 4, "AL201")]


def test_stdin_buffer_is_checked_with_facts_from_the_project_on_disk(project, monkeypatch):
    from click.testing import CliRunner

    from asynclint.cli import command

    root = project("")
    monkeypatch.chdir(root)
    buffer = routes(
        """
        @router.get("/items")
        async def list_items(db: DBDep):
            return db.query(Author).all()
        """
    )
    result = CliRunner().invoke(
        command, ["--stdin-filename", "app/routes.py", "--format", "concise", "--jobs", "1"],
        input=buffer,
    )
    assert result.exit_code == 1, result.output
    assert result.output.startswith("app/routes.py:15:")
    assert "AL201" in result.output and "Depends(get_db)" in result.output


STEADY = """
    import json
    import time
    from functools import lru_cache as memo

    _SETTINGS = None

    @memo(maxsize=None)
    def memoised():
        time.sleep(1)

    def loaded_once():
        global _SETTINGS
        if _SETTINGS is None:
            with open("settings.json") as fh:
                _SETTINGS = json.load(fh)
        return _SETTINGS

    def setting(key):
        return loaded_once()[key]

    def reloaded(key):
        loaded_once()
        return json.load(open(key))
"""


def test_memoised_and_load_once_helpers_in_another_module_are_not_blocking_facts(tmp_path):
    write_project(
        tmp_path,
        {
            "app/steady.py": STEADY,
            "app/routes.py": """
                from app import steady
                from app.steady import memoised, setting, reloaded

                async def handler():
                    memoised()
                    steady.loaded_once()
                    setting("debug")
                    return reloaded("other.json")
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == [("routes.py", 9, "AL110")]
    assert "reloaded() → open() (" in findings[0].message


def test_async_generator_from_another_module_is_no_coroutine_and_awaiting_it_is_reported(tmp_path):
    write_project(
        tmp_path,
        {
            "app/events.py": """
                from collections.abc import AsyncIterator

                async def stream_events(order_id):
                    for step in ("paid", "shipped"):
                        yield (order_id, step)

                class Source:
                    async def feed(self) -> AsyncIterator[int]:
                        ...

                async def notify(order_id):
                    def steps():
                        yield order_id
                    return list(steps())
            """,
            "app/routes.py": """
                from fastapi.responses import StreamingResponse
                from app.events import Source, notify, stream_events

                async def handler(order_id: int, source: Source):
                    gen = stream_events(order_id)
                    async for event in gen:
                        print(event)
                    stream_events(order_id)
                    source.feed()
                    notify(order_id)
                    await stream_events(order_id)
                    return StreamingResponse(stream_events(order_id))
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == [("routes.py", 11, "AL301"), ("routes.py", 12, "AL303")]
    assert "notify()" in findings[0].message
    assert "`await stream_events()`" in findings[1].message


SESSIONS = """
    from contextlib import asynccontextmanager
    from .database import AsyncSessionLocal, KeepSessionLocal

    def keep_session():
        return KeepSessionLocal()

    def expiring_session():
        return AsyncSessionLocal()

    async def get_keep():
        async with KeepSessionLocal() as session:
            yield session

    @asynccontextmanager
    async def keep_scope():
        async with KeepSessionLocal() as session:
            yield session

    @asynccontextmanager
    async def expiring_scope():
        async with AsyncSessionLocal() as session:
            yield session
"""


def test_session_helpers_in_another_module_carry_their_factorys_expire_on_commit(tmp_path):
    write_project(
        tmp_path,
        {
            "app/database.py": DATABASE,
            "app/models.py": MODELS,
            "app/sessions.py": SESSIONS,
            "app/routes.py": """
                from typing import Annotated
                from fastapi import Depends
                from sqlalchemy.ext.asyncio import AsyncSession
                from app.models import Author
                from app.sessions import expiring_scope, expiring_session, get_keep, keep_scope, keep_session

                KeepDep = Annotated[AsyncSession, Depends(get_keep)]

                async def kept(author: Author, db: KeepDep):
                    db.add(author)
                    await db.commit()
                    async with keep_scope() as s:
                        s.add(author)
                        await s.commit()
                    other = keep_session()
                    other.add(author)
                    await other.commit()
                    return author.id

                async def expired(author: Author):
                    async with expiring_scope() as s:
                        s.add(author)
                        await s.commit()
                        first = author.id
                    other = expiring_session()
                    other.add(author)
                    await other.commit()
                    return first, author.id
            """,
        },
    )
    assert codes(lint(tmp_path, "app/routes.py")) == [("routes.py", 25, "AL205"), ("routes.py", 29, "AL205")]


def test_sqlmodel_relationship_options_and_refreshed_relationships_of_models_in_another_module(tmp_path):
    write_project(
        tmp_path,
        {
            "app/models.py": """
                from typing import Optional
                from sqlmodel import Field, Relationship, SQLModel

                class Team(SQLModel, table=True):
                    id: Optional[int] = Field(default=None, primary_key=True)
                    heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"lazy": "selectin"})
                    coaches: list["Hero"] = Relationship(sa_relationship_kwargs=dict(lazy="selectin"))
                    rivals: list["Hero"] = Relationship()

                class Hero(SQLModel, table=True):
                    id: Optional[int] = Field(default=None, primary_key=True)
                    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
            """,
            "app/routes.py": """
                from sqlmodel.ext.asyncio.session import AsyncSession
                from app.models import Team

                async def roster(s: AsyncSession):
                    team = await s.get(Team, 1)
                    heroes, coaches = team.heroes, team.coaches
                    other = await s.get(Team, 2)
                    await s.refresh(other, ["rivals"])
                    return heroes, coaches, other.rivals, team.rivals
            """,
        },
    )
    assert codes(lint(tmp_path, "app/routes.py")) == [("routes.py", 10, "AL204")]


def test_sync_generators_from_another_module_block_only_where_they_are_iterated(tmp_path):
    write_project(
        tmp_path,
        {
            "app/rows.py": """
                def rows(path):
                    with open(path) as fh:
                        yield from fh

                def total(path):
                    return sum(1 for _ in rows(path))

                def lazy(path):
                    return rows(path)
            """,
            "app/routes.py": """
                from fastapi.responses import StreamingResponse
                from app.rows import lazy, rows, total

                async def download(path: str):
                    return StreamingResponse(rows(path))

                async def count(path: str):
                    for line in rows(path):
                        print(line)
                    lazy(path)
                    return total(path)
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == [("routes.py", 9, "AL110"), ("routes.py", 12, "AL110")]
    assert "run_in_threadpool(list, rows(path))" in findings[0].suggestion
    assert "total() → rows() (" in findings[1].message


def test_queues_from_another_module_block_on_put_only_when_bounded(tmp_path):
    write_project(
        tmp_path,
        {
            "app/work.py": """
                import queue

                TASKS = queue.SimpleQueue()
                PENDING = queue.Queue()
                BOUNDED = queue.Queue(maxsize=10)

                def enqueue(task):
                    TASKS.put(task)
                    PENDING.put(task)
                    BOUNDED.put(task, block=False)

                def offer(task):
                    BOUNDED.put(task)

                def take():
                    return TASKS.get()
            """,
            "app/routes.py": """
                from app.work import enqueue, offer, take

                async def handler(task):
                    enqueue(task)
                    offer(task)
                    return take()
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == [("routes.py", 6, "AL110"), ("routes.py", 7, "AL110")]
    assert "offer() → queue.Queue.put() (" in findings[0].message
    assert "take() → queue.SimpleQueue.get() (" in findings[1].message


def test_a_module_singleton_re_exported_through_three_packages_keeps_its_methods(tmp_path):
    write_project(
        tmp_path,
        {
            "app/database.py": DATABASE,
            "app/core/__init__.py": "from .services import history_service\n",
            "app/core/services/__init__.py": "from .history import history_service\n",
            "app/core/services/history.py": """
                from app.database import SessionLocal

                class HistoryService:
                    def history(self, uid):
                        with SessionLocal() as session:
                            return session.query(uid).all()

                    async def record(self, uid):
                        return uid

                history_service = HistoryService()
            """,
            "app/routes.py": """
                from app import core
                from app.core import history_service

                async def history(uid: int):
                    core.history_service.history(uid)
                    history_service.record(uid)
                    return history_service.history(uid)
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == [("routes.py", 6, "AL110"), ("routes.py", 7, "AL301"), ("routes.py", 8, "AL110")]
    assert "history() → Session.query() (" in findings[0].message and "history.py:7)" in findings[0].message


CRUD_BASE = """
    from typing import Generic, TypeVar
    from sqlalchemy.orm import Session

    ModelType = TypeVar("ModelType")

    class CRUDBase(Generic[ModelType]):
        def __init__(self, session: Session):
            self.session = session

        def get(self, id):
            return self.session.get(ModelType, id)
"""


def test_a_subclass_in_another_module_has_the_session_and_the_methods_of_its_base(tmp_path):
    write_project(
        tmp_path,
        {
            "app/crud/__init__.py": "",
            "app/crud/base.py": CRUD_BASE,
            "app/crud/users.py": """
                from app.crud.base import CRUDBase

                class CRUDUser(CRUDBase["User"]):
                    async def by_email(self, email):
                        return self.session.query(1).filter_by(email=email).first()
            """,
            "app/routes.py": """
                from app.crud.users import CRUDUser

                async def user(uid: int, crud: CRUDUser):
                    return crud.get(uid)

                async def sessions(crud: CRUDUser):
                    return crud.session.execute("select 1")
            """,
        },
    )
    findings = lint(tmp_path)
    assert codes(findings) == [("routes.py", 5, "AL110"), ("routes.py", 8, "AL201"), ("users.py", 6, "AL201")]
    [chain] = [finding.message for finding in findings if finding.code == "AL110"]
    assert "get() → Session.get() (" in chain and "base.py:12)" in chain


MIDDLEWARE = """
    from fastapi import Request
    from app.database import {factory}

    async def db_session(request: Request, call_next):
        request.state.db = {factory}()
        return await call_next(request)
"""


@pytest.mark.parametrize(
    ("factories", "expected"),
    [(("SessionLocal",), [("routes.py", 6, "AL201"), ("routes.py", 9, "AL201")]),
     (("SessionLocal", "AsyncSessionLocal"), [])],
    ids=["one-sync-assignment", "sync-and-async-assignments"],
)
def test_request_state_session_is_known_only_when_every_assignment_in_the_project_agrees(
    tmp_path, factories, expected
):
    files = {f"app/middleware_{index}.py": MIDDLEWARE.format(factory=factory)
             for index, factory in enumerate(factories)}
    write_project(
        tmp_path,
        {
            "app/database.py": DATABASE,
            **files,
            "app/deps.py": "from fastapi import Request\ndef get_db(request: Request):\n    return request.state.db\n",
            "app/routes.py": """
                from fastapi import Depends, Request
                from app.deps import get_db

                async def items(request: Request):
                    return request.state.db.query(1).all()

                async def other(db=Depends(get_db)):
                    return db.execute("select 1")
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == expected
    assert [f.message.split(" in async")[0] for f in findings] == [
        "Session.query() on sync Session `request.state.db` from SessionLocal()",
        "Session.execute() on sync Session `db` from Depends(get_db)",
    ][: len(findings)]


def test_sdk_clients_engines_and_celery_tasks_from_other_modules_carry_their_kind(tmp_path):
    write_project(
        tmp_path,
        {
            "app/llm.py": """
                from functools import lru_cache
                from openai import OpenAI

                @lru_cache
                def get_client():
                    return OpenAI()
            """,
            "app/engines.py": """
                from sqlalchemy import create_engine

                def get_engine():
                    return create_engine("sqlite://")
            """,
            "app/worker.py": """
                from celery import Celery

                celery_app = Celery("jobs")
            """,
            "app/tasks.py": """
                from app.worker import celery_app

                @celery_app.task(bind=True)
                def resize(self, image_id):
                    return image_id
            """,
            "app/routes.py": """
                from sqlalchemy import inspect
                from openai import OpenAI
                from app import tasks
                from app.engines import get_engine
                from app.llm import get_client

                class Assistant:
                    def __init__(self, client: OpenAI | None = None):
                        self._client = client or get_client()

                    async def ask(self, question):
                        return self._client.chat.completions.create(model="m", messages=question)

                async def tables():
                    return inspect(get_engine()).get_table_names()

                async def resized(image_id: int):
                    tasks.resize.delay(image_id)
                    return tasks.resize.delay(image_id).get(timeout=10)
            """,
        },
    )
    findings = lint(tmp_path, "app/routes.py")
    assert codes(findings) == [("routes.py", 13, "AL102"), ("routes.py", 16, "AL201"), ("routes.py", 20, "AL106")]


def test_a_helper_branch_taken_only_without_a_running_loop_is_no_fact_for_async_callers(tmp_path):
    write_project(
        tmp_path,
        {
            "app/services.py": """
                import asyncio
                import concurrent.futures
                from asyncio import get_running_loop

                class QueueService:
                    futures = []

                    @classmethod
                    def drain_all(cls, timeout=None):
                        if asyncio._get_running_loop() is not None:
                            return asyncio.wait([asyncio.wrap_future(f) for f in cls.futures], timeout=timeout)
                        else:
                            return concurrent.futures.wait(cls.futures, timeout=timeout)

                    @classmethod
                    def drain(cls):
                        if get_running_loop():
                            return asyncio.sleep(0)
                        return concurrent.futures.wait(cls.futures)

                    @classmethod
                    def wait_all(cls):
                        return concurrent.futures.wait(cls.futures)

                class LogWorker(QueueService):
                    pass
            """,
            "app/routes.py": """
                from app.services import LogWorker

                async def flush():
                    await LogWorker.drain_all()
                    await LogWorker.drain()
                    LogWorker.wait_all()
            """,
        },
    )
    assert codes(lint(tmp_path, "app/routes.py")) == [("routes.py", 7, "AL110")]


def test_request_state_and_base_classes_follow_a_module_whose_text_changed(tmp_path):
    from asynclint.analysis.kinds import REQUEST, Kind
    from asynclint.analysis.values import Attr, Known, SelfAttr, evaluate

    # app/repo.py is a project file (request.state is collected from the project's modules),
    # and the editor's buffer of it changes.
    write_project(tmp_path, {"app/database.py": DATABASE, "app/repo.py": "x = 1\n"})
    project = Project(module_map(find_root(tmp_path), sorted(tmp_path.rglob("*.py"))))
    state_db = Attr(Attr(Known(Kind(REQUEST)), "state"), "db")
    session = SelfAttr("app.repo.Repo", "session")
    versions = [
        "from app.database import SessionLocal\nclass Base:\n    def __init__(self):\n"
        "        self.session = SessionLocal()\nclass Repo(Base):\n    pass\n"
        "async def mw(request, call_next):\n    request.state.db = SessionLocal()\n",
        "from app.database import AsyncSessionLocal\nclass Base:\n    def __init__(self):\n"
        "        self.session = AsyncSessionLocal()\nclass Repo(Base):\n    pass\n"
        "async def mw(request, call_next):\n    request.state.db = AsyncSessionLocal()\n",
    ]
    found = []
    for text in versions:  # an editor's buffer, checked twice
        project.load(textwrap.dedent(text), str(tmp_path / "app" / "repo.py"), "app.repo")
        found.append((evaluate(state_db, project).name, evaluate(session, project).name))
    assert found == [("sqlalchemy.orm.Session", "sqlalchemy.orm.Session"),
                     ("sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.ext.asyncio.AsyncSession")]
