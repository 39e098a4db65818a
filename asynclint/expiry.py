"""AL205's flow facts inside one function: which ORM instances a commit or flush has expired.

Flow is tracked in statement order with one rule for branches: an event recorded inside a
block is forgotten when the block ends, so only a commit that dominates a later read (same
block or an enclosing one) expires it. A read in an `else` branch after a commit in the `if`
branch is therefore not reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Expiry:
    depth: int = 0
    sessions: dict[str, str] = field(default_factory=dict)  # instance name -> session name
    columns: dict[str, frozenset[str]] = field(default_factory=dict)  # server-filled columns
    changed: set[str] = field(default_factory=set)  # instances with unflushed changes
    expired: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (event, depth)
    stale: dict[str, tuple[frozenset[str], str, int]] = field(default_factory=dict)

    def enter_block(self) -> None:
        self.depth += 1

    def leave_block(self) -> None:
        depth = self.depth
        self.expired = {k: v for k, v in self.expired.items() if v[1] < depth}
        self.stale = {k: v for k, v in self.stale.items() if v[2] < depth}
        self.depth -= 1

    def associate(self, name: str, session: str, server_columns: frozenset[str]) -> None:
        """`session.add(obj)` or `obj = await session.get(...)`: obj now belongs to session."""
        self.sessions[name] = session
        self.columns[name] = server_columns
        self.changed.add(name)

    def modified(self, name: str) -> None:
        if name in self.sessions:
            self.changed.add(name)

    def flushed(self, session: str, event: str, expires: bool) -> None:
        for name, owner in self.sessions.items():
            if owner != session:
                continue
            if expires:
                self.expired[name] = (event, self.depth)
            elif name in self.changed and self.columns.get(name):
                self.stale[name] = (self.columns[name], event, self.depth)
        self.changed = {name for name in self.changed if self.sessions.get(name) != session}

    def refreshed(self, name: str) -> None:
        self.expired.pop(name, None)
        self.stale.pop(name, None)

    def forget(self, name: str) -> None:
        """The name was rebound: whatever was known about the old object no longer applies."""
        for table in (self.sessions, self.columns, self.expired, self.stale):
            table.pop(name, None)
        self.changed.discard(name)

    def expired_by(self, name: str, attribute: str) -> str | None:
        """The event that expired `name.attribute`, if reading it now would reload it."""
        if name in self.expired:
            return self.expired[name][0]
        stale = self.stale.get(name)
        if stale is not None and attribute in stale[0]:
            return stale[1]
        return None
