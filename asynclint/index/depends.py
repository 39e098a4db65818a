"""What FastAPI resolves for a function, as written: `Depends(...)` in its decorator, and which
annotations may be a project's `Annotated[..., Depends(...)]` alias (resolved by the project
index, `index/budget.py`)."""

from __future__ import annotations

import ast

from asynclint.analysis.values import Annotated
from asynclint.index.ast_refs import AstRefs

# Annotations that name a library's type, never a project's `Annotated` alias.
_LIBRARIES = frozenset({"builtins", "typing", "typing_extensions", "collections", "datetime", "uuid",
                        "decimal", "fastapi", "starlette", "pydantic", "sqlalchemy", "sqlmodel"})


def may_be_alias(annotation: str | None) -> bool:
    return annotation is not None and annotation.split(".")[0] not in _LIBRARIES


def decorator_dependencies(node: ast.FunctionDef | ast.AsyncFunctionDef, refs: AstRefs) -> list[Annotated]:
    """`@router.get("/", dependencies=[Depends(verify_key)])`: run for the route, unnamed."""
    found: list[Annotated] = []
    for decorator in node.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        for keyword in decorator.keywords:
            if keyword.arg == "dependencies" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                for element in keyword.value.elts:
                    dependency = refs.dependency(element)
                    if dependency is not None:
                        found.append(Annotated(None, dependency))
    return found
