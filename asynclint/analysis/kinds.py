"""Object kinds: what a call creates, so that `s = requests.Session(); s.get(...)` is understood.

A kind is the canonical qualified name of a class (`requests.Session`). These tables are data:
the checker (libcst) and the module summariser (ast) both feed them resolved names.
"""

from __future__ import annotations

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
    "queue.SimpleQueue": "queue.Queue",
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
    "starlette.background.BackgroundTasks": "fastapi.BackgroundTasks",
    "fastapi.background.BackgroundTasks": "fastapi.BackgroundTasks",
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
    **{
        f"pathlib.Path.{method}": "pathlib.Path"
        for method in (
            "absolute", "resolve", "expanduser", "with_name", "with_stem", "with_suffix",
            "joinpath", "relative_to",
        )
    },
}

# "<kind>.<attribute>" -> kind; "<kind>.*" matches any public attribute.
ATTRIBUTE_RESULTS: dict[str, str] = {
    "pathlib.Path.parent": "pathlib.Path",
    "pymongo.MongoClient.*": "pymongo.Database",
    "pymongo.Database.*": "pymongo.Collection",
}

# kind -> kind of `obj[...]`.
SUBSCRIPT_RESULTS: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.Database",
    "pymongo.Database": "pymongo.Collection",
}

# Kinds for which `obj / x` is the same kind.
DIVIDES_TO_SELF = frozenset({"pathlib.Path"})

KNOWN_KINDS = frozenset(CONSTRUCTORS.values()) | frozenset(METHOD_RESULTS.values())


def canonical(qualified: str) -> str:
    return CANONICAL.get(qualified, qualified)


def constructed_kind(callee: str) -> str | None:
    return CONSTRUCTORS.get(canonical(callee))


def annotation_kind(qualified: str) -> str | None:
    """The kind an annotation names, when it names a class the tables know."""
    name = canonical(qualified)
    return name if name in KNOWN_KINDS else None


def method_result(kind: str, method: str) -> str | None:
    return METHOD_RESULTS.get(f"{kind}.{method}")


def attribute_result(kind: str, attribute: str) -> str | None:
    found = ATTRIBUTE_RESULTS.get(f"{kind}.{attribute}")
    if found is None and not attribute.startswith("_"):
        found = ATTRIBUTE_RESULTS.get(f"{kind}.*")
    return found
