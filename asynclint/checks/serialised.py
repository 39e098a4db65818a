"""AL204/AL205 where serialisation reads the attributes, not an `obj.attr` written in the code.

Each of these reads attributes of an ORM instance with `getattr`:

* `Schema.model_validate(obj)` when the schema has `from_attributes` (or the call passes
  `from_attributes=True`), and `Schema.from_orm(obj)` with `from_attributes` or pydantic v1's
  `orm_mode`: every field of the schema. Without that config neither reads anything (they fail
  with a ValidationError or PydanticUserError first): silent, it is another bug.
* `return obj` from a route whose response model (`response_model=`, else the return
  annotation) is a pydantic model, or `return objs` for `list[Schema]`: FastAPI validates the
  return value with `from_attributes=True` whatever the schema's config says (pydantic v2; a
  `pydantic.v1` model only with `orm_mode`).
* `helper(obj)`, a project function that reads `param.attr` on every call
  (`FunctionFacts.param_reads`), awaited when it is an `async def`.

On an instance a commit expired (or a column an UPDATE left for the database to fill) that read
is a reload, on a lazy relationship a lazy load: sync I/O, MissingGreenlet on the event loop,
which pydantic wraps in a ValidationError and FastAPI in a ResponseValidationError (a 500).
A field counts when it names a column or relationship of the instance's model (an unknown model,
or fields that are neither, stay silent). `jsonable_encoder(obj)` reads the instance's
`__dict__`, which leaves expired attributes out (it returns `{}`, not an error): not a finding.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from asynclint.analysis import orm
from asynclint.analysis.calls import CallInfo
from asynclint.analysis.decorators import ASYNC_TRANSPARENT, SYNC_TRANSPARENT, keeps
from asynclint.analysis.values import Name, Ref
from asynclint.checks.frames import source
from asynclint.checks.orm_state import expiry_fix, lazy_load_fix

_VALIDATORS = frozenset({"model_validate", "from_orm"})


class Serialisation:
    """Mixin of UnitChecker: relies on its frames, roles, summary, project, evaluate() and
    _report()."""

    def _check_serialisation(self, node: cst.Call, func: Ref, info: CallInfo) -> None:
        """`Schema.model_validate(obj)`, `Schema.from_orm(obj)`, `helper(obj)` on the loop."""
        if isinstance(func, Name):
            schema, _, method = func.qualified.rpartition(".")
            if method in _VALIDATORS:
                self._check_validation(node, schema, method)
                return
        if info.project is not None:
            self._check_helper(node, info.project)
        self._note_passed_on(node, info)

    def _note_passed_on(self, node: cst.Call, info: CallInfo) -> None:
        """`await reload(s, obj)`: an awaited call given the instance may refresh it (unknown
        from here on), unless it is a project function known only to read that parameter.
        The session's own methods are modelled where they are tracked (`refresh`, ...)."""
        if self._roles.get(id(node)) != "await" or (
            info.receiver is not None and info.receiver.name == orm.ASYNC_SESSION
        ):
            return
        expiry = self.frames[-1].expiry
        facts = self.project.function(info.project) if info.project is not None else None
        bound = _bound(node.args, facts.params) if facts is not None else []
        read_only = {id(arg) for param, arg in bound if param in facts.param_reads} if facts else set()
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Name) and value.value in expiry.sessions and id(value) not in read_only:
                expiry.forget(value.value)

    def _check_validation(self, node: cst.Call, qualified: str, method: str) -> None:
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            return
        target = node.args[0].value
        schema = self.project.schema(qualified)
        if not isinstance(target, cst.Name) or schema is None:
            return
        if method == "from_orm":
            reads = schema.orm_mode
        else:
            flags = [arg.value for arg in node.args if arg.keyword and arg.keyword.value == "from_attributes"]
            if not flags:
                reads = schema.from_attributes and not schema.v1
            elif isinstance(flags[0], cst.Name) and flags[0].value in ("True", "False"):
                reads = flags[0].value == "True"
            else:
                return  # a flag not known
        if reads:
            self._check_reads(target, schema.fields, f"`{source(node.func)}({target.value})`")

    def _check_helper(self, node: cst.Call, qualified: str) -> None:
        facts = self.project.function(qualified)
        if facts is None or not facts.param_reads or facts.yields:
            return
        if facts.is_async:
            # an un-awaited call runs none of the body (AL301 says so)
            if self._roles.get(id(node)) != "await" or not keeps(facts.decorators, ASYNC_TRANSPARENT):
                return
        elif not keeps(facts.decorators, SYNC_TRANSPARENT):
            return
        short = qualified.rpartition(".")[2]
        where = self.project.location(qualified)
        reader = f"`{short}()`" + (f" ({where})" if where else "")
        for param, arg in _bound(node.args, facts.params):
            reads = facts.param_reads.get(param)
            if reads and isinstance(arg, cst.Name):
                self._check_reads(arg, reads, reader)

    def leave_Return(self, original_node: cst.Return) -> None:
        """`return obj` from a route: FastAPI reads the response model's fields from it."""
        value = original_node.value
        frame = self.frame
        if not isinstance(value, cst.Name) or frame is None or not frame.is_route or not self.on_loop:
            return
        model = self.summary.response_models.get(frame.qualname)
        schema = self.project.schema(model.schema) if model is not None else None
        if model is None or schema is None or not schema.response_reads:
            return
        short = model.schema.rpartition(".")[2]
        shown = f"list[{short}]" if model.many else short
        self._check_reads(value, schema.fields, f"the response model `{shown}`", many=model.many)

    def _check_reads(self, target: cst.Name, fields: Sequence[str], reader: str, many: bool = False) -> None:
        """Report the first field whose read reloads an expired instance (AL205) or loads a
        lazy relationship (AL204); `many`: `target` is a list of instances."""
        name = target.value
        shown = f"{name}[...]" if many else name  # each element's attribute is read
        expiry = self.frames[-1].expiry
        model = expiry.models.get(name) if (name in expiry.collections) == many else None
        for field in fields if model is not None else ():
            if field in model.columns or field in model.relationships:
                expired = expiry.why_expired(name, field, collection=many)
                if expired is not None:
                    parts = {"name": shown, "attr": field, "event": expired[0], "via": f" by {reader}"}
                    if many:
                        self._report(target, "AL205", parts,
                                     _refresh_each(expiry.sessions.get(name, "session"), name, expired[0]))
                    else:
                        suggestion = expiry_fix(expiry, name, *expired)
                        self._report_expired(target, name, parts, suggestion, expired[1])
                    return
        kind = self.evaluate(target)
        if kind is None or kind.name != orm.ORM_INSTANCE or kind.many != many or kind.model is None:
            return
        facts = self.project.model(kind.model)
        if facts is None or kind.loaded is None:
            return
        for field in fields:
            if field not in facts.relationships:
                continue
            lazy = facts.relationships[field]
            if lazy in orm.SAFE_LAZY or lazy == "<unknown>" or field in kind.loaded:
                continue
            if expiry.is_loaded(name, field):
                continue
            model_name = kind.model.rpartition(".")[2]
            fix = lazy_load_fix(name, model_name, field)
            if many:  # the async accessor is per instance: load them in the query
                fix = (f"load it in the query with `.options(selectinload({model_name}.{field}))`, "
                       "or declare the relationship with `lazy=\"selectin\"`")
            self._report(target, "AL204", {"name": shown, "attr": field, "model": model_name,
                                           "via": f" read by {reader}"}, fix,
                         self._eager_load_fix(name, kind.model, field))
            return


def _refresh_each(session: str, name: str, event: str) -> str:
    return (f"set `expire_on_commit=False` on the session factory, or refresh each instance "
            f"after {event}: `for obj in {name}: await {session}.refresh(obj)`")


def _bound(args: Sequence[cst.Arg], params: tuple[str, ...]) -> list[tuple[str, cst.BaseExpression]]:
    """(parameter, argument) for the arguments a call binds by position or keyword."""
    pairs = []
    position = 0
    for arg in args:
        if arg.star:
            if arg.star == "*":
                position = len(params)  # the positions after it are not known
            continue
        if arg.keyword is not None:
            pairs.append((arg.keyword.value, arg.value))
        elif position < len(params):
            pairs.append((params[position], arg.value))
            position += 1
    return pairs
