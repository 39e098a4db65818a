"""The names a function binds anywhere in its body — what Python makes local to it.

A fix that inserts a reference to a module (`asyncio.sleep`) must not meet a local of that name:
one bound *after* the fixed line still makes the name local to the whole function, and the
fixed call would raise UnboundLocalError. The checker's scope stack knows only the names bound
so far, so a fix asks this once per function.
"""

from __future__ import annotations

import libcst as cst


class _Bindings(cst.CSTVisitor):
    def __init__(self, root: cst.CSTNode) -> None:
        self.root = root
        self.names: set[str] = set()

    def _targets(self, node: cst.CSTNode | None) -> None:
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._targets(element.value)
        elif isinstance(node, cst.StarredElement):
            self._targets(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node is self.root:
            return True
        self.names.add(node.name.value)
        return False  # a nested function's names are its own

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_CompFor(self, node: cst.CompFor) -> bool:
        return False  # comprehension variables live in the comprehension's scope

    def visit_Param(self, node: cst.Param) -> None:
        self.names.add(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:  # with ... as, except ... as, import as
        self._targets(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._targets(node.target)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            name = node.name
            while isinstance(name, cst.Attribute):
                name = name.value
            if isinstance(name, cst.Name):
                self.names.add(name.value)

    def visit_Global(self, node: cst.Global) -> None:
        self.names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.names.update(item.name.value for item in node.names)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self._targets(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        self._targets(node.name)


def local_names(function: cst.FunctionDef) -> frozenset[str]:
    """Every name `function` binds in its own scope (parameters included), wherever."""
    visitor = _Bindings(function)
    function.visit(visitor)
    return frozenset(visitor.names)
