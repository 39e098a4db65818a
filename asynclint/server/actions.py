"""Code actions and hover for a checked document: a quick fix per finding with a fix, fix-all
(safe fixes; unsafe ones too with the `unsafeFixes` setting), "Disable ALxxx for this line"
(`--add-noqa`'s merge), and `--explain` on a code in a `# noqa:` comment."""

from __future__ import annotations

import re

from lsprotocol import types

from asynclint.findings import Finding
from asynclint.fixes.apply import apply_fixes, parses
from asynclint.fixes.model import SAFE, UNSAFE, Fix
from asynclint.fixes.noqa import add_noqa
from asynclint.rules import RULES_BY_CODE
from asynclint.server.convert import Lines, fix_title, text_edits
from asynclint.server.core import Outcome
from asynclint.suppression import _NOQA

FIX_ALL = "source.fixAll.asynclint"
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


def _overlaps(finding: Finding, lines: Lines, area: types.Range) -> bool:
    start = lines.position(finding.line, finding.column)
    end = lines.position(finding.end_line, finding.end_column)
    before = (end.line, end.character) < (area.start.line, area.start.character)
    after = (start.line, start.character) > (area.end.line, area.end.character)
    return not (before or after)


def _edit(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)]
    )


def code_actions(
    uri: str,
    outcome: Outcome,
    area: types.Range,
    only: list[str] | None,
    unsafe_fixes: bool,
    encoding: str,
) -> list[types.CodeAction]:
    lines = Lines(outcome.text, encoding)
    wanted = lambda kind: not only or any(kind == k or kind.startswith(k + ".") for k in only)
    actions: list[types.CodeAction] = []
    if wanted(types.CodeActionKind.QuickFix):
        for finding in outcome.current:
            if not _overlaps(finding, lines, area):
                continue
            fix = Fix.from_json(finding.fix) if finding.fix else None
            if fix is not None and fix.edits and fix.applicability in (SAFE, UNSAFE):
                actions.append(types.CodeAction(
                    title=fix_title(finding, fix),
                    kind=types.CodeActionKind.QuickFix,
                    edit=_edit(uri, outcome.version, text_edits(fix.edits, lines)),
                    is_preferred=fix.applicability == SAFE,
                ))
        for finding in outcome.findings:
            if _overlaps(finding, lines, area):
                noqa = noqa_action(uri, outcome, finding, lines)
                if noqa is not None and all(a.title != noqa.title for a in actions):
                    actions.append(noqa)
    if wanted(FIX_ALL):
        edit = fix_all_edit(uri, outcome, unsafe_fixes, encoding)
        if edit is not None:
            actions.append(types.CodeAction(
                title="asynclint: fix all" + (" (unsafe fixes included)" if unsafe_fixes else ""),
                kind=FIX_ALL,
                edit=edit,
            ))
    return actions


def fix_all_edit(
    uri: str, outcome: Outcome, unsafe_fixes: bool, encoding: str
) -> types.WorkspaceEdit | None:
    """Fix-all as one edit replacing the document (None: nothing to fix)."""
    fixed = fix_all(outcome, unsafe_fixes)
    if fixed is None:
        return None
    lines = Lines(outcome.text, encoding)
    whole = lines.range(1, 1, len(lines.lines) + 1, 1)
    return _edit(uri, outcome.version, [types.TextEdit(range=whole, new_text=fixed)])


def quick_fix_edit(
    uri: str, outcome: Outcome, code: str, line: int, column: int, encoding: str
) -> types.WorkspaceEdit | None:
    """The edit of the fix of the current finding `code` at (line, column), 1-based; None when
    there is no such finding or its fix is display-only."""
    for finding in outcome.current:
        if (finding.code, finding.line, finding.column) == (code, line, column) and finding.fix:
            fix = Fix.from_json(finding.fix)
            if fix.edits and fix.applicability in (SAFE, UNSAFE):
                return _edit(uri, outcome.version, text_edits(fix.edits, Lines(outcome.text, encoding)))
    return None


def fix_all(outcome: Outcome, unsafe_fixes: bool) -> str | None:
    """The text with every applicable fix of the current findings that overlaps no other
    (one round; what waits is offered again after the next check); None if nothing changes
    or the result would not parse."""
    fixes = [
        Fix.from_json(finding.fix)
        for finding in outcome.current
        if finding.fix is not None and Fix.from_json(finding.fix).applies(unsafe_fixes)
    ]
    if not fixes:
        return None
    try:
        applied = apply_fixes(outcome.text, fixes)
    except ValueError:  # a stale position: the text moved on
        return None
    if applied.text == outcome.text or (parses(outcome.text) and not parses(applied.text)):
        return None
    return applied.text


def noqa_action(uri: str, outcome: Outcome, finding: Finding, lines: Lines) -> types.CodeAction | None:
    if finding.line > len(lines.lines):
        return None
    result = add_noqa(outcome.text, [finding])
    if not result.added:
        return None
    new_line = _line(result.text, finding.line)
    old = lines.lines[finding.line - 1]
    edit = types.TextEdit(range=lines.range(finding.line, 1, finding.line, len(old) + 1), new_text=new_line)
    return types.CodeAction(
        title=f"Disable {finding.code} for this line",
        kind=types.CodeActionKind.QuickFix,
        edit=_edit(uri, outcome.version, [edit]),
    )


def _line(text: str, row: int) -> str:
    return Lines(text).lines[row - 1]


def hover(text: str, position: types.Position, encoding: str) -> types.Hover | None:
    """`--explain CODE` for the code under the cursor in a `# noqa: ...` comment."""
    lines = Lines(text, encoding)
    row, column = lines.column(position)
    if not 1 <= row <= len(lines.lines):
        return None
    line = lines.lines[row - 1]
    for match in _NOQA.finditer(line):
        if match.group("codes") is None:
            continue
        start = match.start("codes")
        for code in _CODE.finditer(match.group("codes")):
            begin, end = start + code.start(), start + code.end()
            rule = RULES_BY_CODE.get(code.group().upper())
            if rule is not None and begin < column <= end + 1:
                return types.Hover(
                    contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=rule.explain()),
                    range=lines.range(row, begin + 1, row, end + 1),
                )
    return None
