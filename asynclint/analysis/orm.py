"""SQLAlchemy (and sqlmodel) knowledge as data: session/engine/result kinds and their methods.

Kind names are canonical class names. Sync kinds do I/O on the calling thread; async kinds
return coroutines that must be awaited, except for the listed plain methods.
"""

from __future__ import annotations

SESSION = "sqlalchemy.orm.Session"
ENGINE = "sqlalchemy.engine.Engine"
CONNECTION = "sqlalchemy.engine.Connection"
RESULT = "sqlalchemy.engine.Result"
SCALAR_RESULT = "sqlalchemy.engine.ScalarResult"
ASYNC_SESSION = "sqlalchemy.ext.asyncio.AsyncSession"
ASYNC_ENGINE = "sqlalchemy.ext.asyncio.AsyncEngine"
ASYNC_CONNECTION = "sqlalchemy.ext.asyncio.AsyncConnection"
ASYNC_RESULT = "sqlalchemy.ext.asyncio.AsyncResult"
ASYNC_SCALAR_RESULT = "sqlalchemy.ext.asyncio.AsyncScalarResult"
SESSIONMAKER = "sqlalchemy.orm.sessionmaker"
ASYNC_SESSIONMAKER = "sqlalchemy.ext.asyncio.async_sessionmaker"
SCOPED_SESSION = "sqlalchemy.orm.scoped_session"
ASYNC_SCOPED_SESSION = "sqlalchemy.ext.asyncio.async_scoped_session"
COROUTINE = "<coroutine>"
ORM_INSTANCE = "<orm instance>"

CANONICAL: dict[str, str] = {
    "sqlalchemy.orm.session.Session": SESSION,
    "sqlmodel.Session": SESSION,
    "sqlmodel.orm.session.Session": SESSION,
    "sqlalchemy.Engine": ENGINE,
    "sqlalchemy.engine.base.Engine": ENGINE,
    "sqlalchemy.Connection": CONNECTION,
    "sqlalchemy.engine.base.Connection": CONNECTION,
    "sqlalchemy.Result": RESULT,
    "sqlalchemy.engine.result.Result": RESULT,
    "sqlalchemy.ext.asyncio.session.AsyncSession": ASYNC_SESSION,
    "sqlmodel.ext.asyncio.session.AsyncSession": ASYNC_SESSION,
    "sqlalchemy.ext.asyncio.engine.AsyncEngine": ASYNC_ENGINE,
    "sqlalchemy.ext.asyncio.engine.AsyncConnection": ASYNC_CONNECTION,
    "sqlalchemy.ext.asyncio.result.AsyncResult": ASYNC_RESULT,
    "sqlalchemy.orm.session.sessionmaker": SESSIONMAKER,
    "sqlalchemy.ext.asyncio.session.async_sessionmaker": ASYNC_SESSIONMAKER,
    "sqlalchemy.orm.scoping.scoped_session": SCOPED_SESSION,
    "sqlalchemy.ext.asyncio.scoping.async_scoped_session": ASYNC_SCOPED_SESSION,
    "sqlalchemy.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
    "sqlmodel.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.ext.asyncio.engine.create_async_engine": "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlalchemy.inspection.inspect": "sqlalchemy.inspect",
    "fastapi_async_sqlalchemy.middleware.db": "fastapi_async_sqlalchemy.db",
    "fastapi_sqlalchemy.middleware.db": "fastapi_sqlalchemy.db",
}

# Integration libraries' module-level session proxies: `from fastapi_sqlalchemy import db`.
LIBRARY_OBJECTS: dict[str, str] = {
    "fastapi_async_sqlalchemy.db": "fastapi_async_sqlalchemy.db",
    "fastapi_sqlalchemy.db": "fastapi_sqlalchemy.db",
}
ATTRIBUTE_RESULTS: dict[str, str] = {
    "fastapi_async_sqlalchemy.db.session": ASYNC_SESSION,
    "fastapi_sqlalchemy.db.session": SESSION,
}
# Functions doing sync database I/O when their first argument is of one of these kinds:
# `inspect(engine)` connects (`engine.connect().close()`) before its Inspector queries the
# catalog; `inspect(connection)`, `inspect(instance)` and `inspect(Model)` do no I/O themselves.
ARGUMENT_IO: dict[str, frozenset[str]] = {"sqlalchemy.inspect": frozenset({ENGINE})}

# Plain constructors: callee -> kind of the object.
CONSTRUCTORS: dict[str, str] = {
    SESSION: SESSION,
    ASYNC_SESSION: ASYNC_SESSION,
    "sqlalchemy.create_engine": ENGINE,
    "sqlalchemy.ext.asyncio.create_async_engine": ASYNC_ENGINE,
}

# Factories: callee -> (factory kind, kind produced by calling the factory).
FACTORIES: dict[str, tuple[str, str]] = {
    SESSIONMAKER: (SESSIONMAKER, SESSION),
    ASYNC_SESSIONMAKER: (ASYNC_SESSIONMAKER, ASYNC_SESSION),
    SCOPED_SESSION: (SCOPED_SESSION, SESSION),
    ASYNC_SCOPED_SESSION: (ASYNC_SCOPED_SESSION, ASYNC_SESSION),
}
# A scoped session is also used directly as if it were a session (`db_session.query(...)`).
PROXIES: dict[str, str] = {SCOPED_SESSION: SESSION, ASYNC_SCOPED_SESSION: ASYNC_SESSION}

