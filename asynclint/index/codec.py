"""Dataclasses ⇄ JSON-compatible data, driven by their type hints and validated on decode.

The on-disk caches hold plain data, never code (a cache entry is input like any other file):
`Codec(ModuleSummary).decode(json.loads(text))` builds nothing but the dataclasses named by the
type hints, and only after checking every value against its hint. A field added to a dataclass
needs no change here as long as its type is one of:

    str, int, bool, float, None, X | None, a dataclass, a union of dataclasses,
    list[X], tuple[X, ...], tuple[X, Y], set[X], frozenset[X], dict[str, X],
    object / Any (a JSON scalar — str, bool, None, int — or lists and str-keyed dicts of those)

A type outside that list is a TypeError when the codec is built (import time), not a surprise
at run time. The encoding is compact: a dataclass is the list of its field values in field
order; in a union of dataclasses it is prefixed with its class name (`["Name", "time.sleep"]`).
Any data without exactly that shape — a wrong tag, field count or type, an int outside 64 bits,
nesting deeper than MAX_DEPTH — raises CodecError.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from typing import Any, Callable, Generic, Mapping, TypeVar

T = TypeVar("T")

# Containers and dataclasses nested deeper than this are refused both ways, so whatever is
# written can be read back, and hostile data cannot exhaust the stack.
MAX_DEPTH = 100  # Django's deepest summary nests 20 levels
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

Coder = Callable[[Any, int], Any]  # (value, depth) -> value


class CodecError(ValueError):
    """Data without the shape the type hints describe, or a value the codec cannot encode."""


def _fail(what: str, data: object) -> typing.NoReturn:
    raise CodecError(f"expected {what}, got {type(data).__name__}")


def _too_deep() -> typing.NoReturn:
    raise CodecError(f"nested deeper than {MAX_DEPTH}")


# -- scalars: a check of the exact type (bool is not an int, an int is not a float) ----------
# str, bool, int and None, alone or in a union, are checked inline by the containers and
# dataclasses holding them: `type(x) in allowed` (and the 64-bit range for ints).
_PLAIN: dict[object, frozenset[type]] = {
    str: frozenset({str}), bool: frozenset({bool}), int: frozenset({int}),
    type(None): frozenset({type(None)}), None: frozenset({type(None)}),
}


def _checker(allowed: frozenset[type]) -> Coder:
    bounded = int in allowed
    names = _names(allowed)

    def check(data: Any, depth: int) -> Any:
        if type(data) not in allowed:
            _fail(names, data)
        if bounded and type(data) is int and not INT_MIN <= data <= INT_MAX:
            raise CodecError("an int outside 64 bits")
        return data

    return check


def _float(data: Any, depth: int) -> Any:
    if type(data) is not float or not math.isfinite(data):
        _fail("a finite float", data)
    return data


def _json_value(data: Any, depth: int) -> Any:
    """An `object`/`Any` field: JSON scalars, and lists and str-keyed dicts of them."""
    kind = type(data)
    if kind is str or kind is bool or data is None:
        return data
    if kind is int:
        if not INT_MIN <= data <= INT_MAX:
            raise CodecError("an int outside 64 bits")
        return data
    if depth > MAX_DEPTH:
        _too_deep()
    if kind is list:
        return [_json_value(item, depth + 1) for item in data]
    if kind is dict:
        return {_key(key): _json_value(item, depth + 1) for key, item in data.items()}
    _fail("a JSON value (str, bool, None, int, list, dict)", data)


def _key(key: Any) -> str:
    if type(key) is not str:
        _fail("a str key", key)
    return key  # type: ignore[no-any-return]


_OTHER_SCALARS: dict[object, Coder] = {float: _float, object: _json_value, Any: _json_value}


class Codec(Generic[T]):
    """Encodes values of `root` (a dataclass) to JSON-compatible data and decodes them back.

    `names` resolves forward references the defining modules import only for type checking
    (`Binding.value: Ref | None` with `Ref` imported under `TYPE_CHECKING`)."""

    def __init__(self, root: type[T], names: Mapping[str, object] | None = None) -> None:
        self._names = dict(names or {})
        self._coders_by_hint: dict[object, tuple[Coder, Coder]] = {}
        # a dataclass as a member of a union: [class name, *fields], decoded in place
        self._tagged_by_class: dict[type, tuple[Coder, Coder]] = {}
        self._encode, self._decode = self._coders(root)

    def encode(self, value: T) -> Any:
        try:
            return self._encode(value, 0)
        except RecursionError:
            raise CodecError("nested too deeply") from None

    def decode(self, data: Any) -> T:
        try:
            return self._decode(data, 0)  # type: ignore[no-any-return]
        except RecursionError:
            raise CodecError("nested too deeply") from None

    # -- building the coders from the type hints ----------------------------------------------
    def _coders(self, hint: object) -> tuple[Coder, Coder]:
        known = self._coders_by_hint.get(hint)
        if known is not None:
            return known
        allowed = _allowed(hint)
        if allowed is not None:
            check = _checker(allowed)
            coders = (check, check)
        elif hint in _OTHER_SCALARS:
            coders = (_OTHER_SCALARS[hint], _OTHER_SCALARS[hint])
        elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
            return self._dataclass(hint)  # registers itself before its fields
        else:
            origin, args = typing.get_origin(hint), typing.get_args(hint)
            if origin is typing.Union or origin is types.UnionType:
                coders = self._union(args)
            elif origin in (list, tuple, set, frozenset, dict):
                coders = self._container(origin, args)
            else:
                raise TypeError(f"the cache codec cannot encode {hint!r}")
        self._coders_by_hint[hint] = coders
        return coders

    def _dataclass(self, cls: type) -> tuple[Coder, Coder]:
        fields = dataclasses.fields(cls)
        if any(not field.init for field in fields):
            raise TypeError(f"{cls.__name__}: fields outside __init__ cannot be decoded")
        names = tuple(field.name for field in fields)
        plans = {offset: _Plan(offset) for offset in (0, 1)}
        coders = {
            offset: (_encoder(cls, names, plan), _decoder(cls, names, plan))
            for offset, plan in plans.items()
        }
        # Registered before the fields are planned: a dataclass may contain itself (Ref trees).
        self._coders_by_hint[cls], self._tagged_by_class[cls] = coders[0], coders[1]
        hints = typing.get_type_hints(cls, localns=self._names)
        for index, name in enumerate(names):
            allowed = _allowed(hints[name])
            field_coders = None if allowed is not None else self._coders(hints[name])
            for plan in plans.values():
                plan.add(index, allowed, field_coders)
        return coders[0]

    def _union(self, args: tuple[object, ...]) -> tuple[Coder, Coder]:
        members = [arg for arg in args if arg is not type(None)]
        optional = len(members) < len(args)
        if all(isinstance(arg, type) and dataclasses.is_dataclass(arg) for arg in members) and (
            len(members) > 1
        ):
            for member in members:
                self._coders(member)
            return _tagged(
                {member: self._tagged_by_class[member] for member in members}, optional  # type: ignore[misc]
            )
        if len(members) != 1:
            raise TypeError(f"the cache codec cannot encode a union of {args!r}")
        inner_encode, inner_decode = self._coders(members[0])

        def encode(value: Any, depth: int) -> Any:
            return None if value is None else inner_encode(value, depth)

        def decode(data: Any, depth: int) -> Any:
            return None if data is None else inner_decode(data, depth)

        return encode, decode

    def _container(self, origin: type, args: tuple[object, ...]) -> tuple[Coder, Coder]:
        if origin is dict:
            if len(args) != 2 or args[0] is not str:
                raise TypeError(f"the cache codec needs dict[str, X], not dict{list(args)}")
            return _mapping(*self._coders(args[1]))
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _record([self._coders(arg) for arg in args])
        if len(args) != 1 and origin is not tuple:
            raise TypeError(f"the cache codec needs {origin.__name__}[X]")
        return _sequence(origin, _allowed(args[0]), *self._coders(args[0]))


def _allowed(hint: object) -> frozenset[type] | None:
    """The exact types of a plain scalar hint (`str`, `int | None`...); None for the others."""
    if hint in _PLAIN:
        return _PLAIN[hint]
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        parts = [_allowed(arg) for arg in typing.get_args(hint)]
        if all(part is not None for part in parts):
            return frozenset().union(*parts)  # type: ignore[arg-type]
    return None


class _Plan:
    """How a dataclass's fields are laid out in its list (after the class name when `offset`
    is 1): plain scalars are checked inline by exact type, the others go through coders."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.fields: list[tuple[int, frozenset[type] | None, tuple[Coder, Coder] | None]] = []
        self.checks: list[tuple[int, frozenset[type]]] = []  # (list index, exact types)
        self.bounded: list[int] = []  # list indices of int fields (64-bit range)
        self.nested: list[tuple[int, Coder]] = []  # (field index, decoder)

    def add(
        self, index: int, allowed: frozenset[type] | None, coders: tuple[Coder, Coder] | None
    ) -> None:
        position = index + self.offset
        self.fields.append((position, allowed, coders))
        if coders is not None:
            self.nested.append((index, coders[1]))
        elif allowed is not None:
            self.checks.append((position, allowed))
            if int in allowed:
                self.bounded.append(position)


