"""What a `def` declares besides its body: its decorators' names and the return annotation
(an async iterator's, or the value a generator's annotation promises)."""

from __future__ import annotations

import ast

from asynclint.analysis.values import Annotated, Ref
from asynclint.index.ast_refs import AstRefs, dotted

GENERATOR_TYPES = frozenset(
    {"typing.Iterator", "typing.Generator", "typing.AsyncIterator", "typing.AsyncGenerator",
     "collections.abc.Iterator", "collections.abc.Generator", "collections.abc.AsyncIterator",
     "collections.abc.AsyncGenerator", "typing.Iterable", "typing.AsyncIterable"}
)
# An `async def` declared to return one of these is an async iterator, not a coroutine
# function, even without a `yield` in its body (a protocol's or an abstract class's stub).
ASYNC_ITERATOR_TYPES = frozenset(
    {"typing.AsyncIterator", "typing.AsyncGenerator", "typing.AsyncIterable",
     "collections.abc.AsyncIterator", "collections.abc.AsyncGenerator",
     "collections.abc.AsyncIterable"}
)


def decorated_by(decorator: ast.expr) -> ast.expr:
    """The decorator's callable: `lru_cache` in `@lru_cache(maxsize=None)`."""
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def decorator_name(decorator: ast.expr) -> str:
    parts = dotted(decorated_by(decorator))
    return ".".join(parts) if parts else "<expression>"


def declares_async_iterator(annotation: ast.expr | None, refs: AstRefs) -> bool:
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return annotation is not None and refs.qualified(annotation) in ASYNC_ITERATOR_TYPES


def declared_return(annotation: ast.expr | None, refs: AstRefs) -> Ref | None:
    if annotation is None:
        return None
    if isinstance(annotation, ast.Subscript) and refs.qualified(annotation.value) in GENERATOR_TYPES:
        inner = annotation.slice
        annotation = inner.elts[0] if isinstance(inner, ast.Tuple) else inner
    ref = refs.annotation(annotation)
    return ref if isinstance(ref, Annotated) else None
