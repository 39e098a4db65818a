"""The per-file result cache: a cached file's findings follow every module its check consulted.

Each test runs the CLI twice or more over one project and compares the warm run (findings from
the cache where nothing it depends on changed) with what a `--no-cache` run of the same tree
finds: a cached result that hides a change made in another module would be a silent miss.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint import runner
from asynclint.cli import command
from asynclint.index import cache
from asynclint.result_cache import MAX_AGE

ROUTES = """
    from app.helpers import fetch_profile

    async def profile(uid):
        return fetch_profile(uid)
"""
QUIET_HELPER = "def fetch_profile(uid):\n    return {'uid': uid}\n"
BLOCKING_HELPER = "import time\n\ndef fetch_profile(uid):\n    time.sleep(1)\n    return {'uid': uid}\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    write(project, {"pyproject.toml": "[tool.asynclint]\n", "app/__init__.py": ""})
    monkeypatch.chdir(project)
    return project


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each run sent to a worker (the rest came from the result cache)."""
    sent: list[str] = []
    real = runner.run

    def recording(tasks, options, jobs):  # type: ignore[no-untyped-def]
        sent.extend(task.path for task in tasks)
        return real(tasks, options, jobs)

    monkeypatch.setattr(runner, "run", recording)
    return sent


def lint(*args: str) -> list[tuple[str, int, str]]:
    result = CliRunner().invoke(command, ["--format", "json", "-j", "1", *args, "app"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return sorted((f["path"], f["line"], f["code"]) for f in json.loads(result.stdout))


def test_a_warm_run_sends_no_file_to_a_worker_and_finds_what_the_cold_run_found(
    root: Path, checked: list[str]
) -> None:
    write(root, {"app/helpers.py": BLOCKING_HELPER, "app/routes.py": ROUTES})
    cold = lint()
    assert cold == [("app/routes.py", 5, "AL110")]
    assert checked == ["app/routes.py"]
    checked.clear()
    assert lint() == cold
    assert checked == []


def test_a_helper_changed_in_another_module_changes_the_cached_files_findings(
    root: Path, checked: list[str]
) -> None:
    write(root, {"app/helpers.py": QUIET_HELPER, "app/routes.py": ROUTES})
    assert lint() == []
    write(root, {"app/helpers.py": BLOCKING_HELPER})
    checked.clear()
    assert lint() == [("app/routes.py", 5, "AL110")] == lint("--no-cache")
    assert "app/routes.py" in checked
    write(root, {"app/helpers.py": QUIET_HELPER})
    assert lint() == []


def test_a_change_deep_in_a_chain_reaches_every_file_that_used_the_memoised_chain(root: Path) -> None:
    """One worker checks both route files: the second is served the chain the first computed,
    and must still depend on every module the chain went through."""
    write(
        root,
        {
            "app/low.py": "def read(uid):\n    return uid\n",
            "app/mid.py": "from app.low import read\n\ndef fetch_profile(uid):\n    return read(uid)\n",
            "app/helpers.py": "from app.mid import fetch_profile\n",
            "app/routes.py": ROUTES,
            "app/other_routes.py": ROUTES.replace("profile(uid)", "summary(uid)", 1),
        },
    )
    assert lint() == []
    write(root, {"app/low.py": "import time\n\ndef read(uid):\n    time.sleep(1)\n    return uid\n"})
    assert lint() == [("app/other_routes.py", 5, "AL110"), ("app/routes.py", 5, "AL110")]
    assert lint() == lint("--no-cache")


DATABASE = """
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
    from sqlalchemy.orm import Session, sessionmaker

    engine = create_engine("sqlite:///app.db")
    async_engine = create_async_engine("sqlite+aiosqlite:///app.db")
    SessionLocal = sessionmaker({bind}, class_={cls})
"""
SESSION_ROUTES = """
    from app.database import SessionLocal

    async def items():
        session = SessionLocal()
        session.execute("select 1")
"""


def test_a_session_factorys_class_flips_the_cached_finding_from_sync_session_to_missing_await(
    root: Path,
) -> None:
    write(root, {"app/database.py": DATABASE.format(bind="engine", cls="Session"), "app/routes.py": SESSION_ROUTES})
    assert lint() == [("app/routes.py", 6, "AL201")]
    write(root, {"app/database.py": DATABASE.format(bind="async_engine", cls="AsyncSession")})
    assert lint() == [("app/routes.py", 6, "AL202")] == lint("--no-cache")


def test_a_module_added_where_an_import_found_none_rechecks_the_importer(root: Path) -> None:
    write(root, {"app/routes.py": ROUTES})
    assert lint() == []
    write(root, {"app/helpers.py": BLOCKING_HELPER})
    assert lint() == [("app/routes.py", 5, "AL110")]
    (root / "app/helpers.py").unlink()
    assert lint() == []


MIDDLEWARE = """
    from fastapi import Request
    from app.database import SessionLocal

    async def db_session(request: Request, call_next):
        request.state.db = SessionLocal()
        return await call_next(request)
"""
STATE_ROUTES = """
    from fastapi import Request

    async def items(request: Request):
        return request.state.db.execute("select 1")
"""


def test_request_state_assigned_in_a_module_that_did_not_mention_it_rechecks_its_readers(
    root: Path,
) -> None:
    write(
        root,
        {
            "app/database.py": DATABASE.format(bind="engine", cls="Session"),
            "app/middleware.py": "def nothing():\n    return None\n",
            "app/routes.py": STATE_ROUTES,
        },
    )
    assert lint() == []
    write(root, {"app/middleware.py": MIDDLEWARE})
    assert lint() == [("app/routes.py", 5, "AL201")] == lint("--no-cache")


def test_the_configured_blocking_calls_are_part_of_the_key_and_the_selection_is_not(
    root: Path, checked: list[str]
) -> None:
    write(root, {"app/routes.py": "import app.sdk\n\nasync def f():\n    app.sdk.upload()\n"})
    assert lint() == []
    with open(root / "pyproject.toml", "a") as config:
        config.write('extra-blocking-calls = {"app.sdk.upload" = "use the async SDK"}\n')
    assert lint() == [("app/routes.py", 4, "AL100")]
    checked.clear()
    assert lint("--select", "AL2") == []
    assert lint() == [("app/routes.py", 4, "AL100")]
    assert checked == []


def test_a_warm_run_imports_neither_libcst_nor_the_checker(root: Path) -> None:
    write(root, {"app/helpers.py": BLOCKING_HELPER, "app/routes.py": ROUTES})
    probe = (
        "import sys\nfrom asynclint.cli import main\n"
        "try:\n    main(['-q', 'app'])\nexcept SystemExit as exit:\n"
        "    print(exit.code, 'libcst' in sys.modules, 'asynclint.checker' in sys.modules)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        .stdout.splitlines()[-1]
        for _ in range(2)
    ]
    assert runs == ["1 True True", "1 False False"]


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_entries_unused_for_a_week_are_pruned_and_used_ones_are_kept(root: Path, user_cache_dir: Path) -> None:
    write(root, {"app/helpers.py": BLOCKING_HELPER, "app/routes.py": ROUTES})
    lint()
    version = cache.cache_location(root, user_cache_dir).directory
    stale = version / ("0" * 40)
    stale.write_text("an entry of a file edited long ago")
    other = version.parent / "v0.0.1-0123456789abcdef"
    other.mkdir()
    (other / "entry").write_text("an older asynclint's entry")
    other_walk = version.parent / "walk-v0.0.1-0123456789abcdef"
    other_walk.mkdir()
    for path in (stale, other / "entry", other, other_walk):
        age(path, MAX_AGE + 60)
    walk = version.parent / f"walk-{version.name}"  # this version's walk cache (walk_cache.py)
    walk.mkdir(exist_ok=True)  # a tree written a moment ago is not cached yet (racy)
    age(walk, MAX_AGE + 60)
    kept = sorted(path.name for path in (version / "results").iterdir())
    age(version / ".last-prune", 2 * 24 * 3600)
    for path in (version / "results").iterdir():
        age(path, MAX_AGE + 60)  # used by the next run: touched, so kept
    assert lint() == [("app/routes.py", 5, "AL110")]
    assert not stale.exists() and not other.exists() and not other_walk.exists()
    assert walk.is_dir(), "the walk cache of the asynclint that runs is kept"
    assert sorted(path.name for path in (version / "results").iterdir()) == kept


def test_pruning_runs_at_most_once_a_day(root: Path, user_cache_dir: Path) -> None:
    write(root, {"app/routes.py": ROUTES})
    lint()
    version = cache.cache_location(root, user_cache_dir).directory
    stale = version / ("0" * 40)
    stale.write_text("old")
    age(stale, MAX_AGE + 60)
    lint()
    assert stale.exists(), "pruned already today: not again"


def test_a_file_named_on_the_command_line_reuses_the_entry_of_the_whole_tree_run(
    root: Path, checked: list[str]
) -> None:
    """Pre-commit names files: their async code is checked the same way as in a tree's run."""
    write(root, {"app/helpers.py": BLOCKING_HELPER, "app/routes.py": ROUTES})
    assert lint() == [("app/routes.py", 5, "AL110")]
    checked.clear()
    result = CliRunner().invoke(command, ["--format", "json", "-j", "1", "app/routes.py"])
    assert [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)] == [("app/routes.py", 5, "AL110")]
    assert checked == []
