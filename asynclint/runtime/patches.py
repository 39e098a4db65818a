"""Which functions the runtime check watches, and the catalog entry each one reports under.

Three sources, one table of `Watched` functions:

* blockbuster's own table (`BlockBuster().functions`), each name mapped to asynclint's catalog
  (`time.sleep` → AL101, `sqlite3.Cursor.execute` → AL105, a sync file's `read` → AL103...).
  A name this module does not map is left unpatched: unknown stays silent;
* `ADDED`: catalogued callables blockbuster does not patch, where patching a module attribute
  is safe (the calls asyncio and the thread pools make happen off the loop's thread or go
  through the predicates below);
* the project's `extra-blocking-calls`, patched once their module is imported (the plugin never
  imports the user's code itself).

A watched function is found only where it is looked up at call time: `import time;
time.sleep()` is seen, `from time import sleep` bound before the test started is not.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from blockbuster import BlockBuster, BlockBusterFunction

from asynclint import catalog
from asynclint.catalog import Blocking

# blockbuster names the catalog has no entry for. os.getcwd, os.readlink, os.statvfs and
# os.path.abspath ask about a path, as the opt-in AL111's functions do.
_UNCATALOGUED: dict[str, Blocking] = {
    "os.read": catalog.FILE_OP,
    "os.write": catalog.FILE_OP,
    "os.sendfile": catalog.FILE_OP,
    "os.link": catalog.FILE_OP,
    "os.symlink": catalog.FILE_OP,
    "os.getcwd": catalog.OS_PATH_METADATA,
    "os.readlink": catalog.OS_PATH_METADATA,
    "os.statvfs": catalog.OS_PATH_METADATA,
    "os.path.samestat": catalog.OS_PATH_METADATA,
    "os.path.abspath": catalog.OS_PATH_METADATA,
    "threading.Lock.acquire_lock": catalog.LOCK,
    "socket.socket.recvmsg": catalog.SOCKET,
    **{f"ssl.SSLSocket.{method}": catalog.SOCKET for method in ("write", "send", "read", "recv")},
}

LOCKS = frozenset({"threading.Lock.acquire", "threading.Lock.acquire_lock"})
# Watched file-object methods: static AL103 reports the `open()` of a file read in the same
# function, not each read; at run time the open is watched too (ADDED), so a read is not
# reported again in a function whose open was.
FILE_METHODS = "io."


def _no_hang(pid: Any = None, options: Any = 0, *_: Any, **__: Any) -> bool:
    """`os.waitpid(pid, os.WNOHANG)` returns at once: not blocking."""
    return isinstance(options, int) and bool(options & os.WNOHANG)


def _numeric_host(host: Any, *_: Any, **__: Any) -> bool:
    """A literal address resolves without asking anyone: not blocking."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return host is None  # getaddrinfo(None, port): the local wildcard address
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == ""
    return True


# Catalogued callables blockbuster does not patch: name → (catalog key, can-block predicate).
ADDED: dict[str, tuple[str, Callable[..., bool] | None]] = {
    "builtins.open": ("builtins.open", None),
    "sqlite3.connect": ("sqlite3.connect", None),
    "socket.getaddrinfo": ("socket.getaddrinfo", _numeric_host),
    "socket.gethostbyname": ("socket.gethostbyname", _numeric_host),
    "socket.gethostbyname_ex": ("socket.gethostbyname_ex", _numeric_host),
    "socket.gethostbyaddr": ("socket.gethostbyaddr", _numeric_host),
    "os.system": ("os.system", None),
    # what `subprocess.run` / `Popen.wait` wait in (on 3.13 its start-up reads nothing that
    # blockbuster watches); asyncio's child watchers call it with WNOHANG, which does not wait
    "os.waitpid": ("os.waitpid", _no_hang),
}
# Not added: a lock's `__enter__` (a C slot forbiddenfruit cannot curse: `with lock:` is not seen).


