"""The runtime check on the example apps: each misuse of the twin that blocks is found at run
time under the static rule's code, at the line the static rule marks (`# expect:`); the twin's
correct near misses and the reference app raise no false alarm (aiosqlite's worker thread,
`run_in_threadpool`, `run_in_executor`, `def` endpoints, `anyio.Path`, the httpx client).

The detector is started around one request at a time, so each finding belongs to one endpoint.
A pytester run at the end drives the same through the plugin: the repository's own runtime tests
under `pytest --asynclint-runtime`.
"""

from __future__ import annotations

import http.server
import io
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import test_blocking_app_runtime as _app_tests
from expectations import expected

from asynclint.config import Config
from asynclint.findings import Finding
from asynclint.runtime.detector import Detector
from examples.blocking_app import cli as twin_cli
from examples.blocking_app import main as twin_main

# The apps on a fresh database each, driven in-process through httpx: the twin's runtime tests'
# fixtures.
twin = _app_tests.twin
reference = _app_tests.reference

pytest_plugins = ["pytester"]
# These tests start a detector of their own: the plugin's, in a run with --asynclint-runtime,
# stays out of their way.
pytestmark = [pytest.mark.anyio, pytest.mark.asynclint_runtime("off")]

REPO = Path(__file__).resolve().parent.parent
TWIN_MAIN = "examples/blocking_app/main.py"
MARKED = {
    path: expected((REPO / path).read_text(encoding="utf-8"))
    for path in (TWIN_MAIN, "examples/blocking_app/cli.py")
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(Config(), str(REPO))


def marked(path: str, code: str) -> set[int]:
    return {line for line, marked_code in MARKED[path] if marked_code == code}


async def observed(detector: Detector, client: httpx.AsyncClient, method: str, url: str) -> list[Finding]:
    detector.start()
    try:
        await client.request(method, url)
    finally:
        found = detector.stop()
    return found


class _Rates(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server calls
        body = b'{"base": "EUR", "rates": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def local_rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`/exchange-rate` against a server on 127.0.0.1 instead of the internet."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Rates)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(twin_main, "RATES_URL", f"http://127.0.0.1:{server.server_address[1]}/latest")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


# endpoint of the twin → the code its marked lines carry
BLOCKING = {
    "/sleep?seconds=0": "AL101",
    "/exchange-rate": "AL102",
    "/file": "AL103",
    "/subprocess?seconds=0": "AL104",
    "/legacy/count": "AL105",
    "/resolve?host=localhost": "AL109",
    "/sync-session?seconds=0": "AL201",
    "/helper?seconds=0": "AL110",
}


@pytest.mark.parametrize("url", list(BLOCKING))
async def test_each_blocking_misuse_of_the_twin_is_found_at_its_marked_line(
    detector: Detector, twin: httpx.AsyncClient, local_rates: None, url: str
) -> None:
    assert (await twin.post("/items", json={"name": "a", "price": 1.0})).status_code == 201
    code = BLOCKING[url]
    found = await observed(detector, twin, "GET", url)
    assert {finding.code for finding in found} == {code}, [f.message for f in found]
    assert {finding.path for finding in found} == {TWIN_MAIN}
    # The marked lines of the endpoint's function are all found; a sync session's later
    # queries and a file's read may add lines of the same function.
    function = found[0].function
    lines = {finding.line for finding in found}
    assert marked(TWIN_MAIN, code) & lines
    assert all(finding.function == function for finding in found)
    assert all(finding.message.endswith("[runtime]") for finding in found)
    if code == "AL105":
        assert lines == marked(TWIN_MAIN, "AL105")


async def test_input_in_the_twins_coroutine_is_found_at_both_marked_lines(
    detector: Detector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("widget\n2.5\n"))
    detector.start()
    try:
        item = await twin_cli.prompt_item()
    finally:
        found = detector.stop()
    assert (item.name, item.price) == ("widget", 2.5)
    assert {(f.path, f.line, f.code) for f in found} == {
        ("examples/blocking_app/cli.py", line, "AL107") for line in marked("examples/blocking_app/cli.py", "AL107")
    }


NEAR_MISSES = [
    ("GET", "/sleep-sync?seconds=0"),  # a `def` endpoint: FastAPI's thread pool
    ("GET", "/sync-session-threadpool?seconds=0"),
    ("GET", "/bridge?seconds=0"),  # run_in_threadpool(time.sleep, ...)
    ("GET", "/file-offloaded"),  # run_in_executor(None, lambda: ...)
    ("GET", "/ticks?n=2&seconds=0"),  # a parameter named `time`
    ("GET", "/items"),  # AsyncSession on aiosqlite: the driver runs in its own thread
    ("POST", "/items"),  # `with threading.Lock()` nobody else holds: it does not wait
    ("GET", "/items/1"),
    ("GET", "/stats"),
]


@pytest.mark.parametrize(("method", "url"), NEAR_MISSES)
async def test_the_twins_correct_endpoints_raise_no_alarm(
    detector: Detector, twin: httpx.AsyncClient, method: str, url: str
) -> None:
    body = {"name": "b", "price": 2.0} if method == "POST" else None
    assert (await twin.post("/items", json={"name": "a", "price": 1.0})).status_code == 201
    detector.start()
    try:
        response = await twin.request(method, url, json=body)
    finally:
        found = detector.stop()
    assert response.status_code < 300
    assert found == []


async def test_the_reference_app_raises_no_alarm(detector: Detector, reference: httpx.AsyncClient) -> None:
    detector.start()
    try:
        created = (await reference.post("/items", json={"name": "w", "price": 1.0})).json()
        statuses = [
            (await reference.request(method, url, **kwargs)).status_code
            for method, url, kwargs in [
                ("GET", "/items", {}),
                ("GET", f"/items/{created['id']}", {}),
                ("PATCH", f"/items/{created['id']}", {"json": {"price": 2.0}}),
                ("GET", "/sleep?seconds=0", {}),
                ("GET", "/bridge?seconds=0", {}),
                ("GET", "/file", {}),
                ("GET", "/subprocess?seconds=0", {}),
                ("DELETE", f"/items/{created['id']}", {}),
            ]
        ]
    finally:
        found = detector.stop()
    assert all(status < 300 for status in statuses), statuses
    assert found == []


def test_the_repositorys_runtime_tests_under_the_plugin(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pytest --asynclint-runtime` on the reference app's tests: all pass; on the twin's: the
    tests that call a blocking endpoint fail, with the endpoints' codes; the others pass. (The
    loop-stall probes are left out for time: each one's endpoint is covered above.)"""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    result = pytester.runpytest_subprocess(
        "--asynclint-runtime",
        "-p", "no:cacheprovider",
        "--rootdir", str(REPO),
        str(REPO / "tests" / "test_reference_app_runtime.py"),
        str(REPO / "tests" / "test_blocking_app_runtime.py"),
        "-k", "not stall and not file_read and not what_a_client",
    )
    summary = result.stdout.str().split("short test summary info")[-1]
    failed = sorted(line.split("::")[1].split(" ")[0] for line in summary.splitlines() if line.startswith("FAILED"))
    # test_al202's control reads the stored rows through /legacy/count, the twin's sqlite3
    assert failed == ["test_al202_unawaited_commit_stores_nothing", "test_twin_side_endpoints_work"], summary
    assert "error" not in result.parseoutcomes()
    output = result.stdout.str()
    for code in ("AL101", "AL103", "AL104", "AL105", "AL109", "AL110", "AL201"):
        assert f": {code} " in output, code
