"""ORM model facts: columns, relationships and how they load, columns the database fills in on
UPDATE."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from asynclint.index.ast_refs import dotted

_RELATIONSHIPS = frozenset({"relationship", "Relationship", "relation"})
_COLUMNS = frozenset({"mapped_column", "Column", "Field"})
# Column-like attributes loaded with the row, expired with it (not `deferred`: its own load).
_COLUMN_ATTRIBUTES = _COLUMNS | {"column_property"}
# Only UPDATE counts: the columns an INSERT lets the database fill in (`server_default`) are
# fetched with it (SQLAlchemy 2's `eager_defaults="auto"` adds them to RETURNING), while an
# UPDATE expires the columns it has the database compute.
_SERVER_FILLED = frozenset({"server_onupdate"})
# SQL constructs an `onupdate=` can be evaluated by (anything else is a Python value or callable,
# computed in Python and kept on the instance: `onupdate=datetime.utcnow` is not reloaded).
_SQL_CALLS = frozenset({"text", "literal_column"})


@dataclass(frozen=True)
class ModelFacts:
    # relationship name -> loader strategy (`lazy=`); None is SQLAlchemy's default, "select"
    relationships: dict[str, str | None]
    # columns whose value the database computes in an UPDATE (`onupdate=func.now()`,
    # `server_onupdate=`): a flush that updates the row expires them. Empty when the class's
    # `__mapper_args__` sets `eager_defaults=True` (the UPDATE returns them) or is not known.
    server_columns: frozenset[str]
    # the column attributes declared in the class body (`x: Mapped[int]`, `x = Column(...)`,
    # sqlmodel's `x: int` on a table): what a commit expires and a refresh loads. Inherited
    # ones (a mixin's `id`) are not known.
    columns: frozenset[str] = frozenset()


def _assigned(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return stmt.target.id, stmt.value
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    return None


def _constant(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


_UNKNOWN = "<unknown>"


def _strategy(node: ast.expr) -> str:
    value = _constant(node)
    return str(value) if value is not None else _UNKNOWN


def _lazy(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg is None:  # `relationship(**options)`: any strategy
            return _UNKNOWN
        if keyword.arg == "lazy":
            return _strategy(keyword.value)
        if keyword.arg == "sa_relationship_kwargs":
            return _sqlmodel_lazy(keyword.value)
    return None


def _sqlmodel_lazy(kwargs: ast.expr) -> str | None:
    """sqlmodel's `Relationship(sa_relationship_kwargs={"lazy": "selectin"})`, or
    `=dict(lazy="selectin")`; anything else (a name, a merge, `**base`) is unknown."""
    if isinstance(kwargs, ast.Dict):
        pairs = list(zip(kwargs.keys, kwargs.values))
        if any(key is None for key, _ in pairs):  # `{**base, ...}`
            return _UNKNOWN
        for key, value in reversed(pairs):  # the last "lazy" key wins
            if _constant(key) == "lazy":
                return _strategy(value)
        return None
    if (
        isinstance(kwargs, ast.Call)
        and isinstance(kwargs.func, ast.Name)
        and kwargs.func.id == "dict"
        and not kwargs.args
    ):
        for keyword in kwargs.keywords:
            if keyword.arg is None:
                return _UNKNOWN
            if keyword.arg == "lazy":
                return _strategy(keyword.value)
        return None
    return _UNKNOWN


def _server_filled(keyword: ast.keyword) -> bool:
    if keyword.arg in _SERVER_FILLED:
        return True
    if keyword.arg != "onupdate" or not isinstance(keyword.value, ast.Call):
        return False
    parts = dotted(keyword.value.func) or []
    # `func.now()`, `sa.func.now()`, `text("...")`: evaluated by the database
    return "func" in parts[:-1] or (bool(parts) and parts[-1] in _SQL_CALLS)


def _short(node: ast.expr) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def _annotated_only(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
    """`name: Mapped[int]` (or sqlmodel's `name: str`) without a value: name and annotation."""
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is None:
        return stmt.target.id, stmt.annotation
    return None


def model_facts(node: ast.ClassDef) -> ModelFacts | None:
    """Facts for a mapped class, or None when the class does not look like an ORM model."""
    relationships: dict[str, str | None] = {}
    server_columns: set[str] = set()
    columns: set[str] = set()
    is_table = any(keyword.arg == "table" for keyword in node.keywords)  # sqlmodel
    is_model = is_table
    eager = False  # the UPDATE returns what the database computes: nothing is left expired
    for stmt in node.body:
        bare = _annotated_only(stmt)
        if bare is not None:
            name, annotation = bare
            mapped = isinstance(annotation, ast.Subscript) and _short(annotation.value) == "Mapped"
            # sqlmodel: every annotated field of a table is a column, but not a ClassVar
            if mapped or (is_table and _short(_subscripted(annotation)) != "ClassVar"):
                columns.add(name)
            continue
        assigned = _assigned(stmt)
        if assigned is None:
            continue
        name, value = assigned
        if name == "__tablename__":
            is_model = True
        elif name == "__mapper_args__":
            eager = _eager_defaults(value) is not False
        if not isinstance(value, ast.Call):
            continue
        short = _short(value.func)
        if short in _RELATIONSHIPS:
            relationships[name] = _lazy(value)
            is_model = True
        elif short in _COLUMN_ATTRIBUTES:
            is_model = is_model or short not in ("Field", "column_property")
            columns.add(name)
            if any(_server_filled(keyword) for keyword in value.keywords):
                server_columns.add(name)
    if not is_model:
        return None
    if eager or any(_declares_mapper_args(stmt) for stmt in node.body):
        server_columns = set()
    return ModelFacts(relationships, frozenset(server_columns), frozenset(columns - set(relationships)))


def _eager_defaults(value: ast.expr) -> bool | None:
    """`__mapper_args__ = {"eager_defaults": True}`: True; a literal dict without it (or with
    False): False; anything else (a name, `**base`, a non-literal value) is not known: None."""
    if not isinstance(value, ast.Dict) or any(key is None for key in value.keys):
        return None
    for key, item in zip(value.keys, value.values):
        if _constant(key) == "eager_defaults":
            flag = _constant(item)
            return flag if isinstance(flag, bool) else None
    return False


def _declares_mapper_args(stmt: ast.stmt) -> bool:
    """`__mapper_args__` computed by a method (`@declared_attr`): its settings are not known."""
    return isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__mapper_args__"


def _subscripted(annotation: ast.expr) -> ast.expr:
    return annotation.value if isinstance(annotation, ast.Subscript) else annotation
