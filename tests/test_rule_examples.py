"""Every rule's own VALID and INVALID examples (Fixit's idea), run through the real engine."""

from __future__ import annotations

import pytest
from expectations import expected

from asynclint.catalog import USER_CODE, Blocking
from asynclint.engine import CheckOptions, check_source
from asynclint.rules import ALL_RULES

VALID = [
    pytest.param(rule, snippet, id=f"{rule.code}-valid-{index}")
    for rule in ALL_RULES
    for index, snippet in enumerate(rule.VALID)
]
INVALID = [
    pytest.param(rule, snippet, id=f"{rule.code}-invalid-{index}")
    for rule in ALL_RULES
    for index, snippet in enumerate(rule.INVALID)
]


def _found(rule, snippet: str) -> list[tuple[int, str]]:
    extra = {name: Blocking(USER_CODE, hint) for name, hint in rule.EXAMPLE_EXTRA_CALLS.items()}
    result = check_source(snippet, "example.py", CheckOptions(extra_calls=extra))
    assert result.errors == []
    return sorted((finding.line, finding.code) for finding in result.findings)


@pytest.mark.parametrize(("rule", "snippet"), VALID)
def test_valid_example_has_no_finding(rule, snippet):
    assert _found(rule, snippet) == []


@pytest.mark.parametrize(("rule", "snippet"), INVALID)
def test_invalid_example_is_reported_exactly_on_marked_lines(rule, snippet):
    marks = expected(snippet)
    assert any(code == rule.code for _, code in marks), "an INVALID example must mark its rule"
    assert _found(rule, snippet) == marks


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_every_rule_is_documented_in_ruffs_shape(rule):
    text = rule.explain()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in text
    assert rule.INVALID, "a rule without INVALID examples is not done"
