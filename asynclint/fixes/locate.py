"""Fixes as the checker declares them (edits on libcst nodes), made into file positions.

The checker sees one unit (a function) parsed alone; positions exist only once the engine has
located the unit's reports. A `PendingFix` names nodes; `locate` turns it into a `Fix` with the
same row/column arithmetic as the finding itself (the unit's line offset, form feeds dropped
from indentation), plus the import edit the fix needs, computed on the whole file.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

import libcst as cst

from asynclint import source
from asynclint.fixes.model import Applicability, Edit, Fix
from asynclint.index.parsing import NewerGrammarError, parse_module


@dataclass(frozen=True)
class NodeEdit:
    """Replace the text of `node` by `content`; with `upto`, the text from the start of `node`
    to the start of `upto` (the node's own parentheses are outside its range: to keep them,
    name a `LeftParen`); with `after`, insert `content` where `node` ends; with `lines_after`,
    insert each line of `content` as a line of its own after the line where `node` ends, in the
    indentation of the line where it starts and the file's line ending. Text is never
    re-rendered from a detached node: libcst would lose the indentation of its continuation
    lines."""

    node: cst.CSTNode
    content: str
    upto: cst.CSTNode | None = None
    after: bool = False
    lines_after: bool = False


@dataclass(frozen=True)
class PendingFix:
    applicability: Applicability
    message: str
    edits: tuple[NodeEdit, ...]
    # A module the edits use and the file must import (`import asyncio`), unless it does; or
    # the whole import statement (`from fastapi.concurrency import run_in_threadpool`).
    needs_import: str | None = None

    @property
    def awaits(self) -> bool:
        """Whether the fix makes the code suspend where it did not (it inserts an `await`)."""
        return any("await" in edit.content for edit in self.edits)


def locate(
    pending: PendingFix | None,
    positions: Mapping[cst.CSTNode, Any],
    line_offset: int,
    shifts: Mapping[int, int],
    lines: Sequence[str],
) -> dict[str, Any] | None:
    """The JSON form of the fix (Finding.fix), or None."""
    if pending is None:
        return None
    edits = []
    for edit in pending.edits:
        if edit.lines_after:
            edits.append(_lines_after(edit, positions, line_offset, lines))
            continue
        start = positions[edit.node].end if edit.after else positions[edit.node].start
        end = positions[edit.node].end if edit.upto is None else positions[edit.upto].start
        row, end_row = start.line + line_offset, end.line + line_offset
        edits.append(Edit(
            row,
            start.column + 1 + shifts.get(row, 0),
            end_row,
            end.column + 1 + shifts.get(end_row, 0),
            edit.content,
        ))
    if pending.needs_import is not None:
        added = import_edit("".join(lines), pending.needs_import)
        if added is None:  # the file cannot take the import: the fix is only shown
            return Fix("display-only", pending.message, ()).to_json()
        edits.append(added)
    return Fix(pending.applicability, pending.message, tuple(sorted(edits))).to_json()


def _lines_after(edit: NodeEdit, positions: Mapping[cst.CSTNode, Any], line_offset: int,
                 lines: Sequence[str]) -> Edit:
    first = lines[positions[edit.node].start.line + line_offset - 1]
    row = positions[edit.node].end.line + line_offset
    last = lines[row - 1]
    indent = first[: len(first) - len(first.lstrip(" \t\f"))]
    ending = last[len(last.rstrip("\r\n")):]
    added = [indent + text for text in edit.content.split("\n")]
    if not ending:  # the file's last line: the new lines go after its end
        ended = (line for line in lines if line.endswith(("\n", "\r")))
        ending = next((line[len(line.rstrip("\r\n")):] for line in ended), "\n")
        column = len(last) + 1
        return Edit(row, column, row, column, "".join(ending + text for text in added))
    return Edit(row + 1, 1, row + 1, 1, "".join(text + ending for text in added))


@lru_cache(maxsize=8)  # several sleeps of one file ask for the same import
def import_edit(text: str, module: str) -> Edit | None:
    """An edit adding `import module` as libcst's AddImportsVisitor places it: after the
    module's docstring, `__future__` imports and the imports that open the file; in the file's
    line endings. None when the file cannot be parsed (then the fix is only shown)."""
    try:
        # pass 1's parser: `ast`, or libcst for grammar newer than this Python's, lines kept
        tree = parse_module(text)
    except (SyntaxError, NewerGrammarError, ValueError, RecursionError, MemoryError):
        return None
    lines = source.split_lines(text)
    ending = next((line[len(line.rstrip("\r\n")):] for line in lines if line.endswith(("\n", "\r"))), "\n")
    after = 0  # the last line of the opening block (0: before the first statement)
    body = tree.body
    for index, statement in enumerate(body):
        is_docstring = (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        )
        if is_docstring or isinstance(statement, (ast.Import, ast.ImportFrom)):
            after = statement.end_lineno or statement.lineno
            continue
        break
    # `module` is a module's name, or a whole import statement (`from x import y`)
    statement_line = module if module.startswith(("import ", "from ")) else f"import {module}"
    if after == 0:
        if not body:  # comments only: after them
            if lines and not lines[-1].endswith(("\n", "\r")):
                return Edit(len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 1, ending + statement_line + ending)
            return Edit(len(lines) + 1, 1, len(lines) + 1, 1, statement_line + ending)
        first = body[0]
        decorators = getattr(first, "decorator_list", None) or []
        row = min([first.lineno, *(decorator.lineno for decorator in decorators)])
        return Edit(row, 1, row, 1, statement_line + ending)
    if after >= len(lines) and not lines[-1].endswith(("\n", "\r")):
        column = len(lines[-1]) + 1
        return Edit(after, column, after, column, ending + statement_line)
    return Edit(after + 1, 1, after + 1, 1, statement_line + ending)
