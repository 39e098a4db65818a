"""Records a finding for each blocking call made on the event loop while a test runs.

blockbuster patches the watched functions; its wrapper asks a predicate whether a call may
block, only while an event loop runs on the calling thread. The predicate installed here always
answers yes — the call goes ahead as written, so a test behaves as it would without the check
(no exception for the code under test to catch or turn into a 500) — and records the call
first. The plugin turns the recorded findings into a failure (or a warning) after the test.

A call is recorded only when all of these hold, each one a reason for silence otherwise:
it is made on the test's thread (worker threads, `run_in_threadpool`, `to_thread`, aiosqlite's
thread run no loop, and a loop on another thread is not the test's); blockbuster's own
predicate says it can block (not a non-blocking socket, an in-memory file, a free lock) and
no function blockbuster exempts is on the stack (pytest's assertion rewriting, the import
system); user code is on the stack, and asynclint's own code is not; the code is selected in
`[tool.asynclint]` and not ignored for the file (`per-file-ignores`); no `runtime-allow` pattern
names a user frame on the stack; the reported line has no `# noqa` for the code and its file no
`# asynclint: skip-file`.
"""

from __future__ import annotations

import fnmatch
import linecache
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import blockbuster.blockbuster as _blockbuster

from asynclint.api import per_file_ignored
from asynclint.catalog import SYNC_DB, TRANSITIVE, Blocking
from asynclint.config import Config
from asynclint.findings import Finding
from asynclint.rules import OPT_IN, RULES_BY_CODE
from asynclint.rules.base import BLOCKED
from asynclint.runtime import patches
from asynclint.runtime.stack import Attribution, FrameKinds, Site, attribute
from asynclint.suppression import skips_file, suppresses

# Libraries whose every use here is a sync SQLAlchemy session, engine or connection doing I/O:
# the async ones run their driver in a worker thread (aiosqlite) or without blocking calls.
_SYNC_ORMS = frozenset({"sqlalchemy", "sqlmodel"})
# What a driver under them waits in: a DB-API module's calls (sqlite3) or a socket.
_DRIVER_CODES = frozenset({"AL105", "AL109"})


# A module being imported (`anyio.Path` imports its module on first use): once per process, as
# the static check's IMPORT entry says, so not a finding whatever the import reads or runs.
_IMPORTING = (("<frozen importlib._bootstrap>", frozenset({"_find_and_load"})),)


@dataclass(frozen=True)
class Verdict:
    """What a watched call is reported as: the catalog entry and the callable it names."""

    entry: Blocking
    callee: str  # `time.sleep`, `requests.get`, `sqlalchemy.orm.Session.scalar`
    via: str | None  # the watched function when the callee is a library function that called it