def _encoder(cls: type, names: tuple[str, ...], plan: _Plan) -> Coder:
    """A dataclass as the list of its fields (after its class name in a union)."""
    head = [cls.__name__] if plan.offset else []
    kind = cls.__name__
    fields = plan.fields

    def encode(value: Any, depth: int) -> Any:
        if type(value) is not cls:
            _fail(kind, value)
        if depth > MAX_DEPTH:
            _too_deep()
        depth += 1
        encoded = [*head, *[getattr(value, name) for name in names]]
        for position, allowed, coders in fields:
            item = encoded[position]
            if coders is not None:
                encoded[position] = coders[0](item, depth)
            elif type(item) not in allowed or (  # type: ignore[operator]
                type(item) is int and not INT_MIN <= item <= INT_MAX
            ):
                _fail(f"{kind}.{names[position - plan.offset]}: {_names(allowed)}", item)
        return encoded

    return encode


def _decoder(cls: type, names: tuple[str, ...], plan: _Plan) -> Coder:
    """The fields of `cls` from a list, each checked against its hint. The instance gets its
    `__dict__` filled as pickle does, skipping the generated `__init__` (a frozen dataclass's
    sets each field through `object.__setattr__`, the larger part of decoding); classes with
    a `__post_init__` or slots go through `__init__`."""
    offset = plan.offset
    count = len(names) + offset
    kind = f"{cls.__name__} ({len(names)} fields)"
    through_init = hasattr(cls, "__post_init__") or hasattr(cls, "__slots__")
    new = object.__new__
    # filled once the field types are known (after this decoder is registered)
    checks, bounded, nested = plan.checks, plan.bounded, plan.nested

    def decode(data: Any, depth: int) -> Any:
        if type(data) is not list or len(data) != count:
            _fail(kind, data)
        if depth > MAX_DEPTH:
            _too_deep()
        for position, allowed in checks:
            if type(data[position]) not in allowed:
                item = data[position]
                _fail(f"{cls.__name__}.{names[position - offset]}: {_names(allowed)}", item)
        for position in bounded:
            item = data[position]
            if type(item) is int and not INT_MIN <= item <= INT_MAX:
                raise CodecError("an int outside 64 bits")
        values = data[offset:] if offset or nested else data  # never changes its input
        depth += 1
        for index, coder in nested:
            values[index] = coder(values[index], depth)
        if through_init:
            return cls(*values)
        instance = new(cls)
        instance.__dict__.update(zip(names, values))
        return instance

    return decode


