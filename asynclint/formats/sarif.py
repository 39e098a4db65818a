"""`--format sarif`: a SARIF 2.1.0 log, the format GitHub code scanning and other viewers read.

Choices, for what GitHub code scanning shows:
- `tool.driver.rules` lists every rule, not only those reported, so an alert's rule help (the
  `--explain` text, as markdown) is there whatever the run found.
- `message.text` is the message and the suggestion in one sentence: GitHub shows that text in
  the alert list and on the pull request, and shows nothing from a result's property bag.
- Levels: `error` for the rules whose code fails or silently does nothing at run time (a
  module Python cannot parse, `asyncio.run` in a running loop, an un-awaited coroutine, an
  `await` on a plain value, a lazy load under asyncio: see ERROR_CODES), `warning` for the
  rest, which stall the event loop (slow the service down) or may lose a task.
- Paths are relative to the working directory (CI runs from the checkout) under the base id
  `%SRCROOT%`; a file outside it gets an absolute `file:` URI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from asynclint import __version__
from asynclint.docs import doc_section, rule_doc
from asynclint.findings import Finding
from asynclint.formats.github import sentence, workspace_path
from asynclint.rules import ALL_RULES
from asynclint.rules.base import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
ERROR_CODES = frozenset(
    {
        "AL001",  # syntax error: the module cannot be imported
        "AL108",  # asyncio.run / run_until_complete in a running loop: RuntimeError
        "AL202",  # un-awaited AsyncSession call: the I/O never happens
        "AL203",  # await on a plain method: TypeError
        "AL204",  # lazy load under asyncio: MissingGreenlet
        "AL205",  # expired attribute reloaded under asyncio: MissingGreenlet
        "AL301",  # un-awaited coroutine: its body never runs
        "AL303",  # await on an async generator: TypeError
    }
)


def render(findings: Sequence[Finding], **_: object) -> str:
    return json.dumps(sarif_log(findings), indent=2) + "\n"


def sarif_log(findings: Sequence[Finding]) -> dict[str, Any]:
    rule_index = {rule.code: index for index, rule in enumerate(ALL_RULES)}
    driver = {
        "name": "asynclint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_descriptor(rule) for rule in ALL_RULES],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                # Finding columns count characters (code points), not UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": [_result(finding, rule_index) for finding in findings],
            }
        ],
    }


def level(code: str) -> str:
    return "error" if code in ERROR_CODES else "warning"


def _descriptor(rule: type[Rule]) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {
            "text": _one_paragraph(doc_section(rule, "What it does") or rule.summary)
        },
        "help": {"text": rule.explain(), "markdown": rule_doc(rule)},
        "defaultConfiguration": {"level": level(rule.code)},
    }


def _one_paragraph(text: str) -> str:
    """Docstring text without its hard line breaks (viewers wrap plain text themselves)."""
    return " ".join(text.split())


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    result["level"] = level(finding.code)
    result["message"] = {"text": sentence(finding)}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": _artifact(finding.path),
                "region": {
                    "startLine": finding.line,
                    "startColumn": finding.column,
                    "endLine": finding.end_line,
                    "endColumn": finding.end_column,
                },
            }
        }
    ]
    properties = {
        key: value
        for key, value in (
            ("name", finding.name),
            ("suggestion", finding.suggestion),
            ("function", finding.function),
            ("endpoint", finding.endpoint),
        )
        if value is not None
    }
    result["properties"] = properties
    fixes = _fixes(finding)
    if fixes:
        result["fixes"] = fixes
    return result


def _fixes(finding: Finding) -> list[dict[str, Any]]:
    """The finding's fix as a SARIF `fix` (display-only ones have no edits: none). Regions use
    the same 1-based character columns, end exclusive, as the JSON edits."""
    fix = finding.fix
    if not fix or not fix["edits"]:
        return []
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit["location"]["row"],
                "startColumn": edit["location"]["column"],
                "endLine": edit["end_location"]["row"],
                "endColumn": edit["end_location"]["column"],
            },
            "insertedContent": {"text": edit["content"]},
        }
        for edit in fix["edits"]
    ]
    return [
        {
            "description": {"text": f"{fix['message']} ({fix['applicability']} fix)"},
            "artifactChanges": [
                {"artifactLocation": _artifact(finding.path), "replacements": replacements}
            ],
            "properties": {"applicability": fix["applicability"]},
        }
    ]


def _artifact(path: str) -> dict[str, str]:
    shown = workspace_path(path)
    if Path(shown).is_absolute():
        return {"uri": Path(shown).as_uri()}
    return {"uri": quote(shown), "uriBaseId": SRCROOT}
