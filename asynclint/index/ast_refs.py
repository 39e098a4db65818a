"""ast expressions → symbolic values (`values.Ref`), resolving names through a scope stack."""

from __future__ import annotations

import ast

from asynclint.analysis import orm
from asynclint.analysis.arguments import (
    UNKNOWN,
    WAIT_METHODS,
    Arguments,
    may_not_wait,
    sized_queue,
    unbounded_queue,
)
from asynclint.analysis.kinds import canonical
from asynclint.analysis.names import ScopeStack
from asynclint.analysis.values import (
    PASSTHROUGH,
    Annotated,
    Attr,
    Await,
    Call,
    Item,
    Name,
    Ref,
    SelfAttr,
    Statement,
    keyword_constant,
    one_of,
)

_DEPENDENCY_MARKERS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends",
                                 "fastapi.params.Security"})


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


class AstRefs:
    """Builds Refs for expressions in the current scope. `receiver`/`class_name` describe the
    method being analysed, so `self.x` becomes a SelfAttr."""

    def __init__(self, scopes: ScopeStack) -> None:
        self.scopes = scopes
        self.receiver: str | None = None
        self.class_name: str | None = None

    def qualified(self, node: ast.expr) -> str | None:
        parts = dotted(node)
        return self.scopes.resolve(parts) if parts else None

    def ref(self, node: ast.expr | None) -> Ref | None:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            binding = self.scopes.lookup(node.id)
            if binding is None:
                return None
            if binding.qualified is not None:
                return Name(binding.qualified)
            return binding.value
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == self.receiver and self.class_name:
                return SelfAttr(self.class_name, node.attr)
            qualified = self.qualified(node)
            if qualified is not None:
                return Name(qualified)
            inner = self.ref(node.value)
            return Attr(inner, node.attr) if inner is not None else None
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Await):
            inner = self.ref(node.value)
            return Await(inner) if inner is not None else None
        if isinstance(node, ast.Subscript):
            inner = self.ref(node.value)
            return Item(inner, subscript=True) if inner is not None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self.ref(node.left)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return one_of([self.ref(value) for value in node.values])
        return None

    def call(self, node: ast.Call) -> Ref | None:
        func = self.ref(node.func)
        if func is None:
            return None
        if isinstance(func, Name) and func.qualified in PASSTHROUGH and node.args:
            return self.ref(node.args[0])  # `closing(sqlite3.connect(p))` is the connection
        keywords = []
        for keyword in node.keywords:
            if keyword.arg is None:
                continue
            value = keyword.value
            if isinstance(value, ast.Constant):
                keywords.append((keyword.arg, keyword_constant(value.value)))
            else:
                qualified = self.qualified(value)
                if qualified is not None:
                    keywords.append((keyword.arg, qualified))
        statement = self.statement(node.args[0]) if node.args else None
        if statement is None and isinstance(func, Attr) and func.name in _GETTERS and node.args:
            model = self.qualified(node.args[0])  # `session.get(Model, id)`
            if model is not None:
                has_options = any(keyword.arg == "options" for keyword in node.keywords)
                statement = Statement(model, None if has_options else frozenset())
        unbounded = isinstance(func, Name) and sized_queue(func.qualified) and unbounded_queue(arguments(node))
        return Call(func, tuple(keywords), statement, unbounded)

    def io_argument(self, node: ast.Call, func: Ref | None) -> Ref | None:
        """The first argument of a call whose I/O depends on it (`inspect(engine)`)."""
        if not (isinstance(func, Name) and canonical(func.qualified) in orm.ARGUMENT_IO and node.args):
            return None
        first = node.args[0]
        return self.ref(first) if not isinstance(first, ast.Starred) else None

    def statement(self, node: ast.expr) -> Statement | None:
        """`select(Model).where(...).options(selectinload(Model.rel))` → Statement."""
        loaded: set[str] | None = set()
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "options" and loaded is not None:
                for option in node.args:
                    name = self._loader_relationship(option)
                    if name is None:
                        loaded = None
                        break
                    if name:
                        loaded.add(name)
            node = node.func.value
        if not (isinstance(node, ast.Call) and node.args):
            return None
        select = self.qualified(node.func)
        if select is None or canonical(select) not in orm.SELECT_FUNCTIONS:
            return None
        model = self.qualified(node.args[0])
        if model is None:
            return None
        return Statement(model, frozenset(loaded) if loaded is not None else None)

    def _loader_relationship(self, option: ast.expr) -> str | None:
        """'rel' for an eager option on `Model.rel`, '' for a lazy one, None when unknown."""
        while isinstance(option, ast.Call) and isinstance(option.func, ast.Attribute) and not dotted(option.func):
            option = option.func.value  # selectinload(A.b).selectinload(B.c): the first level
        if not isinstance(option, ast.Call) or not option.args:
            return None
        loader = self.qualified(option.func)
        short = loader.rpartition(".")[2] if loader else None
        target = option.args[0]
        if not isinstance(target, ast.Attribute):
            return None
        if short in orm.EAGER_OPTIONS:
            return target.attr
        if short in orm.LAZY_OPTIONS:
            return ""
        return None

    def annotation(self, node: ast.expr | None, default: ast.expr | None = None) -> Ref | None:
        """A parameter's Ref from its annotation and a `Depends(...)` default."""
        dependency = self.dependency(default) if default is not None else None
        annotation = None
        if isinstance(node, ast.Name):  # an alias defined in this module: `DB = Annotated[...]`
            alias = self.ref(node)
            if isinstance(alias, Annotated):
                return Annotated(alias.annotation, dependency or alias.dependency)
        if node is not None:
            node = _unquote(node)
            if isinstance(node, ast.Subscript) and self.qualified(node.value) in (
                "typing.Annotated", "typing_extensions.Annotated"
            ):
                elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                node = _unquote(elements[0])
                for extra in elements[1:]:
                    dependency = dependency or self.dependency(extra)
            members = [member for member in self._union_members(node) if not _is_none(member)]
            annotation = self.qualified(members[0]) if len(members) == 1 else None
        if annotation is None and dependency is None:
            return None
        return Annotated(annotation, dependency)

    def _union_members(self, node: ast.expr) -> list[ast.expr]:
        """`X | None`, `None | X`, `Optional[X]`, `Union[X, None]` → their members: an
        annotation names a kind only when one member is not None (`TextIO | int` is unknown)."""
        members: list[ast.expr] = []
        pending = [node]
        while pending:
            node = _unquote(pending.pop())
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                pending += [node.right, node.left]
            elif isinstance(node, ast.Subscript) and self.qualified(node.value) in _UNIONS:
                items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                pending += reversed(items)
            else:
                members.append(node)
        return members

    def dependency(self, node: ast.expr) -> str | None:
        if not (isinstance(node, ast.Call) and node.args):
            return None
        marker = self.qualified(node.func)
        if marker is None or canonical(marker) not in _DEPENDENCY_MARKERS:
            return None
        return self.qualified(node.args[0])