def _names(allowed: frozenset[type] | None) -> str:
    return " | ".join(sorted(kind.__name__ for kind in allowed or ()))


def _tagged(members: dict[type, tuple[Coder, Coder]], optional: bool) -> tuple[Coder, Coder]:
    """A union of dataclasses: `[class name, *fields]` (or None when optional)."""
    by_tag = {cls.__name__: coders[1] for cls, coders in members.items()}
    if len(by_tag) != len(members):
        raise TypeError(f"classes of the same name in one union: {list(members)!r}")
    by_type = {cls: coders[0] for cls, coders in members.items()}
    kind = " | ".join(by_tag) + (" | None" if optional else "")

    def encode(value: Any, depth: int) -> Any:
        if value is None and optional:
            return None
        member = by_type.get(type(value))
        if member is None:
            _fail(kind, value)
        return member(value, depth)

    def decode(data: Any, depth: int) -> Any:
        if data is None and optional:
            return None
        if type(data) is not list or not data or type(data[0]) is not str:
            _fail(f"a tagged {kind}", data)
        member = by_tag.get(data[0])
        if member is None:
            raise CodecError(f"unknown tag {data[0][:40]!r}, expected {kind}")
        return member(data, depth)

    return encode, decode


def _sequence(
    origin: type, allowed: frozenset[type] | None, item_encode: Coder, item_decode: Coder
) -> tuple[Coder, Coder]:
    """list[X], tuple[X, ...], set[X], frozenset[X]: a JSON list (sets sorted when they can be)."""
    kind = origin.__name__
    make = None if origin is list else origin
    is_set = origin is set or origin is frozenset

    def encode(value: Any, depth: int) -> Any:
        if type(value) is not origin:
            _fail(kind, value)
        if depth > MAX_DEPTH:
            _too_deep()
        items = [item_encode(item, depth + 1) for item in value]
        if is_set:
            try:
                items.sort()  # the same entry for the same summary, whatever the hash seed
            except TypeError:
                pass
        return items

    def decode(data: Any, depth: int) -> Any:
        if type(data) is not list:
            _fail(f"a list ({kind})", data)
        if depth > MAX_DEPTH:
            _too_deep()
        if allowed is not None and int not in allowed:
            for item in data:
                if type(item) not in allowed:
                    _fail(_names(allowed), item)
            items = data
        else:
            items = [item_decode(item, depth + 1) for item in data]
        return items if make is None else make(items)

    return encode, decode


