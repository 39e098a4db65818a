"""AL205's flow facts inside one function: which ORM instances a commit or flush has expired.

Flow is tracked in statement order with one rule for branches: an event recorded inside a
block is forgotten when the block ends, so only a commit that dominates a later read (same
block or an enclosing one) expires it. A read in an `else` branch after a commit in the `if`
branch is therefore not reported.

A flush that does not expire everything (`flush()`, or a commit with `expire_on_commit=False`)
leaves an instance readable, except for the columns the database computes in an UPDATE
(`onupdate=func.now()`, `server_onupdate=`): SQLAlchemy expires those, and only on an instance
that has a row already (persistent) and whose columns changed. An INSERT fetches the columns
the database fills in (`eager_defaults="auto"` uses RETURNING), so a new instance is readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asynclint.index.models import ModelFacts

ANY = frozenset({"*"})  # attribute names that are not known


@dataclass
class Expiry:
    depth: int = 0
    sessions: dict[str, str] = field(default_factory=dict)  # instance name -> session name
    models: dict[str, ModelFacts | None] = field(default_factory=dict)  # None: model not known
    # Instances known to have a row: loaded through the session here, or flushed here. Only
    # their changes are an UPDATE (a new instance's first flush is an INSERT).
    persistent: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)  # persistent instances with changed columns
    expired: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (event, depth)
    stale: dict[str, tuple[frozenset[str], str, int]] = field(default_factory=dict)
    # Attributes set in Python since the instance's last flush: the flush writes their value,
    # the database does not fill it in (an `onupdate` is not applied).
    assigned: dict[str, set[str]] = field(default_factory=dict)
    # Attributes whose value is in memory again since a commit expired the instance
    # (assigned, or named in `refresh(obj, [...])`): reading them does not reload.
    restored: dict[str, set[str]] = field(default_factory=dict)
    # Expired instances whose columns were all loaded again since (`await
    # obj.awaitable_attrs.x` loads every expired column with x); relationships stay expired.
    reloaded: set[str] = field(default_factory=set)
    # Attributes loaded or set explicitly (`refresh(obj, ["children"])`, `obj.children = [...]`):
    # reading the relationship does not lazy-load it. "*": names not known.
    loaded: dict[str, set[str]] = field(default_factory=dict)
    # Names of lists of instances (`s.add_all(items)`, `(await s.scalars(q)).all()`): expired
    # with their session, read only by what serialises every element (`return items`).
    collections: set[str] = field(default_factory=set)

    def enter_block(self) -> None:
        self.depth += 1

    def leave_block(self) -> None:
        depth = self.depth
        self.expired = {k: v for k, v in self.expired.items() if v[1] < depth}
        self.stale = {k: v for k, v in self.stale.items() if v[2] < depth}
        self.depth -= 1

    def associate(
        self, name: str, session: str, model: ModelFacts | None, loaded: bool = False, many: bool = False
    ) -> None:
        """`session.add(obj)`, or `obj = await session.get(...)` (`loaded`: it has a row);
        `many`: a list of instances."""
        self.sessions[name] = session
        self.models[name] = model
        if loaded:
            self.persistent.add(name)
        if many:
            self.collections.add(name)

    def modified(self, name: str, attribute: str) -> None:
        """`obj.attribute = ...` (or `+=`): the value is in memory, and the next flush writes it."""
        self._in_memory(name, {attribute})
        self.assigned.setdefault(name, set()).add(attribute)
        model = self.models.get(name)
        # A relationship assigned may or may not change the instance's own row (a many-to-one
        # sets a foreign key, a one-to-many does not): not counted as a change.
        if name in self.persistent and model is not None and attribute not in model.relationships:
            self.changed.add(name)

    def flushed(self, session: str, event: str, expires: bool) -> None:
        for name, owner in self.sessions.items():
            if owner != session:
                continue
            if expires:
                self.expired[name] = (event, self.depth)
                self.restored.pop(name, None)
                self.reloaded.discard(name)
            elif name in self.changed:
                model = self.models.get(name)
                columns = (model.server_columns if model else frozenset()) - self.assigned.get(name, set())
                if columns:
                    self.stale[name] = (columns, event, self.depth)
            self.assigned.pop(name, None)
            self.persistent.add(name)
        self.changed = {name for name in self.changed if self.sessions.get(name) != session}

    def refreshed(self, name: str, attributes: frozenset[str] | None = None) -> None:
        """`await session.refresh(obj)` reloads its columns (not its lazy relationships); with
        `attribute_names`, only the attributes named, relationships included. ANY: not known."""
        if attributes is None or attributes == ANY:
            self.expired.pop(name, None)
            self.stale.pop(name, None)
        if attributes is not None:
            self._in_memory(name, attributes)

    def awaited(self, name: str, attribute: str) -> None:
        """`await obj.awaitable_attrs.attribute` loads it. On an expired instance it loads every
        expired column too (a relationship's load needs the row's keys); on one whose UPDATE
        expired some columns, loading one of those loads them all."""
        if name in self.expired:
            self.reloaded.add(name)
        stale = self.stale.get(name)
        if stale is not None and attribute in stale[0]:
            del self.stale[name]
        self._in_memory(name, {attribute})

    def _in_memory(self, name: str, attributes: set[str] | frozenset[str]) -> None:
        if name in self.expired:
            self.restored.setdefault(name, set()).update(attributes)
        stale = self.stale.get(name)
        if stale is not None:
            self.stale[name] = (stale[0] - attributes, stale[1], stale[2])
        self.loaded.setdefault(name, set()).update(attributes)

    def forget(self, name: str) -> None:
        """The name was rebound: whatever was known about the old object no longer applies."""
        for table in (self.sessions, self.models, self.expired, self.stale, self.assigned,
                      self.restored, self.loaded):
            table.pop(name, None)
        for names in (self.persistent, self.changed, self.reloaded, self.collections):
            names.discard(name)

    def is_loaded(self, name: str, relationship: str) -> bool:
        """Whether reading `name.relationship` finds it in memory (no lazy load)."""
        loaded = self.loaded.get(name, set())
        return relationship in loaded or not ANY.isdisjoint(loaded)

    def expired_by(self, name: str, attribute: str) -> str | None:
        """The event that expired `name.attribute`, if reading it now would reload it."""
        found = self.why_expired(name, attribute)
        return found[0] if found else None

    def why_expired(self, name: str, attribute: str, collection: bool = False) -> tuple[str, bool] | None:
        """(event, by an UPDATE) when reading `name.attribute` now would reload it: expired by
        a commit, or (True) a column the database computed in the UPDATE of a flush.
        `collection`: `name` is a list, `attribute` read from each of its instances."""
        if (name in self.collections) != collection:
            return None
        if name in self.expired and attribute not in self.restored.get(name, ()):
            model = self.models.get(name)
            # Columns loaded again: only a relationship known to be one is still expired.
            if name not in self.reloaded or (model is not None and attribute in model.relationships):
                return self.expired[name][0], False
        stale = self.stale.get(name)
        if stale is not None and attribute in stale[0]:
            return stale[1], True
        return None
