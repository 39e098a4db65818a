"""`asynclint --endpoints PATH...`: every route and dependency, where it runs, and its findings.

FastAPI (and Starlette) run an `async def` handler on the event loop and a plain `def` handler
in anyio's threadpool (40 threads by default). Sync dependencies (`Depends(get_db)` with a
`def get_db(): ... yield db`) take a threadpool slot too, for each request that uses them. The
map shows which is which, with the asynclint findings inside each function, so a reader sees
where blocking work stalls the loop and how many requests compete for the threadpool::

    $ asynclint --endpoints app/
    Routes (3):
    GET   /items            app.main.list_items  app/main.py:11  event loop  0 hops  1 finding
    POST  /items            app.main.add_item    app/main.py:17  threadpool  2 hops  0 findings
    GET   /items/{item_id}  app.main.get_item    app/main.py:22  event loop  0 hops  0 findings

    Dependencies (1):
    app.db.get_db  app/db.py:6  threadpool  0 findings

    FastAPI runs 1 sync route and 1 sync dependency in its threadpool (anyio default: 40
    threads); 2 async routes run on the event loop.
    One request to each route takes 2 threadpool hops in all (at most 2, POST /items),
    sharing anyio default: 40 threads.
    Engines (1):
    app.db.engine  app/db.py:5  QueuePool: pool_size 5 + max_overflow 10 = 15 connections  1 sync route; ...

The footer's sentences are one line each (wrapped here). `--endpoints` takes PATHS like a lint run (default `.`),
with the configuration and its excludes; the finding counts come from a normal lint run (so
`--select`/`--ignore` apply) and count the findings whose function is the handler or a function
nested in it. The exit code is 0 (2 for usage errors, e.g. with `--stdin-filename` or a format
other than text and json). `-q` leaves out the footer. Files that cannot be read or parsed are
skipped with a one-line note on stderr.

`--endpoints --format json` prints one JSON object::

    {
      "routes": [
        {"method": "GET",            # "GET", "POST", ... "WEBSOCKET"; several: "GET,POST"
         "path": "/items/{item_id}", # the full path, through routers, includes and mounts
         "handler": "app.main.get_item",  # module-qualified function name
         "file": "app/main.py",      # relative to the working directory when under it
         "line": 22,                 # the handler's `def` line
         "runs_on": "event_loop",    # "event_loop" (async def) or "threadpool" (def)
         "findings": 0,              # asynclint findings inside the function (nested too)
         "threadpool_hops": 0}       # threadpool hops one request costs (endpoint_budget.py)
      ],
      "dependencies": [              # functions (and classes) passed to Depends()/Security()
        {"handler": "app.db.get_db", "file": "app/db.py", "line": 6,
         "runs_on": "threadpool", "findings": 0}
      ],
      "threadpool_default_threads": 40,
      "thread_limit": {"threads": 40, "source": "anyio default"},  # or "app/main.py:12"
      "threadpool_hops_total": 2,
      "engines": [{"engine": "app.db.engine", "file": "app/db.py", "line": 5, "is_async": false,
                   "pool_size": 5, "max_overflow": 10, "poolclass": "QueuePool",
                   "connections": 15, "sync_routes": 1}]
    }

Routes are sorted by path, then method; dependencies by handler. The path is the full path
(`index/route_paths.py`): router and include prefixes, mounts and hosts, across modules; `…`
where a prefix is not known statically; a router included twice has a row per path. Each
route also has `"threadpool_hops"`, and the object `"thread_limit"`, `"threadpool_hops_total"`
and `"engines"` (`endpoint_budget.py`). Limits: a
route module must import fastapi or starlette itself (as the linter's summaries require); the
line is the `def` line of the handler even for a route added by call (`add_api_route`); a class
passed to `Depends` counts as threadpool work (FastAPI calls classes there), at its `class`
line; a dependency or handler that does not resolve to a function or class of the project
(an instance, a library function) is not listed.
"""

from __future__ import annotations

import ast
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import click

from asynclint import source
from asynclint.api import check_options, lint_paths, project_modules
from asynclint.config import Config
from asynclint.discovery import discover
from asynclint.endpoint_budget import Budget, budget
from asynclint.engine import make_project
from asynclint.index.project import Project
from asynclint.index.summary import ModuleSummary

THREADPOOL_DEFAULT_THREADS = 40  # anyio's default CapacityLimiter for to_thread.run_sync
EVENT_LOOP, THREADPOOL = "event_loop", "threadpool"
_FRAMEWORK_BYTES = (b"fastapi", b"starlette")


