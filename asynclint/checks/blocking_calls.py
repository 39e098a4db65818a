"""AL100–AL109 and AL111 inside the traversal: reporting a catalogued blocking call.

Three things decide how a blocking call is reported: whether it is written inside an offload
wrapper's arguments (`run_in_threadpool(requests.get(url))`: the call still runs on the loop,
and the suggestion shows the corrected call), whether it is awaited (`await open(p)`: it
blocks, and its result is not awaitable either), and, for a method of a sync file object,
whether the open that made the file was reported in this function already.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.calls import CallInfo, classify
from asynclint.analysis.cst_refs import may_not_wait_call
from asynclint.analysis.values import evaluate
from asynclint.catalog import FILE_KINDS
from asynclint.fixes.display_only import advice, await_instead
from asynclint.fixes.local_names import local_names
from asynclint.fixes.locate import PendingFix
from asynclint.fixes.offload import RUN_IN_THREADPOOL, SYNC_TO_ASYNC, offload_fix
from asynclint.rules import OPT_IN
from asynclint.rules.blocking import BlockingSleep

_FILES = frozenset(f"io.{kind}" for kind in FILE_KINDS)
# The rules whose call the offload fix runs in a thread (AL110 is reported by the checker).
OFFLOADED = frozenset({"AL102", "AL103", "AL104", "AL105", "AL106", "AL107", "AL109", "AL110"})
AWAITED = "; it is not awaitable either: `await` on its result raises TypeError at run time"


class BlockingCalls:
    """Mixin of UnitChecker: relies on its frames, refs, project, roles and report helpers."""

    def _receiver_blocks(self, node: cst.Call) -> bool:
        """`conn.execute(...).fetchone()`: the inner call is the one reported — unless it is
        reported only on request (AL111), which must not hide the outer one."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)):
            return False
        inner = self.refs.ref(func.value.func)
        if inner is None:
            return False
        entry = classify(inner, self.project, self.extra_calls, may_not_wait=may_not_wait_call(func.value)).blocking
        return entry is not None and entry.code not in OPT_IN

    def _note_offload(self, node: cst.Call, wrapper: str) -> None:
        for arg in node.args:
            if isinstance(arg.value, cst.Call):
                self._offloaded[id(arg.value)] = wrapper.rpartition(".")[2]

    def _bridged(self, suggestion: str, func: str, args: str) -> str:
        """In a Django module the offload in a suggestion is asgiref's `sync_to_async(fn)(a)`,
        which takes the callable alone, as the fix writes it."""
        if not self.django_offload:
            return suggestion
        written = f"await sync_to_async({func}" + (f", {args}" if args else "") + ")"
        return suggestion.replace(written, f"await sync_to_async({func})({args})")

    def _offload_hint(self, node: cst.CSTNode, func_args: str) -> str | None:
        wrapper = self._offloaded.get(id(node))
        if wrapper is None:
            return None
        return (
            f"the call runs on the event loop before `{wrapper}` receives its result; "
            f"pass the callable and its arguments: `await {wrapper}({func_args})`"
        )

    def _report_blocking(self, node: cst.CSTNode, info: CallInfo, func_text: str, args: str) -> None:
        entry = info.blocking
        assert entry is not None
        if self._opened_here(node, info):
            return
        func_args = func_text + (", " + args if args else "")
        suggestion = self._offload_hint(node, func_args) or self._bridged(entry.suggestion.format(
            args=args or "...",
            method=info.method or (info.qualified or "get").rpartition(".")[2],
            func_args=func_args,
            offload=self.offload_text,
        ), func_text, args)
        detail = AWAITED if self._roles.get(id(node)) == "await" else ""
        fix = self._sleep_fix(node) if entry.code == "AL101" else None
        if entry.code in OFFLOADED and isinstance(node, cst.Call):
            fix = self.offload_fix(node)
        elif entry.code == "AL106" and self._roles.get(id(node)) == "with":
            fix = advice("Use an asyncio lock (`asyncio.Lock`) with `async with`")
        elif entry.code == "AL108" and isinstance(node, cst.Call):
            fix = await_instead(self.frames[-1].function, node, self._roles.get(id(node)))
        self._report(node, entry.code, {"call": info.display, "detail": detail}, suggestion, fix)
        if isinstance(node, cst.Call):
            made = evaluate(self.refs.ref(node), self.project)
            if made is not None and made.name in _FILES:
                self.frames[-1].opened.add(self.refs.ref(node))

    def _sleep_fix(self, node: cst.CSTNode) -> PendingFix | None:
        """AL101's fix, only for a sleep that is a statement of the async function itself: in a
        nested `def`, a lambda or a class body there is no `await`; inside an expression the
        rewrite would change what the expression sees."""
        frame = self.frames[-1]
        if not (isinstance(node, cst.Call) and self._roles.get(id(node)) == "discard"):
            return None
        if not frame.is_async or frame.is_lambda or frame.function is None:
            return None
        module = "anyio" if "anyio" in self.import_roots else "asyncio"
        name, needs_import = self._module_name(module)
        return BlockingSleep.fix(node, module, name, needs_import)

    def offload_fix(self, node: cst.Call) -> PendingFix | None:
        """The offload fix of a blocking call (`await asyncio.to_thread(fn, ...)`, or
        `run_in_threadpool` in a module importing FastAPI or Starlette), in the body of an
        `async def` itself; None where `asyncio` / `run_in_threadpool` is not free there."""
        frame = self.frames[-1]
        if not frame.is_async or frame.is_lambda or frame.function is None:
            return None
        if self._roles.get(id(node)) not in ("discard", "assign", "return", "arg", None):
            return None
        if self.django_offload:
            # Django's own bridge: `await sync_to_async(fn)(a)`, thread-sensitive by default
            name, needs_import = self._imported_name(SYNC_TO_ASYNC, "sync_to_async")
            if name is None:
                return None
            line = "from asgiref.sync import sync_to_async" if needs_import else None
            return offload_fix(frame.function, node, name, line, wraps_callable=True)
        wrapper, line = self._threadpool_name()
        if wrapper == "":  # a FastAPI module where `run_in_threadpool` names something else
            return None
        if wrapper is None:
            name, needs_import = self._module_name("asyncio")
            if name is None:
                return None
            wrapper, line = f"{name}.to_thread", "asyncio" if needs_import else None
        return offload_fix(frame.function, node, wrapper, line)

    def _threadpool_name(self) -> tuple[str | None, str | None]:
        """`run_in_threadpool` as this module reaches it, and the import the fix must add:
        a name bound to it, else, in a module importing fastapi (or starlette), the name
        imported from `fastapi.concurrency` (`starlette.concurrency`), ("", None) when that name
        is taken; (None, None) in other modules."""
        roots = self.import_roots
        package = "fastapi" if "fastapi" in roots else "starlette" if "starlette" in roots else None
        name, needs_import = self._imported_name(RUN_IN_THREADPOOL, "run_in_threadpool")
        if name is not None and not needs_import:
            return name, None
        if package is None:
            return None, None
        if name is None:
            return "", None
        return name, f"from {package}.concurrency import run_in_threadpool"

    def _module_name(self, module: str) -> tuple[str | None, bool]:
        """The name that reaches `module` here and whether the fix must import it; (None,
        False) when `asyncio` names something else (see _imported_name)."""
        return self._imported_name(frozenset({module}), module)

    def _imported_name(self, qualified: frozenset[str], free: str) -> tuple[str | None, bool]:
        """The name that reaches one of the `qualified` objects here and whether the fix must
        import it: `free` when it is bound to one, else a name the module binds to one (`import
        asyncio as aio`), else `free` when nothing binds it (the fix imports it); (None, False)
        when `free` names something else."""
        # a local of the name anywhere in an enclosing function shadows the module there
        shadowed = set().union(*(local_names(f.function) for f in self.frames if f.function is not None))
        bound = self.scopes.lookup(free)
        if free not in shadowed and bound is not None and bound.qualified in qualified:
            return free, False
        for name, binding in self.summary.bindings.items():
            found = self.scopes.lookup(name)
            if (name not in shadowed and binding.qualified in qualified
                    and found is not None and found.qualified in qualified):
                return name, False
        return (free, True) if bound is None and free not in shadowed else (None, False)

    def _opened_here(self, node: cst.CSTNode, info: CallInfo) -> bool:
        """`with open(p) as f: f.read()`: the open is reported, and its fix (an async file)
        fixes the reads too, so one finding says it. A file opened elsewhere — a parameter,
        a module-level file, `self.log` set in `__init__` — is reported at each method call.
        (A file opened in a thread, `await asyncio.to_thread(open, p)`, is not known as a file:
        the wrapper's result has no kind yet.)"""
        if info.receiver is None or info.receiver.name not in _FILES:
            return False
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            return False
        receiver = self.refs.ref(node.func.value)
        return receiver is not None and any(receiver in frame.opened for frame in self.frames)