@dataclass
class Watched:
    """A function the check patches, and what a call of it is reported as."""

    name: str
    entry: Blocking
    function: BlockBusterFunction
    # blockbuster's own can-block predicate (non-blocking sockets, in-memory files, a lock
    # nobody holds) and its list of (file suffix, functions) allowed to block on the stack.
    can_block: Callable[..., bool]
    can_block_in: tuple[tuple[str, frozenset[str]], ...]


def catalog_entry(name: str) -> Blocking | None:
    """The catalog's entry for a dotted callable or method name (`requests.get`,
    `requests.Session.get`, `sqlite3.Cursor.fetchone`)."""
    entry = catalog.CALLS.get(name) or catalog.METHODS.get(name)
    if entry is not None:
        return entry
    kind, _, method = name.rpartition(".")
    return catalog.method_entry(kind, method) if kind else None


def blockbuster_table() -> list[Watched]:
    """blockbuster's functions that map to a catalog entry."""
    watched = []
    for name, function in BlockBuster().functions.items():
        entry = _UNCATALOGUED.get(name) or catalog_entry(name)
        if entry is None:
            continue
        watched.append(_watched(name, entry, function))
    return watched


def added_table() -> list[Watched]:
    watched = []
    for name, (key, predicate) in ADDED.items():
        entry = catalog_entry(key)
        function = BlockBusterFunction(None, name)
        if entry is None or function.original_func is None:
            continue
        if predicate is not None:
            function.can_block_predicate = predicate
        watched.append(_watched(name, entry, function))
    return watched


def user_table(extra_calls: Mapping[str, Blocking], done: Iterable[str]) -> list[Watched]:
    """`extra-blocking-calls` whose module is imported by now (and not patched yet): the
    longest imported module prefix, then attributes (`legacy.client.Client.fetch`)."""
    watched = []
    skip = set(done)
    for name, entry in extra_calls.items():
        if name in skip:
            continue
        owner, attribute = _resolve_owner(name)
        if owner is None or not callable(getattr(owner, attribute, None)):
            continue
        watched.append(_watched(name, entry, BlockBusterFunction(owner, attribute)))
    return watched


def _resolve_owner(name: str) -> tuple[Any, str]:
    parts = name.split(".")
    for depth in range(len(parts) - 1, 0, -1):
        owner: Any = sys.modules.get(".".join(parts[:depth]))
        if owner is None:
            continue
        for part in parts[depth:-1]:
            owner = vars(owner).get(part) if hasattr(owner, "__dict__") else None
            if owner is None:
                return None, ""
        return owner, parts[-1]
    return None, ""


def _watched(name: str, entry: Blocking, function: BlockBusterFunction) -> Watched:
    return Watched(
        name=name,
        entry=entry,
        function=function,
        can_block=function.can_block_predicate,
        can_block_in=tuple((suffix, frozenset(names)) for suffix, names in function.can_block_functions),
    )


def disguise(watched: Watched) -> None:
    """Give the active wrapper the original's names, under the attribute it replaced: what
    looks a function up by name finds it (`pickle.dumps(open)` pickles `builtins.open`), and
    `repr`, `help` and `inspect` show the original."""
    function = watched.function
    wrapper = getattr(function.module, function.func_name, None)
    if wrapper is None or wrapper is function.original_func or not hasattr(wrapper, "__code__"):
        return
    functools.update_wrapper(wrapper, function.original_func)
    owner = function.module
    if isinstance(owner, ModuleType):
        wrapper.__module__, wrapper.__qualname__ = owner.__name__, function.func_name
    else:
        wrapper.__module__ = owner.__module__
        wrapper.__qualname__ = f"{owner.__qualname__}.{function.func_name}"


def display(name: str) -> str:
    """How a message names a watched function: `time.sleep()`, `read() on a sync file`."""
    kind, _, method = name.rpartition(".")
    if kind.startswith("io."):
        return catalog.method_display(kind, method)
    return f"{name.removeprefix('builtins.')}()"
