"""A property of `--fix --unsafe-fixes` over generated async bodies: the result parses, a second
run changes nothing, and only the flagged statements and one import line differ."""

from __future__ import annotations

import ast
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from asynclint import source
from asynclint.engine import CheckOptions, check_source
from asynclint.fixes import files
from asynclint.fixes.run import applicable, fix_source

HEAD = "from sqlalchemy.ext.asyncio import AsyncSession\nimport time\nimport requests\n"
# a FastAPI route: offloads go through run_in_threadpool, and a route that never suspends
# becomes `def`
ROUTE = "from fastapi import FastAPI\napp = FastAPI()\n"
IMPORTS = ("import asyncio", "from fastapi.concurrency import run_in_threadpool")
STATEMENTS = [
    "requests.get(x)",
    "print(requests.get(x, timeout=1), x)",
    "data = open(x).read()",  # reported, not fixable in place
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


@settings(max_examples=int(os.environ.get("ASYNCLINT_FIX_EXAMPLES", "60")), deadline=None)
@given(
    body=st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=8),
    imports_asyncio=st.booleans(),
    route=st.booleans(),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_fixed_bodies_parse_are_stable_and_differ_only_where_flagged(body, imports_asyncio, route, ending):
    text = HEAD + ("import asyncio\n" if imports_asyncio else "") + (ROUTE if route else "")
    text += "\n" + ("@app.get('/')\n" if route else "") + "async def f(s: AsyncSession, x):\n"
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
    declared = [line for line in after if line.lstrip().startswith("def f(")]
    if declared:  # the route's `def` fix: the one other line that may change
        assert route and not any("await" in line for line in after if line.startswith("    "))
        flagged.add(next(number for number, line in enumerate(before, 1) if "async def f(" in line))
    inserted = [line.rstrip("\r\n") for line in after if line not in before and line.rstrip("\r\n") in IMPORTS]
    assert len(inserted) == len(set(inserted))  # an import is added once
    kept = [line for number, line in enumerate(before, 1) if number not in flagged]
    unflagged_after = [line for line in after if line in kept]
    assert unflagged_after == kept  # every unflagged line is still there, in order
    # and the lines that are new are rewrites of flagged lines, or the imports the fixes need
    assert len([line for line in after if line not in before]) <= len(flagged) + len(inserted)