@dataclass(frozen=True)
class Entry:
    """One route (with `method` and `path`) or one dependency (without)."""

    handler: str
    file: str
    line: int
    runs_on: str
    findings: int
    method: str | None = None
    path: str | None = None
    threadpool_hops: int | None = None  # routes: threadpool hops one request costs


    def to_json(self) -> dict[str, Any]:
        common = {
            "handler": self.handler,
            "file": self.file,
            "line": self.line,
            "runs_on": self.runs_on,
            "findings": self.findings,
        }
        if self.method is None:
            return common
        return {"method": self.method, "path": self.path, **common, "threadpool_hops": self.threadpool_hops}


@dataclass
class EndpointMap:
    routes: list[Entry] = field(default_factory=list)
    dependencies: list[Entry] = field(default_factory=list)
    # path -> one-line note for stderr: a file left out, or one whose findings were not counted
    notes: dict[str, str] = field(default_factory=dict)
    budget: Budget | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "routes": [route.to_json() for route in self.routes],
            "dependencies": [dependency.to_json() for dependency in self.dependencies],
            "threadpool_default_threads": THREADPOOL_DEFAULT_THREADS,
            **(self.budget.to_json() if self.budget else {}),
        }


@dataclass(frozen=True)
class _Target:
    """Where a handler or dependency is defined."""

    summary: ModuleSummary
    local: str  # qualname inside its module
    path: str
    line: int
    is_async: bool


