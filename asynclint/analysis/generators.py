"""Sync generator functions: calling one runs none of its body, iterating the call runs it.

`StreamingResponse(rows())` only hands the generator on (Starlette iterates a sync iterator in
its threadpool), while `for row in rows():` or `list(rows())` runs the body right there. Both
parsers mark the calls that are iterated where they are written, with this table of the
builtins that iterate their arguments.
"""

from __future__ import annotations

# Callees that iterate some of their positional arguments: which ones. The lazy wrappers
# (`enumerate`, `zip`, `map`, `filter`, `iter`) iterate them only when they are iterated
# themselves. `min`/`max` are left out: with several arguments they compare, not iterate.
_CONSUMERS: dict[str, slice] = {
    **{f"builtins.{name}": slice(0, 1) for name in (
        "list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "any", "all")},
}
_LAZY: dict[str, slice] = {
    "builtins.enumerate": slice(0, 1),
    "builtins.iter": slice(0, 1),
    "builtins.zip": slice(0, None),
    "builtins.map": slice(1, None),
    "builtins.filter": slice(1, 2),
}


def iterated_arguments(callee: str | None, iterated: bool) -> slice | None:
    """Which positional arguments a call of `callee` iterates (`iterated`: the call's own
    result is iterated where it is written), or None."""
    if callee is None:
        return None
    return _CONSUMERS.get(callee) or (_LAZY.get(callee) if iterated else None)
