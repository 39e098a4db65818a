"""`--add-noqa`: a `# noqa: CODE` comment on every line with a finding, merged into the noqa
comment already there, so a legacy codebase can adopt asynclint and fail only on new misuse.

A finding is suppressed by a comment on its first line (suppression.py), so that is where the
comment goes — also for a finding spanning several lines. A first line that cannot end in a
comment (it ends inside a multi-line string, or with a backslash continuation) is left alone
and counted as skipped. Adding again adds nothing: a line whose comment already suppresses a
code is not touched for it.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Iterable

from asynclint import source
from asynclint.findings import Finding
from asynclint.suppression import _NOQA, suppresses


_CODE = re.compile(r"[A-Z]+[0-9]+")


@dataclass(frozen=True)
class NoqaResult:
    text: str
    added: int  # codes added to lines
    skipped: int  # findings whose line cannot take a comment


def _comment_rows(text: str) -> set[int] | None:
    """The rows where a comment may be appended: those a (logical or physical) line ends on
    outside a string. None when the text does not tokenize."""
    rows = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL):
                rows.add(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return None
    return rows


def _merged(body: str, codes: set[str]) -> str:
    """`body` (a line without its ending) with `codes` in its `# noqa: X` comment, or a new
    comment after two spaces."""
    for match in _NOQA.finditer(body):
        listed = match.group("codes")
        if listed is None:
            continue
        present = [code for code in re.split(r"[\s,]+", listed) if code]
        if not all(_CODE.fullmatch(code) for code in present):
            continue  # `# noqa: E501 slow test`: the words are not codes, leave them be
        union = sorted(set(present) | codes)
        start, end = match.span("codes")
        return body[:start] + ", ".join(union) + body[end:]
    stripped = body.rstrip(" \t")
    return f"{stripped}  # noqa: {', '.join(sorted(codes))}"


def add_noqa(text: str, findings: Iterable[Finding]) -> NoqaResult:
    lines = source.split_lines(text)
    wanted: dict[int, set[str]] = {}
    for finding in findings:
        wanted.setdefault(finding.line, set()).add(finding.code)
    rows = _comment_rows(text)
    added = skipped = 0
    for row, codes in sorted(wanted.items()):
        if not 1 <= row <= len(lines):
            continue
        line = lines[row - 1]
        missing = {code for code in codes if not suppresses(line, code)}
        if not missing:
            continue
        if rows is None or row not in rows:
            skipped += len(missing)
            continue
        body = line.rstrip("\r\n")
        lines[row - 1] = _merged(body, missing) + line[len(body):]
        added += len(missing)
    return NoqaResult("".join(lines), added, skipped)
