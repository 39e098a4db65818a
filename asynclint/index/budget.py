"""The threadpool as a budget, for the project index: thread hops per request, engines, the limit.

A mixin of `Project` (index/project.py). FastAPI (fastapi/routing.py `run_endpoint_function`,
fastapi/dependencies/utils.py `solve_dependencies`) runs a `def` route, the validation of its
return value against a response model (`serialize_response`), each `def` dependency and a sync
`yield` dependency's setup through `starlette.concurrency.run_in_threadpool`, that is
`anyio.to_thread.run_sync` on anyio's default limiter (40 tokens unless the code sets
`current_default_thread_limiter().total_tokens`); a sync `yield` dependency's teardown runs in
a thread too, but on a limiter of its own (fastapi/concurrency.py `contextmanager_in_threadpool`),
so it is not counted. `asyncio.to_thread` uses the event loop's executor, another pool, and is
not counted either. Project-wide facts (the thread limit, every route) are collected like
`request.state`: every module whose text can hold them is summarised, one that cannot is a read.
"""

from __future__ import annotations

from dataclasses import dataclass

from asynclint.analysis.names import AMBIGUOUS
from asynclint.analysis.values import Annotated
from asynclint.index.chains import shown_path
from asynclint.index.summary import ModuleSummary
from asynclint.index.threadpool import Engine

DEFAULT_THREADS = 40  # anyio's default CapacityLimiter for to_thread.run_sync
_LIMITER_HOPS = frozenset({
    "starlette.concurrency.run_in_threadpool", "fastapi.concurrency.run_in_threadpool",
    "anyio.to_thread.run_sync", "starlette.concurrency.iterate_in_threadpool",
    "fastapi.concurrency.iterate_in_threadpool",
})
_QUEUE_POOLS = frozenset({"", "sqlalchemy.pool.QueuePool", "sqlalchemy.pool.impl.QueuePool",
                          "sqlalchemy.QueuePool"})
_MAX_DEPENDENCIES = 32


@dataclass(frozen=True)
class ThreadLimit:
    threads: int | None  # None: set to something not known statically, or to several values
    where: str  # "anyio default", "app/main.py:12", or why it is unknown


@dataclass(frozen=True)
class RouteBudget:
    threadpool: bool  # the route itself runs in the threadpool (a `def`)
    # a `def` route FastAPI validates the return value of in another hop, while a `yield`
    # dependency's session still holds its connection (released at teardown, after it)
    validated: bool
    hops: int  # threadpool hops one request costs on the default limiter
    sync_dependencies: tuple[str, ...]  # qualified names, in resolution order
    engines: tuple[str, ...]  # sync engines whose sessions the route or its dependencies make


def connections(engine: Engine) -> int | None:
    """The most connections an engine's QueuePool lends at once; None when not known or
    unlimited (NullPool, StaticPool, another class, sqlite without `poolclass=QueuePool`,
    `**kwargs`, `pool_size=0`, `max_overflow=-1`)."""
    if engine.is_async or engine.opaque or engine.poolclass not in _QUEUE_POOLS:
        return None
    if engine.sqlite and not engine.poolclass:
        return None  # sqlite's default pool depends on the URL and the SQLAlchemy version
    if engine.pool_size is None or engine.max_overflow is None:
        return None
    if engine.pool_size <= 0 or engine.max_overflow < 0:
        return None
    return engine.pool_size + engine.max_overflow


