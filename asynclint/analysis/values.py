"""Symbolic values: what an expression evaluates to, resolved lazily across modules.

The parsers turn expressions into `Ref` trees (`SessionLocal()` becomes
`Call(Name("app.database.SessionLocal"))`); `evaluate` turns a Ref into a `Kind` by asking an
`Env` for project facts (what a module-level name holds, what a function returns). Module
summaries store Refs, not Kinds, so a summary depends on its own file only and can be cached
by content hash; cross-module facts are looked up when a rule needs them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Union

from asynclint.analysis import kinds, orm
from asynclint.analysis.kinds import Kind


@dataclass(frozen=True)
class Name:
    """A module-level object by qualified name (`time.sleep`, `app.database.SessionLocal`)."""

    qualified: str


@dataclass(frozen=True)
class Known:
    kind: Kind


@dataclass(frozen=True)
class Call:
    func: Ref
    keywords: tuple[tuple[str, object], ...] = ()  # constant or qualified-name keyword values
    statement: Statement | None = None  # a `select(Model)` passed as first argument
    unbounded: bool = False  # a queue built without a maxsize (`queue.Queue()`, `Queue(0)`)


@dataclass(frozen=True)
class Attr:
    value: Ref
    name: str


@dataclass(frozen=True)
class Await:
    value: Ref


@dataclass(frozen=True)
class Item:
    """An element of an iterable (`for x in xs`), or `xs[...]`."""

    value: Ref
    subscript: bool = False


@dataclass(frozen=True)
class Annotated:
    """A parameter's declared type and FastAPI dependency: the dependency wins, it is what runs."""

    annotation: str | None
    dependency: str | None


@dataclass(frozen=True)
class SelfAttr:
    """`self.name` inside a method of `class_name`."""

    class_name: str
    name: str


@dataclass(frozen=True)
class Statement:
    """`select(Model).options(selectinload(Model.rel))`: the model and eager loads (None: unknown)."""

    model: str
    loaded: frozenset[str] | None


@dataclass(frozen=True)
class OneOf:
    """One of several values: `x or y`, an attribute assigned in several places, `request.state.db`
    set in several modules. Its kind is the one every option has; an option of unknown kind
    leaves it unknown unless usage decides: `awaited` says how the function uses the name the
    value is bound to (True: its I/O calls are all awaited, False: none is, None: unknown or
    mixed), and awaited calls establish an async kind, plain calls a sync one."""

    options: tuple[Ref | None, ...]
    awaited: bool | None = None


Ref = Union[Name, Known, Call, Attr, Await, Item, Annotated, SelfAttr, OneOf]

def one_of(options: list[Ref | None]) -> OneOf | None:
    """`x or y`'s Ref (None when no operand has one: `name or "default"`)."""
    return OneOf(tuple(options)) if any(option is not None for option in options) else None


# A constant keyword argument other than str, bool, None or a 64-bit int (bytes, a float,
# complex, `...`, a huge int): kept as this marker, not dropped, so `expire_on_commit=0.0`
# still reads as "given, not a known flag" rather than as the default. Summaries hold only
# values the JSON cache stores exactly.
OTHER_CONSTANT = "<constant>"
_INT_LIMIT = 2**63


def keyword_constant(value: object) -> object:
    """What a `Call`'s keywords keep of a constant from the source."""
    if value is None or type(value) is str or type(value) is bool:
        return value
    if type(value) is int and -_INT_LIMIT <= value < _INT_LIMIT:
        return value
    return OTHER_CONSTANT


class Env(Protocol):
    def module_value(self, qualified: str) -> Ref | None:
        """The value bound to a module-level name in a project module (following re-exports)."""

    def function_returns(self, qualified: str) -> Ref | None:
        """What a project function returns or yields, if it is a project function."""

    def is_class(self, qualified: str) -> bool:
        """Whether `qualified` is a class defined in the project."""

    def self_attr(self, class_name: str, name: str) -> Ref | None:
        """The value assigned to `self.name` in the methods of a project class (and its bases)."""

    def request_state(self, name: str) -> Ref | None:
        """What the project assigns to `<request>.state.<name>`, everywhere it does."""


_MAX_DEPTH = 24
# Wrappers whose result is (or yields, in `with`) their first argument.
PASSTHROUGH = frozenset({"contextlib.closing", "contextlib.nullcontext"})


def evaluate(ref: Ref | None, env: Env, depth: int = 0) -> Kind | None:
    if ref is None or depth > _MAX_DEPTH:
        return None
    depth += 1
    if isinstance(ref, Known):
        return ref.kind
    if isinstance(ref, Name):
        value = env.module_value(ref.qualified)
        return evaluate(value, env, depth) if value is not None else kinds.library_object(ref.qualified)
    if isinstance(ref, Call):
        return _call(ref, env, depth)
    if isinstance(ref, Attr):
        return _attribute(ref, env, depth)
    if isinstance(ref, Await):
        inner = evaluate(ref.value, env, depth)
        return kinds.awaited(inner) if inner else None
    if isinstance(ref, Item):
        inner = evaluate(ref.value, env, depth)
        if inner is None:
            return None
        return kinds.subscript_result(inner) if ref.subscript else kinds.element(inner)
    if isinstance(ref, Annotated):
        return _annotated(ref, env, depth)
    if isinstance(ref, SelfAttr):
        return evaluate(env.self_attr(ref.class_name, ref.name), env, depth)
    if isinstance(ref, OneOf):
        return _one_of(ref, env, depth)
    return None


