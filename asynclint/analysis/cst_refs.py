"""libcst expressions → symbolic values (`values.Ref`): the checker's twin of `index/ast_refs.py`.

Both build the same Refs from the two parsers' trees; everything after that (evaluation,
classification, the tables) is shared.
"""

from __future__ import annotations

import libcst as cst

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
    OTHER_CONSTANT,
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
_ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
_GETTERS = frozenset({"get", "get_one"})
_UNIONS = frozenset({"typing.Optional", "typing.Union", "typing_extensions.Optional",
                     "typing_extensions.Union"})


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


class CstRefs:
    def __init__(self, scopes: ScopeStack) -> None:
        self.scopes = scopes
        # (receiver parameter, class qualified name) of the methods being walked, innermost last
        self.methods: list[tuple[str, str] | None] = []

    def qualified(self, node: cst.BaseExpression) -> str | None:
        parts = dotted(node)
        return self.scopes.resolve(parts) if parts else None

    def _self_class(self, name: str) -> str | None:
        for method in reversed(self.methods):
            if method is not None:
                return method[1] if method[0] == name else None
        return None

    def ref(self, node: cst.BaseExpression | None) -> Ref | None:
        if node is None:
            return None
        if isinstance(node, cst.Name):
            binding = self.scopes.lookup(node.value)
            if binding is None:
                return None
            return Name(binding.qualified) if binding.qualified is not None else binding.value
        if isinstance(node, cst.Attribute):
            if isinstance(node.value, cst.Name):
                class_name = self._self_class(node.value.value)
                if class_name is not None:
                    return SelfAttr(class_name, node.attr.value)
            qualified = self.qualified(node)
            if qualified is not None:
                return Name(qualified)
            inner = self.ref(node.value)
            return Attr(inner, node.attr.value) if inner is not None else None
        if isinstance(node, cst.Call):
            return self.call(node)
        if isinstance(node, cst.Await):
            inner = self.ref(node.expression)
            return Await(inner) if inner is not None else None
        if isinstance(node, cst.Subscript):
            inner = self.ref(node.value)
            return Item(inner, subscript=True) if inner is not None else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            return self.ref(node.left)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return one_of([self.ref(value) for value in _or_operands(node)])
        return None

    def call(self, node: cst.Call) -> Ref | None:
        func = self.ref(node.func)
        if func is None:
            return None
        if isinstance(func, Name) and func.qualified in PASSTHROUGH and node.args:
            return self.ref(node.args[0].value)  # `closing(sqlite3.connect(p))` is the connection
        keywords = []
        positional = []
        for arg in node.args:
            if arg.keyword is None:
                if not arg.star:
                    positional.append(arg.value)
                continue
            value = arg.value
            if isinstance(value, (cst.Integer, cst.SimpleString)):
                keywords.append((arg.keyword.value, keyword_constant(value.evaluated_value)))
            elif isinstance(value, (cst.Float, cst.Imaginary, cst.Ellipsis)):
                keywords.append((arg.keyword.value, OTHER_CONSTANT))  # as index/ast_refs.py keeps them
            elif isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
                keywords.append((arg.keyword.value, {"True": True, "False": False, "None": None}[value.value]))
            else:
                qualified = self.qualified(value)
                if qualified is not None:
                    keywords.append((arg.keyword.value, qualified))
        statement = self.statement(positional[0]) if positional else None
        if statement is None and isinstance(func, Attr) and func.name in _GETTERS and positional:
            model = self.qualified(positional[0])  # `session.get(Model, id)`
            if model is not None:
                has_options = any(arg.keyword and arg.keyword.value == "options" for arg in node.args)
                statement = Statement(model, None if has_options else frozenset())
        unbounded = isinstance(func, Name) and sized_queue(func.qualified) and unbounded_queue(arguments(node))
        return Call(func, tuple(keywords), statement, unbounded)

    def io_argument(self, node: cst.Call, func: Ref | None) -> Ref | None:
        """The first argument of a call whose I/O depends on it (`inspect(engine)`)."""
        if not (isinstance(func, Name) and canonical(func.qualified) in orm.ARGUMENT_IO and node.args):
            return None
        first = node.args[0]
        return self.ref(first.value) if first.keyword is None and not first.star else None

    def statement(self, node: cst.BaseExpression) -> Statement | None:
        """`select(Model).where(...).options(selectinload(Model.rel))` → Statement."""
        loaded: set[str] | None = set()
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value == "options" and loaded is not None:
                for arg in node.args:
                    name = self._loader_relationship(arg.value)
                    if name is None:
                        loaded = None
                        break
                    if name:
                        loaded.add(name)
            node = node.func.value
        if not (isinstance(node, cst.Call) and node.args):
            return None
        select = self.qualified(node.func)
        if select is None or canonical(select) not in orm.SELECT_FUNCTIONS:
            return None
        model = self.qualified(node.args[0].value)
        if model is None:
            return None
        return Statement(model, frozenset(loaded) if loaded is not None else None)

    def _loader_relationship(self, option: cst.BaseExpression) -> str | None:
        """'rel' for an eager option on `Model.rel`, '' for a lazy one, None when unknown."""
        while (
            isinstance(option, cst.Call)
            and isinstance(option.func, cst.Attribute)
            and dotted(option.func) is None
        ):
            option = option.func.value  # selectinload(A.b).selectinload(B.c): the first level
        if not isinstance(option, cst.Call) or not option.args:
            return None
        loader = self.qualified(option.func)
        short = loader.rpartition(".")[2] if loader else None
        target = option.args[0].value
        if not isinstance(target, cst.Attribute):
            return None
        if short in orm.EAGER_OPTIONS:
            return target.attr.value
        if short in orm.LAZY_OPTIONS:
            return ""
        return None

    def annotation(
        self, node: cst.BaseExpression | None, default: cst.BaseExpression | None = None
    ) -> Ref | None:
        """A parameter's Ref from its annotation and a `Depends(...)` default."""
        dependency = self.dependency(default) if default is not None else None
        annotation = None
        if isinstance(node, cst.Name):  # an alias defined in this module: `DB = Annotated[...]`
            alias = self.ref(node)
            if isinstance(alias, Annotated):
                return Annotated(alias.annotation, dependency or alias.dependency)
        if node is not None:
            node = _unquote(node)
            if isinstance(node, cst.Subscript) and self.qualified(node.value) in _ANNOTATED:
                elements = [element.slice for element in node.slice]
                values = [e.value for e in elements if isinstance(e, cst.Index)]
                if values:
                    node = _unquote(values[0])
                    for extra in values[1:]:
                        dependency = dependency or self.dependency(extra)
            members = [member for member in self._union_members(node) if not _is_none(member)]
            annotation = self.qualified(members[0]) if len(members) == 1 else None
        if annotation is None and dependency is None:
            return None
        return Annotated(annotation, dependency)

    def _union_members(self, node: cst.BaseExpression) -> list[cst.BaseExpression]:
        """`X | None`, `None | X`, `Optional[X]`, `Union[X, None]` → their members: an
        annotation names a kind only when one member is not None (`TextIO | int` is unknown)."""
        members: list[cst.BaseExpression] = []
        pending = [node]
        while pending:
            node = _unquote(pending.pop())
            if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
                pending += [node.right, node.left]
            elif isinstance(node, cst.Subscript) and self.qualified(node.value) in _UNIONS:
                items = [element.slice for element in node.slice]
                pending += reversed([item.value for item in items if isinstance(item, cst.Index)])
            else:
                members.append(node)
        return members

    def dependency(self, node: cst.BaseExpression) -> str | None:
        if not (isinstance(node, cst.Call) and node.args):
            return None
        marker = self.qualified(node.func)
        if marker is None or canonical(marker) not in _DEPENDENCY_MARKERS:
            return None
        return self.qualified(node.args[0].value)


