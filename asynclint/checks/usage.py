"""`x = a or b` in pass 2: how the function uses `x` decides its kind when `a` or `b` is unknown.

The libcst twin of `analysis/usage.py`'s `ast` scanner (pass 1): the calls made through each
name are awaited (`await`, an `async with` item, an `async for` iterable) or plain.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.cst_refs import dotted
from asynclint.analysis.usage import Uses, combine, decided, target_key
from asynclint.analysis.values import OneOf, Ref, evaluate

_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def cst_uses(function: cst.FunctionDef) -> Uses:
    """The uses in a function's body, nested functions, lambdas and classes left out."""
    awaited: set[int] = set()
    calls: list[tuple[list[str], int]] = []
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, cst.Await):
            awaited.add(id(node.expression))
        elif isinstance(node, cst.With) and node.asynchronous is not None:
            awaited.update(id(item.item) for item in node.items)
        elif isinstance(node, cst.For) and node.asynchronous is not None:
            awaited.add(id(node.iter))
        elif isinstance(node, cst.Call):
            parts = dotted(node.func)
            if parts is not None and len(parts) > 1:
                calls.append((parts, id(node)))
        stack.extend(node.children)
    return combine((parts, ident in awaited) for parts, ident in calls)


class Usage:
    """Mixin of UnitChecker: relies on its frames and project."""

    def _decided(self, target: cst.BaseExpression, value: Ref | None) -> Ref | None:
        """The value bound to `target`, an `x or y` told how this function uses the name."""
        frame = self.frames[-1] if self.frames else None
        function = frame.function if frame is not None else None
        if function is None or not isinstance(value, OneOf):
            return value
        known = [evaluate(option, self.project) is not None for option in value.options]
        if all(known) or not any(known):
            return value  # the use decides nothing here: spare the scan (libcst walks are dear)

        def uses() -> Uses:
            if frame.uses is None:
                frame.uses = cst_uses(function)
            return frame.uses

        return decided(value, target_key(dotted(target)), uses)
