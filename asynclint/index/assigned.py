"""What functions and classes assign to attributes other modules read: `self.x`, `<request>.state.x`.

Each attribute keeps the distinct values assigned to it (None: a value of unknown kind); the
project joins them when a rule asks (`values.OneOf`: known only if they agree).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from asynclint.analysis.values import OneOf, Ref


def add_value(values: list[Ref | None], value: Ref | None) -> None:
    if value not in values:
        values.append(value)


def state_attribute(target: ast.expr) -> str | None:
    """`x` in an assignment to `<expr>.state.x` (`request.state.db = ...`, any receiver: an
    assignment nobody reads as request state only makes the project-wide answer less sure)."""
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute) and target.value.attr == "state":
        return target.attr
    return None


@dataclass(frozen=True)
class Assigned:
    """What a function assigns to attributes: `self.x` and `<request>.state.x`."""

    self_attrs: dict[str, list[Ref | None]]
    state_attrs: dict[str, list[Ref | None]]


def one_value(values: list[Ref | None]) -> Ref | None:
    """The attribute's value: unknown if any assignment is, else the one value, or a OneOf."""
    if None in values:
        return None
    return values[0] if len(values) == 1 else OneOf(tuple(values))
