"""The generated docs/rules.md matches the rules; the snippets of docs/integrations.md work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from asynclint.docs import REGENERATE, render_rules_markdown
from asynclint.rules import ALL_RULES

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_committed_rules_doc_matches_the_rules():
    committed = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    assert committed == render_rules_markdown(), (
        f"docs/rules.md is out of date with the rule classes; regenerate it with `{REGENERATE}`"
    )


def test_rules_doc_has_a_section_with_examples_for_every_rule():
    text = render_rules_markdown()
    for rule in ALL_RULES:
        assert f"\n## {rule.code}: {rule.name}\n" in text
        assert f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) |" in text
        for snippet in (*rule.INVALID, *rule.VALID):
            assert f"```python\n{snippet.rstrip()}\n```" in text


def test_rule_headings_sit_below_the_rule_title():
    text = render_rules_markdown()
    assert "\n### What it does\n" in text
    assert "\n## What it does\n" not in text


def test_docs_module_prints_the_rules_doc():
    printed = subprocess.run(
        [sys.executable, "-m", "asynclint.docs"],
        capture_output=True,
        text=True,
        check=True,
        cwd=RULES_MD.parent.parent,
    ).stdout
    assert printed == render_rules_markdown()


def test_vscode_problem_matcher_in_integrations_doc_parses_concise_output():
    doc = (RULES_MD.parent / "integrations.md").read_text(encoding="utf-8")
    block = doc.split("```json\n", 1)[1].split("```", 1)[0]
    matcher = json.loads(block)["tasks"][0]["problemMatcher"]
    pattern = matcher["pattern"]
    message = "time.sleep() blocks the event loop in async function f"
    # the `[*]` of a fixable finding is not part of the message the editor shows
    for mark in ("", " [*]"):
        line = f"app/api v2/routes.py:12:5: AL101{mark} {message}"
        groups = re.match(pattern["regexp"], line).groups()

        def group(key: str) -> str:
            return groups[pattern[key] - 1]

        assert group("file") == "app/api v2/routes.py"
        assert (group("line"), group("column"), group("code")) == ("12", "5", "AL101")
        assert group("message") == message
