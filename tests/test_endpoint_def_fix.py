"""The fix declaring an `async def` route with `def` (FastAPI then runs it in its threadpool):
offered only for a route that never suspends and whose every finding a threadpool fixes."""

from __future__ import annotations

import pytest
from fixing import findings as _findings
from fixing import fixed as _fix

APP = "import time\nimport requests\nimport sqlite3\nfrom fastapi import FastAPI\napp = FastAPI()\n"


def _def_fixes(text: str) -> list[str]:
    return [
        finding.code for finding in _findings(text)
        if finding.fix is not None and "with `def`" in finding.fix["message"]
    ]


@pytest.mark.parametrize(
    ("body", "fixed_def"),
    [
        # every call stays on one thread, in order: the sqlite3 connection keeps working
        pytest.param(
            "@app.get('/count')\nasync def count(db):\n    conn = sqlite3.connect(db)\n"
            "    return conn.execute('select 1').fetchone()\n",
            "def count(db):",
            id="thread-affine-connection",
        ),
        pytest.param(
            "@app.post('/sleep')\nasync  def  nap(s: float):\n    time.sleep(s)\n",
            "def  nap(s: float):",
            id="spacing-kept",
        ),
        pytest.param(
            "@app.get('/file')\nasync def read(p):\n    with open(p) as fh:\n        return fh.read()\n",
            "def read(p):",
            id="with-open",
        ),
    ],
)
def test_a_route_that_never_suspends_becomes_def(body: str, fixed_def: str) -> None:
    fixed = _fix(APP + body)
    assert fixed == APP + body.replace(body.splitlines()[1], fixed_def)
    assert _findings(fixed) == []  # a second run: nothing left, nothing new


def test_every_finding_of_the_route_carries_the_one_fix():
    body = (
        "@app.get('/count')\nasync def count(db):\n    conn = sqlite3.connect(db)\n"
        "    return conn.execute('select 1').fetchone()\n"
    )
    findings = _findings(APP + body)
    assert len(findings) == 2
    assert len({str(finding.fix) for finding in findings}) == 1
    assert findings[0].fix["applicability"] == "unsafe"
    assert findings[0].fix["edits"] == [
        {"content": "def ", "location": {"row": 7, "column": 1}, "end_location": {"row": 7, "column": 11}}
    ]


@pytest.mark.parametrize(
    "body",
    [
        # it awaits: as `def` the `await` would not compile; each call is offloaded instead
        pytest.param("@app.get('/a')\nasync def a(u, s):\n    requests.get(u)\n    await s.commit()\n", id="await"),
        pytest.param("@app.get('/a')\nasync def a(u, it):\n    requests.get(u)\n    async for x in it:\n        pass\n", id="async-for"),
        pytest.param("@app.get('/a')\nasync def a(u, cm):\n    requests.get(u)\n    async with cm:\n        pass\n", id="async-with"),
        pytest.param("@app.get('/a')\nasync def a(u, it):\n    requests.get(u)\n    return [x async for x in it]\n", id="async-comprehension"),
        # an async generator (a streamed response): `def` would make it a sync generator
        pytest.param("@app.get('/a')\nasync def a(u):\n    requests.get(u)\n    yield 1\n", id="yield"),
        # FastAPI awaits a WebSocket endpoint: a `def` one would not run
        pytest.param("@app.websocket('/ws')\nasync def ws(u):\n    requests.get(u)\n", id="websocket"),
        # the running loop is needed: a worker thread has none
        pytest.param(
            "import asyncio\n@app.get('/a')\nasync def a(u):\n    requests.get(u)\n"
            "    return asyncio.get_running_loop().time()\n",
            id="running-loop",
        ),
        pytest.param(
            "from asyncio import create_task\n@app.get('/a')\nasync def a(u, job):\n    requests.get(u)\n"
            "    task = create_task(job())\n    return task\n",
            id="imported-loop-function",
        ),
        pytest.param(
            "@app.get('/a')\nasync def a(u):\n    from anyio import from_thread\n    requests.get(u)\n"
            "    return from_thread\n",
            id="local-import",
        ),
        # not a route: its callers await it
        pytest.param("async def helper(u):\n    requests.get(u)\n", id="not-a-route"),
        # a finding the threadpool does not fix (a task nobody keeps)
        pytest.param(
            "import asyncio\n@app.get('/a')\nasync def a(u, job):\n    requests.get(u)\n    asyncio.create_task(job())\n",
            id="dangling-task",
        ),
    ],
)
def test_no_def_fix(body: str) -> None:
    assert _findings(APP + body)
    assert _def_fixes(APP + body) == []


def test_an_await_in_a_nested_def_does_not_keep_the_route_async():
    body = (
        "@app.get('/a')\nasync def a(u, s):\n    async def later():\n        await s.close()\n"
        "    requests.get(u)\n    return later\n"
    )
    assert _def_fixes(APP + body) == ["AL102"]
