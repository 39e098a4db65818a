"""`--format text`: `path:line:col: CODE message` and an indented `help:` line.

The first line matches the errorformat `%f:%l:%c: %m` that editors and CI annotators parse.
"""

from __future__ import annotations

from typing import Callable, Sequence

import click

from asynclint.findings import Finding
from asynclint.fixes.model import fixable


def render(
    findings: Sequence[Finding],
    *,
    color: bool = False,
    show_source: bool = False,
    source_line: Callable[[str, int], str | None] = lambda path, line: None,
    unsafe_fixes: bool = False,
    **_: object,
) -> str:
    out = []
    for finding in findings:
        location = f"{finding.path}:{finding.line}:{finding.column}:"
        code = finding.code
        if color:
            location = click.style(location, bold=True)
            code = click.style(code, fg="red", bold=True)
        # ruff's mark of a finding `--fix` can fix (with `--unsafe-fixes`: unsafe ones too)
        marker = " [*]" if fixable(finding.fix, unsafe_fixes) else ""
        out.append(f"{location} {code}{marker} {finding.message}")
        if show_source:
            line = source_line(finding.path, finding.line)
            if line is not None:
                stripped = line.rstrip("\r\n")
                width = (
                    finding.end_column - finding.column if finding.end_line == finding.line else 1
                )
                caret = " " * (finding.column - 1) + "^" * max(1, width)
                out.append(f"    {stripped}")
                out.append(f"    {click.style(caret, fg='red') if color else caret}")
        help_label = click.style("help:", fg="cyan") if color else "help:"
        out.append(f"    {help_label} {finding.suggestion}")
    return "\n".join(out) + ("\n" if out else "")
