"""Blocking facts for the project index: a fixed point over the call graph, kept as chains.

A mixin of `Project` (index/project.py): a sync project function blocks if it calls a blocking
function or a project function that blocks; the chain is kept for messages. Relies on the
index's `_function`, `is_generator_function`, `path_of`, `extra_calls`, `reads`, `_chains` and
`_chain_reads`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from asynclint.analysis.calls import CallInfo, classify
from asynclint.analysis.decorators import SYNC_TRANSPARENT, keeps
from asynclint.analysis.values import Attr, Call
from asynclint.index.functions import CallSite
from asynclint.index.reads import ModuleReads


@dataclass(frozen=True)
class Link:
    """One step of a blocking chain: `fetch_profile()` at helpers.py:12."""

    call: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.call} ({self.path}:{self.line})"


class ChainFacts:
    """Mixin of Project: the blocking chain of a sync project function."""

    def blocking_chain(self, qualified: str) -> tuple[Link, ...] | None:
        """How a sync project function blocks: the calls from it to the blocking call.

        A depth-first search over the call graph with an explicit stack (helper chains can be
        thousands of modules deep in generated code; recursion would hit Python's limit).
        Each frame collects the reads of the functions below it, so a memoised answer charges
        every module the search went through."""
        if qualified in self._chains:
            self.reads.charge(self._chain_reads[qualified])
            return self._chains[qualified]
        with self.reads.capture() as reads:
            start = self._expand(qualified)
            if start is None:
                return None
            start.reads = reads
            self._search([start])
        return self._chains.get(qualified)

    def _search(self, stack: list[_Search]) -> None:
        visiting = {stack[0].qualified}
        answer: tuple[Link, ...] | None = None
        while stack:
            frame = stack[-1]
            if answer is not None and frame.waiting is not None:
                site, info = frame.waiting
                frame.result = (Link(info.display, frame.path, site.line), *answer)
            answer = None
            frame.waiting = None
            if frame.result is None:
                callee = frame.next_callee(visiting)
                if callee is not None:
                    name = callee[1].project or ""
                    known = self._chains.get(name, _UNKNOWN)
                    if known is not _UNKNOWN:
                        frame.reads.update(self._chain_reads[name])
                        if known:
                            frame.result = (Link(callee[1].display, frame.path, callee[0].line), *known)
                        continue
                    outer = self.reads.begin()
                    try:
                        child = self._expand(name)
                    finally:
                        reads = self.reads.end(outer)
                    if child is None:
                        frame.reads.update(reads)
                    else:
                        child.reads = reads
                        frame.waiting = callee
                        visiting.add(child.qualified)
                        stack.append(child)
                    continue
            stack.pop()
            visiting.discard(frame.qualified)
            if stack:
                stack[-1].reads.update(frame.reads)
            if frame.result is not None or not stack:
                # A negative answer found while a caller is still open may depend on that
                # caller (a cycle); only memoise it once the outermost query is done.
                self._chains[frame.qualified] = frame.result
                self._chain_reads[frame.qualified] = frame.reads
            answer = frame.result

    def _expand(self, qualified: str) -> _Search | None:
        """A search frame for a sync project function: its call sites, classified.

        Steady state only: a memoised function, and the calls under a load-once guard, block
        once per process, not on every request, so they are no blocking facts."""
        found = self._function(qualified)
        facts = found[1] if found else None
        if (
            found is None
            or facts is None
            or facts.is_async
            or facts.memoised
            or not keeps(facts.decorators, SYNC_TRANSPARENT)
        ):
            return None
        path = shown_path(self.path_of(found[0].module))
        infos = [
            (site, classify(site.func, self, self.extra_calls, site.is_with, site.may_not_wait, site.argument))
            for site in facts.calls
            if not site.once and not site.loopless
        ]
        # A generator function's call runs its body only where the call is iterated.
        callees = [
            (site, info) for site, info in infos
            if info.project is not None
            and (site.iterated or not self.is_generator_function(info.project))
        ]
        frame = _Search(qualified, path, callees)
        for site, info in infos:
            # `open(p).read()`: the open is the link (it is a call site of its own, later).
            if _links(info) and not (isinstance(site.func, Attr) and isinstance(site.func.value, Call)
                                     and _links(classify(site.func.value.func, self, self.extra_calls))):
                frame.result = (Link(info.display, path, site.line),)
                break
        return frame


def _links(info: CallInfo) -> bool:
    """Whether a call makes its caller block, in the steady state."""
    return (info.blocking is not None and info.blocking.transitive) or info.sync_db is not None


_UNKNOWN = object()


class _Search:
    """One function on the blocking-chain search stack."""

    def __init__(self, qualified: str, path: str, callees: list[tuple[CallSite, CallInfo]]) -> None:
        self.qualified = qualified
        self.path = path
        self.callees = callees  # the calls into project functions that run their body
        self.position = 0
        self.result: tuple[Link, ...] | None = None
        self.waiting: tuple[CallSite, CallInfo] | None = None
        self.reads: ModuleReads = {}  # of this function and the functions searched below it

    def next_callee(self, visiting: set[str]) -> tuple[CallSite, CallInfo] | None:
        while self.position < len(self.callees):
            callee = self.callees[self.position]
            self.position += 1
            if callee[1].project not in visiting:
                return callee
        return None


def shown_path(path: str) -> str:
    """A path for messages: relative to the working directory when it lies below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
