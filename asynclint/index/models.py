"""ORM model facts: relationships and how they load, columns the database fills in."""

from __future__ import annotations

import ast
from dataclasses import dataclass

_RELATIONSHIPS = frozenset({"relationship", "Relationship", "relation"})
_COLUMNS = frozenset({"mapped_column", "Column", "Field"})
_SERVER_FILLED = frozenset({"onupdate", "server_default", "server_onupdate"})


@dataclass(frozen=True)
class ModelFacts:
    # relationship name -> loader strategy (`lazy=`); None is SQLAlchemy's default, "select"
    relationships: dict[str, str | None]
    # columns whose value the database computes (read after a flush needs a refresh)
    server_columns: frozenset[str]


def _assigned(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return stmt.target.id, stmt.value
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    return None


def _constant(node: ast.expr | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _lazy(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "lazy":
            value = _constant(keyword.value)
            return str(value) if value is not None else "<unknown>"
        if keyword.arg == "sa_relationship_kwargs" and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values):
                if _constant(key) == "lazy":
                    found = _constant(value)
                    return str(found) if found is not None else "<unknown>"
    return None


def model_facts(node: ast.ClassDef) -> ModelFacts | None:
    """Facts for a mapped class, or None when the class does not look like an ORM model."""
    relationships: dict[str, str | None] = {}
    server_columns: set[str] = set()
    is_model = any(keyword.arg == "table" for keyword in node.keywords)
    for stmt in node.body:
        assigned = _assigned(stmt)
        if assigned is None:
            continue
        name, value = assigned
        if name == "__tablename__":
            is_model = True
        if not isinstance(value, ast.Call):
            continue
        func = value.func
        short = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if short in _RELATIONSHIPS:
            relationships[name] = _lazy(value)
            is_model = True
        elif short in _COLUMNS:
            is_model = is_model or short != "Field"
            if any(keyword.arg in _SERVER_FILLED for keyword in value.keywords):
                server_columns.add(name)
    if not is_model:
        return None
    return ModelFacts(relationships, frozenset(server_columns))
