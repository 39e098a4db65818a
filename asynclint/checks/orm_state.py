"""AL204/AL205 inside the traversal: ORM instances, the session they belong to, and whether a
relationship read would load lazily or an attribute read would reload an expired instance."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from asynclint.analysis import orm
from asynclint.analysis.calls import CallInfo
from asynclint.analysis.values import Ref, evaluate
from asynclint.expiry import ANY, Expiry
from asynclint.fixes.eager_load import SELECTINLOAD, eager_load_fix, find_query
from asynclint.fixes.locate import PendingFix
from asynclint.index.models import ModelFacts

# SQLAlchemy's `AsyncAttrs` accessor: `await obj.awaitable_attrs.children` loads in a greenlet.
AWAITABLE_ATTRS = "awaitable_attrs"


class OrmState:
    """Mixin of UnitChecker: relies on its frames, scopes, project, evaluate() and _report()."""

    def _note_loaded_instance(self, name: str, expression: cst.BaseExpression, value: Ref) -> None:
        """`item = await session.get(Item, 1)`, or `item = await load(session, 1)` through a
        project helper: item belongs to `session` (for AL205). So do the instances of
        `items = (await session.scalars(q)).all()`."""
        kind = evaluate(value, self.project)
        if kind is None or kind.name != orm.ORM_INSTANCE or kind.model is None:
            return
        session = self._owning_session(expression)
        if session is not None:
            model = self.project.model(kind.model)
            self.frames[-1].expiry.associate(name, session, model, loaded=True, many=kind.many)

    def _note_constructed(self, name: str, expression: cst.BaseExpression) -> None:
        """`item = Item(updated=now)`: the keyword arguments are set in Python, so the database
        does not fill them in at the flush."""
        if not isinstance(expression, cst.Call):
            return
        keywords = [arg.keyword.value for arg in expression.args if arg.keyword is not None]
        model = self.refs.qualified(expression.func) if keywords else None
        if model is not None and self.project.model(model) is not None:
            for keyword in keywords:
                self.frames[-1].expiry.modified(name, keyword)

    def _owning_session(self, expression: cst.BaseExpression) -> str | None:
        """The AsyncSession variable an expression loads from: the receiver at the base of the
        call chain, or else the one session passed as an argument to the outermost call."""
        base = expression
        outer_call: cst.Call | None = None
        while isinstance(base, (cst.Await, cst.Call, cst.Attribute)):
            if isinstance(base, cst.Call) and outer_call is None:
                outer_call = base
            base = base.expression if isinstance(base, cst.Await) else (
                base.func if isinstance(base, cst.Call) else base.value)
        candidates = [base] if isinstance(base, cst.Name) and self._is_session(base) else [
            arg.value for arg in (outer_call.args if outer_call else ())
            if isinstance(arg.value, cst.Name) and self._is_session(arg.value)
        ]
        return candidates[0].value if len(candidates) == 1 else None

    def _is_session(self, node: cst.Name) -> bool:
        kind = self.evaluate(node)
        return kind is not None and kind.name == orm.ASYNC_SESSION

    # -- blocks (for AL205's "commit dominates the read") -----------------------------------------
    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self.frame is not None:
            self.frame.expiry.enter_block()

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if self.frame is not None:
            self.frame.expiry.leave_block()

    # -- attribute reads: lazy loads and expired instances ----------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._roles.setdefault(id(node.value), "receiver")
        self._receiver_attrs[id(node.value)] = node.attr.value
        if not self.on_loop or id(node) in self._stores:
            return
        receiver = node.value
        if (isinstance(receiver, cst.Attribute) and receiver.attr.value == AWAITABLE_ATTRS
                and isinstance(receiver.value, cst.Name)):
            # `obj.awaitable_attrs.x` is only ever written to be awaited: that await loads x
            self.frames[-1].expiry.awaited(receiver.value.value, node.attr.value)
            return
        if not isinstance(receiver, cst.Name):
            return
        frame = self.frames[-1]
        attribute = node.attr.value
        if attribute == AWAITABLE_ATTRS:
            return  # the async accessor: reading it loads nothing
        expired = frame.expiry.why_expired(receiver.value, attribute)
        if expired is not None:
            self._report_expired(node, receiver.value, {"name": receiver.value, "attr": attribute,
                                                         "event": expired[0], "via": ""},
                                 expiry_fix(frame.expiry, receiver.value, *expired), expired[1])
            return
        kind = self.evaluate(receiver)
        if kind is None or kind.name != orm.ORM_INSTANCE or kind.many or kind.model is None:
            return
        facts = self.project.model(kind.model)
        if facts is None or attribute not in facts.relationships or kind.loaded is None:
            return
        lazy = facts.relationships[attribute]
        if lazy in orm.SAFE_LAZY or lazy == "<unknown>" or attribute in kind.loaded:
            return
        if frame.expiry.is_loaded(receiver.value, attribute):
            return  # `await session.refresh(obj, ["children"])` loaded it
        model = kind.model.rpartition(".")[2]
        self._report(node, "AL204", {"name": receiver.value, "attr": attribute, "model": model, "via": ""},
                     lazy_load_fix(receiver.value, model, attribute),
                     self._eager_load_fix(receiver.value, kind.model, attribute))

    def _eager_load_fix(self, name: str, model: str, attribute: str) -> PendingFix:
        """AL204's fix for the instance `name` of `model` (qualified), read here."""
        frame = self.frames[-1]
        values = frame.values
        expression = values.get(name)
        site = find_query(expression, values, model, self.refs.qualified, self._is_session)
        loader, needs_import = self._imported_name(SELECTINLOAD, "selectinload")
        line = "from sqlalchemy.orm import selectinload" if needs_import else None
        return eager_load_fix(site, model.rpartition(".")[2], attribute, loader, line)

    def _note_modified(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and self.frame:
            self.frame.expiry.modified(target.value.value, target.attr.value)

    def _track_session(self, node: cst.Call, info: CallInfo) -> None:
        """Session events for AL205: add, commit/flush, refresh, and objects read from it."""
        receiver = info.receiver
        if receiver is None or receiver.name != orm.ASYNC_SESSION or not isinstance(node.func, cst.Attribute):
            return
        session = node.func.value
        if not isinstance(session, cst.Name):
            return
        expiry = self.frames[-1].expiry
        method = info.method
        if method in ("add", "add_all", "merge") and node.args:
            added = node.args[0].value
            # `add_all(items)`: a list of instances; `add_all([a, b])`: the instances a and b
            many = method == "add_all" and isinstance(added, cst.Name)
            for name in _names(added):
                expiry.associate(name, session.value, None if many else self._model_facts(name), many=many)
                if method == "merge":  # the session holds a copy: a refresh of `name` would raise
                    self.frames[-1].detached.add(name)
        elif method in ("delete", "expunge") and node.args:
            self.frames[-1].detached.update(_names(node.args[0].value))
        elif method == "expunge_all":
            owned = [name for name, owner in expiry.sessions.items() if owner == session.value]
            self.frames[-1].detached.update(owned)
        elif method in ("commit", "flush"):
            expires = method == "commit" and receiver.expires_on_commit is True
            expiry.flushed(session.value, f"`{session.value}.{method}()`", expires)
            if expires:
                frame = self.frames[-1]
                for name, owner in expiry.sessions.items():
                    if owner == session.value and name in expiry.expired and name not in frame.detached:
                        frame.commits[name] = (node, expiry.expired[name])
        elif method == "refresh" and node.args:
            attributes = _attribute_names(node.args)
            for name in _names(node.args[0].value):
                expiry.refreshed(name, attributes)

    def _report_expired(self, node: cst.CSTNode, name: str, parts: dict[str, str], suggestion: str,
                        by_update: bool) -> None:
        """Report AL205 on the read `node` of `name`, with the refresh fix where it applies: one
        edit per commit, shared by every finding of that commit (checks the fixes/refresh.py
        conditions)."""
        self._report(node, "AL205", parts, suggestion)
        frame = self.frames[-1]
        found = frame.commits.get(name)
        if by_update or found is None or frame.expiry.expired.get(name) is not found[1]:
            return
        from asynclint.fixes.refresh import commit_site, reaches

        commit = found[0]
        if id(commit) not in frame.refresh_sites:
            session = commit.func.value.value if isinstance(commit.func, cst.Attribute) else ""
            frame.refresh_sites[id(commit)] = commit_site(frame.function, commit, session)
        site = frame.refresh_sites[id(commit)]
        if site is None or frame.function is None or not reaches(frame.function, site, node, name):
            return
        if name not in site.names:
            site.names.append(name)
        site.reports.append(frame.reports[-1])
        pending = site.pending()
        for report in site.reports:
            report.fix = pending

    def _model_facts(self, name: str) -> ModelFacts | None:
        binding = self.scopes.lookup(name)
        kind = evaluate(binding.value, self.project) if binding and binding.value else None
        return self.project.model(kind.model or kind.name) if kind is not None else None


def expiry_fix(expiry: Expiry, name: str, event: str, by_update: bool) -> str:
    """AL205's suggestion: reload explicitly, or keep the values the event would expire."""
    refresh = f"add `await {expiry.sessions.get(name, 'session')}.refresh({name})` after {event}"
    if by_update:
        return (f"{refresh}, or have the UPDATE return the columns the database computes: "
                "`__mapper_args__ = {\"eager_defaults\": True}` on the model")
    return f"{refresh}, or set `expire_on_commit=False` on the session factory"


def lazy_load_fix(name: str, model: str, attribute: str) -> str:
    return (f"load it in the query with `.options(selectinload({model}.{attribute}))`, use "
            f"`await {name}.awaitable_attrs.{attribute}`, or declare the relationship "
            "with `lazy=\"selectin\"`")


def _names(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.List, cst.Tuple)):
        return [element.value.value for element in node.elements if isinstance(element.value, cst.Name)]
    return []


def _attribute_names(args: Sequence[cst.Arg]) -> frozenset[str] | None:
    """`refresh(obj, ["a", "b"])` or `attribute_names=[...]`: the names; None when absent,
    ANY when not written as a literal list of strings."""
    keyword = [arg.value for arg in args if arg.keyword and arg.keyword.value == "attribute_names"]
    value = keyword[0] if keyword else None
    if value is None:
        positional = [arg for arg in args if arg.keyword is None]
        if len(positional) < 2:
            return None
        if positional[1].star:
            return ANY
        value = positional[1].value
    if isinstance(value, cst.Name) and value.value == "None":
        return None
    if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return ANY
    names = set()
    for element in value.elements:
        item = element.value
        if isinstance(element, cst.StarredElement) or not isinstance(item, cst.SimpleString):
            return ANY
        text = item.evaluated_value
        if not isinstance(text, str):
            return ANY
        names.add(text)
    return frozenset(names)
