"""Pass 2: one libcst traversal of a unit (a function containing async code), all rules at once.

The visitor keeps its own scope and frame stacks instead of libcst's metadata providers (each
costs several parses). At every call it knows whether the code runs on the event loop (an
`async def` body, not a nested `def`, lambda or class), what the callee is, and how the result
is used (awaited, dropped, assigned, returned, used as a receiver) — which is what the
coroutine rules need.
"""

from __future__ import annotations

from typing import Mapping

import libcst as cst

from asynclint.analysis import orm
from asynclint.analysis.calls import CallInfo, classify
from asynclint.analysis.cst_refs import CstRefs, dotted, may_not_wait_call, unpacked_pairs
from asynclint.analysis.kinds import Kind
from asynclint.analysis.names import LOCAL, Binding, ScopeStack, import_target
from asynclint.analysis.offload import OFFLOAD_FUNCTIONS, OFFLOAD_METHODS
from asynclint.analysis.values import Attr, Item, Name, Ref, evaluate
from asynclint.catalog import SYNC_DB, TRANSITIVE, Blocking
from asynclint.checks.blocking_calls import BlockingCalls
from asynclint.checks.coroutine_use import CoroutineUse
from asynclint.checks.frames import Frame, Report, args_text, source, where
from asynclint.checks.iteration import Iteration
from asynclint.checks.orm_state import OrmState
from asynclint.checks.serialised import Serialisation
from asynclint.checks.usage import Usage
from asynclint.index.project import Project
from asynclint.fixes.display_only import advice
from asynclint.fixes.settle import settle_fixes
from asynclint.fixes.locate import PendingFix
from asynclint.index.summary import ModuleSummary, Unit