# -- building the map ----------------------------------------------------------------------------
def build(
    paths: Iterable[str],
    config: Config,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> EndpointMap:
    """The endpoint map of `paths`. Raises discovery.MissingPath for a path that does not exist."""
    paths = list(paths)
    files = discover(paths, config)
    result = EndpointMap()
    if not files:
        return result
    modules = project_modules(Path(paths[0]), config)
    project = make_project(check_options(config, modules, cache, cache_dir))
    summaries = [
        summary
        for file in files
        if (summary := _summarise(project, file, modules.name_of(file), result.notes))
    ]
    lint = lint_paths(paths, config, jobs, cache, cache_dir=cache_dir)
    for error in lint.errors:
        result.notes.setdefault(error.path, f"findings not counted: {error.message}")
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for finding in lint.findings:
        if finding.function:
            counts[os.path.abspath(finding.path)][finding.function] += 1

    def entry(target: _Target, **route: Any) -> Entry:
        # findings of the function itself and of functions nested in it (`handler.inner`)
        in_file = counts.get(os.path.abspath(target.path), {})
        inside = (n for name, n in in_file.items() if f"{name}.".startswith(f"{target.local}."))
        return Entry(
            handler=target.summary.qualified(target.local),
            file=_shown(target.path),
            line=target.line,
            runs_on=EVENT_LOOP if target.is_async else THREADPOOL,
            findings=sum(inside),
            **route,
        )

    routes: dict[tuple[str, str, str, int], Entry] = {}
    dependencies: dict[tuple[str, int], Entry] = {}
    result.budget = budget(project, [(s, local) for s in summaries for local in sorted(s.routes)], paths)
    for summary in summaries:
        for local in summary.routes:
            method, _, route_path = summary.endpoints.get(local, "").partition(" ")
            target = _target(project, summary, local)
            if target is None or not route_path:
                continue
            hops = result.budget.hops.get((summary.module, local))
            for full_path in project.route_paths(summary, local):  # one row per path served
                route = entry(target, method=method, path=full_path, threadpool_hops=hops)
                routes.setdefault((full_path, method, route.file, route.line), route)
        for qualified in summary.dependencies:
            target = _target(project, None, qualified)
            if target is not None:
                dependency = entry(target)
                dependencies.setdefault((dependency.file, dependency.line), dependency)
    result.routes = sorted(routes.values(), key=lambda r: (r.path, r.method, r.file, r.line))
    result.dependencies = sorted(dependencies.values(), key=lambda d: (d.handler, d.file, d.line))
    return result


def _summarise(
    project: Project, file: Path, module: str, notes: dict[str, str]
) -> ModuleSummary | None:
    """The summary of a file that mentions fastapi or starlette (a bytes check); None for the
    rest, and for a file that cannot be read or parsed (noted in `notes`)."""
    if file.suffix != ".py":
        return None  # stubs never serve requests
    try:
        data = source.read_bytes(str(file))
        if not any(marker in data for marker in _FRAMEWORK_BYTES):
            return None
        text = source.decode(data)
    except source.SourceError as error:
        notes[str(file)] = f"skipped: {error}"
        return None
    try:
        return project.load(text, str(file), module)
    except SyntaxError as error:
        notes[str(file)] = f"skipped: syntax error at line {error.lineno}: {error.msg}"
        return None
    except (ValueError, RecursionError, MemoryError) as error:
        notes[str(file)] = f"skipped: cannot parse: {type(error).__name__}: {error}"
        return None


def _target(project: Project, summary: ModuleSummary | None, name: str) -> _Target | None:
    """A function or class by its local name in `summary`, or (summary None, or a name the
    module imports) by its qualified name, following imports and re-exports."""
    if summary is None or name not in summary.functions:
        # The project index's own name resolution; made public it would be a one-word change.
        found = project.follow(summary.qualified(name) if summary else name)
        if found is None:
            return None
        summary, name = found
    path = project.path_of(summary.module)
    facts = summary.functions.get(name)
    if facts is not None:
        return _Target(summary, name, path, facts.line, facts.is_async)
    if name in summary.classes:
        line = _class_line(path, name)
        return _Target(summary, name, path, line, False) if line is not None else None
    return None


def _class_line(path: str, qualname: str) -> int | None:
    """The `class` line of `Outer.Inner` (summaries keep class names, not their lines)."""
    try:
        body: list[ast.stmt] = ast.parse(source.read(path)).body
    except (source.SourceError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    node: ast.ClassDef | None = None
    for part in qualname.split("."):
        node = next((s for s in body if isinstance(s, ast.ClassDef) and s.name == part), None)
        if node is None:
            return None
        body = node.body
    return node.lineno if node is not None else None


def _shown(path: str) -> str:
    """A path relative to the working directory when it is under it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


# -- output --------------------------------------------------------------------------------------
def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _table(entries: list[Entry], route: bool) -> list[str]:
    """Aligned columns; finding counts right-aligned (`  1 finding`, ` 12 findings`)."""
    digits = max(len(str(entry.findings)) for entry in entries)
    rows = [
        [
            *([entry.method or "", entry.path or ""] if route else []),
            entry.handler,
            f"{entry.file}:{entry.line}",
            entry.runs_on.replace("_", " "),
            *([_hops(entry.threadpool_hops)] if route else []),
            f"{entry.findings:>{digits}} finding{'s' * (entry.findings != 1)}",
        ]
        for entry in entries
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _hops(hops: int | None) -> str:
    return "? hops" if hops is None else f"{hops} hop{'s' * (hops != 1)}"


def footer(endpoint_map: EndpointMap) -> str:
    """`FastAPI runs 12 sync routes and 3 sync dependencies in its threadpool (...); ...`"""

    def split(entries: list[Entry]) -> tuple[int, int]:
        sync = sum(entry.runs_on == THREADPOOL for entry in entries)
        return sync, len(entries) - sync

    sync_routes, async_routes = split(endpoint_map.routes)
    threads = (
        endpoint_map.budget.threads_text() if endpoint_map.budget
        else f"anyio default: {THREADPOOL_DEFAULT_THREADS} threads"
    )
    sync_dependencies, async_dependencies = split(endpoint_map.dependencies)
    on_loop = _count(async_routes, "async route")
    if async_dependencies:
        on_loop += f" and {_count(async_dependencies, 'async dependency', 'async dependencies')}"
    verb = "runs" if async_routes == 1 and not async_dependencies else "run"
    return (
        f"FastAPI runs {_count(sync_routes, 'sync route')} and "
        f"{_count(sync_dependencies, 'sync dependency', 'sync dependencies')} in its threadpool "
        f"({threads}); {on_loop} {verb} on the event loop."
    )


def render_text(endpoint_map: EndpointMap, quiet: bool = False) -> str:
    routes, dependencies = endpoint_map.routes, endpoint_map.dependencies
    if not routes and not dependencies:
        return "" if quiet else "No FastAPI or Starlette routes found.\n"
    lines: list[str] = []
    if routes:
        lines.append(f"Routes ({len(routes)}):")
        lines += _table(routes, route=True)
    if dependencies:
        lines += [""] if lines else []
        lines.append(f"Dependencies ({len(dependencies)}):")
        lines += _table(dependencies, route=False)
    if not quiet:
        lines += ["", footer(endpoint_map)]
        if endpoint_map.budget is not None:
            lines += endpoint_map.budget.footer(
                [(f"{r.method} {r.path}", r.threadpool_hops) for r in routes if r.threadpool_hops is not None]
            )
    return "\n".join(lines) + "\n"


def render_json(endpoint_map: EndpointMap) -> str:
    return json.dumps(endpoint_map.to_json(), indent=2) + "\n"


def run(
    paths: Iterable[str],
    config: Config,
    output_format: str,
    jobs: int | None = None,
    cache: bool = True,
    quiet: bool = False,
    cache_dir: Path | None = None,
) -> None:
    """The `--endpoints` mode of the command: the map on stdout, skipped files on stderr."""
    endpoint_map = build(paths, config, jobs, cache, cache_dir)
    for path, note in sorted(endpoint_map.notes.items()):
        click.echo(f"{path}: note: {note}", err=True)
    if output_format == "json":
        click.echo(render_json(endpoint_map), nl=False)
    else:
        click.echo(render_text(endpoint_map, quiet), nl=False)
