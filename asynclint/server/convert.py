"""asynclint's findings and fix edits as LSP values.

asynclint counts rows and columns from 1, in characters; LSP counts from 0, in the code units
the client and server agreed on (UTF-16 unless the client offers another).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from asynclint import source
from asynclint.findings import Finding
from asynclint.fixes.model import DISPLAY_ONLY, UNSAFE, Edit, Fix
from asynclint.rules import RULES_BY_CODE

SOURCE = "asynclint"
# Findings of code that fails (or does nothing) when it runs are errors, as in the SARIF
# output; those that stall the event loop are warnings.
_ERRORS = frozenset({"AL001", "AL108", "AL202", "AL203", "AL204", "AL205", "AL301", "AL303"})


class Lines:
    """A text's lines, for converting positions both ways."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = [line.rstrip("\r\n") for line in source.split_lines(text)]
        self.encoding = encoding

    def _units(self, text: str) -> int:
        if self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, row: int, column: int) -> types.Position:
        """asynclint's 1-based (row, column in characters) as an LSP position."""
        if row > len(self.lines):  # the end of a file (an edit appending to it)
            if row == len(self.lines) + 1 and column == 1:
                return types.Position(line=row - 1, character=0)
            last = self.lines[-1] if self.lines else ""
            return types.Position(line=max(len(self.lines) - 1, 0), character=self._units(last))
        line = self.lines[row - 1] if row >= 1 else ""
        return types.Position(line=max(row - 1, 0), character=self._units(line[: max(column - 1, 0)]))

    def column(self, position: types.Position) -> tuple[int, int]:
        """An LSP position as asynclint's 1-based (row, column in characters)."""
        row = position.line + 1
        if not 1 <= row <= len(self.lines):
            return row, 1
        line, units = self.lines[row - 1], 0
        for index, char in enumerate(line):
            if units >= position.character:
                return row, index + 1
            units += self._units(char)
        return row, len(line) + 1

    def range(self, row: int, column: int, end_row: int, end_column: int) -> types.Range:
        return types.Range(start=self.position(row, column), end=self.position(end_row, end_column))


def diagnostic(finding: Finding, lines: Lines, rules_url: str | None) -> types.Diagnostic:
    message = finding.message
    if finding.suggestion:
        message += f"\nhelp: {finding.suggestion}"
    rule = RULES_BY_CODE.get(finding.code)
    description = None
    if rules_url and rule is not None:
        anchor = f"{rule.code}-{rule.name}".lower()  # docs._anchor, without importing the docs
        description = types.CodeDescription(href=f"{rules_url}#{anchor}")
    severity = types.DiagnosticSeverity.Error if finding.code in _ERRORS else types.DiagnosticSeverity.Warning
    data: dict[str, Any] = {"fix": finding.fix, "name": finding.name}
    return types.Diagnostic(
        range=lines.range(finding.line, finding.column, finding.end_line, finding.end_column),
        message=message,
        severity=severity,
        code=finding.code,
        code_description=description,
        source=SOURCE,
        data=data,
    )


def text_edits(edits: Sequence[Edit], lines: Lines) -> list[types.TextEdit]:
    return [
        types.TextEdit(range=lines.range(e.row, e.column, e.end_row, e.end_column), new_text=e.content)
        for e in edits
    ]


def fix_title(finding: Finding, fix: Fix) -> str:
    title = fix.message or f"Fix {finding.code}"
    if fix.applicability == UNSAFE:
        title += " (unsafe fix)"
    elif fix.applicability == DISPLAY_ONLY:
        title += " (not applied automatically)"
    return f"{title} ({finding.code})" if finding.code not in title else title
