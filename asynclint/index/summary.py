"""Pass 1: a module's summary, built from the fast `ast` parser.

The summary holds the module-level facts the checker needs (import bindings, kinds of module
objects, FastAPI routes and dependencies, `self.x` kinds of classes) and the *units*: the
outermost functions that contain async code. Only units are parsed with libcst in pass 2, so a
large module with one `async def` pays for that function, not for the whole file.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from asynclint.analysis import endpoints
from asynclint.analysis.kinds import annotation_kind, constructed_kind
from asynclint.analysis.names import AMBIGUOUS, LOCAL, Binding, import_target

_ASYNC_DEF = re.compile(r"\basync\s+def\b")
_FRAMEWORKS = ("fastapi", "starlette")


@dataclass(frozen=True)
class Unit:
    """A top-most function containing async code: the slice of the file pass 2 parses."""

    start_line: int
    end_line: int
    qualname: str
    class_name: str | None


@dataclass
class ModuleSummary:
    module: str | None
    package: str | None = None  # what relative imports are relative to
    bindings: dict[str, Binding] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    # function qualname -> "GET /items", "Depends(get_db)", "lifespan", ...
    endpoints: dict[str, str] = field(default_factory=dict)
    # function qualnames that are request handlers (FastAPI would run a `def` in the threadpool)
    routes: set[str] = field(default_factory=set)
    # "Class.attr" -> kind of `self.attr`
    attribute_kinds: dict[str, str] = field(default_factory=dict)
    uses_framework: bool = False


def dotted(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return parts


class _Summariser:
    def __init__(self, lines: list[str], module: str | None, package: str | None) -> None:
        self.summary = ModuleSummary(module=module, package=package)
        self.package = package
        self.async_lines = [n for n, line in enumerate(lines, 1) if "async" in line and _ASYNC_DEF.search(line)]

    # -- name resolution over module-level bindings -------------------------------------------
    def resolve(self, node: ast.expr) -> str | None:
        parts = dotted(node)
        if parts is None:
            return None
        binding = self.summary.bindings.get(parts[0])
        if binding is None:
            return None
        if binding.qualified is None:
            return None
        return ".".join([binding.qualified, *parts[1:]])

    def kind_of(self, value: ast.expr | None) -> str | None:
        if isinstance(value, ast.Call):
            callee = self.resolve(value.func)
            return constructed_kind(callee) if callee else None
        return None

    def bind(self, name: str, binding: Binding) -> None:
        bindings = self.summary.bindings
        previous = bindings.get(name)
        bindings[name] = binding if previous is None or previous == binding else AMBIGUOUS

    def bind_target(self, target: ast.expr, kind: str | None = None) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, Binding(kind=kind) if kind else LOCAL)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value)

    # -- the walk -------------------------------------------------------------------------------
    def module_statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        self.bind(alias.asname, Binding(qualified=alias.name))
                    else:
                        top = alias.name.split(".")[0]
                        self.bind(top, Binding(qualified=top))
                    self.note_framework(alias.name)
            elif isinstance(stmt, ast.ImportFrom):
                target = import_target(stmt.module, stmt.level, self.package)
                if target:
                    self.note_framework(target)
                for alias in stmt.names:
                    if alias.name == "*":
                        continue
                    local = alias.asname or alias.name
                    self.bind(local, Binding(qualified=f"{target}.{alias.name}") if target else LOCAL)
            elif isinstance(stmt, ast.Assign):
                if isinstance(stmt.value, ast.Constant) and stmt.value.value is None:
                    continue  # `requests = None` in an ImportError fallback does not shadow
                kind = self.kind_of(stmt.value)
                for target in stmt.targets:
                    self.bind_target(target, kind)
            elif isinstance(stmt, ast.AnnAssign):
                kind = self.kind_of(stmt.value) or self.annotated_kind(stmt.annotation)
                self.bind_target(stmt.target, kind)
            elif isinstance(stmt, ast.AugAssign):
                self.bind_target(stmt.target)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.bind(stmt.name, LOCAL)
                self.function(stmt, prefix="", class_name=None)
            elif isinstance(stmt, ast.ClassDef):
                self.bind(stmt.name, LOCAL)
                self.klass(stmt, prefix="")
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                self.bind_target(stmt.target)
                self.module_statements(stmt.body)
                self.module_statements(stmt.orelse)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        self.bind_target(item.optional_vars)
                self.module_statements(stmt.body)
            elif isinstance(stmt, (ast.If, ast.While)):
                self.module_statements(stmt.body)
                self.module_statements(stmt.orelse)
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                self.module_statements(stmt.body)  # type: ignore[attr-defined]
                for handler in stmt.handlers:  # type: ignore[attr-defined]
                    self.module_statements(handler.body)
                self.module_statements(stmt.orelse)  # type: ignore[attr-defined]
                self.module_statements(stmt.finalbody)  # type: ignore[attr-defined]

    def note_framework(self, module: str) -> None:
        if module.split(".")[0] in _FRAMEWORKS:
            self.summary.uses_framework = True

    def annotated_kind(self, annotation: ast.expr | None) -> str | None:
        if annotation is None:
            return None
        qualified = self.resolve(annotation)
        return annotation_kind(qualified) if qualified else None

    def contains_async_def(self, node: ast.stmt) -> bool:
        end = node.end_lineno or node.lineno
        return any(node.lineno <= line <= end for line in self.async_lines)

    def function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str, class_name: str | None
    ) -> None:
        qualname = prefix + node.name
        label = endpoints.decorator_label(node, self.summary.uses_framework)
        if label is not None:
            self.summary.endpoints[qualname] = label
            if endpoints.is_route_label(label):
                self.summary.routes.add(qualname)
        if isinstance(node, ast.AsyncFunctionDef) or self.contains_async_def(node):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            self.summary.units.append(
                Unit(start, node.end_lineno or node.lineno, qualname, class_name)
            )

    def klass(self, node: ast.ClassDef, prefix: str) -> None:
        qualname = prefix + node.name
        if not self.contains_async_def(node):
            return
        if endpoints.is_middleware_class(node):
            self.summary.endpoints[f"{qualname}.dispatch"] = f"middleware {qualname}"
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.function(stmt, prefix=qualname + ".", class_name=qualname)
                self.attribute_kinds(stmt, qualname)
            elif isinstance(stmt, ast.ClassDef):
                self.klass(stmt, prefix=qualname + ".")

    def attribute_kinds(self, method: ast.FunctionDef | ast.AsyncFunctionDef, class_name: str) -> None:
        """Record `self.x = Ctor(...)` so `self.x.method()` in another method is understood."""
        if not method.args.args:
            return
        receiver = method.args.args[0].arg
        kinds = self.summary.attribute_kinds
        for node in ast.walk(method):
            if isinstance(node, ast.Assign):
                targets, value, annotation = node.targets, node.value, None
            elif isinstance(node, ast.AnnAssign):
                targets, value, annotation = [node.target], node.value, node.annotation
            else:
                continue
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == receiver
                ):
                    kind = self.kind_of(value) or self.annotated_kind(annotation)
                    key = f"{class_name}.{target.attr}"
                    if kind and kinds.get(key, kind) == kind:
                        kinds[key] = kind
                    else:
                        kinds[key] = ""  # assigned different things: unknown


def summarise(
    tree: ast.Module, lines: list[str], module: str | None = None, package: str | None = None
) -> ModuleSummary:
    summariser = _Summariser(lines, module, package)
    summariser.module_statements(tree.body)
    summary = summariser.summary
    summary.attribute_kinds = {k: v for k, v in summary.attribute_kinds.items() if v}
    if summary.uses_framework:
        endpoints.collect_call_registrations(tree, summary.endpoints, summary.routes)
    return summary

