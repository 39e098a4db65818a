"""The AL205 fix: `await session.refresh(obj)` as a new statement after the commit that expired
`obj`, so the attributes read after it are loaded (asynchronously) again.

Offered only where it is certain to run between the two: the commit is an expression statement
of its own, `await <session>.commit()`, directly in a block (an indented one: not after `:` on
the same line) that also holds the read, after it, in the same function; and nothing between the
commit and the read binds `obj` or the session's name again (an assignment, `for`, `with ... as`,
`:=`, `del`, an import, a `def`). Several instances read after one commit share one edit, their
refreshes in the order they are read: every finding of that commit carries the same edit, which
the applier applies once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import libcst as cst

from asynclint.fixes.locate import NodeEdit, PendingFix
from asynclint.fixes.missing_await import enclosing

_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


@dataclass
class RefreshSite:
    """The commit statement instances are refreshed after, and the findings sharing its fix."""

    statement: cst.Expr  # `await session.commit()`
    block: cst.IndentedBlock
    session: str
    names: list[str] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)  # checks.frames.Report

    def pending(self) -> PendingFix:
        refreshes = [f"await {self.session}.refresh({name})" for name in self.names]
        shown = ", ".join(f"`{text}`" for text in refreshes)
        message = f"Add {shown} after `await {self.session}.commit()`"
        edit = NodeEdit(self.statement, "\n".join(refreshes), lines_after=True)
        return PendingFix("unsafe", message, (edit,))


def commit_site(function: cst.FunctionDef | None, commit: cst.Call, session: str) -> RefreshSite | None:
    """The site of `await session.commit()` when it is a statement of its own in an indented
    block of `function` (not in a nested scope); None otherwise."""
    if function is None:
        return None
    path = enclosing(function, commit)
    if path is None or len(path) < 4:
        return None
    block, line, statement, awaited = path[-4:]
    if not (
        isinstance(block, cst.IndentedBlock)
        and isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(statement, cst.Expr)
        and statement.value is awaited
        and isinstance(awaited, cst.Await)
        and awaited.expression is commit
    ):
        return None
    return RefreshSite(statement, block, session)


def reaches(function: cst.FunctionDef, site: RefreshSite, read: cst.CSTNode, name: str) -> bool:
    """Whether `read` comes after the commit, in its block or a block nested in it, with no
    statement between them binding `name` or the session again."""
    path = enclosing(function, read)
    if path is None or not any(node is site.block for node in path):
        return False
    body = list(site.block.body)
    start = next((i for i, line in enumerate(body) if _holds(line, site.statement)), None)
    if start is None:
        return False
    names = {name, site.session}
    for line in body[start + 1:]:
        for node in _in_order(line):
            if node is read:
                return True
            bound = _bound(node)
            if "*" in bound or names & bound:
                return False
    return False


def _holds(line: cst.CSTNode, statement: cst.Expr) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and any(item is statement for item in line.body)


def _in_order(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and its descendants in source order; a nested scope's body is skipped (its own
    name, a binding of this scope, is not)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, _SCOPES):
            continue
        stack.extend(reversed(current.children))


def _bound(node: cst.CSTNode) -> set[str]:
    """The names `node` binds in the scope it is written in."""
    if isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For,
                         cst.CompFor, cst.Del)):
        return _targets(node.target)
    if isinstance(node, (cst.WithItem, cst.ExceptHandler, cst.ExceptStarHandler)):
        return _targets(node.asname.name) if node.asname is not None else set()
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return {node.name.value}
    if isinstance(node, cst.ImportAlias):
        if node.asname is not None:
            return _targets(node.asname.name)
        return {cst.Module(body=[]).code_for_node(node.name).partition(".")[0]}
    if isinstance(node, cst.ImportStar):
        return {"*"}  # anything
    if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
        return {node.name.value}
    if isinstance(node, cst.MatchMapping) and node.rest is not None:
        return {node.rest.value}
    return set()


def _targets(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return set().union(*(_targets(element.value) for element in target.elements))
    if isinstance(target, cst.StarredElement):
        return _targets(target.value)
    return set()
