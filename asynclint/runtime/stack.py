"""Whose code made a blocking call: read from the Python stack at the moment of the call.

The stack is split into the user's code and library code. Library code is the standard
library, anything installed (site-packages, dist-packages), frozen or generated code
(`<frozen ...>`, `<string>`), blockbuster, and asynclint itself. The user's code is everything
else: the project and its tests.

Three frames matter: the *caller*, the innermost frame of user code (where the finding is
reported when the user's code called the blocking function or a library that did); the *entry*,
the outermost library frame below it (the library function the user's code called:
`subprocess.run` for the `os.read` that blocked); and the *coroutine*, the innermost `async def`
of user code. When the coroutine is not the caller, the blocking happened in the user's sync
helpers it called — AL110's chain — and the finding is reported at the coroutine's call.
"""

from __future__ import annotations

import gc
import inspect
import linecache
import os
import site
import sys
import sysconfig
from dataclasses import dataclass
from itertools import islice
from types import CodeType, FrameType

import asynclint

_ASYNC_FLAGS = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR
_ASYNCLINT_DIR = os.path.dirname(os.path.abspath(asynclint.__file__)) + os.sep
_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


@dataclass(frozen=True)
class Site:
    """A frame of user code at the call it was making."""

    filename: str
    line: int
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, exclusive
    module: str
    function: str  # qualified name: `ItemService.refresh`, `<module>`

    def where(self, relative: str) -> str:
        return f"{relative}:{self.line}"


@dataclass(frozen=True)
class Attribution:
    caller: Site
    # The public names of the library function the caller called, shortest first
    # (`requests.get`, `requests.api.get`); empty when the caller called the watched function.
    entry: tuple[str, ...]
    # The innermost `async def` of user code when it is not the caller, and the user frames
    # from the one it called to the caller (outermost first): AL110's chain.
    coroutine: Site | None
    chain: tuple[Site, ...]
    # (module, qualified name) of every user frame on the stack, for the allow list.
    user_frames: tuple[tuple[str, str], ...]
    # Whether every library frame between the caller and the watched function is in the
    # `threading` module (`with cond:`, `event.wait()` called by the user's code).
    only_threading_between: bool


def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except AttributeError:  # some embedded or virtualenv-patched `site` modules lack them
        pass
    return tuple(sorted(os.path.abspath(root) + os.sep for root in roots if root))


class FrameKinds:
    """Decides, once per file, whether a code file is the user's."""

    def __init__(self, skip: tuple[str, ...] = ()) -> None:
        self._roots = _library_roots()
        self._user: dict[str, bool] = {}
        # The patch machinery's files (blockbuster's wrapper): never the entry of a call.
        self._skip = frozenset(skip)

    def is_machinery(self, filename: str) -> bool:
        return filename.startswith(_RUNTIME_DIR) or filename in self._skip

    def is_user(self, filename: str) -> bool:
        known = self._user.get(filename)
        if known is None:
            known = self._user[filename] = self._decide(filename)
        return known

    def _decide(self, filename: str) -> bool:
        if not filename or filename.startswith("<"):
            return False
        path = os.path.abspath(filename)
        if path.startswith(_ASYNCLINT_DIR):
            return False
        parts = path.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return False
        return not path.startswith(self._roots)


def site_of(frame: FrameType) -> Site:
    code = frame.f_code
    line, end_line, column, end_column = frame.f_lineno, frame.f_lineno, 0, 0
    positions = getattr(code, "co_positions", None)  # Python 3.11+: the instruction's span
    if positions is not None and frame.f_lasti >= 0:
        span = next(islice(positions(), frame.f_lasti // 2, None), None)
        if span is not None and span[0] is not None:
            line, end_line = span[0], span[1] or span[0]
            column, end_column = span[2] or 0, span[3] or 0
    if positions is None:
        # Python 3.10 knows the line only: the statement's start, where the static rule puts a
        # call that is a statement of its own
        text = linecache.getline(code.co_filename, line)
        column, end_column = len(text) - len(text.lstrip(" \t")), len(text.rstrip("\r\n"))
    return Site(
        filename=code.co_filename,
        line=line,
        column=column + 1,
        end_line=end_line,
        end_column=end_column + 1,
        module=str(frame.f_globals.get("__name__", "")),
        function=getattr(code, "co_qualname", None) or _qualname(code),
    )


def _qualname(code: CodeType) -> str:
    """Python 3.10's code objects have no `co_qualname`: the function that runs `code` has it
    (looked up only for a finding, so the cost does not matter)."""
    for referrer in gc.get_referrers(code):
        if inspect.isfunction(referrer) and referrer.__code__ is code:
            return referrer.__qualname__
    return code.co_name


def public_names(module: str, qualname: str) -> tuple[str, ...]:
    """`requests.api` + `get` → (`requests.get`, `requests.api.get`): the names a package
    exports the function under, shortest first — how the catalog and `extra-blocking-calls`
    name callables. Read from the modules' dictionaries only (a module `__getattr__` could
    import something)."""
    # constructing the class is the call: `subprocess.Popen`
    qualname = qualname.removesuffix(".__init__")
    names = [f"{module}.{qualname}"]
    if "<" in qualname:  # a local function or a lambda has no other name
        return tuple(names)
    head = qualname.split(".")[0]
    defining = sys.modules.get(module)
    target = vars(defining).get(head) if defining is not None else None
    if target is None:
        return tuple(names)
    parts = module.split(".")
    for depth in range(len(parts) - 1, 0, -1):
        parent = sys.modules.get(".".join(parts[:depth]))
        if parent is not None and vars(parent).get(head) is target:
            names.insert(0, f"{'.'.join(parts[:depth])}.{qualname}")
    return tuple(names)


def attribute(frame: FrameType | None, kinds: FrameKinds) -> Attribution | None:
    """The attribution of a call made by `frame` (the caller of the watched function); None
    when no user code is on the stack, or asynclint's own code made the call."""
    # Frames of the patch machinery itself (blockbuster's wrapper, this package) come first.
    while frame is not None and kinds.is_machinery(os.path.abspath(frame.f_code.co_filename)):
        frame = frame.f_back
    entry_frame = None
    only_threading = True
    while frame is not None and not kinds.is_user(frame.f_code.co_filename):
        if os.path.abspath(frame.f_code.co_filename).startswith(_ASYNCLINT_DIR):
            return None  # asynclint's own code is not the user's to fix
        if frame.f_globals.get("__name__") != "threading":
            only_threading = False
        entry_frame = frame
        frame = frame.f_back
    if frame is None:
        return None
    caller = site_of(frame)
    user_frames: list[tuple[str, str]] = []
    user_sites: list[Site] = []
    coroutine: Site | None = None
    current: FrameType | None = frame
    while current is not None:
        if kinds.is_user(current.f_code.co_filename):
            here = site_of(current)
            user_frames.append((here.module, here.function))
            if coroutine is None:
                if current.f_code.co_flags & _ASYNC_FLAGS:
                    coroutine = here
                else:
                    user_sites.append(here)
        current = current.f_back
    entry = ()
    if entry_frame is not None:
        code = entry_frame.f_code
        entry = public_names(
            str(entry_frame.f_globals.get("__name__", "")), getattr(code, "co_qualname", None) or _qualname(code)
        )
    transitive = coroutine is not None and bool(user_sites)  # a sync helper made the call
    return Attribution(
        caller=caller,
        entry=entry,
        coroutine=coroutine if transitive else None,
        chain=tuple(reversed(user_sites)) if transitive else (),
        user_frames=tuple(user_frames),
        only_threading_between=only_threading,
    )
