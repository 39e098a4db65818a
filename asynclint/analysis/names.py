"""Name resolution: which module-level object a name refers to, honouring Python's scoping.

A name bound by an import resolves to its qualified name (`t` → `time` after `import time as t`).
A name bound any other way (parameter, assignment, loop target, `def`) shadows imports: it
resolves to nothing, though it may carry an object kind (`s = requests.Session()`). Names never
bound resolve to builtins. Class bodies are not visible from the methods inside them.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from asynclint.analysis.values import Ref

BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(frozen=True)
class Binding:
    """What a name is bound to: a qualified name (imports, module-level `def`/`class`), or a
    local value (`value` describes it when known)."""

    qualified: str | None = None
    value: Ref | None = None


LOCAL = Binding()
# A name bound in several ways (e.g. two different imports in `try`/`except`) is not trusted.
AMBIGUOUS = Binding()


class Scope:
    __slots__ = ("is_class", "names")

    def __init__(self, is_class: bool = False) -> None:
        self.is_class = is_class
        self.names: dict[str, Binding] = {}


class ScopeStack:
    """The scopes enclosing the code being checked, innermost last."""

    def __init__(self, module_names: dict[str, Binding]) -> None:
        module = Scope()
        module.names = module_names  # shared: the summariser fills it while resolving
        self._scopes: list[Scope] = [module]

    def push(self, is_class: bool = False) -> None:
        self._scopes.append(Scope(is_class))

    def pop(self) -> None:
        self._scopes.pop()

    @property
    def current(self) -> Scope:
        return self._scopes[-1]

    def bind(self, name: str, binding: Binding = LOCAL) -> None:
        self._scopes[-1].names[name] = binding

    def bind_import(self, local: str, qualified: str) -> None:
        self.bind(local, Binding(qualified=qualified))

    def lookup(self, name: str) -> Binding | None:
        scopes = self._scopes
        innermost = len(scopes) - 1
        for index in range(innermost, -1, -1):
            scope = scopes[index]
            if scope.is_class and index != innermost:
                continue
            found = scope.names.get(name)
            if found is not None:
                return found
        if name in BUILTIN_NAMES:
            return Binding(qualified=f"builtins.{name}")
        return None

    def resolve(self, parts: list[str]) -> str | None:
        """Qualified name of a dotted reference such as ['t', 'sleep'] → 'time.sleep'."""
        binding = self.lookup(parts[0])
        if binding is None or binding.qualified is None:
            return None
        if len(parts) == 1:
            return binding.qualified
        return binding.qualified + "." + ".".join(parts[1:])


def import_target(module: str | None, level: int, current_package: str | None) -> str | None:
    """The absolute module named by `from <level dots><module> import ...`, if it can be known."""
    if level == 0:
        return module
    if current_package is None:
        return None
    parts = current_package.split(".") if current_package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) if base else None