# Methods of sync kinds that talk to the database.
SYNC_IO: dict[str, frozenset[str]] = {
    SESSION: frozenset(
        {"query", "execute", "scalars", "scalar", "get", "get_one", "commit", "flush",
         "refresh", "rollback", "merge", "connection", "close"}
    ),
    ENGINE: frozenset({"connect", "begin", "execute", "raw_connection"}),
    CONNECTION: frozenset({"execute", "scalars", "scalar", "exec_driver_sql", "commit", "rollback"}),
}

# Coroutine methods: "<kind>.<method>" -> kind of the awaited value ("" when unknown/None).
COROUTINES: dict[str, str] = {
    **{f"{ASYNC_SESSION}.{m}": "" for m in (
        "commit", "rollback", "flush", "refresh", "delete", "merge", "close", "invalidate",
        "reset", "get_one", "run_sync", "connection", "stream_scalars")},
    f"{ASYNC_SESSION}.execute": RESULT,
    f"{ASYNC_SESSION}.scalars": SCALAR_RESULT,
    f"{ASYNC_SESSION}.scalar": ORM_INSTANCE,
    f"{ASYNC_SESSION}.get": ORM_INSTANCE,
    f"{ASYNC_SESSION}.stream": ASYNC_RESULT,
    **{f"{ASYNC_CONNECTION}.{m}": "" for m in (
        "commit", "rollback", "close", "run_sync", "invalidate", "start", "scalar",
        "exec_driver_sql", "get_raw_connection", "stream_scalars")},
    f"{ASYNC_CONNECTION}.execute": RESULT,
    f"{ASYNC_CONNECTION}.scalars": SCALAR_RESULT,
    f"{ASYNC_CONNECTION}.stream": ASYNC_RESULT,
    f"{ASYNC_ENGINE}.dispose": "",
    **{f"{ASYNC_RESULT}.{m}": "" for m in (
        "all", "fetchone", "fetchmany", "fetchall", "first", "one", "one_or_none", "scalar",
        "scalar_one", "scalar_one_or_none", "partitions")},
    **{f"{ASYNC_SCALAR_RESULT}.{m}": "" for m in (
        "all", "fetchall", "fetchmany", "first", "one", "one_or_none", "partitions")},
}

# Plain (non-coroutine) methods of async kinds: awaiting their result is a TypeError.
NOT_AWAITABLE: dict[str, frozenset[str]] = {
    ASYNC_SESSION: frozenset(
        {"add", "add_all", "expunge", "expunge_all", "expire", "expire_all", "in_transaction",
         "in_nested_transaction", "is_modified", "get_bind", "get_transaction",
         "get_nested_transaction", "enable_relationship_loading"}
    ),
    ASYNC_RESULT: frozenset({"scalars", "mappings", "unique", "columns", "keys"}),
    RESULT: frozenset({"scalars", "mappings", "unique", "columns", "keys", "all", "first", "one",
                       "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "fetchall",
                       "fetchone", "fetchmany", "partitions", "tuples"}),
    SCALAR_RESULT: frozenset({"all", "first", "one", "one_or_none", "fetchall", "fetchmany",
                              "unique", "partitions"}),
}

# Sync method results: "<kind>.<method>" -> kind.
RESULTS: dict[str, str] = {
    f"{ENGINE}.connect": CONNECTION,
    f"{ENGINE}.begin": CONNECTION,
    f"{ASYNC_ENGINE}.connect": ASYNC_CONNECTION,
    f"{ASYNC_ENGINE}.begin": ASYNC_CONNECTION,
    f"{SESSION}.execute": RESULT,
    f"{SESSION}.scalars": SCALAR_RESULT,
    f"{RESULT}.scalars": SCALAR_RESULT,
    f"{ASYNC_RESULT}.scalars": ASYNC_SCALAR_RESULT,
    f"{SESSIONMAKER}.begin": SESSION,
    f"{ASYNC_SESSIONMAKER}.begin": ASYNC_SESSION,
}

# Reading these from a buffered result yields ORM instances (one, or many).
INSTANCE_ONE = frozenset({"first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none"})
INSTANCE_MANY = frozenset({"all", "fetchall", "fetchmany"})

# Relationship loader strategies that never load on attribute access in async code.
SAFE_LAZY = frozenset(
    {"selectin", "joined", "subquery", "immediate", "raise", "raise_on_sql", "noload",
     "write_only", "dynamic"}
)
# Loader options that keep a relationship from loading lazily on access.
EAGER_OPTIONS = frozenset(
    {"selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager",
     "raiseload", "noload"}
)
# Loader options that leave (or make) the relationship lazy.
LAZY_OPTIONS = frozenset({"lazyload", "defaultload", "load_only", "defer", "undefer"})
SELECT_FUNCTIONS = frozenset({"sqlalchemy.select", "sqlalchemy.future.select", "sqlmodel.select",
                              "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select"})
