"""Decorators known to keep a function what it looks like (data).

A decorator can turn a blocking `def` into a coroutine (`@sync_to_async`), or an `async def`
into something that is not a coroutine function (`@asynccontextmanager`). Only functions whose
decorators are all listed here are treated as what their `def` says; others are unknown.
"""

from __future__ import annotations

from asynclint.analysis.endpoints import HANDLER_DECORATORS, ROUTE_METHODS

_ALWAYS = frozenset(
    {"staticmethod", "classmethod", "abstractmethod", "override", "overload", "final", "wraps"}
    | ROUTE_METHODS
    | frozenset(HANDLER_DECORATORS)
)
# Decorators after which a `def` still runs its body, synchronously, when called. A memoiser
# runs it on a miss: functools' (MEMOISERS) miss once per argument set, so AL110 leaves them
# out (index/project.py); a cachetools `@cached(TTLCache(...))` misses again after every
# expiry, so it blocks in the steady state and stays a blocking fact.
SYNC_TRANSPARENT = _ALWAYS | {"cache", "lru_cache", "contextmanager", "cached"}
# Decorators after which an `async def` still returns a coroutine when called.
ASYNC_TRANSPARENT = _ALWAYS
# Decorators after which a `def` with a `yield` still returns a generator when called, its
# body left to run as it is iterated. Not `@contextmanager`: `with cm():` runs the body.
GENERATOR_TRANSPARENT = _ALWAYS
# Qualified names (resolved through the module's imports, not matched by bare name) of the
# memoisers whose body runs once per process for a given argument set.
MEMOISERS = frozenset({"functools.cache", "functools.lru_cache", "functools.cached_property"})


def keeps(decorators: tuple[str, ...], transparent: frozenset[str]) -> bool:
    return all(name.rpartition(".")[2] in transparent for name in decorators)
