"""AL205's refresh fix: where it is offered, where not, and the text it inserts."""

from __future__ import annotations

import pytest

from asynclint.engine import CheckOptions, check_source
from asynclint.fixes.apply import apply_fixes
from asynclint.fixes.model import Fix
from asynclint.fixes.run import applicable
from asynclint.rules.orm_examples import ASYNC_SETUP, MODELS

HEAD = ASYNC_SETUP + MODELS


def _al205(text: str) -> list:
    result = check_source(text, "example.py", CheckOptions())
    assert result.errors == []
    return [finding for finding in result.findings if finding.code == "AL205"]


def _fixed(text: str) -> str:
    return apply_fixes(text, [fix for _, fix in applicable(_al205(text), True)]).text


@pytest.mark.parametrize(
    "body",
    [
        # the session bound again between the commit and the read
        "        await s.commit()\n        s = Factory()\n        return x.id\n",
        "        await s.commit()\n        async with Factory() as s:\n            pass\n        return x.id\n",
        "        await s.commit()\n        for s in [Factory()]:\n            pass\n        return x.id\n",
        "        await s.commit()\n        if (s := Factory()):\n            pass\n        return x.id\n",
        # the commit is not an expression statement of its own
        "        if True: await s.commit()\n        return x.id\n",
        "        await s.commit(); n = 1\n        return x.id, n\n",
        "        done = await s.commit()\n        return x.id, done\n",
        # deleted or expunged: a refresh would raise InvalidRequestError
        "        await s.delete(x)\n        await s.commit()\n        return x.id\n",
        "        s.expunge(x)\n        await s.commit()\n        return x.id\n",
        "        s.expunge_all()\n        await s.commit()\n        return x.id\n",
        "        await s.merge(x)\n        await s.commit()\n        return x.id\n",
    ],
)
def test_no_fix_where_the_refresh_is_not_sure_to_run_between(body):
    text = HEAD + "async def f(x: Parent):\n    async with Factory() as s:\n        s.add(x)\n" + body
    findings = _al205(text)
    assert findings
    assert [finding.fix for finding in findings] == [None] * len(findings)


def test_findings_of_one_commit_share_one_edit_and_fixes_are_unsafe():
    text = HEAD + (
        "async def f(x: Parent, y: Parent):\n    async with Factory() as s:\n"
        "        s.add_all([x, y])\n        await s.commit()\n        return x.id, y.id, x.hits\n"
    )
    fixes = [Fix.from_json(finding.fix) for finding in _al205(text)]
    assert len(fixes) == 3
    assert {fix.edits for fix in fixes} == {fixes[0].edits}
    assert {fix.applicability for fix in fixes} == {"unsafe"}
    assert fixes[0].edits[0].content == "        await s.refresh(x)\n        await s.refresh(y)\n"
    assert _fixed(text).count("refresh(") == 2


def test_each_commit_gets_its_own_refresh():
    text = HEAD + (
        "async def f(x: Parent):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        a = x.id\n"
        "        x.hits = 2\n        await s.commit()\n        return a, x.hits\n"
    )
    assert _fixed(text).endswith(
        "        await s.commit()\n        await s.refresh(x)\n        a = x.id\n"
        "        x.hits = 2\n        await s.commit()\n        await s.refresh(x)\n        return a, x.hits\n"
    )


def test_refresh_keeps_the_files_line_endings_and_a_methods_indentation():
    text = HEAD + (
        "class Repo:\n    async def save(self, x: Parent):\n        async with Factory() as s:\n"
        "            s.add(x)\n            await s.commit(\n            )\n            return x.id\n"
    )
    crlf = text.replace("\n", "\r\n")
    assert _fixed(crlf) == crlf.replace(
        "            )\r\n", "            )\r\n            await s.refresh(x)\r\n"
    )
    tabs = text.replace("    ", "\t")
    assert _fixed(tabs) == tabs.replace("\t\t\t)\n", "\t\t\t)\n\t\t\tawait s.refresh(x)\n")


def test_read_in_a_nested_block_after_the_commit_is_fixed_a_read_elsewhere_not():
    text = HEAD + (
        "async def f(x: Parent, ok: bool):\n    async with Factory() as s:\n"
        "        s.add(x)\n        await s.commit()\n        while ok:\n            try:\n"
        "                return x.id\n            finally:\n                ok = False\n"
    )
    assert "        await s.commit()\n        await s.refresh(x)\n        while ok:\n" in _fixed(text)
