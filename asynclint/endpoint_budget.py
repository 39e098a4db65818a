"""The threadpool as a budget, for the endpoint map: hops per route, the limit, the engines.

`asynclint --endpoints` shows, beside each route, how many times one request takes a thread of
anyio's default limiter (a `def` route: 1; each `def` dependency of its `Depends` tree,
sub-dependencies included and each once: 1; each `run_in_threadpool` / `anyio.to_thread.run_sync`
call in the route or its dependencies: 1), and after the tables the thread limit (set by
`current_default_thread_limiter().total_tokens = N`, else anyio's 40) and each sync engine's
pool (`pool_size + max_overflow`, 5 + 10 by default) with the `def` routes that use it. The
facts are the project index's (`index/budget.py`), the same AL401 weighs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from asynclint.index.budget import DEFAULT_THREADS, ThreadLimit, connections
from asynclint.index.chains import shown_path
from asynclint.index.project import Project
from asynclint.index.summary import ModuleSummary
from asynclint.index.threadpool import Engine


@dataclass(frozen=True)
class EngineEntry:
    engine: str  # qualified name
    file: str
    line: int
    is_async: bool
    pool_size: int | None
    max_overflow: int | None
    poolclass: str | None  # "QueuePool" when not given
    connections: int | None  # None: unlimited or not known statically
    sync_routes: int  # `def` routes whose Depends tree makes sessions of it

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def describe(self, threads: int | None) -> str:
        where = f"{self.engine}  {self.file}:{self.line}"
        if self.is_async:
            return f"{where}  async engine: its sessions wait on the event loop, not in threads"
        if self.connections is None:
            return (f"{where}  no connection limit known statically (a pool class other than "
                    f"QueuePool, sqlite, settings that are not literals)  {_routes(self.sync_routes)}")
        text = (f"{where}  {self.poolclass}: pool_size {self.pool_size} + max_overflow "
                f"{self.max_overflow} = {self.connections} connections  {_routes(self.sync_routes)}")
        if threads is not None and self.sync_routes and self.connections < threads:
            text += f"; fewer than the {threads} threads: up to {threads - self.connections} can wait for a connection (AL401)"
        return text


@dataclass
class Budget:
    limit: ThreadLimit
    engines: list[EngineEntry]
    hops: dict[tuple[str, str], int]  # (module, route qualname) -> hops per request

    def to_json(self) -> dict[str, Any]:
        return {
            "thread_limit": {"threads": self.limit.threads, "source": self.limit.where},
            "threadpool_hops_total": sum(self.hops.values()),
            "engines": [engine.to_json() for engine in self.engines],
        }

    def footer(self, routes: list[tuple[str, int]]) -> list[str]:
        """Lines after the map's footer: the hops of all routes, then the engines."""
        lines = []
        if routes:
            label, most = max(routes, key=lambda route: (route[1], route[0]))
            total = sum(hops for _, hops in routes)
            lines.append(
                f"One request to each route takes {total} threadpool {'hop' if total == 1 else 'hops'} "
                f"in all (at most {most}, {label}), sharing {self.threads_text()}."
            )
        if self.engines:
            lines.append(f"Engines ({len(self.engines)}):")
            lines += [engine.describe(self.limit.threads) for engine in self.engines]
        return lines

    def threads_text(self) -> str:
        if self.limit.where == "anyio default":
            return f"anyio default: {DEFAULT_THREADS} threads"
        if self.limit.threads is None:
            return f"a thread limit {self.limit.where}"
        return f"{self.limit.threads} threads: total_tokens set at {self.limit.where}"


def _routes(count: int) -> str:
    return f"{count} sync route{'s' * (count != 1)}"


def budget(project: Project, routes: list[tuple[ModuleSummary, str]], paths: list[str]) -> Budget:
    """The budget of the mapped routes; the engines listed are those under `paths` and those
    the routes use."""
    hops: dict[tuple[str, str], int] = {}
    users: dict[str, int] = {}
    for summary, route in routes:
        found = project.route_budget(summary, route)
        if found is None:
            continue
        hops[(summary.module, route)] = found.hops
        if found.threadpool:
            for engine in found.engines:
                users[engine] = users.get(engine, 0) + 1
    roots = [os.path.abspath(path) for path in paths]
    engines = [
        _entry(summary, name, engine, project, users.get(summary.qualified(name), 0))
        for summary, name, engine in project.project_engines()
        if summary.qualified(name) in users or _under(project.path_of(summary.module), roots)
    ]
    return Budget(project.thread_limit(), engines, hops)


def _under(path: str, roots: list[str]) -> bool:
    absolute = os.path.abspath(path)
    return any(absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _entry(summary: ModuleSummary, name: str, engine: Engine, project: Project, sync_routes: int) -> EngineEntry:
    poolclass = engine.poolclass.rpartition(".")[2] if engine.poolclass else engine.poolclass
    return EngineEntry(
        engine=summary.qualified(name),
        file=shown_path(project.path_of(summary.module)),
        line=engine.line,
        is_async=engine.is_async,
        pool_size=engine.pool_size,
        max_overflow=engine.max_overflow,
        poolclass=poolclass or ("QueuePool" if poolclass == "" else None),
        connections=connections(engine),
        sync_routes=sync_routes,
    )
