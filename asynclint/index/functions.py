"""What a function does, for other modules: the calls it makes and what it returns or yields.

Call sites are stored as symbolic `Ref`s; whether one blocks (`requests.get`, a sync Session's
`query`) or reaches a project helper is decided when a rule asks (`index/project.py`), so the
summary depends on this file only.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from asynclint.analysis.decorators import MEMOISERS
from asynclint.analysis.generators import iterated_arguments
from asynclint.analysis.names import LOCAL, Binding, ScopeStack, import_target
from asynclint.analysis.usage import Uses, ast_uses, decided, target_key
from asynclint.analysis.values import Annotated, Attr, Item, Name, Ref
from asynclint.index.assigned import Assigned, add_value, state_attribute
from asynclint.index.ast_refs import AstRefs, dotted, may_not_wait_call, unpacked_pairs
from asynclint.index.declarations import (
    declared_return,
    declares_async_iterator,
    decorated_by,
    decorator_name,
)
from asynclint.index.depends import decorator_dependencies, may_be_alias
from asynclint.index.load_once import guarded_after, load_once_guard
from asynclint.index.loop_guard import loopless_after, loopless_branch
from asynclint.index.param_reads import parameter_reads


@dataclass(frozen=True)
class CallSite:
    func: Ref
    line: int
    text: str  # the callee as written, for messages: "requests.get", "db.query"
    is_with: bool = False  # `with obj:` (a lock's __enter__)
    # Under a load-once guard (`if _CACHE is None: _CACHE = load()`): runs once per process.
    once: bool = False
    # `put(item, block=False)`, `acquire(blocking=flag)`: a wait flag not known to be true.
    may_not_wait: bool = False
    # Its result is iterated where it is written (`for x in f()`, `list(f())`, `yield from`):
    # only then does a generator function's body run.
    iterated: bool = False
    # The first argument of a call whose I/O depends on it (`inspect(engine)`), else None.
    argument: Ref | None = None
    # In the branch of a running-loop guard taken without a loop (`index/loop_guard.py`):
    # async code never reaches it.
    loopless: bool = False


@dataclass(frozen=True)
class FunctionFacts:
    qualname: str
    line: int
    is_async: bool
    calls: tuple[CallSite, ...] = ()
    returns: Ref | None = None
    decorators: tuple[str, ...] = ()  # dotted names, as written (`functools.lru_cache`)
    # Decorated with functools' cache, lru_cache or cached_property (resolved through imports):
    # the body runs once per argument set, so it blocks once, not in the steady state.
    memoised: bool = False
    yields: bool = False  # its own body has a `yield` (not one in a nested def or lambda)
    # Declared to return AsyncIterator/AsyncGenerator/AsyncIterable (typing or collections.abc).
    returns_async_iterator: bool = False
    # A module-level function's parameters read as `param.attr` on every call: name ->
    # attributes (index/param_reads.py), and its positional parameters in order (kept only
    # when some are read), so a call's arguments can be matched to them.
    param_reads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    params: tuple[str, ...] = ()
    # What FastAPI would resolve for it, were it a route or a dependency: each parameter's
    # `Depends(...)` and annotation that may be an `Annotated` alias, and the route
    # decorator's `dependencies=[Depends(...)]` (only for module-level functions with any)
    depends: tuple[Annotated, ...] = ()


def _text(node: ast.expr) -> str:
    parts = dotted(node)
    if parts is not None:
        return ".".join(parts)
    if isinstance(node, ast.Attribute):
        return f"<expr>.{node.attr}"
    return "<expr>"


# Fields no fact comes from (annotations and decorators are read where needed, not walked).
_SKIPPED_FIELDS = frozenset({"ctx", "type_comment", "annotation", "returns", "decorator_list", "type_params"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_HANDLERS: dict[type, object] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = _CHILD_FIELDS[node_type] = tuple(
            name for name in node_type._fields if name not in _SKIPPED_FIELDS
        )
    return fields


class _Body(ast.NodeVisitor):
    """A NodeVisitor with cached dispatch: it runs over every function of every summarised
    module, so the per-node cost of `ast.NodeVisitor` (name building, `iter_fields`) matters."""

    def __init__(self, refs: AstRefs, package: str | None, body: list[ast.stmt] | None = None) -> None:
        self.refs = refs
        self.body = body or []
        self._uses: Uses | None = None
        self.scopes = refs.scopes
        self.package = package
        self.calls: list[CallSite] = []
        self.returned: list[Ref] = []
        # `self.x = value` in a method: attribute name -> the values assigned (None: unknown)
        self.self_attrs: dict[str, list[Ref | None]] = {}
        # `request.state.x = value`: attribute name -> the values assigned (None: unknown)
        self.state_attrs: dict[str, list[Ref | None]] = {}
        self.yields = False
        self.globals: set[str] = set()  # names declared `global` so far
        self.once = 0  # > 0 inside a load-once guard
        self.loopless = 0  # > 0 in a branch that runs only without an event loop
        self.iterated: set[int] = set()  # ids of the calls iterated where they are written

    @property
    def guards(self) -> bool:
        """Whether a load-once guard can appear: a sentinel is a `global` name or, in a
        method, an attribute of the instance."""
        return bool(self.globals) or self.refs.receiver is not None

    def block(self, statements: list[ast.stmt]) -> None:
        """A statement list, in order; after an early-return load-once guard (`if _CACHE is not
        None: return _CACHE`) the rest of the list runs once per process."""
        for index, statement in enumerate(statements):
            self.visit(statement)
            if isinstance(statement, ast.If) and loopless_after(statement, self.refs.qualified):
                self.loopless += 1
                for later in statements[index + 1:]:
                    self.visit(later)
                self.loopless -= 1
                return
            if self.guards and isinstance(statement, ast.If):
                rest = statements[index + 1:]
                if guarded_after(statement, rest, self.globals, self.refs.receiver):
                    self.once += 1
                    for later in rest:
                        self.visit(later)
                    self.once -= 1
                    return

    def visit(self, node: ast.AST) -> None:
        node_type = type(node)
        handler = _HANDLERS.get(node_type, _HANDLERS)
        if handler is _HANDLERS:
            handler = _HANDLERS[node_type] = getattr(_Body, f"visit_{node_type.__name__}", None)
        if handler is not None:
            handler(self, node)  # type: ignore[operator]
        else:
            self.generic_visit(node)

    def uses(self) -> Uses:
        """How the function's calls use each name (`analysis/usage.py`), scanned on demand."""
        if self._uses is None:
            self._uses = ast_uses(self.body)
        return self._uses

    def generic_visit(self, node: ast.AST) -> None:
        for name in _child_fields(type(node)):
            value = getattr(node, name, None)
            if isinstance(value, list):
                if self.guards and value and isinstance(value[0], ast.stmt):
                    self.block(value)
                    continue
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:
        pass

    def visit_Name(self, node: ast.Name) -> None:
        pass

    def bind(self, target: ast.expr, value: Ref | None = None, none: bool = False) -> None:
        """Bind `target` to `value`; `none`: the value is the constant None, which a later call
        on the attribute cannot have (`self._client = None` until it is built lazily)."""
        if (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == self.refs.receiver
        ):
            if not none:
                add_value(self.self_attrs.setdefault(target.attr, []), value)
        elif isinstance(target, ast.Attribute) and state_attribute(target) is not None:
            if not none:
                add_value(self.state_attrs.setdefault(target.attr, []), value)
        elif isinstance(target, ast.Name):
            self.scopes.bind(target.id, Binding(value=value) if value is not None else LOCAL)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element)
        elif isinstance(target, ast.Starred):
            self.bind(target.value)

    # Nested scopes are functions of their own: bind the name, do not walk the body.
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scopes.bind(node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scopes.bind(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        pass

    def visit_Global(self, node: ast.Global) -> None:
        self.globals.update(node.names)

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        once = 1 if self.guards and load_once_guard(node, self.globals, self.refs.receiver) else 0
        branch = loopless_branch(node.test, self.refs.qualified)
        self.once += once
        self.loopless += branch == "body"
        self.block(node.body)
        self.loopless -= branch == "body"
        self.once -= once
        self.loopless += branch == "orelse"
        self.block(node.orelse)
        self.loopless -= branch == "orelse"

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.scopes.bind_import(alias.asname, alias.name)
            else:
                top = alias.name.split(".")[0]
                self.scopes.bind_import(top, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = import_target(node.module, node.level, self.package)
        for alias in node.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            if target:
                self.scopes.bind_import(local, f"{target}.{alias.name}")
            else:
                self.scopes.bind(local)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        value = self.refs.ref(node.value)
        none = isinstance(node.value, ast.Constant) and node.value.value is None
        for target in node.targets:
            pairs = unpacked_pairs(target, node.value)
            for name, element in pairs or ():
                self.bind(name, self.refs.ref(element))
            if pairs is None:
                self.bind(target, decided(value, target_key(dotted(target)), self.uses), none)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        value = self.refs.ref(node.value) or self.refs.annotation(node.annotation)
        self.bind(node.target, decided(value, target_key(dotted(node.target)), self.uses))

    def _iterates(self, node: ast.expr) -> None:
        if isinstance(node, (ast.Call, ast.GeneratorExp)):
            self.iterated.add(id(node))

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) -> None:
        # A generator expression is lazy: its sources run only when it is iterated itself.
        if not isinstance(node, ast.GeneratorExp) or id(node) in self.iterated:
            for generator in node.generators:
                if not generator.is_async:
                    self._iterates(generator.iter)
        self.generic_visit(node)

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp  # type: ignore[assignment]

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        if isinstance(node, ast.For):
            self._iterates(node.iter)
        self.visit(node.iter)
        iterable = self.refs.ref(node.iter)
        self.bind(node.target, Item(iterable) if iterable is not None else None)
        self.block(node.body)
        self.block(node.orelse)

    visit_AsyncFor = visit_For  # type: ignore[assignment]

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            value = self.refs.ref(item.context_expr)
            if isinstance(node, ast.With) and value is not None:
                self.calls.append(
                    CallSite(Attr(value, "__enter__"), item.context_expr.lineno,
                             _text(item.context_expr), is_with=True, once=self.once > 0,
                             loopless=self.loopless > 0)
                )
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value)
        self.block(node.body)

    visit_AsyncWith = visit_With  # type: ignore[assignment]

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scopes.bind(node.name)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target, self.refs.ref(node.value))

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.visit(node.iter)
        self.bind(node.target)
        for condition in node.ifs:
            self.visit(condition)

    def visit_Call(self, node: ast.Call) -> None:
        func = self.refs.ref(node.func)
        iterated = id(node) in self.iterated
        if func is not None:
            self.calls.append(
                CallSite(func, node.lineno, _text(node.func), once=self.once > 0, loopless=self.loopless > 0,
                         may_not_wait=may_not_wait_call(node), iterated=iterated,
                         argument=self.refs.io_argument(node, func))
            )
        positions = iterated_arguments(func.qualified if isinstance(func, Name) else None, iterated)
        if positions is not None:
            for arg in node.args[positions]:
                self._iterates(arg)
        self.generic_visit(node)

    def visit_Starred(self, node: ast.Starred) -> None:
        self._iterates(node.value)  # `f(*rows())`, `[*rows()]`
        self.generic_visit(node)

    def _returned(self, value: ast.expr | None) -> None:
        ref = self.refs.ref(value)
        if ref is not None:
            self.returned.append(ref)

    def visit_Return(self, node: ast.Return) -> None:
        self.generic_visit(node)
        self._returned(node.value)

    def visit_Yield(self, node: ast.Yield) -> None:
        self.yields = True
        self.generic_visit(node)
        self._returned(node.value)

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        self.yields = True
        self._iterates(node.value)
        self.generic_visit(node)