class Detector:
    """Patches the watched functions for the span of a test phase and records findings."""

    def __init__(self, config: Config, relative_to: str) -> None:
        self._config = config
        self._enabled = config.enabled_codes()
        self._allow = tuple(pattern.split(":", 1) for pattern in config.runtime_allow)
        self._extra = dict(config.extra_blocking_calls)
        self._relative_to = relative_to
        self._kinds = FrameKinds(skip=(os.path.abspath(_blockbuster.__file__),))
        self._watched = patches.blockbuster_table() + patches.added_table()
        for watched in self._watched:
            self._install(watched)
        self._users_patched: set[str] = set()
        self._thread: int | None = None
        self._findings: dict[tuple[str, int, str], Finding] = {}
        self._opened: set[tuple[str, str]] = set()
        # file → the codes (prefixes) `# asynclint: skip-file` or `per-file-ignores` ignore there
        self._ignored_in: dict[str, set[str]] = {}
        self.errors: list[str] = []

    # -- activation -------------------------------------------------------------------------
    def start(self) -> None:
        """Patch the watched functions; record what the current thread's loop is blocked by."""
        for watched in patches.user_table(self._extra, self._users_patched):
            self._users_patched.add(watched.name)
            self._install(watched)
            self._watched.append(watched)
        self._thread = threading.get_ident()
        activated = []
        try:
            for watched in self._watched:
                watched.function.activate()
                activated.append(watched)
                patches.disguise(watched)
        except BaseException:
            for watched in reversed(activated):
                watched.function.deactivate()
            raise

    def stop(self) -> list[Finding]:
        """Restore the watched functions; the findings recorded since `start`, in order."""
        for watched in reversed(self._watched):
            watched.function.deactivate()
        self._thread = None
        found = list(self._findings.values())
        self._findings.clear()
        self._opened.clear()
        return found

    def _install(self, watched: patches.Watched) -> None:
        watched.function.can_block_predicate = self._predicate(watched)

    def _predicate(self, watched: patches.Watched) -> Callable[..., bool]:
        def can_block(*args: Any, **kwargs: Any) -> bool:
            # Called by blockbuster's wrapper with its re-entry guard set: what runs here (reading
            # a source line) is not itself checked.
            if threading.get_ident() != self._thread:
                return True
            try:
                if not watched.can_block(*args, **kwargs):
                    self._record(watched, sys._getframe(1))
            except Exception as error:  # noqa: BLE001 - never break the code under test
                if len(self.errors) < 5:
                    self.errors.append(f"{watched.name}: {type(error).__name__}: {error}")
            return True

        return can_block

    # -- recording --------------------------------------------------------------------------
    def _record(self, watched: patches.Watched, frame: FrameType) -> None:
        if _exempt(frame, watched.can_block_in + _IMPORTING):
            return
        if watched.entry.code in OPT_IN and watched.entry.code not in self._enabled:
            return  # a library's call does not make an opt-in rule's function reportable
        found = attribute(frame, self._kinds)
        if found is None:
            return
        verdict = self._verdict(watched, found)
        if verdict is None:
            return
        if found.coroutine is not None:
            if not verdict.entry.transitive:
                return  # as the static rule: not a link of AL110's chains
            code, at = "AL110", found.coroutine
        else:
            code, at = verdict.entry.code, found.caller
        key = (at.filename, at.line, code)
        if key in self._findings or code not in self._enabled:
            return
        if self._allowed(found) or self._suppressed(at, code):
            return
        if watched.name.startswith(patches.FILE_METHODS) and (at.filename, at.function) in self._opened:
            return
        if watched.name == "builtins.open":
            self._opened.add((at.filename, at.function))
        self._findings[key] = self._finding(code, at, verdict, found)

    def _verdict(self, watched: patches.Watched, found: Attribution) -> Verdict | None:
        names = found.entry
        if not names:
            return Verdict(watched.entry, watched.name, None)
        for name in names:  # the project's own list first, as the static check
            if name in self._extra:
                return Verdict(self._extra[name], name, watched.name)
        is_lock = watched.name in patches.LOCKS
        if names[-1].split(".")[0] in _SYNC_ORMS and watched.entry.code in _DRIVER_CODES:
            return Verdict(SYNC_DB, names[0], watched.name)
        for name in names:
            entry = patches.catalog_entry(name)
            if entry is not None and entry.code.startswith("AL1") and entry.code != "AL108":
                return Verdict(entry, name, watched.name)
        if is_lock and not found.only_threading_between:
            return None  # a library's own lock (a queue, a pool): its business, not a finding
        return Verdict(watched.entry, names[0], watched.name)

    def _allowed(self, found: Attribution) -> bool:
        return any(
            fnmatch.fnmatchcase(module, module_pattern) and fnmatch.fnmatchcase(function, function_pattern)
            for module, function in found.user_frames
            for module_pattern, function_pattern in self._allow
        )

    def _suppressed(self, at: Site, code: str) -> bool:
        line = linecache.getline(at.filename, at.line)
        if line and suppresses(line, code):
            return True
        ignored = self._ignored_in.get(at.filename)
        if ignored is None:
            skipped = skips_file("".join(linecache.getlines(at.filename)))
            ignored = self._ignored_in[at.filename] = {"AL"} if skipped else per_file_ignored(at.filename, self._config)
        return any(code.startswith(prefix) for prefix in ignored)

    def _finding(self, code: str, at: Site, verdict: Verdict, found: Attribution) -> Finding:
        path = self.relative(at.filename)
        call = patches.display(verdict.callee)
        offload = "await run_in_threadpool" if _imports_starlette(at.module) else "await asyncio.to_thread"
        if code == "AL110":
            first = found.chain[0]
            helper = first.function.rpartition(".")[2]
            steps = [f"{helper}()"]
            steps += [f"{site.function.rpartition('.')[2]}()" for site in found.chain[1:]]
            steps.append(f"{call} ({self.relative(found.caller.filename)}:{found.caller.line})")
            if verdict.via:
                steps[-1] += f", in {patches.display(verdict.via)}"
            detail = ": " + " → ".join(steps)
            call = f"{helper}()"
            suggestion = TRANSITIVE.format(offload=offload, func_args=f"{helper}, ...", helper=helper)
        else:
            detail = f": it called {patches.display(verdict.via)}" if verdict.via else ""
            callee = verdict.callee.removeprefix("builtins.")
            suggestion = verdict.entry.suggestion.format(
                args="...", method=callee.rpartition(".")[2], func_args=f"{callee}, ...", offload=offload
            )
        message = BLOCKED.format(call=call, function=at.function, where=f"{path}:{at.line}", detail=detail)
        return Finding(
            path=path,
            line=at.line,
            column=at.column,
            end_line=at.end_line,
            end_column=at.end_column,
            code=code,
            name=RULES_BY_CODE[code].name,
            message=message,
            suggestion=suggestion,
            function=at.function,
        )

    def relative(self, filename: str) -> str:
        """The path as `asynclint` run from the same directory prints it."""
        path = os.path.abspath(filename)
        try:
            relative = os.path.relpath(path, self._relative_to)
        except ValueError:  # another drive (Windows)
            return path
        return path if relative.startswith("..") else relative.replace(os.sep, "/")


def _exempt(frame: FrameType | None, allowed: tuple[tuple[str, frozenset[str]], ...]) -> bool:
    """blockbuster's `can_block_functions`: a listed function anywhere on the stack."""
    while frame is not None:
        filename = frame.f_code.co_filename.replace("\\", "/")
        for suffix, names in allowed:
            if filename.endswith(suffix) and frame.f_code.co_name in names:
                return True
        frame = frame.f_back
    return False


def _imports_starlette(module: str) -> bool:
    """Whether the module's globals hold FastAPI or Starlette objects: the suggestion names
    `run_in_threadpool` there, as the static one does."""
    namespace = vars(sys.modules[module]) if module in sys.modules else {}
    return any(
        str(getattr(value, "__module__", None) or getattr(value, "__name__", "")).startswith(("fastapi", "starlette"))
        for value in list(namespace.values())
    )
