"""What the fix tests share: the findings of a snippet checked alone, and the snippet with every
fix `--fix` (with `--unsafe-fixes` when `unsafe`) would apply in one round."""

from __future__ import annotations

from asynclint.engine import CheckOptions, check_source
from asynclint.findings import Finding
from asynclint.fixes.apply import apply_fixes
from asynclint.fixes.run import applicable


def findings(text: str) -> list[Finding]:
    result = check_source(text, "example.py", CheckOptions())
    assert result.errors == []
    return result.findings


def fixed(text: str, unsafe: bool = True) -> str:
    return apply_fixes(text, [fix for _, fix in applicable(findings(text), unsafe)]).text
