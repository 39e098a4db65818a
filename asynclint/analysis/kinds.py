"""Object kinds: what a call creates, so that `s = requests.Session(); s.get(...)` is understood.

A kind names the class of an object (`requests.Session`, `sqlalchemy.ext.asyncio.AsyncSession`,
or a project class such as `app.models.Item`) plus what a rule needs to know about that object:
what calling it makes (factories), what awaiting it gives (coroutines), where it came from
(for messages), and for ORM instances which relationships were loaded eagerly.

These tables and functions are parser-independent: the checker (libcst) and the summariser
(ast) both feed them resolved names and combine the results the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from asynclint.analysis import orm, sdks


@dataclass(frozen=True)
class Kind:
    name: str
    product: str | None = None  # factories: the kind a call makes; coroutines: awaited kind
    origin: str | None = None  # how the object was obtained, for messages
    expires_on_commit: bool | None = None  # sessions and their factories; None = unknown
    model: str | None = None  # ORM instances and results: the mapped class
    loaded: frozenset[str] | None = frozenset()  # eagerly loaded relationships; None = unknown
    many: bool = False  # a list of ORM instances
    unbounded: bool = False  # a queue built without a maxsize: its `put` never waits
    path: str | None = None  # SDK resources: the chain that reached it (`OpenAI.chat.completions`)

    def with_origin(self, origin: str) -> Kind:
        return replace(self, origin=origin)


REQUEST = "starlette.requests.Request"
STATE = "starlette.datastructures.State"  # `request.state`: its attributes are looked up project-wide

# Other spellings of the same class or function, mapped to the name the tables use.
CANONICAL: dict[str, str] = {
    "requests.sessions.Session": "requests.Session",
    "requests.session": "requests.Session",
    "httpx._client.Client": "httpx.Client",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "pymongo.database.Database": "pymongo.Database",
    "pymongo.collection.Collection": "pymongo.Collection",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "queue.LifoQueue": "queue.Queue",
    "queue.PriorityQueue": "queue.Queue",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.Executor",
    "concurrent.futures.ProcessPoolExecutor": "concurrent.futures.Executor",
    "concurrent.futures.thread.ThreadPoolExecutor": "concurrent.futures.Executor",
    "concurrent.futures.process.ProcessPoolExecutor": "concurrent.futures.Executor",
    "concurrent.futures._base.Future": "concurrent.futures.Future",
    "asyncio.BaseEventLoop": "asyncio.AbstractEventLoop",
    "asyncio.events.AbstractEventLoop": "asyncio.AbstractEventLoop",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "ftplib.FTP_TLS": "ftplib.FTP",
    "multiprocessing.queues.Queue": "multiprocessing.Queue",
    "sqlite3.dbapi2.Connection": "sqlite3.Connection",
    **orm.CANONICAL,
    "starlette.background.BackgroundTasks": "fastapi.BackgroundTasks",
    "fastapi.background.BackgroundTasks": "fastapi.BackgroundTasks",
    **sdks.CANONICAL,
    **{name: REQUEST for name in (
        "fastapi.Request", "fastapi.requests.Request", "starlette.requests.HTTPConnection",
        "fastapi.WebSocket", "fastapi.websockets.WebSocket", "starlette.websockets.WebSocket")},
    "httpx2._client.Client": "httpx2.Client",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.poolmanager.ProxyManager": "urllib3.ProxyManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.HTTPSConnectionPool",
    "urllib3._request_methods.RequestMethods": "urllib3.request.RequestMethods",
    "_io.TextIOWrapper": "io.TextIOWrapper",
    "_io.BufferedReader": "io.BufferedReader",
    "_io.BufferedWriter": "io.BufferedWriter",
    "_io.BufferedRandom": "io.BufferedRandom",
    "_io.FileIO": "io.FileIO",
}

# Callables (classes, factories) and the kind of object they return.
CONSTRUCTORS: dict[str, str] = {
    "requests.Session": "requests.Session",
    "httpx.Client": "httpx.Client",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "http.client.HTTPConnection": "http.client.HTTPConnection",
    "pathlib.Path": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "pymongo.MongoClient": "pymongo.MongoClient",
    "redis.Redis": "redis.Redis",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "threading.Lock": "threading.Lock",
    "threading.RLock": "threading.RLock",
    "threading.Semaphore": "threading.Semaphore",
    "threading.BoundedSemaphore": "threading.BoundedSemaphore",
    "threading.Condition": "threading.Condition",
    "threading.Event": "threading.Event",
    "threading.Barrier": "threading.Barrier",
    "threading.Thread": "threading.Thread",
    "queue.Queue": "queue.Queue",
    "queue.SimpleQueue": "queue.SimpleQueue",  # unbounded by design: only `get` waits
    "multiprocessing.Queue": "multiprocessing.Queue",
    "concurrent.futures.Executor": "concurrent.futures.Executor",
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "fastapi.BackgroundTasks": "fastapi.BackgroundTasks",
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "smtplib.SMTP": "smtplib.SMTP",
    "ftplib.FTP": "ftplib.FTP",
    "boto3.client": "boto3.Client",
    "boto3.Session": "boto3.Session",
    "boto3.session.Session": "boto3.Session",
    "sqlite3.connect": "sqlite3.Connection",
    **orm.CONSTRUCTORS,
    **sdks.CONSTRUCTORS,
    REQUEST: REQUEST,
    "httpx2.Client": "httpx2.Client",
    "urllib3.ProxyManager": "urllib3.ProxyManager",
    "urllib3.proxy_from_url": "urllib3.ProxyManager",
    "urllib3.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool": "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    # A file object whatever the mode: the checks treat text and binary files alike.
    "builtins.open": "io.TextIOWrapper",
    "io.open": "io.TextIOWrapper",
    "os.fdopen": "io.TextIOWrapper",
    "io.open_code": "io.BufferedReader",
    "ssl.SSLContext": "ssl.SSLContext",
    "ssl.create_default_context": "ssl.SSLContext",
}

# "<kind>.<method>" -> kind of the returned object.
METHOD_RESULTS: dict[str, str] = {
    "boto3.Session.client": "boto3.Client",
    "concurrent.futures.Executor.submit": "concurrent.futures.Future",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "pymongo.MongoClient.get_database": "pymongo.Database",
    "pymongo.MongoClient.get_default_database": "pymongo.Database",
    "pymongo.Database.get_collection": "pymongo.Collection",
    "requests.Session.__enter__": "requests.Session",
    "pathlib.Path.open": "io.TextIOWrapper",
    **{
        f"urllib3.PoolManager.{lookup}": "urllib3.HTTPConnectionPool"
        for lookup in ("connection_from_url", "connection_from_host", "connection_from_context",
                       "connection_from_pool_key")
    },
    **{
        f"pathlib.Path.{method}": "pathlib.Path"
        for method in (
            "absolute", "resolve", "expanduser", "with_name", "with_stem", "with_suffix",
            "joinpath", "relative_to",
        )
    },
    **sdks.METHOD_RESULTS,
}

# "<kind>.<attribute>" -> kind; "<kind>.*" matches any public attribute.
ATTRIBUTE_RESULTS: dict[str, str] = {
    "pathlib.Path.parent": "pathlib.Path",
    "pymongo.MongoClient.*": "pymongo.Database",
    "pymongo.Database.*": "pymongo.Collection",
    **orm.ATTRIBUTE_RESULTS,
    **sdks.ATTRIBUTE_RESULTS,
    f"{REQUEST}.state": STATE,
}

# Module-level objects of libraries (`fastapi_sqlalchemy.db`, `stripe.Customer`) -> kind.
LIBRARY_OBJECTS: dict[str, str] = {**orm.LIBRARY_OBJECTS, **sdks.LIBRARY_OBJECTS}
# Decorators making an object of a kind from a function (`@shared_task`) -> kind.
DECORATED: dict[str, str] = dict(sdks.DECORATED)

# kind -> kind of `obj[...]`.
SUBSCRIPT_RESULTS: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.Database",
    "pymongo.Database": "pymongo.Collection",
}

# Classes known from annotations only (a base class nobody constructs directly).
DECLARED: frozenset[str] = frozenset(
    {"urllib3.connectionpool.ConnectionPool", "urllib3.request.RequestMethods", "io.BufferedWriter",
     "io.BufferedRandom", "io.FileIO"}
)

KNOWN_KINDS = (
    frozenset(CONSTRUCTORS.values())
    | DECLARED
    | frozenset(METHOD_RESULTS.values())
    | frozenset(orm.CANONICAL.values())
    | frozenset(ATTRIBUTE_RESULTS.values())
    | frozenset(LIBRARY_OBJECTS.values())
    | frozenset(DECORATED.values())
    | {orm.RESULT, orm.SCALAR_RESULT, orm.ASYNC_RESULT, orm.ASYNC_SCALAR_RESULT, orm.CONNECTION,
       orm.ASYNC_CONNECTION}
)


def canonical(qualified: str) -> str:
    return CANONICAL.get(qualified, qualified)


def constructed(
    callee: str, keywords: dict[str, object] | None = None, unbounded: bool = False
) -> Kind | None:
    """The kind of `callee(...)`; `keywords` holds constant keyword arguments and resolved names,
    `unbounded` says a queue constructor was called without a bound."""
    name = canonical(callee)
    factory = orm.FACTORIES.get(name)
    if factory is not None:
        keywords = keywords or {}
        product = factory[1]
        if canonical(str(keywords.get("class_", ""))) == orm.ASYNC_SESSION:
            product = orm.ASYNC_SESSION
        expires = keywords.get("expire_on_commit", True)
        return Kind(factory[0], product=product, expires_on_commit=expires if isinstance(expires, bool) else None)
    made = CONSTRUCTORS.get(name)
    if made is None:
        return None
    if made in (orm.SESSION, orm.ASYNC_SESSION):
        expires = (keywords or {}).get("expire_on_commit", True)
        return Kind(made, expires_on_commit=expires if isinstance(expires, bool) else None)
    return Kind(made, unbounded=unbounded)


def called(kind: Kind) -> Kind | None:
    """Calling an object: a session factory makes a session."""
    if kind.product is not None and kind.name in orm.FACTORIES:
        return Kind(kind.product, expires_on_commit=kind.expires_on_commit, origin=kind.origin)
    return None


def annotation_kind(qualified: str) -> Kind | None:
    """The kind an annotation names, when it names a class the tables know."""
    name = canonical(qualified)
    return Kind(name) if name in KNOWN_KINDS else None


def method_result(kind: Kind, method: str) -> Kind | None:
    """The kind of `obj.method(...)` (before any `await`)."""
    name = orm.PROXIES.get(kind.name, kind.name)
    key = f"{name}.{method}"
    if key in orm.COROUTINES:
        awaited = orm.COROUTINES[key] or None
        return Kind(orm.COROUTINE, product=awaited, expires_on_commit=kind.expires_on_commit)
    if name in (orm.SCALAR_RESULT, orm.RESULT) and kind.model is not None:
        if method in orm.INSTANCE_MANY:
            return replace(kind, name=orm.ORM_INSTANCE, many=True)
        if method in orm.INSTANCE_ONE:
            return replace(kind, name=orm.ORM_INSTANCE, many=False)
    made = orm.RESULTS.get(key) or METHOD_RESULTS.get(key)
    if made is None and not method.startswith("_"):
        # `s3.Bucket(name)` builds a sub-resource; `query.eq(...)` chains a builder
        made = name if name in sdks.SUBRESOURCES and method[:1].isupper() else METHOD_RESULTS.get(f"{name}.*")
    if made is None:
        return None
    if made in (orm.SESSION, orm.ASYNC_SESSION):
        return Kind(made, expires_on_commit=kind.expires_on_commit, origin=kind.origin)
    return replace(kind, name=made, product=None) if kind.model else _reached(made, kind, f"{method}()")


def awaited(kind: Kind) -> Kind | None:
    """The kind of `await obj`: a coroutine's result.

    A call of a project `async def` already evaluates to what it returns, so awaiting any
    other kind leaves it as it is."""
    if kind.name != orm.COROUTINE:
        return kind
    if kind.product is None:
        return None
    return replace(kind, name=kind.product, product=None)


def attribute_result(kind: Kind, attribute: str) -> Kind | None:
    found = ATTRIBUTE_RESULTS.get(f"{kind.name}.{attribute}")
    if found is None and not attribute.startswith("_"):
        found = ATTRIBUTE_RESULTS.get(f"{kind.name}.*")
    return _reached(found, kind, attribute) if found else None


def _reached(made: str, source: Kind, step: str) -> Kind:
    """The kind `made`, reached from `source` by `step`; an SDK resource keeps the chain."""
    if made not in sdks.NAMED_BY_PATH:
        return Kind(made)
    return Kind(made, path=f"{source.path or source.name}.{step}")


def library_object(qualified: str) -> Kind | None:
    """The kind of a library's module-level object (`fastapi_sqlalchemy.db.session`), reached
    through the attributes after the longest prefix the table knows."""
    head, rest = qualified, []
    while head:
        found = LIBRARY_OBJECTS.get(canonical(head))
        if found is not None:
            kind: Kind | None = Kind(found, path=head if found in sdks.NAMED_BY_PATH else None)
            for attribute in reversed(rest):
                kind = attribute_result(kind, attribute) if kind is not None else None
            return kind
        head, _, tail = head.rpartition(".")
        rest.append(tail)
    return None


def decorated(qualified: str) -> Kind | None:
    """What a function decorated with `qualified` (a name, or "<kind>.<method>") becomes."""
    found = DECORATED.get(canonical(qualified))
    return Kind(found) if found else None


ASYNC_KINDS = frozenset(
    {orm.ASYNC_SESSION, orm.ASYNC_ENGINE, orm.ASYNC_CONNECTION, orm.ASYNC_RESULT,
     orm.ASYNC_SCALAR_RESULT, orm.ASYNC_SESSIONMAKER, orm.ASYNC_SCOPED_SESSION}
)


def is_async(kind: Kind) -> bool | None:
    """Whether the I/O methods of `kind` are awaited (True) or plain (False); None for kinds
    without one answer for all their methods (project classes, coroutines, instances)."""
    if kind.name in ASYNC_KINDS:
        return True
    return False if kind.name in KNOWN_KINDS else None


def join(found: Sequence[Kind]) -> Kind | None:
    """The kind every one of `found` has (`x or y`, an attribute assigned in several places);
    None when they differ or there are none. Details they disagree on become unknown."""
    if not found:
        return None
    first = found[0]
    identity = (first.name, first.product, first.model, first.many, first.unbounded)
    if any((k.name, k.product, k.model, k.many, k.unbounded) != identity for k in found[1:]):
        return None

    def agreed(value: object, field: str) -> object:
        return value if all(getattr(k, field) == value for k in found) else None

    return replace(
        first,
        origin=agreed(first.origin, "origin"),
        expires_on_commit=agreed(first.expires_on_commit, "expires_on_commit"),
        loaded=agreed(first.loaded, "loaded"),
        path=agreed(first.path, "path"),
    )


def subscript_result(kind: Kind) -> Kind | None:
    if kind.name == orm.ORM_INSTANCE and kind.many:
        return replace(kind, many=False)
    found = SUBSCRIPT_RESULTS.get(kind.name)
    return Kind(found) if found else None


def element(kind: Kind) -> Kind | None:
    """One item when iterating over `kind` (a list of ORM instances)."""
    if kind.name == orm.ORM_INSTANCE and kind.many:
        return replace(kind, many=False)
    if kind.name in (orm.SCALAR_RESULT, orm.RESULT) and kind.model is not None:
        return replace(kind, name=orm.ORM_INSTANCE, many=False)
    return None
