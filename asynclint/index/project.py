"""The project index: module summaries loaded on demand, and the facts rules ask across modules.

Only modules something asks about are summarised (a Django-sized tree costs what its async code
reaches, not the whole tree), each once per process, and summaries are cached on disk by
content hash. Blocking facts are a fixed point over the call graph: a sync function blocks if
it calls a blocking function or a project function that blocks; the chain is kept for messages.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Callable, Mapping

from asynclint import source
from asynclint.analysis.decorators import (
    ASYNC_TRANSPARENT,
    GENERATOR_TRANSPARENT,
    keeps,
)
from asynclint.analysis.values import Attr, Known, Name, Ref, decorated_kind
from asynclint.catalog import Blocking
from asynclint.index.attributes import AttributeFacts
from asynclint.index.budget import ThreadBudget
from asynclint.index.cache import SummaryCache, digest
from asynclint.index.chains import ChainFacts, Link, shown_path
from asynclint.index.functions import FunctionFacts
from asynclint.index.models import ModelFacts
from asynclint.index.modules import package_of
from asynclint.index.parsing import NewerGrammarError, parse_module
from asynclint.index.reads import UNREADABLE, Memo, ModuleReads, Reads, module_digest
from asynclint.index.route_paths import Includes, RoutePaths
from asynclint.index.schemas import Schema, SchemaFacts, resolve
from asynclint.index.summary import ModuleSummary, summarise

_MAX_REEXPORTS = 8


class Project(AttributeFacts, ChainFacts, RoutePaths, ThreadBudget):
    def __init__(
        self,
        modules: Mapping[str, Path] | None = None,
        cache: SummaryCache | None = None,
        extra_calls: Mapping[str, Blocking] | None = None,
        texts: Mapping[str, str] | None = None,
    ) -> None:
        self.modules = dict(modules or {})
        # In-memory texts that stand for some files (an editor's unsaved buffers), by absolute
        # path: a module read from one of these files is summarised from its text, not the disk.
        self.texts = {os.path.abspath(path): text for path, text in (texts or {}).items()}
        self.cache = cache
        self.extra_calls = dict(extra_calls or {})
        # What the check of the current file consulted (for the result cache); memos below
        # keep the reads they were computed from.
        self.reads = Reads()
        self._summaries: dict[str, ModuleSummary | None] = {}
        self._digests: dict[str, str] = {}  # also for a module that failed to parse (UNREADABLE)
        self._chains: dict[str, tuple[Link, ...] | None] = {}
        self._chain_reads: dict[str, ModuleReads] = {}
        self._paths: dict[str, str] = {}
        # The module of the file being checked (set by the engine): a fact for its own check
        # even when the map does not have its name.
        self.checking: str | None = None
        # request.state, project-wide (with the checked module when the map lacks it), and the
        # reads it was collected from
        self._state: tuple[str | None, dict[str, list[Ref | None]], ModuleReads] | None = None
        # the includes between routers, project-wide, like request.state; and each router's
        # prefixes computed from them
        self._routing: tuple[str | None, Includes, ModuleReads] | None = None
        self._node_prefixes: Memo[str, tuple[str, ...]] = Memo(self.reads)
        # function name -> the functions of that name passed to Depends(), and the texts of
        # the modules that can pass one (read by the include search)
        self._dependencies: Memo[str, frozenset[str]] = Memo(self.reads)
        self._dependency_texts: dict[str, str] = {}
        # project-wide threadpool facts (index/budget.py): key -> (checking, value, reads)
        self._budget: dict[str, tuple[str | None, object, ModuleReads]] = {}
        self._class_chains: Memo[str, tuple[tuple[ModuleSummary, str], ...]] = Memo(self.reads)
        self._schemas: Memo[str, Schema | None] = Memo(self.reads)
        self._follows: Memo[str, tuple[ModuleSummary, str] | None] = Memo(self.reads)

    # -- project-wide searches ------------------------------------------------------------------
    def _project_summaries(self, look: Callable[[str], bool]) -> list[ModuleSummary]:
        """The summaries of the project's modules and of the file being checked — not whatever
        else this process happened to load: a worker's history must not decide a finding —
        that are summarised already or whose text `look` finds worth summarising."""
        checking = self.checking if self.checking not in self.modules else None
        found = []
        for module in sorted({*self.modules, *([checking] if checking else [])}):
            if module not in self._summaries and not look(module):
                continue
            summary = self.summary(module)
            if summary is not None:
                found.append(summary)
        return found

    def _summaries_mentioning(self, markers: tuple[str, ...]) -> list[ModuleSummary]:
        return self._project_summaries(lambda module: self._mentions(module, markers))

    def _mentions(self, module: str, markers: tuple[str, ...]) -> bool:
        """A cheap look at a project module's text: does it contain one of `markers`?"""
        text = self._module_text(module)
        if text is None:
            return False
        return any(marker in text for marker in markers) or self._unmentioned(module, text)

    def _module_text(self, module: str) -> str | None:
        """The text of a project module, for a cheap look before summarising it (None, noted as
        a read, when it cannot be read)."""
        try:
            return source.read(str(self.modules[module]))
        except source.SourceError:
            self.reads.note(module, UNREADABLE)
            return None

    def _unmentioned(self, module: str, text: str) -> bool:
        """A module a search passes over is a read too: the day its text changes, the fact
        collected may change. False, for the search."""
        self.reads.note(module, module_digest(module, self.modules[module], text))
        return False

    # -- summaries ------------------------------------------------------------------------------
    def load(
        self,
        text: str,
        path: str,
        module: str,
        parse: Callable[[str], ast.Module | None] = parse_module,
    ) -> ModuleSummary | None:
        """The summary of this text, registered as `module` at `path`: from this run, the disk
        cache, or a fresh parse. `parse` may return None (the engine's syntax gate records why)
        or raise; a fresh summary goes to the cache."""
        package = package_of(module, path)
        key = digest(text, module, package)
        summary = self._summaries.get(module) if self._digests.get(module) == key else None
        if summary is None and self.cache is not None:
            summary = self.cache.get(key)
        if summary is None:
            tree = parse(text)
            if tree is None:
                return None
            summary = summarise(tree, source.split_lines(text), module, package)
            if self.cache is not None:
                self.cache.put(key, summary)
        if module in self._digests and self._digests[module] != key:
            self._state = None  # what a changed module says about attributes and classes
            self._routing = None
            self._node_prefixes.clear()
            self._dependencies.clear()
            self._class_chains.clear()
            self._schemas.clear()
            self._chains.clear()
            self._chain_reads.clear()
            self._follows.clear()
        else:
            if module not in self._digests and summary.state_attrs:
                self._state = None  # a module read after request.state was collected
            if module not in self._digests and summary.routing.includes:
                self._routing = None  # likewise for the includes between routers
                self._node_prefixes.clear()
            if module not in self._digests and summary.dependencies:
                self._dependencies.clear()  # a module read after Depends() was searched
            if module not in self.modules and self._summaries.get(module) is None:
                self._follows.clear()  # a name outside the map: `locate` can find it now
        if self._digests.get(module) != key:
            self._budget.clear()  # a module read or changed: the project-wide facts may differ
        self._summaries[module] = summary
        self._digests[module] = key
        self._paths[module] = path
        return summary

    def summary(self, module: str) -> ModuleSummary | None:
        if module not in self._summaries:
            self._summaries[module] = None  # a module importing itself must not recurse
            path = self.modules.get(module)
            if path is not None:
                self._read(module, path)
        self.reads.note(module, self._digests.get(module))
        return self._summaries[module]

    def forget(self, path: str) -> None:
        """Drop every summary read from the file at `path`, and the facts computed from any
        summary: its text changed (on disk, or in an editor's buffer; a long-lived index)."""
        target = os.path.abspath(path)
        stale = [
            module
            for module in self._digests
            if os.path.abspath(self._paths.get(module) or self.modules.get(module) or module) == target
        ]
        for module in stale:
            self._summaries.pop(module, None)
            self._digests.pop(module, None)
            self._paths.pop(module, None)
        self._state = None
        self._class_chains.clear()
        self._schemas.clear()
        self._chains.clear()
        self._chain_reads.clear()
        self._follows.clear()

    def _read(self, module: str, path: Path) -> None:
        text = self.texts.get(os.path.abspath(path))
        if text is None:
            try:
                text = source.read(str(path))
            except source.SourceError:
                self._digests[module] = UNREADABLE
                return
        key = module_digest(module, path, text)
        try:
            if self.load(text, str(path), module) is not None:
                return
        except (SyntaxError, NewerGrammarError, ValueError, RecursionError, MemoryError):
            pass
        self._digests[module] = key  # a file that fails to parse is a read like any other

    def locate(self, qualified: str) -> tuple[ModuleSummary, str] | None:
        """The summary holding `qualified` and the name inside it (`Repo.get`)."""
        head, _, tail = qualified.rpartition(".")
        rest = [tail]
        reads = self.reads.current
        while head:
            if head in self.modules or head in self._summaries:
                summary = self.summary(head)
                return (summary, ".".join(reversed(rest))) if summary is not None else None
            if reads is not None:
                reads[head] = None  # a module this name could be, if one were added
            head, _, tail = head.rpartition(".")
            rest.append(tail)
        return None

    def follow(self, qualified: str) -> tuple[ModuleSummary, str] | None:
        """Locate a name, following re-exports (`from .db import SessionLocal` in __init__);
        memoised (rules ask for the same names over and over)."""
        return self._follows.get(qualified, lambda: self._follow(qualified))

    def _follow(self, qualified: str) -> tuple[ModuleSummary, str] | None:
        for _ in range(_MAX_REEXPORTS):
            found = self.locate(qualified)
            if found is None:
                return None
            summary, local = found
            head = local.split(".")[0]
            binding = summary.bindings.get(head)
            if binding is None or binding.qualified is None or binding.qualified == summary.qualified(head):
                return found
            rest = local.partition(".")[2]
            qualified = binding.qualified + ("." + rest if rest else "")
        return None

    def path_of(self, module: str) -> str:
        return self._paths.get(module) or str(self.modules.get(module, module))

    # -- Env ------------------------------------------------------------------------------------
    def module_value(self, qualified: str) -> Ref | None:
        found = self.follow(qualified)
        if found is None:
            return None
        summary, local = found
        if "." in local:
            return None
        binding = summary.bindings.get(local)
        if binding is not None and binding.value is None and local in summary.functions:
            return self._decorated(summary, summary.functions[local].decorators)
        return binding.value if binding is not None else None

    def _decorated(self, summary: ModuleSummary, decorators: tuple[str, ...]) -> Ref | None:
        """A function a decorator turns into an object of a known kind (`@shared_task`)."""
        for text in decorators:
            head, *rest = text.split(".")
            binding = summary.bindings.get(head)
            if binding is None:
                continue
            ref = Name(".".join([binding.qualified, *rest])) if binding.qualified else binding.value
            if binding.qualified is None:
                for attribute in rest:
                    ref = Attr(ref, attribute) if ref is not None else None
            kind = decorated_kind(ref, self) if ref is not None else None
            if kind is not None:
                return Known(kind)
        return None

    def function(self, qualified: str) -> FunctionFacts | None:
        found = self._function(qualified)
        return found[1] if found else None

    def _function(self, qualified: str) -> tuple[ModuleSummary, FunctionFacts] | None:
        """A function or method and the summary holding it; a method a class inherits from a
        project base class (in any module) is found in the base."""
        found = self.follow(qualified)
        if found is None:
            return None
        summary, local = found
        facts = summary.functions.get(local)
        if facts is not None:
            return summary, facts
        owner, _, method = local.rpartition(".")
        if owner not in summary.classes:
            return None
        for base_summary, base in self._classes(summary.qualified(owner)):
            facts = base_summary.functions.get(f"{base}.{method}")
            if facts is not None:
                return base_summary, facts
        return None

    def has_function(self, qualified: str) -> bool:
        return self.function(qualified) is not None

    def function_returns(self, qualified: str) -> Ref | None:
        facts = self.function(qualified)
        return facts.returns if facts else None

    def is_coroutine_function(self, qualified: str) -> bool:
        """An `async def` whose decorators (if any) keep it one: calling it makes a coroutine.
        Not an async generator, nor a stub declared to return an async iterator."""
        facts = self.function(qualified)
        return (
            facts is not None
            and facts.is_async
            and not facts.yields
            and not facts.returns_async_iterator
            and keeps(facts.decorators, ASYNC_TRANSPARENT)
        )

    def is_async_generator_function(self, qualified: str) -> bool:
        """An `async def` with a `yield` of its own, undecorated (or by a transparent decorator):
        calling it makes an async generator, which `async for` iterates and `await` rejects."""
        facts = self.function(qualified)
        return (
            facts is not None
            and facts.is_async
            and facts.yields
            and keeps(facts.decorators, ASYNC_TRANSPARENT)
        )

    def is_generator_function(self, qualified: str) -> bool:
        """A `def` with a `yield` of its own, undecorated (or by a transparent decorator):
        calling it runs none of its body, iterating what it returns runs it."""
        facts = self.function(qualified)
        return (
            facts is not None
            and not facts.is_async
            and facts.yields
            and keeps(facts.decorators, GENERATOR_TRANSPARENT)
        )

    def is_class(self, qualified: str) -> bool:
        found = self.follow(qualified)
        return found is not None and found[1] in found[0].classes

    def model(self, qualified: str) -> ModelFacts | None:
        found = self.follow(qualified)
        return found[0].models.get(found[1]) if found else None

    def schema(self, qualified: str) -> Schema | None:
        """The pydantic model `qualified`, its bases resolved across modules (None: not known
        to be one)."""
        return self._schemas.get(qualified, lambda: resolve(qualified, self._schema_facts))

    def _schema_facts(self, qualified: str) -> SchemaFacts | None:
        found = self.follow(qualified)
        return found[0].schemas.get(found[1]) if found else None

    def location(self, qualified: str) -> str | None:
        """`path:line` of a project function, for messages."""
        found = self.follow(qualified)
        facts = found[0].functions.get(found[1]) if found else None
        return f"{shown_path(self.path_of(found[0].module))}:{facts.line}" if found and facts else None
