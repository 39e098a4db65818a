"""`--format github`: GitHub Actions workflow commands, one `::error` annotation per finding.

A step that runs `asynclint --format github` gets each finding shown on the pull request's diff,
at its line, with no upload step and no extra permissions.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import Sequence

from asynclint.findings import Finding


def render(findings: Sequence[Finding], **_: object) -> str:
    return "".join(annotation(finding) + "\n" for finding in findings)


def annotation(finding: Finding) -> str:
    properties = [
        ("file", workspace_path(finding.path)),
        ("line", str(finding.line)),
        ("col", str(finding.column)),
        ("endLine", str(finding.end_line)),
    ]
    # GitHub only draws a column range inside one line; across lines the range is the lines.
    if finding.end_line == finding.line:
        properties.append(("endColumn", str(finding.end_column)))
    properties.append(("title", f"{finding.code} ({finding.name})"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::error {joined}::{escape_data(sentence(finding))}"


def sentence(finding: Finding) -> str:
    """The message and what to do instead, as one line a reader sees without the rule docs."""
    message = finding.message.rstrip(".")
    suggestion = finding.suggestion.strip()
    if not suggestion:
        return message
    return f"{message}. {suggestion[0].upper()}{suggestion[1:]}"


def workspace_path(path: str) -> str:
    """`path` as a POSIX path relative to the working directory when it lies below it.

    GitHub resolves annotation files, and SARIF's `%SRCROOT%`, against the checkout, which is
    where CI runs asynclint from; a path outside it is returned absolute.
    """
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_posix()
    return PurePath(os.path.normpath(candidate)).as_posix()


# The escapes of GitHub's workflow-command parser (`@actions/core`): `%` first, so the `%`
# of the other escapes is not escaped twice.
_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def escape_data(text: str) -> str:
    for raw, escaped in _DATA_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def escape_property(text: str) -> str:
    for raw, escaped in _PROPERTY_ESCAPES:
        text = text.replace(raw, escaped)
    return text
