"""Display-only fixes: carried in the JSON output for editors, never applied (not even with
`--unsafe-fixes`); with edits where a concrete rewrite exists, advice alone where it does not."""

from __future__ import annotations

import pytest

from asynclint.engine import CheckOptions, check_source
from asynclint.fixes.apply import apply_fixes
from asynclint.fixes.model import Fix, fix_counts
from asynclint.fixes.run import applicable

GEN = "async def events():\n    yield 1\n"


def _fixes(text: str, code: str) -> list[Fix]:
    result = check_source(text, "example.py", CheckOptions())
    assert result.errors == []
    found = [Fix.from_json(f.fix) for f in result.findings if f.code == code and f.fix is not None]
    assert found, f"no {code} with a fix"
    return found


def _edited(text: str, fix: Fix) -> str:
    return apply_fixes(text, [fix]).text


@pytest.mark.parametrize(
    ("text", "code", "after"),
    [
        pytest.param(
            "import asyncio\nasync def seed():\n    return 1\nasync def f():\n    n = asyncio.run(seed())\n",
            "AL108",
            "import asyncio\nasync def seed():\n    return 1\nasync def f():\n    n = await seed()\n",
            id="AL108-await",
        ),
        pytest.param(
            GEN + "async def f():\n    return await events()\n",
            "AL303",
            GEN + "async def f():\n    return [item async for item in events()]\n",
            id="AL303-collect",
        ),
    ],
)
def test_a_display_only_fix_carries_the_rewrite_an_editor_can_offer(text, code, after):
    (fix,) = _fixes(text, code)
    assert fix.applicability == "display-only"
    assert _edited(text, fix) == after
    assert not fix.applies(unsafe=True)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # a keyword argument (`debug=`) would be lost; a receiver would need parentheses
        pytest.param("import asyncio\nasync def f(c):\n    asyncio.run(c(), debug=True)\n", "AL108", id="AL108-keyword"),
        pytest.param(
            "import asyncio\nasync def f(c):\n    return asyncio.run(c()).x\n",
            "AL108",
            id="AL108-receiver",
        ),
        pytest.param(
            "import asyncio\nasync def f(c):\n    asyncio.run(  # the seed\n        c(),\n    )\n", "AL108", id="AL108-comment"
        ),
        pytest.param(GEN + "async def f():\n    return (await events()).x\n", "AL303", id="AL303-receiver"),
        pytest.param("import asyncio\nasync def f(c):\n    asyncio.create_task(c())\n", "AL302", id="AL302"),
        pytest.param("import threading\nlock = threading.Lock()\nasync def f():\n    with lock:\n        pass\n", "AL106", id="AL106-with"),
        pytest.param(
            "from sqlalchemy import create_engine\nfrom sqlalchemy.orm import Session\n"
            "engine = create_engine('sqlite://')\nasync def f():\n    with Session(engine) as s:\n"
            "        s.execute('select 1')\n",
            "AL201",
            id="AL201-not-a-route",
        ),
    ],
)
def test_advice_alone_where_no_rewrite_is_certain(text, code):
    (fix,) = _fixes(text, code)
    assert fix.applicability == "display-only"
    assert fix.edits == ()
    assert fix.message


def test_display_only_fixes_are_not_counted_as_fixable_or_applied():
    text = "import asyncio\nasync def seed():\n    return 1\nasync def f():\n    asyncio.run(seed())\n"
    findings = check_source(text, "example.py", CheckOptions()).findings
    assert fix_counts(findings, unsafe=True) == (0, 0)
    assert applicable(findings, True) == []
