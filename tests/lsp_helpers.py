"""Helpers for the language server's tests: a project on disk, a client's view of edits."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the core's tests run without the lsp extra
    from lsprotocol import types
    from pytest_lsp import LanguageClient

DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("sqlite:///app.db")
    async_engine = create_async_engine("sqlite+aiosqlite:///app.db")
    SessionLocal = sessionmaker({bind}, class_={cls})
"""
SYNC_DATABASE = textwrap.dedent(DATABASE.format(bind="engine", cls="Session"))
ASYNC_DATABASE = textwrap.dedent(DATABASE.format(bind="async_engine", cls="AsyncSession"))
ROUTES = textwrap.dedent("""\
    from app.database import SessionLocal

    async def items():
        session = SessionLocal()
        session.execute("select 1")
""")


def write_project(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    for name, text in {"app/__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def apply_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """A client applying TextEdits (UTF-16 positions; the tests' texts are ASCII)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def wait_for(
    client: LanguageClient,
    uri: str,
    condition: Callable[[list[types.Diagnostic]], bool],
    timeout: float = 30.0,
) -> list[types.Diagnostic]:
    """Wait until the diagnostics published for `uri` satisfy `condition`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        diagnostics = client.diagnostics.get(uri)
        if diagnostics is not None and condition(list(diagnostics)):
            return list(diagnostics)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"diagnostics for {uri}: {diagnostics}")
        await asyncio.sleep(0.02)


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[int, str]]:
    return sorted((d.range.start.line + 1, str(d.code)) for d in diagnostics)
