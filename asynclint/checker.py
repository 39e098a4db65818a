"""Pass 2: one libcst traversal of a unit (a function containing async code), all rules at once.

The visitor keeps its own scope stack and frame stack instead of libcst's metadata providers
(each of which costs several parses): it knows at every call whether the code runs on the event
loop (directly in an `async def` body, not in a nested `def`, `lambda` or class), what each
name refers to, and the kind of the objects it has seen constructed or annotated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import libcst as cst

from asynclint.analysis.kinds import (
    DIVIDES_TO_SELF,
    SUBSCRIPT_RESULTS,
    annotation_kind,
    attribute_result,
    canonical,
    constructed_kind,
    method_result,
)
from asynclint.analysis.names import LOCAL, Binding, ScopeStack, import_target
from asynclint.analysis.offload import OFFLOAD_FUNCTIONS, OFFLOAD_METHODS
from asynclint.catalog import CALLS, WITH_BLOCKS, Blocking, method_entry
from asynclint.index.summary import ModuleSummary, Unit

_EMPTY_MODULE = cst.Module(body=[])
_MAX_ARGS_TEXT = 60


@dataclass
class Frame:
    """A function (or lambda/class body) being walked."""

    qualname: str
    is_async: bool
    endpoint: str | None = None
    is_route: bool = False
    class_name: str | None = None  # the class whose method this is
    receiver: str | None = None  # the method's `self`
    has_await: bool = False
    reports: list[Report] = field(default_factory=list)


@dataclass
class Report:
    """A finding before positions and suppressions are applied."""

    node: cst.CSTNode
    code: str
    call: str
    suggestion: str
    where: str
    function: str
    endpoint: str | None


def dotted(node: cst.BaseExpression) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    parts.reverse()
    return parts


def source(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def _args_text(args: Sequence[cst.Arg]) -> str:
    pieces = []
    for arg in args:
        prefix = arg.star + (arg.keyword.value + "=" if arg.keyword else "")
        pieces.append(prefix + source(arg.value))
    text = ", ".join(pieces)
    return text if len(text) <= _MAX_ARGS_TEXT else text[: _MAX_ARGS_TEXT - 3] + "..."


class UnitChecker(cst.CSTVisitor):
    def __init__(
        self,
        summary: ModuleSummary,
        unit: Unit,
        extra_calls: Mapping[str, Blocking] | None = None,
        extra_offload: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.summary = summary
        self.unit = unit
        self.scopes = ScopeStack(summary.bindings)
        self.frames: list[Frame] = []
        self.reports: list[Report] = []
        self.calls: Mapping[str, Blocking] = {**CALLS, **(extra_calls or {})}
        self.offload_functions = OFFLOAD_FUNCTIONS | extra_offload
        self.offload_text = (
            "await run_in_threadpool" if summary.uses_framework else "await asyncio.to_thread"
        )
        self._class_names: list[str | None] = [unit.class_name]
        # id of a call written inside an offload wrapper's arguments -> the wrapper's name
        self._offloaded: dict[int, str] = {}

    # -- context --------------------------------------------------------------------------------
    @property
    def on_loop(self) -> bool:
        return bool(self.frames) and self.frames[-1].is_async

    def _bind_params(self, params: cst.Parameters) -> None:
        every = [*params.posonly_params, *params.params, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        for param in every:
            kind = self._annotation_kind(param.annotation) if param.annotation else None
            self.scopes.bind(param.name.value, Binding(kind=kind) if kind else LOCAL)

    def _annotation_kind(self, annotation: cst.Annotation) -> str | None:
        expression = annotation.annotation
        if isinstance(expression, cst.Subscript):  # Queue[int], Optional[X] is left unknown
            expression = expression.value
        parts = dotted(expression)
        qualified = self.scopes.resolve(parts) if parts else None
        return annotation_kind(qualified) if qualified else None

    def _bind_target(self, target: cst.BaseExpression, kind: str | None = None) -> None:
        if isinstance(target, cst.Name):
            self.scopes.bind(target.value, Binding(kind=kind) if kind else LOCAL)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value)

    # -- functions, lambdas, classes --------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        outer = self.frames[-1] if self.frames else None
        if outer is None:
            qualname = self.unit.qualname
        else:
            self.scopes.bind(node.name.value)
            qualname = f"{outer.qualname}.{node.name.value}"
        class_name = self._class_names[-1]
        endpoint = self.summary.endpoints.get(qualname)
        params = node.params.posonly_params or node.params.params
        frame = Frame(
            qualname=qualname,
            is_async=node.asynchronous is not None,
            endpoint=endpoint,
            is_route=qualname in self.summary.routes,
            class_name=class_name,
            receiver=params[0].name.value if class_name and params else None,
        )
        self.frames.append(frame)
        self._class_names.append(None)
        self.scopes.push()
        self._bind_params(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        frame = self.frames.pop()
        self._class_names.pop()
        self.scopes.pop()
        if frame.is_route and frame.is_async and not frame.has_await:
            name = original_node.name.value
            hint = f"; or declare `{name}` with `def` so FastAPI runs it in the threadpool"
            for report in frame.reports:
                report.suggestion += hint
        self.reports.extend(frame.reports)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        outer = self.frames[-1] if self.frames else None
        self.frames.append(Frame(qualname=outer.qualname if outer else "<lambda>", is_async=False))
        self.scopes.push()
        self._bind_params(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.frames.pop()
        self.scopes.pop()
        # A lambda's body is an expression: nothing it "reports" can run on the loop.

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        outer = self.frames[-1] if self.frames else None
        self.scopes.bind(node.name.value)
        qualname = f"{outer.qualname}.{node.name.value}" if outer else node.name.value
        self.frames.append(Frame(qualname=qualname, is_async=False))
        self._class_names.append(qualname)
        self.scopes.push(is_class=True)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        frame = self.frames.pop()
        self.reports.extend(frame.reports)
        self._class_names.pop()
        self.scopes.pop()

    # -- bindings -------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            parts = dotted(alias.name) or []
            full = ".".join(parts)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scopes.bind_import(alias.asname.name.value, full)
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
            name = alias.name.value if isinstance(alias.name, cst.Name) else None
            if name is None:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            if target:
                self.scopes.bind_import(local, f"{target}.{name}")
            else:
                self.scopes.bind(local)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        kind = self.kind_of(original_node.value)
        for target in original_node.targets:
            self._bind_target(target.target, kind)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        kind = None
        if original_node.value is not None:
            kind = self.kind_of(original_node.value)
        kind = kind or self._annotation_kind(original_node.annotation)
        self._bind_target(original_node.target, kind)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)
        if node.asynchronous is not None:
            self._mark_await()

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target)
        if node.asynchronous is not None:
            self._mark_await()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._mark_await()
        for item in node.items:
            kind = self.kind_of(item.item)
            if node.asynchronous is None and kind is not None and self.on_loop:
                entry = WITH_BLOCKS.get(kind)
                if entry is not None:
                    self._report(item.item, entry, f"`with {source(item.item)}` ({kind})", "", source(item.item))
            if item.asname is not None:
                self._bind_target(item.asname.name, kind)

    def visit_Await(self, node: cst.Await) -> None:
        self._mark_await()

    def _mark_await(self) -> None:
        if self.frames:
            self.frames[-1].has_await = True

    # -- kinds ----------------------------------------------------------------------------------
    def kind_of(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Name):
            binding = self.scopes.lookup(node.value)
            return binding.kind if binding is not None else None
        if isinstance(node, cst.Call):
            parts = dotted(node.func)
            if parts is not None:
                qualified = self.scopes.resolve(parts)
                if qualified is not None:
                    return constructed_kind(qualified)
            if isinstance(node.func, cst.Attribute):
                receiver = self.kind_of(node.func.value)
                if receiver is not None:
                    return method_result(receiver, node.func.attr.value)
            return None
        if isinstance(node, cst.Attribute):
            attribute = node.attr.value
            frame = self._method_frame()
            if (
                frame is not None
                and isinstance(node.value, cst.Name)
                and node.value.value == frame.receiver
            ):
                return self.summary.attribute_kinds.get(f"{frame.class_name}.{attribute}")
            receiver = self.kind_of(node.value)
            return attribute_result(receiver, attribute) if receiver else None
        if isinstance(node, cst.Subscript):
            receiver = self.kind_of(node.value)
            return SUBSCRIPT_RESULTS.get(receiver) if receiver else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            left = self.kind_of(node.left)
            return left if left in DIVIDES_TO_SELF else None
        return None

    def _method_frame(self) -> Frame | None:
        for frame in reversed(self.frames):
            if frame.receiver is not None:
                return frame
        return None

    # -- calls ----------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self.on_loop:
            return
        func = node.func
        parts = dotted(func)
        qualified = self.scopes.resolve(parts) if parts else None
        if qualified is not None:
            qualified = canonical(qualified)
            if qualified in self.offload_functions:
                self._note_offload(node, qualified)
                return
            entry = self.calls.get(qualified)
            if entry is not None:
                display = qualified.removeprefix("builtins.") + "()"
                self._report(node, entry, display, qualified.rpartition(".")[2], source(func), node.args)
            return
        if isinstance(func, cst.Attribute):
            receiver = self.kind_of(func.value)
            if receiver is not None:
                method = func.attr.value
                if f"{receiver}.{method}" in OFFLOAD_METHODS:
                    self._note_offload(node, method)
                    return
                entry = method_entry(receiver, method)
                if entry is not None:
                    self._report(node, entry, f"{receiver}.{method}()", method, source(func), node.args)

    def _note_offload(self, node: cst.Call, wrapper: str) -> None:
        for arg in node.args:
            if isinstance(arg.value, cst.Call):
                self._offloaded[id(arg.value)] = wrapper.rpartition(".")[2]

    def _report(
        self,
        node: cst.CSTNode,
        entry: Blocking,
        call: str,
        method: str,
        func_text: str,
        args: Sequence[cst.Arg] = (),
    ) -> None:
        frame = self.frames[-1]
        args_text = _args_text(args)
        func_args = func_text + (", " + args_text if args_text else "")
        wrapper = self._offloaded.get(id(node))
        if wrapper is not None:
            suggestion = (
                f"the call runs on the event loop before `{wrapper}` receives its result; "
                f"pass the callable and its arguments: `await {wrapper}({func_args})`"
            )
        else:
            suggestion = entry.suggestion.format(
                args=args_text or "...",
                method=method or "get",
                func_args=func_args,
                offload=self.offload_text,
            )
        frame.reports.append(
            Report(
                node=node,
                code=entry.code,
                call=call,
                suggestion=suggestion,
                where=_where(frame),
                function=frame.qualname,
                endpoint=frame.endpoint,
            )
        )


def _where(frame: Frame) -> str:
    if frame.endpoint is None:
        return f"async function {frame.qualname}"
    if frame.is_route:
        return f"async endpoint {frame.endpoint} ({frame.qualname})"
    if frame.endpoint.startswith("Depends("):
        return f"async dependency {frame.qualname}"
    return f"{frame.endpoint} {frame.qualname}"