def analyse_function(
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    qualname: str,
    scopes: ScopeStack,
    package: str | None,
    class_name: str | None,
) -> tuple[FunctionFacts, Assigned]:
    """Facts of one function, and its `self.x = ...` and `request.state.x = ...` assignments.

    `scopes` holds the module bindings (a scope is pushed and popped)."""
    refs = AstRefs(scopes)
    # Decorators are evaluated in the enclosing scope, before the function's own.
    memoised = any(refs.qualified(decorated_by(d)) in MEMOISERS for d in node.decorator_list)
    scopes.push()
    try:
        arguments = node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        if class_name and positional:
            refs.receiver, refs.class_name = positional[0].arg, class_name
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
        defaults += list(arguments.defaults)
        pairs = list(zip(positional, defaults)) + list(zip(arguments.kwonlyargs, arguments.kw_defaults))
        depends: list[Annotated] = []
        for arg, default in pairs:
            value = refs.annotation(arg.annotation, default)
            scopes.bind(arg.arg, Binding(value=value) if value is not None else LOCAL)
            if isinstance(value, Annotated) and (value.dependency or may_be_alias(value.annotation)):
                depends.append(value)
        depends += decorator_dependencies(node, refs)
        for star in (arguments.vararg, arguments.kwarg):
            if star is not None:
                scopes.bind(star.arg)
        body = _Body(refs, package, node.body)
        body.block(node.body)
        returns = body.returned[0] if body.returned else declared_return(node.returns, refs)
        reads = parameter_reads(node) if class_name is None and "." not in qualname else {}
        facts = FunctionFacts(
            qualname=qualname,
            line=node.lineno,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            calls=tuple(body.calls),
            returns=returns,
            decorators=tuple(decorator_name(decorator) for decorator in node.decorator_list),
            memoised=memoised,
            yields=body.yields,
            returns_async_iterator=declares_async_iterator(node.returns, refs),
            param_reads=reads,
            params=tuple(arg.arg for arg in positional) if reads else (),
            depends=tuple(depends) if class_name is None and "." not in qualname else (),
        )
        return facts, Assigned(body.self_attrs, body.state_attrs)
    finally:
        scopes.pop()
