"""AL204's fix: load the relationship with the query that loaded the instance,
`select(Order)` → `select(Order).options(selectinload(Order.lines))`, or
`await session.get(Order, id)` → `await session.get(Order, id, options=[selectinload(Order.lines)])`.

The query is looked for in the expression the instance was assigned from in the same function,
and in the query variables it names (`q = select(Order)...; order = (await s.scalars(q)).one()`),
each assigned once there. Exactly one `select(Model)` of the instance's model, or one
`session.get(Model, ...)` without `options=`, gets the edit; anything else (the query is in a
helper, two candidates, a name assigned twice) leaves a display-only fix: the advice, no edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import libcst as cst

from asynclint.analysis.orm import SELECT_FUNCTIONS
from asynclint.fixes.locate import NodeEdit, PendingFix

# A name assigned more than once in the function: which value the instance came from is a guess.
AMBIGUOUS = None
SELECTINLOAD = frozenset({"sqlalchemy.orm.selectinload", "sqlalchemy.orm.strategy_options.selectinload"})
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
_EMPTY = cst.Module(body=[])


@dataclass(frozen=True)
class QuerySite:
    """Where the options go: after the `select(...)` call, or as the last argument of `get`."""

    call: cst.Call
    is_get: bool


def _calls(expression: cst.CSTNode) -> list[cst.CSTNode]:
    found, stack = [], [expression]
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, _SCOPES):
            stack.extend(node.children)
    return found


def find_query(
    expression: cst.BaseExpression | None,
    values: Mapping[str, cst.BaseExpression | None],
    model: str,
    qualified: Callable[[cst.BaseExpression], str | None],
    is_session: Callable[[cst.Name], bool],
) -> QuerySite | None:
    """The one place in `expression` (and the query variables it names) that loads `model`."""
    sites: list[QuerySite] = []
    seen: set[str] = set()
    pending = [expression] if expression is not None else []
    while pending:
        for node in _calls(pending.pop()):
            if isinstance(node, cst.Name) and node.value in values and node.value not in seen:
                seen.add(node.value)
                value = values[node.value]
                if value is AMBIGUOUS:
                    return None
                pending.append(value)
            if not isinstance(node, cst.Call) or not node.args or node.args[0].keyword is not None:
                continue
            loads_model = qualified(node.args[0].value) == model
            if loads_model and len(node.args) == 1 and qualified(node.func) in SELECT_FUNCTIONS:
                sites.append(QuerySite(node, is_get=False))
            elif (loads_model and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get"
                    and isinstance(node.func.value, cst.Name) and is_session(node.func.value)):
                if any(arg.keyword is not None and arg.keyword.value == "options" for arg in node.args):
                    return None
                sites.append(QuerySite(node, is_get=True))
    return sites[0] if len(sites) == 1 else None


def eager_load_fix(site: QuerySite | None, model: str, attribute: str,
                   loader: str | None, import_line: str | None) -> PendingFix:
    """The fix loading `attribute` at `site` through `loader` (the name `selectinload` has
    here, imported by `import_line` when needed); display-only without a site or a name."""
    if site is None or loader is None:
        option = f"selectinload({model}.{attribute})"
        return PendingFix("display-only", f"Load it with the query that loads the instance: `{option}`", ())
    # the model as the query names it (`models.Order`)
    option = f"{loader}({_EMPTY.code_for_node(site.call.args[0].value)}.{attribute})"
    if site.is_get:
        edit = NodeEdit(site.call.args[-1].value, f", options=[{option}]", after=True)
    else:
        edit = NodeEdit(site.call, f".options({option})", after=True)
    message = f"Load it with the query: `{option}`"
    return PendingFix("unsafe", message, (edit,), needs_import=import_line)
