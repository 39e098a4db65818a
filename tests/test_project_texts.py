"""In-memory texts that stand for files (an editor's unsaved buffers): the facts of other
modules come from them, and a long-lived project index forgets a file whose text changed."""

from __future__ import annotations

import textwrap
from pathlib import Path

from asynclint.api import lint_text
from asynclint.config import Config
from asynclint.engine import check_source
from asynclint.index.project import Project
from asynclint.options import CheckOptions

DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("sqlite:///app.db")
    async_engine = create_async_engine("sqlite+aiosqlite:///app.db")
    SessionLocal = sessionmaker({bind}, class_={cls})
"""
ROUTES = """
    from app.database import SessionLocal

    async def items():
        session = SessionLocal()
        session.execute("select 1")
"""
SYNC = textwrap.dedent(DATABASE.format(bind="engine", cls="Session"))
ASYNC = textwrap.dedent(DATABASE.format(bind="async_engine", cls="AsyncSession"))


def _project(root: Path) -> tuple[Path, Path]:
    (root / "pyproject.toml").write_text("")
    (root / "app").mkdir()
    (root / "app/__init__.py").write_text("")
    (root / "app/database.py").write_text(SYNC)
    routes = root / "app/routes.py"
    routes.write_text(textwrap.dedent(ROUTES))
    return root / "app/database.py", routes


def _codes(findings: list) -> list[tuple[int, str]]:
    return [(finding.line, finding.code) for finding in findings]


def test_a_text_given_for_another_file_stands_for_its_content_on_disk(tmp_path: Path) -> None:
    database, routes = _project(tmp_path)
    text = routes.read_text()
    assert _codes(lint_text(text, str(routes), Config(), cache=False).findings) == [(6, "AL201")]
    overridden = lint_text(text, str(routes), Config(), cache=False, texts={str(database): ASYNC})
    assert _codes(overridden.findings) == [(6, "AL202")]
    assert database.read_text() == SYNC


def test_a_forgotten_file_is_read_again_and_the_facts_built_on_it_are_dropped(
    tmp_path: Path,
) -> None:
    database, routes = _project(tmp_path)
    options = CheckOptions(modules={"app": tmp_path / "app/__init__.py", "app.database": database,
                                    "app.routes": routes})
    project = Project(options.modules)
    text = routes.read_text()
    check = lambda: _codes(check_source(text, str(routes), options, "app.routes", project).findings)  # noqa: E731
    assert check() == [(6, "AL201")]
    project.texts[str(database)] = ASYNC
    assert check() == [(6, "AL201")]  # still the summary read before: nothing said it changed
    project.forget(str(database))
    assert check() == [(6, "AL202")]
    del project.texts[str(database)]
    project.forget(str(database))
    assert check() == [(6, "AL201")]