class UnitChecker(BlockingCalls, CoroutineUse, OrmState, Serialisation, Iteration, Usage):
    def __init__(
        self,
        summary: ModuleSummary,
        unit: Unit,
        project: Project,
        extra_calls: Mapping[str, Blocking] | None = None,
        extra_offload: frozenset[str] = frozenset(),
    ) -> None:
        self.summary = summary
        self.unit = unit
        self.project = project
        self.scopes = ScopeStack(dict(summary.bindings))
        self.refs = CstRefs(self.scopes)
        self.frames: list[Frame] = []
        self.reports: list[Report] = []
        self.extra_calls: Mapping[str, Blocking] = extra_calls or {}
        self.offload_functions = OFFLOAD_FUNCTIONS | extra_offload
        # the top-level packages the module imports from (`anyio`, `fastapi`, `django`...)
        self.import_roots = frozenset(
            (binding.qualified or "").split(".")[0] for binding in summary.bindings.values()
        )
        # a Django module (not a FastAPI/Starlette one): asgiref's bridge, `sync_to_async(fn)(a)`
        self.django_offload = (
            "django" in self.import_roots and not self.import_roots & {"fastapi", "starlette"}
        )
        self.offload_text = (
            "await run_in_threadpool" if summary.uses_framework
            else "await sync_to_async" if self.django_offload else "await asyncio.to_thread"
        )
        self._class_names: list[str | None] = [
            summary.qualified(unit.class_name) if unit.class_name else None
        ]
        # How each expression's value is used, set by its parent before the child is visited.
        self._roles: dict[int, str] = {}
        self._assigned_to: dict[int, str] = {}
        self._stores: set[int] = set()
        self._receiver_attrs: dict[int, str] = {}  # `x.attr`: id of x -> "attr"
        # id of a call written inside an offload wrapper's arguments -> the wrapper's name
        self._offloaded: dict[int, str] = {}
        self._iterated: set[int] = set()  # ids of calls iterated where they are written

    # -- context --------------------------------------------------------------------------------
    @property
    def frame(self) -> Frame | None:
        return self.frames[-1] if self.frames else None

    @property
    def on_loop(self) -> bool:
        return bool(self.frames) and self.frames[-1].is_async

    def evaluate(self, node: cst.BaseExpression) -> Kind | None:
        return evaluate(self.refs.ref(node), self.project)

    def _bind(self, target: cst.BaseExpression, value: Ref | None = None) -> None:
        if isinstance(target, cst.Name):
            self.scopes.bind(target.value, Binding(value=value) if value is not None else LOCAL)
            if self.frame is not None:
                self.frame.expiry.forget(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

    def _bind_params(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            annotation = param.annotation.annotation if param.annotation else None
            value = self.refs.annotation(annotation, param.default)
            self.scopes.bind(param.name.value, Binding(value=value) if value is not None else LOCAL)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self.scopes.bind(star.name.value)

    # -- functions, lambdas, classes --------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.frame
        if outer is None:
            qualname = self.unit.qualname
        else:
            self.scopes.bind(node.name.value)
            qualname = f"{outer.qualname}.{node.name.value}"
        endpoint = self.summary.endpoints.get(qualname)
        class_name = self._class_names[-1]
        params = node.params.posonly_params or node.params.params
        receiver = params[0].name.value if class_name and params else None
        self.frames.append(
            Frame(
                qualname=qualname,
                is_async=node.asynchronous is not None,
                endpoint=endpoint,
                is_route=qualname in self.summary.routes,
                function=node,
            )
        )
        self.refs.methods.append((receiver, class_name) if receiver and class_name else None)
        self._class_names.append(None)
        self.scopes.push()
        self.frames[-1].scope = self.scopes.current
        self._bind_params(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.frames[-1]
        for name, (call, info, text) in frame.pending.items():
            if name not in frame.closure_reads:
                self._report_unawaited(frame, call, info, text, f"; it is assigned to `{name}` and never awaited")
        self.frames.pop()
        self.refs.methods.pop()
        self._class_names.pop()
        self.scopes.pop()
        settle_fixes(frame, original_node, self.summary.bindings)
        self.reports.extend(frame.reports)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        outer = self.frame
        self.frames.append(
            Frame(qualname=outer.qualname if outer else "<lambda>", is_async=False, is_lambda=True)
        )
        self._roles[id(node.body)] = "return"
        self.scopes.push()
        self.frames[-1].scope = self.scopes.current
        self._bind_params(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.reports.extend(self.frames.pop().reports)
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        outer = self.frame
        self.scopes.bind(node.name.value)
        qualname = f"{outer.qualname}.{node.name.value}" if outer else node.name.value
        self.frames.append(Frame(qualname=qualname, is_async=False))
        self._class_names.append(self.summary.qualified(qualname))
        self.scopes.push(is_class=True)
        self.frames[-1].scope = self.scopes.current

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.reports.extend(self.frames.pop().reports)
        self._class_names.pop()
        self.scopes.pop()

    # -- bindings -------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            parts = dotted(alias.name) or []
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scopes.bind_import(alias.asname.name.value, ".".join(parts))
            elif parts:
                self.scopes.bind_import(parts[0], parts[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module_parts = dotted(node.module) if node.module is not None else None
        target = import_target(
            ".".join(module_parts) if module_parts else None,
            len(node.relative),
            self.summary.package,
        )
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            if target:
                self.scopes.bind_import(local, f"{target}.{name}")
            else:
                self.scopes.bind(local)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._roles[id(node.value)] = "assign"
            self._assigned_to[id(node.value)] = node.targets[0].target.value

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stores.add(id(node.target))

    def leave_Assign(self, original_node: cst.Assign) -> None:
        value = self.refs.ref(original_node.value)
        for target in original_node.targets:
            pairs = unpacked_pairs(target.target, original_node.value)
            for name, element in pairs or ():
                self._bind(name, self.refs.ref(element))
            if pairs is None:
                self._bind(target.target, self._decided(target.target, value))
            self._note_modified(target.target)
        target = original_node.targets[0].target
        if self.frame is not None and isinstance(target, cst.Name) and len(original_node.targets) == 1:
            values = self.frame.values
            values[target.value] = None if target.value in values else original_node.value
        if self.on_loop and isinstance(target, cst.Name) and value is not None:
            self._note_loaded_instance(target.value, original_node.value, value)
            self._note_constructed(target.value, original_node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stores.add(id(node.target))

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        value = self.refs.ref(original_node.value) or self.refs.annotation(
            original_node.annotation.annotation
        )
        self._bind(original_node.target, self._decided(original_node.target, value))

    def visit_TypeAlias(self, node: cst.TypeAlias) -> bool:
        # `type X = ...` (PEP 695) binds X; its value is evaluated lazily, when the alias is
        # used, so nothing in it runs here.
        self._bind(node.name)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stores.add(id(node.target))
        self._note_modified(node.target)

    def visit_For(self, node: cst.For) -> None:
        iterable = self.refs.ref(node.iter)
        self._bind(node.target, Item(iterable) if iterable is not None else None)
        if node.asynchronous is not None:
            self._mark_await()
        else:
            self._iterates(node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        iterable = self.refs.ref(node.iter)
        self._bind(node.target, Item(iterable) if iterable is not None else None)
        if node.asynchronous is not None:
            self._mark_await()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, self.refs.ref(node.value))

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._mark_await()
        for item in node.items:
            value = self.refs.ref(item.item)
            self._roles[id(item.item)] = "with"
            if node.asynchronous is None and value is not None and self.on_loop:
                info = classify(Attr(value, "__enter__"), self.project, is_with=True)
                if info.blocking is not None:
                    self._report_blocking(item.item, info, source(item.item), "")
                    if info.blocking.code == "AL106" and self.frame is not None:
                        self.frame.lock_blocks.append(node)
            if item.asname is not None:
                self._bind(item.asname.name, value)

    def _mark_await(self) -> None:
        if self.frame is not None:
            self.frame.has_await = True

    # -- calls ----------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        frame = self.frame
        if frame is None:
            return
        func_ref = self.refs.ref(node.func)
        self._note_iterated_arguments(node, func_ref.qualified if isinstance(func_ref, Name) else None)
        if func_ref is None:
            return
        info = classify(func_ref, self.project, self.extra_calls, may_not_wait=may_not_wait_call(node),
                        argument=self.refs.io_argument(node, func_ref))
        self._check_coroutine_use(node, info)
        qualified = info.qualified
        if qualified in self.offload_functions or (
            info.receiver is not None and f"{info.receiver.name}.{info.method}" in OFFLOAD_METHODS
        ):
            self._note_offload(node, qualified or str(info.method))
            return
        if not self.on_loop:
            return
        func_text = source(node.func)
        if info.blocking is not None and self._receiver_blocks(node):
            pass  # `conn.execute(...).fetchone()`: the inner call is the one reported
        elif info.blocking is not None:
            self._report_blocking(node, info, func_text, args_text(node.args))
        elif (
            info.sync_db is not None
            and not frame.reported_sync_db
            # `await db.execute(...)`: the code says the session is async, whatever its
            # annotation says (a sync Session's result cannot be awaited): not AL201's to judge.
            and self._roles.get(id(node)) != "await"
        ):
            frame.reported_sync_db = True
            self._report_sync_db(node, info, func_text)
        elif info.project is not None and not self.project.is_coroutine_function(info.project):
            generator = self.project.is_generator_function(info.project)
            # A generator function's call runs its body only where it is iterated.
            chain = self.project.blocking_chain(info.project) if id(node) in self._iterated or not generator else None
            if chain:
                self._report_transitive(node, info, func_text, chain, generator)
        self._check_serialisation(node, func_ref, info)
        self._track_session(node, info)

    def _report_transitive(
        self, node: cst.Call, info: CallInfo, func_text: str, chain: tuple, generator: bool = False
    ) -> None:
        args = args_text(node.args)
        func_args = func_text + (", " + args if args else "")
        steps = " → ".join([info.display, *(str(link) for link in chain)])
        helper = (info.project or "").rpartition(".")[2]
        if generator:  # offloading the call would only make the generator in the thread
            suggestion = self._bridged(
                f"iterate it in a thread: `{self.offload_text}(list, {source(node)})`, or make "
                f"`{helper}` an async generator", "list", source(node)
            )
        else:
            suggestion = self._offload_hint(node, func_args) or self._bridged(TRANSITIVE.format(
                offload=self.offload_text, func_args=func_args, helper=helper
            ), func_text, args)
        fix = None if generator else self.offload_fix(node)
        self._report(node, "AL110", {"call": info.display, "chain": steps}, suggestion, fix)

    def _report_sync_db(self, node: cst.Call, info: CallInfo, func_text: str) -> None:
        kind = info.sync_db
        assert kind is not None
        # `inspect(engine)`: the object doing I/O is the argument
        receiver = (func_text.rpartition(".")[0] or func_text) if info.method else source(node.args[0].value)
        short = orm.PROXIES.get(kind.name, kind.name).rpartition(".")[2]
        origin = f" from {kind.origin}" if kind.origin else ""
        self._report(node, "AL201", {"call": info.display, "name": receiver, "kind": short,
                                     "origin": origin}, SYNC_DB.suggestion,
                     advice("Declare the route with `def`, or use an `AsyncSession` and `await` the call"))

    # -- reporting ------------------------------------------------------------------------------
    def _report(
        self,
        node: cst.CSTNode,
        code: str,
        parts: dict[str, str],
        suggestion: str,
        fix: PendingFix | None = None,
    ) -> None:
        frame = self.frames[-1]
        frame.reports.append(self._make_report(node, code, parts, suggestion, fix))

    def _make_report(
        self,
        node: cst.CSTNode,
        code: str,
        parts: dict[str, str],
        suggestion: str,
        fix: PendingFix | None = None,
    ) -> Report:
        frame = self.frames[-1]
        owner = next((f for f in reversed(self.frames) if not f.is_lambda), frame)
        if (owner.is_route or owner.endpoint is None) and not owner.full_path and owner.function is not None:
            # the route's full path, through the routers that include it, or a dependency
            # another module declares (project-wide searches, so only once there is a finding)
            owner.endpoint = self.project.endpoint_label(self.summary, owner.qualname)
            owner.full_path = True
        return Report(
            node=node,
            code=code,
            parts={"where": where(owner), **parts},
            suggestion=suggestion,
            function=owner.qualname,
            endpoint=owner.endpoint,
            fix=fix,
        )