_GETTERS = frozenset({"get", "get_one"})
_UNIONS = frozenset({"typing.Optional", "typing.Union", "typing_extensions.Optional",
                     "typing_extensions.Union"})


def arguments(node: ast.Call) -> Arguments:
    """A call's arguments as constants (UNKNOWN for other expressions)."""
    positional: list[object] = []
    starred = False
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            starred = True
            break
        positional.append(arg.value if isinstance(arg, ast.Constant) else UNKNOWN)
    keywords: dict[str, object] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            starred = True
        else:
            keywords[keyword.arg] = keyword.value.value if isinstance(keyword.value, ast.Constant) else UNKNOWN
    return Arguments(tuple(positional), keywords, starred)


def unpacked_pairs(target: ast.expr, value: ast.expr) -> list[tuple[ast.expr, ast.expr]] | None:
    """`a, b = Path(x), Path(y)`: each target with its own value (`analysis/cst_refs.py`'s twin);
    None unless both sides are tuples or lists of one length without a starred element."""
    if not (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))):
        return None
    if len(target.elts) != len(value.elts) or any(
        isinstance(element, ast.Starred) for element in (*target.elts, *value.elts)
    ):
        return None
    return list(zip(target.elts, value.elts))


def may_not_wait_call(node: ast.Call) -> bool:
    """`q.put(item, block=False)`, `lock.acquire(blocking=flag)`: see analysis/arguments.py."""
    method = node.func.attr if isinstance(node.func, ast.Attribute) else None
    return method is not None and method in WAIT_METHODS and may_not_wait(method, arguments(node))


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _unquote(node: ast.expr) -> ast.expr:
    """A string annotation ("Session") parsed into its expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return node
    return node
