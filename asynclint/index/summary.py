"""Pass 1: a module's summary, built from the fast `ast` parser.

The summary holds what the checker and other modules need: import bindings and module-level
values (a session factory, a lock, an `Annotated` alias), function facts (calls, returns),
classes and their `self.x` values, ORM models, FastAPI routes and dependencies, and the *units*:
the outermost functions containing async code. Only units are parsed with libcst in pass 2.
A summary depends on its own file only, so it can be cached by content hash.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from asynclint.analysis import endpoints
from asynclint.analysis.names import (
    AMBIGUOUS,
    LOCAL,
    Binding,
    ScopeStack,
    import_target,
)
from asynclint.analysis.values import Ref
from asynclint.index.assigned import add_value, one_value, state_attribute
from asynclint.index.ast_refs import AstRefs, dotted, unpacked_pairs
from asynclint.index.functions import FunctionFacts, analyse_function
from asynclint.index.models import ModelFacts, model_facts
from asynclint.index.routers import MARKERS, Routing
from asynclint.index.routers import collect as collect_routing
from asynclint.index.schemas import (
    ResponseModel,
    SchemaFacts,
    response_model,
    schema_facts,
)
from asynclint.index.threadpool import MARKERS as BUDGET_MARKERS
from asynclint.index.threadpool import BudgetFacts
from asynclint.index.threadpool import collect as collect_budget

_ASYNC_DEF = re.compile(r"\basync\s+def\b")
_FRAMEWORKS = ("fastapi", "starlette")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Unit:
    """A top-most function containing async code: the slice of the file pass 2 parses."""

    start_line: int
    end_line: int
    qualname: str
    class_name: str | None


@dataclass
class ModuleSummary:
    module: str
    package: str | None = None  # what relative imports are relative to
    bindings: dict[str, Binding] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    functions: dict[str, FunctionFacts] = field(default_factory=dict)  # by local qualname
    classes: set[str] = field(default_factory=set)
    # class qualname -> its bases' qualified names, as written (`Generic[T]`: `Generic`)
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "Class.attr" -> what its methods (or a class-level annotation) assign; None: unknown
    self_attrs: dict[str, Ref | None] = field(default_factory=dict)
    # "x" -> the values this module assigns to `<request>.state.x` (None: unknown)
    state_attrs: dict[str, tuple[Ref | None, ...]] = field(default_factory=dict)
    models: dict[str, ModelFacts] = field(default_factory=dict)
    # classes with bases that may be pydantic models (resolved when a rule asks)
    schemas: dict[str, SchemaFacts] = field(default_factory=dict)
    # function qualname -> "GET /items", "Depends(get_db)", "lifespan handler", ...
    endpoints: dict[str, str] = field(default_factory=dict)
    # function qualnames that are request handlers (FastAPI would run a `def` in the threadpool)
    routes: set[str] = field(default_factory=set)
    # route qualname -> what FastAPI validates its return value against (`response_model=`,
    # else the return annotation), when that names a class
    response_models: dict[str, ResponseModel] = field(default_factory=dict)
    # routes whose return value FastAPI validates against a response model (for a `def`
    # route, one more threadpool hop after it returns)
    validated_routes: set[str] = field(default_factory=set)
    # qualified names this module passes to Depends()/Security()
    dependencies: set[str] = field(default_factory=set)
    uses_framework: bool = False
    # routers, apps and mounts, what includes what, and the nodes each route is on
    routing: Routing = field(default_factory=Routing)
    # engines, session factories and thread limits (index/threadpool.py)
    budget: BudgetFacts = field(default_factory=BudgetFacts)

    def qualified(self, local: str) -> str:
        return f"{self.module}.{local}"


class _Summariser:
    def __init__(self, lines: list[str], module: str, package: str | None) -> None:
        self.summary = ModuleSummary(module=module, package=package)
        self.scopes = ScopeStack(self.summary.bindings)
        self.refs = AstRefs(self.scopes)
        self.async_lines = [
            n for n, line in enumerate(lines, 1) if "async" in line and _ASYNC_DEF.search(line)
        ]
        self.pending: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str, str | None]] = []
        # "Class.attr" / "x" -> values assigned to `self.attr` / `<request>.state.x`
        self.attrs: dict[str, list[Ref | None]] = {}
        self.state: dict[str, list[Ref | None]] = {}
        self.declared: dict[str, Ref] = {}  # "Class.attr" -> a class-level annotation

    def bind(self, name: str, binding: Binding) -> None:
        bindings = self.summary.bindings
        previous = bindings.get(name)
        bindings[name] = binding if previous is None or previous == binding else AMBIGUOUS

    def bind_target(self, target: ast.expr, value: Ref | None = None) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, Binding(value=value) if value is not None else LOCAL)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value)

    def alias(self, value: ast.expr) -> Ref | None:
        """`DBDep = Annotated[Session, Depends(get_db)]`: an alias other modules annotate with."""
        if not isinstance(value, ast.Subscript):
            return None
        annotated = self.refs.annotation(value)
        return annotated if annotated is not None and annotated.dependency else None

    def note_framework(self, module: str) -> None:
        if module.split(".")[0] in _FRAMEWORKS:
            self.summary.uses_framework = True

    # -- module level -------------------------------------------------------------------------
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
                target = import_target(stmt.module, stmt.level, self.summary.package)
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
                value = self.alias(stmt.value) or self.refs.ref(stmt.value)
                for target in stmt.targets:
                    pairs = unpacked_pairs(target, stmt.value)
                    for name, element in pairs or ():
                        self.bind_target(name, self.refs.ref(element))
                    if pairs is None:
                        self.bind_target(target, value)
                    state = state_attribute(target)
                    if state is not None:  # `app.state.engine = create_engine(...)`
                        add_value(self.state.setdefault(state, []), value)
            elif isinstance(stmt, ast.AnnAssign):
                value = self.refs.ref(stmt.value) or self.refs.annotation(stmt.annotation)
                self.bind_target(stmt.target, value)
            elif isinstance(stmt, ast.AugAssign):
                self.bind_target(stmt.target)
            elif isinstance(stmt, _FUNCTIONS):
                self.bind(stmt.name, Binding(qualified=self.summary.qualified(stmt.name)))
                self.function(stmt, prefix="", class_name=None)
            elif isinstance(stmt, ast.ClassDef):
                self.bind(stmt.name, Binding(qualified=self.summary.qualified(stmt.name)))
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
        self.pending.append((node, qualname, class_name))

    def klass(self, node: ast.ClassDef, prefix: str) -> None:
        qualname = prefix + node.name
        self.summary.classes.add(qualname)
        facts = model_facts(node)
        if facts is not None:
            self.summary.models[qualname] = facts
        else:
            schema = schema_facts(node, self.refs)
            if schema is not None:
                self.summary.schemas[qualname] = schema
        if endpoints.is_middleware_class(node):
            self.summary.endpoints[f"{qualname}.dispatch"] = f"middleware {qualname}"
        bases = [self.refs.qualified(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases]
        if any(bases):
            self.summary.bases[qualname] = tuple(base for base in bases if base)
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                # `session: Session` declares what instances hold (dataclasses, attrs, pydantic)
                declared = self.refs.annotation(stmt.annotation)
                if declared is not None:
                    self.declared[f"{qualname}.{stmt.target.id}"] = declared
            elif isinstance(stmt, _FUNCTIONS):
                self.function(stmt, prefix=qualname + ".", class_name=qualname)
            elif isinstance(stmt, ast.ClassDef):
                self.klass(stmt, prefix=qualname + ".")

    # -- after the module level is known --------------------------------------------------------
    def analyse_functions(self) -> None:
        summary = self.summary
        for node, qualname, class_name in self.pending:
            facts, assigned = analyse_function(
                node,
                qualname,
                self.scopes,
                summary.package,
                summary.qualified(class_name) if class_name else None,
            )
            summary.functions[qualname] = facts
            if qualname in summary.routes:
                if endpoints.validates_response(node):
                    summary.validated_routes.add(qualname)
                model = response_model(endpoints.response_annotation(node), self.refs)
                if model is not None:
                    summary.response_models[qualname] = model
            for name, values in assigned.self_attrs.items():
                for value in values:
                    add_value(self.attrs.setdefault(f"{class_name}.{name}", []), value)
            for name, values in assigned.state_attrs.items():
                for value in values:
                    add_value(self.state.setdefault(name, []), value)
        # a declaration speaks for an attribute no method assigns
        for key, declared in self.declared.items():
            self.attrs.setdefault(key, [declared])
        # assigned different things in different methods: known only if they are of one kind
        summary.self_attrs = {key: one_value(values) for key, values in self.attrs.items()}
        summary.state_attrs = {key: tuple(values) for key, values in self.state.items()}


def summarise(
    tree: ast.Module, lines: list[str], module: str, package: str | None = None
) -> ModuleSummary:
    summariser = _Summariser(lines, module, package)
    summariser.module_statements(tree.body)
    summariser.analyse_functions()
    summary = summariser.summary
    if summary.uses_framework:
        dependencies = endpoints.collect_call_registrations(tree, summary.endpoints, summary.routes)
        for name in dependencies:
            binding = summary.bindings.get(name.split(".")[0])
            if binding is not None and binding.qualified is not None:
                rest = name.partition(".")[2]
                summary.dependencies.add(binding.qualified + ("." + rest if rest else ""))
    if summary.uses_framework or any(marker in line for line in lines for marker in MARKERS):
        summary.routing = collect_routing(
            tree, module, lambda parts: _resolve(summary, parts), summary.endpoints, summary.routes, lines
        )
    if any(marker in line for line in lines for marker in BUDGET_MARKERS):
        summary.budget = collect_budget(tree, lambda node: _qualify(summary, node), lines)
    return summary


def _qualify(summary: ModuleSummary, node: ast.expr) -> str | None:
    parts = dotted(node)
    return _resolve(summary, parts) if parts else None


def _resolve(summary: ModuleSummary, parts: list[str]) -> str | None:
    """A module-level name (and attributes of it) as a qualified name: `items.router` with
    `from app.api import items` is `app.api.items.router`, a router of this module is
    `<module>.router`."""
    binding = summary.bindings.get(parts[0])
    if binding is None or binding is AMBIGUOUS:
        return None
    head = binding.qualified or summary.qualified(parts[0])
    return ".".join([head, *parts[1:]])