def _record(coders: list[tuple[Coder, Coder]]) -> tuple[Coder, Coder]:
    """tuple[X, Y]: a JSON list of exactly that length."""
    count = len(coders)
    encoders = [coder[0] for coder in coders]
    decoders = [coder[1] for coder in coders]

    def encode(value: Any, depth: int) -> Any:
        if type(value) is not tuple or len(value) != count:
            _fail(f"a tuple of {count}", value)
        if depth > MAX_DEPTH:
            _too_deep()
        return [coder(item, depth + 1) for coder, item in zip(encoders, value)]

    def decode(data: Any, depth: int) -> Any:
        if type(data) is not list or len(data) != count:
            _fail(f"a list of {count}", data)
        if depth > MAX_DEPTH:
            _too_deep()
        return tuple([coder(item, depth + 1) for coder, item in zip(decoders, data)])

    return encode, decode


def _mapping(value_encode: Coder, value_decode: Coder) -> tuple[Coder, Coder]:
    """dict[str, X]: a JSON object."""

    def encode(value: Any, depth: int) -> Any:
        if type(value) is not dict:
            _fail("dict", value)
        if depth > MAX_DEPTH:
            _too_deep()
        depth += 1
        return {_key(key): value_encode(item, depth) for key, item in value.items()}

    def decode(data: Any, depth: int) -> Any:
        if type(data) is not dict:
            _fail("an object (dict)", data)
        if depth > MAX_DEPTH:
            _too_deep()
        depth += 1
        return {_key(key): value_decode(item, depth) for key, item in data.items()}

    return encode, decode