_NAMED_CONSTANTS = {"True": True, "False": False, "None": None}


def _constant(node: cst.BaseExpression) -> object:
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString)):  # as ast.Constant reads them
        return node.evaluated_value
    if isinstance(node, cst.Name) and node.value in _NAMED_CONSTANTS:
        return _NAMED_CONSTANTS[node.value]
    return UNKNOWN


def arguments(node: cst.Call) -> Arguments:
    """A call's arguments as constants (UNKNOWN for other expressions): `index/ast_refs.py`'s."""
    positional: list[object] = []
    keywords: dict[str, object] = {}
    starred = False
    for arg in node.args:
        if arg.star:
            starred = True
        elif arg.keyword is not None:
            keywords[arg.keyword.value] = _constant(arg.value)
        elif not starred:
            positional.append(_constant(arg.value))
    return Arguments(tuple(positional), keywords, starred)


def unpacked_pairs(
    target: cst.BaseExpression, value: cst.BaseExpression
) -> list[tuple[cst.BaseExpression, cst.BaseExpression]] | None:
    """`a, b = Path(x), Path(y)`: each target with its own value (`index/ast_refs.py`'s twin);
    None unless both sides are tuples or lists of one length without a starred element."""
    if not (isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List))):
        return None
    if len(target.elements) != len(value.elements) or any(
        isinstance(element, cst.StarredElement) for element in (*target.elements, *value.elements)
    ):
        return None
    return [(left.value, right.value) for left, right in zip(target.elements, value.elements)]


def may_not_wait_call(node: cst.Call) -> bool:
    """`q.put(item, block=False)`, `lock.acquire(blocking=flag)`: see analysis/arguments.py."""
    method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
    return method is not None and method in WAIT_METHODS and may_not_wait(method, arguments(node))


def _or_operands(node: cst.BooleanOperation) -> list[cst.BaseExpression]:
    """`a or b or c` (libcst nests it to the left) as [a, b, c], like ast's BoolOp values."""
    operands: list[cst.BaseExpression] = [node.right]
    left = node.left
    # `(a or b) or c` stays nested, as in ast
    while isinstance(left, cst.BooleanOperation) and isinstance(left.operator, cst.Or) and not left.lpar:
        operands.append(left.right)
        left = left.left
    operands.append(left)
    operands.reverse()
    return operands


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _unquote(node: cst.BaseExpression) -> cst.BaseExpression:
    """A string annotation ("Session") parsed into its expression."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
            return cst.parse_expression(value) if isinstance(value, str) else node
        except (cst.ParserSyntaxError, ValueError):
            return node
    return node
