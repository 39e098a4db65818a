"""The offload fix of the blocking-call rules: `fn(a)` → `await asyncio.to_thread(fn, a)`,
or `run_in_threadpool` in a FastAPI/Starlette module; where it is offered and where not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fixing import findings as _findings
from fixing import fixed as _fix

from asynclint.cli import command
from asynclint.fixes.model import Fix


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "import requests\nfrom starlette.applications import Starlette\n"
            "async def f(url):\n    requests.get(url)\n",
            "import requests\nfrom starlette.applications import Starlette\n"
            "from starlette.concurrency import run_in_threadpool\n"
            "async def f(url):\n    await run_in_threadpool(requests.get, url)\n",
            id="starlette",
        ),
        pytest.param(
            "import requests\nfrom fastapi.concurrency import run_in_threadpool as rtp\n"
            "async def f(url):\n    requests.get(url)\n",
            "import requests\nfrom fastapi.concurrency import run_in_threadpool as rtp\n"
            "async def f(url):\n    await rtp(requests.get, url)\n",
            id="existing-alias",
        ),
        pytest.param(
            "import subprocess\nasync def f():\n    subprocess.getoutput()\n    subprocess.getoutput()\n",
            "import subprocess\nimport asyncio\nasync def f():\n"
            "    await asyncio.to_thread(subprocess.getoutput)\n    await asyncio.to_thread(subprocess.getoutput)\n",
            id="no-arguments",
        ),
        pytest.param(
            "async def f():\n    return input('> ')\n",
            "import asyncio\nasync def f():\n    return await asyncio.to_thread(input, '> ')\n",
            id="AL107",
        ),
        pytest.param(
            "import asyncio\nimport requests\nasync def f(url, *a, **k):\n"
            "    x: object = requests.get(url, *a, **k)\n    x += requests.get(\n        url,  # keep\n    )\n",
            "import asyncio\nimport requests\nasync def f(url, *a, **k):\n"
            "    x: object = await asyncio.to_thread(requests.get, url, *a, **k)\n"
            "    x += await asyncio.to_thread(requests.get,\n        url,  # keep\n    )\n",
            id="annotated-and-augmented",
        ),
        pytest.param(
            "import requests\nclass S:\n    async def run(self, url):\n        requests.get(url)\n",
            "import requests\nimport asyncio\nclass S:\n    async def run(self, url):\n"
            "        await asyncio.to_thread(requests.get, url)\n",
            id="method",
        ),
        pytest.param(
            "import requests\r\nasync def f(url):\r\n    requests.get(url)\r\n",
            "import requests\r\nimport asyncio\r\nasync def f(url):\r\n    await asyncio.to_thread(requests.get, url)\r\n",
            id="crlf",
        ),
    ],
)
def test_offload_fix(before: str, after: str) -> None:
    assert _fix(before) == after
    assert _fix(after) == after


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("import requests\nasync def f(url):\n    requests.get(url)\n    asyncio = 1\n", id="asyncio-local"),
        pytest.param(
            "import requests\nfrom fastapi import FastAPI\nasync def f(url):\n"
            "    requests.get(url)\n    run_in_threadpool = None\n",
            id="run_in_threadpool-local",
        ),
        pytest.param("import requests\nasync def f(url):\n    requests.get((u := url))\n", id="walrus"),
        pytest.param("import requests\nasync def f(url, g):\n    requests.get(await g(url))\n", id="await"),
        pytest.param("import requests\nasync def f(url):\n    requests.get((yield url))\n", id="yield"),
        pytest.param("import requests\nasync def f(url):\n    (requests.get)(url)\n", id="parenthesised-callee"),
        pytest.param("import requests\nasync def f(url):\n    return [requests.get(u) for u in url]\n", id="comprehension"),
        pytest.param("import requests\nasync def f(url):\n    return {requests.get(url): 1}\n", id="dict-key"),
        pytest.param("import requests\nasync def f(url):\n    return 1 + len(requests.get(url))\n", id="operand"),
        pytest.param("import requests\nasync def f(url):\n    print(requests.get(url) or None)\n", id="boolean-operand"),
        pytest.param("import requests\nasync def f(url):\n    if requests.get(url):\n        pass\n", id="condition"),
        pytest.param("async def f(p):\n    with open(p) as fh:\n        return fh\n", id="with"),
        pytest.param("async def f(p):\n    return open(p).read()\n", id="call-result"),
        pytest.param("import requests\nasync def f(url):\n    return await requests.get(url)\n", id="awaited"),
        pytest.param(
            "import requests\nimport django\nasync def f(url, sync_to_async):\n    requests.get(url)\n",
            id="sync_to_async-local",
        ),
        # awaiting while holding a threading lock: another task blocking on it would deadlock the loop
        pytest.param(
            "import threading\nimport requests\nimport time\nlock = threading.Lock()\nasync def f(url):\n"
            "    with lock:\n        requests.get(url)\n        if url:\n            time.sleep(1)\n",
            id="under-threading-lock",
        ),
    ],
)
def test_no_offload_fix(text: str) -> None:
    findings = _findings(text)
    assert findings
    # nothing to apply (the `with lock:` finding's display-only advice has no edit)
    assert [f.fix for f in findings if f.fix is not None and f.fix["edits"]] == []


def test_chained_assignment_is_a_whole_value() -> None:
    text = "import requests\nasync def f(url):\n    x = y = requests.get(url)\n    return x, y\n"
    assert "x = y = await asyncio.to_thread(requests.get, url)" in _fix(text)


def test_offload_fix_is_unsafe() -> None:
    text = "import requests\nasync def f(url):\n    requests.get(url)\n"
    (finding,) = _findings(text)
    assert Fix.from_json(finding.fix).applicability == "unsafe"
    assert _fix(text, unsafe=False) == text


def test_offload_and_sleep_fixes_through_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both fixes add an import at the same place: the second waits for the next round."""
    monkeypatch.chdir(tmp_path)
    original = (
        "import time, requests\nfrom fastapi import FastAPI\nasync def f(url):\n"
        "    time.sleep(1)\n    requests.get(url)\n"
    )
    Path("a.py").write_text(original)
    CliRunner().invoke(command, ["--no-config", "--fix", "."], catch_exceptions=False)
    assert Path("a.py").read_text() == original  # both fixes are unsafe
    result = CliRunner().invoke(command, ["--no-config", "--fix", "--unsafe-fixes", "."], catch_exceptions=False)
    assert result.exit_code == 0
    assert Path("a.py").read_text() == (
        "import time, requests\nfrom fastapi import FastAPI\n"
        "from fastapi.concurrency import run_in_threadpool\nimport asyncio\nasync def f(url):\n"
        "    await asyncio.sleep(1)\n    await run_in_threadpool(requests.get, url)\n"
    )


def test_a_call_after_the_lock_block_is_still_offloaded() -> None:
    text = (
        "import threading\nimport requests\nlock = threading.Lock()\nasync def f(url):\n"
        "    with lock:\n        pass\n    requests.get(url)\n"
    )
    assert _fix(text).endswith("    with lock:\n        pass\n    await asyncio.to_thread(requests.get, url)\n")


def test_in_a_django_module_the_help_offloads_as_the_fix_does() -> None:
    text = (
        "import requests\nfrom django.http import JsonResponse\nasync def view(request, url):\n"
        "    return JsonResponse(requests.get(url, timeout=5).json())\n"
    )
    (finding,) = _findings(text)
    assert "`await sync_to_async(requests.get)(url, timeout=5)`" in finding.suggestion
    assert "to_thread" not in finding.suggestion