class ThreadBudget:
    """Mixin of Project: relies on its `follow`, `function`, `summary`, `modules`,
    `_summaries_mentioning`, `checking`, `reads`, `module_value` and `_budget`."""

    # -- one route ------------------------------------------------------------------------------
    def route_budget(self, summary: ModuleSummary, qualname: str) -> RouteBudget | None:
        facts = summary.functions.get(qualname)
        if facts is None:  # a handler imported from another module (`add_api_route("/x", f)`)
            qualified = _qualified_text(summary, qualname)
            found = self.follow(qualified) if qualified else None
            if found is None or found[1] not in found[0].functions or found[0] is summary:
                return None
            return self.route_budget(found[0], found[1])
        dependencies = self.dependency_tree(summary.qualified(qualname))
        sync: list[str] = []
        hops = 0 if facts.is_async else 1
        if not facts.is_async and qualname in summary.validated_routes:
            hops += 1  # the return value is validated in the threadpool too
        hops += self._offloads(summary, qualname)
        engines = set(self.engines_made(summary, qualname))
        for dependency in dependencies:
            found = self.follow(dependency)
            if found is None:
                continue
            dep_summary, local = found
            dep_facts = dep_summary.functions.get(local)
            if dep_facts is None and local in dep_summary.classes:
                sync.append(dependency)  # FastAPI calls a class in the threadpool
                hops += 1
                continue
            if dep_facts is None:
                continue
            if not dep_facts.is_async:
                sync.append(dependency)
                hops += 1
            hops += self._offloads(dep_summary, local)
            engines |= set(self.engines_made(dep_summary, local))
        validated = not facts.is_async and qualname in summary.validated_routes
        return RouteBudget(not facts.is_async, validated, hops, tuple(sync), tuple(sorted(engines)))

    def dependency_tree(self, qualified: str) -> list[str]:
        """The functions (and classes) FastAPI resolves for a route or dependency, each once
        (its dependency cache), sub-dependencies first; canonical qualified names."""
        ordered: list[str] = []
        self._walk_dependencies(qualified, ordered, set(), 0)
        return ordered

    def _walk_dependencies(self, qualified: str, ordered: list[str], seen: set[str], depth: int) -> None:
        facts = self.function(qualified)
        if facts is None or depth > 8:
            return
        for declared in facts.depends:
            dependency = self._dependency_of(declared)
            if dependency is None or dependency in seen or len(seen) >= _MAX_DEPENDENCIES:
                continue
            seen.add(dependency)
            self._walk_dependencies(dependency, ordered, seen, depth + 1)
            ordered.append(dependency)

    def _dependency_of(self, declared: Annotated) -> str | None:
        dependency = declared.dependency
        if dependency is None and declared.annotation is not None:
            alias = self.module_value(declared.annotation)  # `DBDep = Annotated[Session, Depends(get_db)]`
            dependency = alias.dependency if isinstance(alias, Annotated) else None
        if dependency is None:
            return None
        found = self.follow(dependency)
        return found[0].qualified(found[1]) if found is not None else None

    def _offloads(self, summary: ModuleSummary, qualname: str) -> int:
        facts = summary.functions.get(qualname)
        if facts is None:
            return 0
        count = 0
        for call in facts.calls:
            qualified = _qualified_text(summary, call.text)
            if qualified in _LIMITER_HOPS:
                count += 1
        return count

    def engines_made(self, summary: ModuleSummary, qualname: str) -> list[str]:
        """The sync engines whose sessions a function makes: a factory it calls
        (`SessionLocal()`), a `Session(engine)` it builds."""
        facts = summary.functions.get(qualname)
        engines: list[str] = []
        for engine in summary.budget.sessions.get(qualname, ()):
            engines.append(self._canonical_engine(engine))
        for call in facts.calls if facts else ():
            qualified = _qualified_text(summary, call.text)
            found = self.follow(qualified) if qualified else None
            if found is not None and found[1] in found[0].budget.factories:
                bound = found[0].budget.factories[found[1]]
                if bound:
                    engines.append(self._canonical_engine(bound))
        return [engine for engine in dict.fromkeys(engines) if self.engine(engine) is not None]

    def _canonical_engine(self, name: str) -> str:
        found = self.follow(name)
        return found[0].qualified(found[1]) if found is not None else name

    def engine(self, qualified: str) -> Engine | None:
        found = self.follow(qualified)
        return found[0].budget.engines.get(found[1]) if found is not None else None

    # -- project-wide ---------------------------------------------------------------------------
    def thread_limit(self) -> ThreadLimit:
        """What the default thread limiter's `total_tokens` is set to across the project."""
        return self._project_wide("limit", self._thread_limit)

    def _thread_limit(self) -> ThreadLimit:
        values: list[tuple[int | None, str]] = []
        for summary in self._summaries_mentioning(("total_tokens",)):
            if _is_test_module(summary.module):
                continue  # a test that sets the limit for itself says nothing of the app's
            for value, line in summary.budget.limits:
                values.append((value, f"{shown_path(self.path_of(summary.module))}:{line}"))
        if not values:
            return ThreadLimit(DEFAULT_THREADS, "anyio default")
        if any(value is None for value, _ in values) or len({value for value, _ in values}) > 1:
            return ThreadLimit(None, "set to a value not known statically: " + ", ".join(w for _, w in values))
        return ThreadLimit(values[0][0], values[0][1])

    def project_routes(self) -> list[tuple[ModuleSummary, str]]:
        """Every route of the project (modules that mention fastapi or starlette)."""
        return self._project_wide("routes", self._project_routes)

    def _project_wide(self, key: str, compute):  # type: ignore[no-untyped-def]
        """A project-wide fact, kept with the reads it was collected from (for the checked
        module: a file outside the map is part of its own check's project)."""
        checking = self.checking if self.checking not in self.modules else None
        hit = self._budget.get(key)
        if hit is not None and hit[0] == checking:
            self.reads.charge(hit[2])
            return hit[1]
        with self.reads.capture() as reads:
            value = compute()
        self._budget[key] = (checking, value, reads)
        return value

    def project_engines(self) -> list[tuple[ModuleSummary, str, Engine]]:
        """Every module-level engine of the project, by module and line."""
        return self._project_wide("engines", lambda: [
            (summary, name, engine)
            for summary in self._summaries_mentioning(("create_engine",))
            for name, engine in sorted(summary.budget.engines.items(), key=lambda item: item[1].line)
        ])

    def _project_routes(self) -> list[tuple[ModuleSummary, str]]:
        return [
            (summary, route)
            for summary in self._summaries_mentioning(("fastapi", "starlette"))
            for route in sorted(summary.routes)
        ]


def _is_test_module(module: str) -> bool:
    parts = module.split(".")
    last = parts[-1]
    return (last.startswith("test_") or last.endswith("_test") or last == "conftest"
            or any(part in ("tests", "test") for part in parts[:-1]))


def _qualified_text(summary: ModuleSummary, text: str) -> str | None:
    """A callee as written (`SessionLocal`, `db.SessionLocal`) through the module's bindings."""
    parts = text.split(".")
    binding = summary.bindings.get(parts[0])
    if binding is None or binding is AMBIGUOUS:
        return None
    head = binding.qualified or summary.qualified(parts[0])
    return ".".join([head, *parts[1:]])
