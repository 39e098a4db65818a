"""AL401 across modules: the engine in one module, the limit in another, the routes in a third.

The finding is at the engine; the facts it weighs live elsewhere, so a change in any of them
must re-check the engine's file (the result cache), and the verdict must not depend on which
worker checked what first (`-j 1` against `-j 2`).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import command

DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    from app.settings import DATABASE_URL

    engine = create_engine(DATABASE_URL, pool_size={pool_size}, max_overflow=0)
    SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
"""
DEPS = """
    from typing import Annotated
    from fastapi import Depends
    from sqlalchemy.orm import Session
    from app.database import SessionLocal

    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()

    DBDep = Annotated[Session, Depends(get_db)]
"""
ROUTES = """
    from fastapi import APIRouter
    from app.deps import DBDep

    router = APIRouter(prefix="/items")

    @router.get("/")
    {kind} list_items(db: DBDep):
        return db.execute("select 1").all()
"""
MAIN = """
    from contextlib import asynccontextmanager
    import anyio
    from fastapi import FastAPI
    from app.routes import router

    @asynccontextmanager
    async def lifespan(app):
        anyio.to_thread.current_default_thread_limiter().total_tokens = {threads}
        yield

    app = FastAPI(lifespan=lifespan)
    app.include_router(router, prefix="/api")
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n", "app/__init__.py": "",
                     "app/settings.py": "import os\nDATABASE_URL = os.environ['DATABASE_URL']\n"})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args: str) -> list[dict]:
    result = CliRunner().invoke(command, ["--select", "AL401", "--format", "json", *args, "app"],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def project(root: Path, pool_size: int = 5, kind: str = "def", threads: int = 40) -> None:
    write(root, {
        "app/database.py": DATABASE.format(pool_size=pool_size),
        "app/deps.py": DEPS,
        "app/routes.py": ROUTES.format(kind=kind),
        "app/main.py": MAIN.format(threads=threads),
    })


def test_a_small_pool_under_a_larger_limit_is_reported_at_the_engine_naming_the_routes(root: Path) -> None:
    project(root, pool_size=5, threads=40)
    [finding] = lint("--no-cache")
    assert (finding["path"], finding["line"], finding["code"]) == ("app/database.py", 6, "AL401")
    assert "lends at most 5 connections, fewer than the 40 threads" in finding["message"]
    assert "total_tokens = 40 at app/main.py:9" in finding["message"]
    assert "sync route GET /api/items/" in finding["message"]
    assert lint("--no-cache", "-j", "2") == lint("--no-cache", "-j", "1")


def test_not_reported_by_default_and_silent_for_a_large_pool_or_async_routes(root: Path) -> None:
    project(root, pool_size=5)
    result = CliRunner().invoke(command, ["--no-cache", "--format", "json", "app"])
    assert json.loads(result.stdout) == []  # opt-in
    project(root, pool_size=40)
    assert lint("--no-cache") == []
    project(root, pool_size=5, kind="async def")
    assert [f["code"] for f in lint("--no-cache")] == []  # AL201's business, not a thread's


def test_a_change_in_another_module_rechecks_the_engine(root: Path) -> None:
    project(root, pool_size=5, kind="async def")
    assert lint() == []
    write(root, {"app/routes.py": ROUTES.format(kind="def")})
    assert [f["code"] for f in lint()] == ["AL401"]
    write(root, {"app/main.py": MAIN.format(threads=5)})
    assert lint() == [] == lint("--no-cache")
    write(root, {"app/main.py": MAIN.format(threads=6)})
    assert [f["code"] for f in lint()] == ["AL401"]


def endpoint_map(*args: str) -> str:
    result = CliRunner().invoke(command, ["--endpoints", "--no-cache", *args, "app"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_endpoint_map_shows_hops_the_limit_and_the_engine_with_its_sync_routes(root: Path) -> None:
    project(root, pool_size=5, threads=40)
    write(root, {"app/extra.py": """
        from fastapi import APIRouter, Depends
        from fastapi.concurrency import run_in_threadpool
        from app.deps import get_db
        from app.routes import router

        def report():
            return 1

        def checked(db=Depends(get_db)):
            return db

        @router.get("/report")
        async def slow_report(ok=Depends(checked), again=Depends(get_db)):
            await run_in_threadpool(report)
            return await run_in_threadpool(report)
    """})
    data = json.loads(endpoint_map("--format", "json"))
    hops = {f"{r['method']} {r['path']}": r["threadpool_hops"] for r in data["routes"]}
    # def route + sync yield dependency; async route + two sync dependencies (get_db once) + 2 calls
    assert hops == {"GET /api/items/": 2, "GET /api/items/report": 4}
    assert data["thread_limit"] == {"threads": 40, "source": "app/main.py:9"}
    assert data["threadpool_hops_total"] == 6
    assert data["engines"] == [{
        "engine": "app.database.engine", "file": "app/database.py", "line": 6, "is_async": False,
        "pool_size": 5, "max_overflow": 0, "poolclass": "QueuePool", "connections": 5, "sync_routes": 1,
    }]
    text = endpoint_map().splitlines()
    assert text[-3:] == [
        "One request to each route takes 6 threadpool hops in all (at most 4, GET /api/items/report), "
        "sharing 40 threads: total_tokens set at app/main.py:9.",
        "Engines (1):",
        "app.database.engine  app/database.py:6  QueuePool: pool_size 5 + max_overflow 0 = 5 connections  "
        "1 sync route; fewer than the 40 threads: up to 35 can wait for a connection (AL401)",
    ]


def test_a_thread_limit_set_in_a_test_module_is_not_the_apps(root: Path) -> None:
    project(root, pool_size=5, threads=40)
    write(root, {"app/tests/__init__.py": "", "app/tests/test_load.py": """
        import anyio

        async def test_many():
            anyio.to_thread.current_default_thread_limiter().total_tokens = 4
    """})
    [finding] = lint("--no-cache")
    assert "fewer than the 40 threads" in finding["message"]
    assert "app/tests" not in finding["message"]
