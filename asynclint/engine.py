"""Checking one file: decode, pre-scan, parse (ast, then libcst for the units), check, locate.

The pre-scan keeps files without async code off the expensive path. `ast` parses the rest
first: it is fast, it is the gatekeeper for syntax errors (with the real line), and its module
summary tells which functions hold async code; a file in newer grammar than the running
Python's reaches `ast` through libcst (`index/parsing.py`). Only the functions holding async
code are parsed with libcst for pass 2.
"""

from __future__ import annotations

import ast
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from asynclint import source
from asynclint.checker import Report, UnitChecker
from asynclint.checks.pool_budget import pool_findings
from asynclint.findings import FileError, FileResult, Finding
from asynclint.fixes.locate import locate
from asynclint.index.cache import SummaryCache
from asynclint.index.parsing import NewerGrammarError, parse_module
from asynclint.index.project import Project
from asynclint.index.summary import ModuleSummary, Unit
from asynclint.options import CheckOptions
from asynclint.rules import RULES_BY_CODE
from asynclint.suppression import skips_file, suppresses
from asynclint.units import unit_source
from asynclint.walk import walk

_WRAPPER = "if 1:"
# Enough for libcst's metadata pass on anything pass 1 (an `ast` visitor, at Python's default
# limit) lets through: 3,000-term chains located fine on an 8 MB C stack, measured.
_CHECK_RECURSION_LIMIT = 25_000


def make_project(options: CheckOptions) -> Project:
    """The project index a process checks with (build once per process, it caches summaries)."""
    cache = SummaryCache(options.cache) if options.cache is not None else None
    return Project(options.modules, cache, options.extra_calls, options.texts)


def check_file(
    path: str,
    options: CheckOptions,
    module: str | None = None,
    project: Project | None = None,
    explicit: bool = False,
) -> FileResult:
    try:
        text = source.read(path)
    except source.SourceError as error:
        return FileResult(path, errors=[FileError(path, str(error))])
    return check_source(text, path, options, module, project, explicit)


def check_source(
    text: str,
    path: str,
    options: CheckOptions,
    module: str | None = None,
    project: Project | None = None,
    explicit: bool = False,
) -> FileResult:
    """Findings for one file's text; `module` (dotted name) resolves its relative imports.

    A file without async code (or an engine, AL401) is not parsed at all (the pre-scan), unless it was named
    explicitly (`explicit`): then its syntax is still checked (AL001)."""
    result = FileResult(path, reads={})
    if skips_file(text):
        return result
    if not source.may_hold_findings(text):
        if explicit:
            result.findings.extend(_syntax_errors(text, path))
        return result
    module = module or Path(path).stem or "<module>"
    project = project if project is not None else make_project(options)
    project.checking = module
    with project.reads.capture() as reads:
        _check_summary(text, path, module, options, project, result)
    result.reads = reads
    return result


def _check_summary(
    text: str, path: str, module: str, options: CheckOptions, project: Project, result: FileResult
) -> None:
    summary = project.load(text, path, module, lambda text: _parse(text, path, result))
    if summary is None:
        return
    lines = source.split_lines(text)
    for unit in summary.units:
        try:
            result.findings.extend(_check_unit(lines, summary, unit, path, options, project))
        except cst.ParserSyntaxError as error:
            result.errors.append(
                FileError(path, f"libcst cannot parse {unit.qualname} (line {unit.start_line}): "
                                f"{error.message}")
            )
    if summary.budget.engines:
        result.findings.extend(pool_findings(summary, project, path))
    result.findings[:] = [f for f in result.findings if not _suppressed(lines, f)]


def _parse(text: str, path: str, result: FileResult) -> ast.Module | None:
    """The syntax gate: a file that neither `ast` nor libcst accepts gets AL001 (and no unit of
    it reaches pass 2); newer grammar than this Python's goes through libcst (index/parsing)."""
    try:
        return parse_module(text, path)
    except NewerGrammarError as error:
        result.errors.append(FileError(path, str(error)))
    except SyntaxError as error:
        message = f"{error.msg} (neither Python's parser nor libcst accepts this file)"
        result.findings.append(_syntax_finding(path, message, error.lineno, error.offset))
    except (RecursionError, MemoryError):
        result.findings.append(_syntax_finding(path, "too deeply nested to parse", 1, 1))
    except ValueError as error:  # Python 3.10: NUL bytes
        result.findings.append(_syntax_finding(path, str(error), 1, 1))
    return None


def _syntax_errors(text: str, path: str) -> list[Finding]:
    result = FileResult(path)
    _parse(text, path, result)
    return result.findings


def _check_unit(
    lines: list[str],
    summary: ModuleSummary,
    unit: Unit,
    path: str,
    options: CheckOptions,
    project: Project,
) -> list[Finding]:
    chunk, shifts = unit_source(lines, unit.start_line, unit.end_line)
    line_offset = unit.start_line - 1
    if chunk and chunk[0][:1] in (" ", "\t"):
        # An indented method: a wrapper block keeps every column (and multi-line strings) as is.
        ending = chunk[0][len(chunk[0].rstrip("\r\n")) :] or "\n"
        chunk = [_WRAPPER + ending, *chunk]
        line_offset -= 1
    module = cst.parse_module("".join(chunk))
    checker = UnitChecker(summary, unit, project, options.extra_calls, options.extra_offload)
    with _deep_recursion():
        walk(module, checker)
        if not checker.reports:
            return []
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return [
        _finding(report, positions, line_offset, shifts, path, lines)
        for report in checker.reports
    ]


@contextmanager
def _deep_recursion() -> Iterator[None]:
    """Python's recursion limit raised while a unit is checked and located.

    libcst's metadata pass (positions) recurses about five frames per level of nesting: the
    200 nested brackets CPython accepts need more than the default 1000 frames. Only here, not
    for the whole worker: a higher limit in pass 1 would let longer chains (`a[0][0]...`, which
    `ast` accepts by the thousand) reach libcst's parser, whose time grows with the cube of
    their length, turning a quick error into a run that seems to hang."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, _CHECK_RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _finding(
    report: Report,
    positions: Mapping[cst.CSTNode, cst.metadata.CodeRange],
    line_offset: int,
    shifts: Mapping[int, int],
    path: str,
    lines: list[str],
) -> Finding:
    rule = RULES_BY_CODE[report.code]
    where = positions[report.node]
    line, end_line = where.start.line + line_offset, where.end.line + line_offset
    return Finding(
        path=path,
        line=line,
        column=where.start.column + 1 + shifts.get(line, 0),
        end_line=end_line,
        end_column=where.end.column + 1 + shifts.get(end_line, 0),
        code=rule.code,
        name=rule.name,
        message=rule.format_message(**report.parts),
        suggestion=report.suggestion,
        function=report.function,
        endpoint=report.endpoint,
        fix=locate(report.fix, positions, line_offset, shifts, lines),
    )


def _syntax_finding(path: str, message: str, line: int | None, column: int | None) -> Finding:
    rule = RULES_BY_CODE["AL001"]
    line = line or 1
    column = column or 1
    return Finding(
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
        code=rule.code,
        name=rule.name,
        message=rule.format_message(call=message),
        suggestion="fix the syntax error so Python (and asynclint) can parse the file",
    )


def _suppressed(lines: list[str], finding: Finding) -> bool:
    index = finding.line - 1
    return 0 <= index < len(lines) and suppresses(lines[index], finding.code)
