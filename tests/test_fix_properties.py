"""A property of `--fix --unsafe-fixes` over generated async bodies: the result parses, a second
run changes nothing, and only the flagged statements and one import line differ."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from asynclint import source
from asynclint.engine import CheckOptions, check_source
from asynclint.fixes import files
from asynclint.fixes.run import applicable, fix_source

HEAD = "from sqlalchemy.ext.asyncio import AsyncSession\nimport time\n"
STATEMENTS = [
    "time.sleep(1)",
    "time.sleep(x)  # keep",
    "await s.add(x)",
    "await (s.add(  # inside\n        x))",
    "x = await s.add(x)",
    "y = [time.sleep(2)]",  # reported, not fixable
    "await s.commit()",
    "x = 1",
    "if x:\n        time.sleep(3)",
    "def g():\n        time.sleep(4)",  # not reported
    "# a comment",
]


def _findings(path: str, text: str):
    result = check_source(text, path, CheckOptions())
    assert result.errors == []
    return result.findings


@settings(max_examples=40, deadline=None)
@given(
    body=st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=8),
    imports_asyncio=st.booleans(),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_fixed_bodies_parse_are_stable_and_differ_only_where_flagged(body, imports_asyncio, ending):
    text = HEAD + ("import asyncio\n" if imports_asyncio else "") + "\nasync def f(s: AsyncSession, x):\n"
    text += "".join(f"    {statement}\n" for statement in body) + "    return x\n"
    text = text.replace("\n", ending)
    findings = _findings("m.py", text)
    original = files.from_bytes("m.py", text.encode())
    fixed = fix_source(original, findings, unsafe=True, relint=_findings).text
    ast.parse(fixed)
    left = _findings("m.py", fixed)
    assert applicable(left, unsafe=True) == []
    again = fix_source(files.from_bytes("m.py", fixed.encode()), left, unsafe=True, relint=_findings)
    assert again.text == fixed
    flagged = {finding.line for finding in findings if applicable([finding], unsafe=True)}
    before, after = source.split_lines(text), source.split_lines(fixed)
    slept = any(finding.code == "AL101" and applicable([finding], unsafe=True) for finding in findings)
    inserted = [line for line in after if line.rstrip("\r\n") == "import asyncio"]
    assert len(inserted) == (1 if slept or imports_asyncio else 0)
    kept = [line for number, line in enumerate(before, 1) if number not in flagged]
    assert [line for line in after if line in kept or line not in before] == after
    unflagged_after = [line for line in after if line in kept]
    assert unflagged_after == kept  # every unflagged line is still there, in order
