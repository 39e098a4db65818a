"""Which calls are iterated where they are written (`for x in rows()`, `list(rows())`,
`[*rows()]`, a list comprehension): a sync generator function's call runs its body only there
(AL110). A generator expression is lazy: its `in rows()` is iterated only when the expression
itself is (`sum(1 for _ in rows())`), not when it is handed on (`StreamingResponse(...)`)."""

from __future__ import annotations

import libcst as cst

from asynclint.analysis.generators import iterated_arguments


class Iteration:
    """Mixin of UnitChecker: relies on its `_iterated` set of call ids."""

    _iterated: set[int]

    def _iterates(self, node: cst.BaseExpression) -> None:
        if isinstance(node, (cst.Call, cst.GeneratorExp)):
            self._iterated.add(id(node))

    def _iterates_sources(self, for_in: cst.CompFor | None) -> None:
        while for_in is not None:
            if for_in.asynchronous is None:
                self._iterates(for_in.iter)
            for_in = for_in.inner_for_in

    def _note_iterated_arguments(self, node: cst.Call, callee: str | None) -> None:
        """Before the arguments are visited: those the callee iterates (`list(rows())`), and
        `*rows()`."""
        positional = [arg.value for arg in node.args if arg.keyword is None and arg.star != "**"]
        positions = iterated_arguments(callee, id(node) in self._iterated)
        for value in positional[positions] if positions is not None else ():
            self._iterates(value)
        for arg in node.args:
            if arg.star == "*":
                self._iterates(arg.value)

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._iterates(node.value)  # `[*rows()]`

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._iterates_sources(node.for_in)

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._iterates_sources(node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._iterates_sources(node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        if id(node) in self._iterated:
            self._iterates_sources(node.for_in)
