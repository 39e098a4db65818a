"""Facts about attributes, for the project index: inherited attributes and methods, request state.

A mixin of `Project` (index/project.py): relies on its `follow`, `summary`, `modules` and
loaded summaries.
"""

from __future__ import annotations

from typing import Iterator

from asynclint.analysis.values import Ref
from asynclint.index.assigned import add_value, one_value
from asynclint.index.summary import ModuleSummary

_MAX_CLASSES = 16  # a class and its project bases, for inherited attributes and methods


class AttributeFacts:
    """Mixin of Project: relies on its `follow`, `summary`, `modules`, `_summaries_mentioning`,
    `_state` and `_class_chains`."""

    def _classes(self, class_name: str) -> tuple[tuple[ModuleSummary, str], ...]:
        """A project class and its project bases (depth first, left to right, each once);
        memoised until a summary changes (`Project.load`)."""
        return self._class_chains.get(class_name, lambda: tuple(self._walk_classes(class_name)))

    def _walk_classes(self, class_name: str) -> Iterator[tuple[ModuleSummary, str]]:
        seen: set[str] = set()
        stack = [class_name]
        while stack and len(seen) < _MAX_CLASSES:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            found = self.follow(name)
            if found is None or found[1] not in found[0].classes:
                continue
            yield found
            stack.extend(reversed(found[0].bases.get(found[1], ())))

    def self_attr(self, class_name: str, name: str) -> Ref | None:
        """What the class's methods and its project bases' assign to `self.name`: the
        attribute is known only if every assignment is, and of one kind (`OneOf`)."""
        values: list[Ref | None] = []
        for summary, local in self._classes(class_name):
            key = f"{local}.{name}"
            if key in summary.self_attrs:
                add_value(values, summary.self_attrs[key])
        return one_value(values) if values else None

    def request_state(self, name: str) -> Ref | None:
        """Every value the project assigns to `<request>.state.<name>` (`OneOf` them: known
        only when they agree). Project-wide: the modules mentioning `.state.` are summarised."""
        checking = self.checking if self.checking not in self.modules else None
        if self._state is None or self._state[0] != checking:
            with self.reads.capture() as reads:
                self._state = (checking, self._collect_state(), reads)
        else:
            self.reads.charge(self._state[2])
        values = self._state[1].get(name)
        return one_value(values) if values else None

    def _collect_state(self) -> dict[str, list[Ref | None]]:
        state: dict[str, list[Ref | None]] = {}
        for summary in self._summaries_mentioning((".state.",)):
            for name, values in summary.state_attrs.items():
                for value in values:
                    add_value(state.setdefault(name, []), value)
        return state