def _attribute(ref: Attr, env: Env, depth: int) -> Kind | None:
    receiver = evaluate(ref.value, env, depth)
    if receiver is None:
        return None
    if receiver.name == kinds.STATE:
        return evaluate(env.request_state(ref.name), env, depth)
    found = kinds.attribute_result(receiver, ref.name)
    if found is None and receiver.name not in kinds.KNOWN_KINDS and not receiver.name.startswith("<"):
        # `repo.session` on an instance of a project class: what its methods assign
        found = evaluate(env.self_attr(receiver.name, ref.name), env, depth)
    return found


def _one_of(ref: OneOf, env: Env, depth: int) -> Kind | None:
    found = [evaluate(option, env, depth) for option in ref.options]
    known = [kind for kind in found if kind is not None]
    joined = kinds.join(known)
    if joined is None or len(known) == len(found):
        return joined
    # An option is unknown: only the function's own use of the name decides.
    if ref.awaited is None or kinds.is_async(joined) is not ref.awaited:
        return None
    return joined


def callee_name(ref: Ref) -> str | None:
    return kinds.canonical(ref.qualified) if isinstance(ref, Name) else None


def _call(ref: Call, env: Env, depth: int) -> Kind | None:
    func = ref.func
    name = callee_name(func)
    made = _call_by_name(name, ref, env, depth) if name is not None else None
    if made is None:
        receiver_ref, method = split_method(func)
        if receiver_ref is not None and method is not None:
            receiver = evaluate(receiver_ref, env, depth)
            if receiver is not None:
                made = kinds.method_result(receiver, method)
                if made is None and receiver.name not in kinds.KNOWN_KINDS:
                    returned = env.function_returns(f"{receiver.name}.{method}")
                    made = evaluate(returned, env, depth) if returned is not None else None
        elif name is None:
            target = evaluate(func, env, depth)
            made = kinds.called(target) if target is not None else None
    if made is not None and ref.statement is not None:
        made = _with_statement(made, ref.statement)
    return made


def split_method(func: Ref) -> tuple[Ref | None, str | None]:
    """`obj.method` → (obj, 'method'); a dotted Name splits at its last dot."""
    if isinstance(func, Attr):
        return func.value, func.name
    if isinstance(func, Name) and "." in func.qualified:
        head, _, method = func.qualified.rpartition(".")
        return Name(head), method
    return None, None


def decorated_kind(decorator: Ref, env: Env) -> Kind | None:
    """What a function decorated with `decorator` is: `@shared_task` or `@app.task` on a
    Celery app make a Celery task (its `delay(...)` gives an AsyncResult)."""
    if isinstance(decorator, Name):
        found = kinds.decorated(decorator.qualified)
        if found is not None:
            return found
    receiver_ref, method = split_method(decorator)
    if receiver_ref is None or method is None:
        return None
    receiver = evaluate(receiver_ref, env)
    return kinds.decorated(f"{receiver.name}.{method}") if receiver is not None else None


def _call_by_name(name: str, ref: Call, env: Env, depth: int) -> Kind | None:
    made = kinds.constructed(name, dict(ref.keywords), ref.unbounded)
    if made is not None:
        return made
    returned = env.function_returns(name)
    if returned is not None:
        return evaluate(returned, env, depth)
    if env.is_class(name):
        return Kind(name)
    value = env.module_value(name)
    target = evaluate(value, env, depth) if value is not None else None
    made = kinds.called(target) if target else None
    if made is not None and made.origin is None:
        made = made.with_origin(f"{name.rpartition('.')[2]}()")
    return made


def _with_statement(made: Kind, statement: Statement) -> Kind:
    """`session.execute(select(Model))` carries the model into its result and instances."""
    if made.name == orm.COROUTINE and made.product == orm.ORM_INSTANCE:
        return replace(made, model=statement.model, loaded=statement.loaded)
    if made.name == orm.COROUTINE or made.name in (orm.RESULT, orm.SCALAR_RESULT):
        return replace(made, model=statement.model, loaded=statement.loaded)
    return made


def _annotated(ref: Annotated, env: Env, depth: int) -> Kind | None:
    if ref.dependency is not None:
        dependency = kinds.canonical(ref.dependency)
        returned = env.function_returns(dependency)
        made = evaluate(returned, env, depth) if returned is not None else None
        if made is None and env.is_class(dependency):  # `Depends(Repository)`: an instance
            made = Kind(dependency)
        if made is not None:
            short = ref.dependency.rpartition(".")[2]
            return made.with_origin(f"Depends({short})")
    if ref.annotation is None:
        return None
    value = env.module_value(ref.annotation)
    if isinstance(value, Annotated):  # an alias such as `DBDep = Annotated[Session, Depends(...)]`
        return _annotated(value, env, depth)
    declared = kinds.annotation_kind(ref.annotation)
    if declared is None and env.is_class(ref.annotation):
        declared = Kind(kinds.canonical(ref.annotation))
    if declared is not None and declared.name in (orm.SESSION, orm.ASYNC_SESSION):
        return declared.with_origin("its annotation")
    return declared
