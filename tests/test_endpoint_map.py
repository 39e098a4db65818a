"""`asynclint --endpoints`: every route and dependency, where FastAPI runs it, its findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from asynclint.cli import command
from test_cli import project, write  # noqa: F401  (`project`: each test in its own tmp project)

REPO = Path(__file__).resolve().parents[1]

DB = """\
class Session:
    def close(self): ...


def get_db():
    db = Session()
    try:
        yield db
    finally:
        db.close()
"""
ROUTES = """\
from fastapi import APIRouter, Depends

from .db import get_db

router = APIRouter()


class Paging:
    def __init__(self, page: int = 1):
        self.page = page


@router.get("/users")
def list_users(db=Depends(get_db), paging: Paging = Depends(Paging)):
    return []


@router.post("/users")
def add_user(db=Depends(get_db)):
    return {}
"""
HANDLERS = """\
def legacy():
    return {"ok": True}
"""
MAIN = """\
import time

from fastapi import FastAPI

from .handlers import legacy
from .routes import router

app = FastAPI()
app.include_router(router)


@app.get("/sleep")
async def nap():
    time.sleep(1)

    def inner():
        pass

    return {}


@app.get("/health")
async def health():
    return {}


def create(item: dict):
    return item


app.add_api_route("/x", create, methods=["POST"])
app.add_api_route("/legacy", legacy)
"""


def write_app() -> None:
    write("app/__init__.py", "")
    write("app/db.py", DB)
    write("app/routes.py", ROUTES)
    write("app/handlers.py", HANDLERS)
    write("app/main.py", MAIN)


def endpoints(*args: str) -> Result:
    return CliRunner().invoke(command, ["--endpoints", "--no-cache", *args], catch_exceptions=False)


def as_json(*args: str) -> dict[str, Any]:
    result = endpoints("--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_route(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{route['method']} {route['path']}": route for route in data["routes"]}


# -- the examples ------------------------------------------------------------------------------
def test_reference_app_routes_all_run_on_the_event_loop_without_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    data = as_json("examples/reference_app")
    routes = by_route(data)
    assert {"GET /items", "POST /items", "GET /items/{item_id}", "PATCH /items/{item_id}",
            "DELETE /items/{item_id}", "GET /sleep", "GET /bridge"} <= set(routes)  # fmt: skip
    assert {(r["runs_on"], r["findings"]) for r in data["routes"]} == {("event_loop", 0)}
    assert [d["handler"] for d in data["dependencies"]] == [
        "examples.reference_app.database.get_async_session"
    ]
    assert routes["GET /items/{item_id}"]["line"] == _def_line(
        REPO / "examples/reference_app/main.py", "read_item"
    )


def test_reference_app_text_sorts_by_path_then_method_and_ends_with_the_footer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    result = endpoints("examples/reference_app")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    count = int(lines[0].removeprefix("Routes (").removesuffix("):"))
    rows = [line.split() for line in lines[1 : count + 1]]
    assert [row[:2] for row in rows] == sorted((row[:2] for row in rows), key=lambda r: (r[1], r[0]))
    items = [row[:2] for row in rows if row[1] == "/items/{item_id}"]
    assert items == [["DELETE", "/items/{item_id}"], ["GET", "/items/{item_id}"], ["PATCH", "/items/{item_id}"]]
    read_item = next(row for row in rows if row[2] == "examples.reference_app.main.read_item")
    line = _def_line(REPO / "examples/reference_app/main.py", "read_item")
    assert read_item[3:] == [f"examples/reference_app/main.py:{line}", "event", "loop", "0", "hops", "0", "findings"]
    assert lines[count + 5 :] == [
        "FastAPI runs 0 sync routes and 0 sync dependencies in its threadpool "
        f"(anyio default: 40 threads); {count} async routes and 1 async dependency run on the event loop.",
        "One request to each route takes 1 threadpool hop in all (at most 1, GET /bridge), "
        "sharing anyio default: 40 threads.",
        "Engines (1):",
        "examples.reference_app.database.engine  examples/reference_app/database.py:47  "
        "async engine: its sessions wait on the event loop, not in threads",
    ]


def test_blocking_app_counts_findings_per_handler_as_the_lint_run_reports_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    data = as_json("--no-config", "examples/blocking_app")
    lint = CliRunner().invoke(
        command, ["--no-config", "--no-cache", "--format", "json", "examples/blocking_app"]
    )
    findings = json.loads(lint.stdout)
    routes = by_route(data)
    assert routes["GET /sleep"]["findings"] == sum(
        f["function"] == "sleep_endpoint" for f in findings
    ) == 1
    assert routes["GET /sleep-sync"]["runs_on"] == "threadpool"
    counted = sum(route["findings"] for route in data["routes"])
    in_routes = sum(f["endpoint"] is not None and " /" in f["endpoint"] for f in findings)
    assert counted == in_routes


def _def_line(path: Path, name: str) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if f"def {name}(" in line)


# -- sync and async, routes and dependencies ----------------------------------------------------
def test_sync_def_routes_run_in_the_threadpool_and_async_def_routes_on_the_event_loop() -> None:
    write_app()
    routes = by_route(as_json())
    assert routes["GET /users"]["runs_on"] == "threadpool"
    assert routes["POST /users"]["runs_on"] == "threadpool"
    assert routes["GET /sleep"]["runs_on"] == "event_loop"
    assert routes["GET /health"]["runs_on"] == "event_loop"


def test_routes_from_a_module_without_async_code_are_listed() -> None:
    write_app()
    assert "async" not in ROUTES
    routes = by_route(as_json())
    assert routes["GET /users"]["handler"] == "app.routes.list_users"
    assert routes["GET /users"]["file"] == "app/routes.py"
    assert routes["GET /users"]["line"] == 14  # the `def` line


def test_add_api_route_with_methods_is_a_route_of_those_methods() -> None:
    write_app()
    route = by_route(as_json())["POST /x"]
    assert route["handler"] == "app.main.create"
    assert (route["file"], route["line"], route["runs_on"]) == ("app/main.py", 27, "threadpool")


def test_add_api_route_of_an_imported_handler_points_at_its_definition() -> None:
    write_app()
    route = by_route(as_json())["GET /legacy"]
    assert (route["handler"], route["file"], route["line"]) == ("app.handlers.legacy", "app/handlers.py", 1)


def test_sync_generator_dependency_takes_the_threadpool_and_is_listed_once() -> None:
    write_app()
    dependencies = as_json()["dependencies"]
    get_db = [d for d in dependencies if d["handler"] == "app.db.get_db"]
    assert get_db == [
        {"handler": "app.db.get_db", "file": "app/db.py", "line": 5, "runs_on": "threadpool", "findings": 0}
    ]


def test_class_dependency_runs_in_the_threadpool_at_its_class_line() -> None:
    write_app()
    paging = next(d for d in as_json()["dependencies"] if d["handler"] == "app.routes.Paging")
    assert (paging["file"], paging["line"], paging["runs_on"]) == ("app/routes.py", 8, "threadpool")


def test_async_dependency_runs_on_the_event_loop() -> None:
    write(
        "main.py",
        "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\n"
        "async def current_user():\n    return 'me'\n\n\n"
        "@app.get('/me')\nasync def me(user=Depends(current_user)):\n    return user\n",
    )
    assert as_json()["dependencies"] == [
        {"handler": "main.current_user", "file": "main.py", "line": 6, "runs_on": "event_loop", "findings": 0}
    ]


# -- findings ------------------------------------------------------------------------------------
def test_time_sleep_in_an_async_route_is_one_finding_of_that_route_only() -> None:
    write_app()
    routes = by_route(as_json())
    assert routes["GET /sleep"]["findings"] == 1
    assert routes["GET /health"]["findings"] == 0


def test_findings_in_a_function_nested_in_the_handler_count_for_the_handler() -> None:
    write(
        "main.py",
        "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "@app.get('/a')\nasync def a():\n    async def helper():\n        time.sleep(1)\n"
        "    await helper()\n",
    )
    assert by_route(as_json())["GET /a"]["findings"] == 1


def test_finding_counts_follow_the_rule_selection() -> None:
    write_app()
    assert by_route(as_json("--ignore", "AL101"))["GET /sleep"]["findings"] == 0


# -- output ------------------------------------------------------------------------------------
def test_json_has_the_documented_keys_and_types() -> None:
    write_app()
    data = as_json()
    assert set(data) == {"routes", "dependencies", "threadpool_default_threads", "thread_limit",
                         "threadpool_hops_total", "engines"}  # fmt: skip
    assert data["threadpool_default_threads"] == 40
    assert data["thread_limit"] == {"threads": 40, "source": "anyio default"}
    assert data["threadpool_hops_total"] == 7
    assert data["engines"] == []
    route_types = {"method": str, "path": str, "handler": str, "file": str, "line": int,
                   "runs_on": str, "findings": int, "threadpool_hops": int}  # fmt: skip
    for route in data["routes"]:
        assert list(route) == list(route_types)
        assert all(isinstance(route[key], kind) for key, kind in route_types.items())
        assert route["runs_on"] in ("event_loop", "threadpool")
    dependency_types = {k: v for k, v in route_types.items() if k not in ("method", "path", "threadpool_hops")}
    for dependency in data["dependencies"]:
        assert list(dependency) == list(dependency_types)
        assert all(isinstance(dependency[key], kind) for key, kind in dependency_types.items())


def test_text_table_is_sorted_by_path_then_method_with_aligned_columns() -> None:
    write_app()
    result = endpoints()
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:7] == [
        "Routes (6):",
        "GET   /health  app.main.health        app/main.py:23     event loop  0 hops  0 findings",
        "GET   /legacy  app.handlers.legacy    app/handlers.py:1  threadpool  1 hop   0 findings",
        "GET   /sleep   app.main.nap           app/main.py:13     event loop  0 hops  1 finding",
        "GET   /users   app.routes.list_users  app/routes.py:14   threadpool  3 hops  0 findings",
        "POST  /users   app.routes.add_user    app/routes.py:19   threadpool  2 hops  0 findings",
        "POST  /x       app.main.create        app/main.py:27     threadpool  1 hop   0 findings",
    ]
    assert lines[8:11] == [
        "Dependencies (2):",
        "app.db.get_db      app/db.py:5      threadpool  0 findings",
        "app.routes.Paging  app/routes.py:8  threadpool  0 findings",
    ]


def test_footer_counts_sync_routes_and_dependencies_in_the_threadpool() -> None:
    write_app()
    assert endpoints().stdout.splitlines()[-2:] == [
        "FastAPI runs 4 sync routes and 2 sync dependencies in its threadpool "
        "(anyio default: 40 threads); 2 async routes run on the event loop.",
        "One request to each route takes 7 threadpool hops in all (at most 3, GET /users), "
        "sharing anyio default: 40 threads.",
    ]


def test_quiet_leaves_out_the_footer() -> None:
    write_app()
    assert "FastAPI runs" not in endpoints("-q").stdout


def test_project_without_routes_says_so_and_exits_0() -> None:
    write("tool.py", "def main():\n    pass\n")
    result = endpoints()
    assert (result.exit_code, result.stdout) == (0, "No FastAPI or Starlette routes found.\n")


def test_excluded_files_are_left_out() -> None:
    write_app()
    Path("pyproject.toml").write_text('[tool.asynclint]\nextend-exclude = ["app/routes.py"]\n')
    assert "GET /users" not in by_route(as_json())


# -- bad input and usage --------------------------------------------------------------------------
def test_unparsable_and_undecodable_framework_files_are_skipped_with_a_one_line_note() -> None:
    write_app()
    write("app/broken.py", "from fastapi import FastAPI\ndef broken(:\n")
    write("app/latin.py", b"from fastapi import FastAPI\nx = '\xff'\n")
    result = endpoints()
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "app/broken.py: note: skipped: syntax error at line 2: invalid syntax",
        (
            "app/latin.py: note: skipped: cannot decode as utf-8: invalid start byte "
            "(byte 0xff at line 2, column 6)"
        ),
    ]
    assert "Traceback" not in result.stdout + result.stderr
    assert "Routes (6):" in result.stdout  # the project's own routes still listed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stdin-filename", "a.py"], "--endpoints reads PATHS: it cannot be used with --stdin-filename"),
        (["--format", "sarif"], "--endpoints prints --format text or json"),
        (["missing"], "path does not exist: missing"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = endpoints(*args)
    assert result.exit_code == 2
    assert result.stderr == f"asynclint: error: {message}\n"
