"""Endpoint awareness: the `endpoint` field and the message say which requests a finding stalls."""

from __future__ import annotations

import textwrap

import pytest

from asynclint.engine import CheckOptions, check_source

HEADER = """
    import time
    from contextlib import asynccontextmanager
    from fastapi import APIRouter, Depends, FastAPI, Security
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.routing import Route
"""


def only_finding(body: str):
    text = textwrap.dedent(HEADER) + textwrap.dedent(body)
    result = check_source(text, "app.py", CheckOptions())
    [finding] = result.findings
    return finding


@pytest.mark.parametrize(
    ("body", "endpoint", "where"),
    [
        ("router = APIRouter()\n@router.get('/items')\nasync def items():\n    time.sleep(1)\n",
         "GET …/items", "async endpoint GET …/items (items)"),
        ("app = FastAPI()\n@app.api_route('/x', methods=['GET', 'POST'])\nasync def x():\n"
         "    time.sleep(1)\n", "GET,POST /x", "async endpoint GET,POST /x (x)"),
        ("app = FastAPI()\n@app.websocket('/ws')\nasync def ws(socket):\n    time.sleep(1)\n",
         "WEBSOCKET /ws", "async endpoint WEBSOCKET /ws (ws)"),
        ("async def handler():\n    time.sleep(1)\napp = FastAPI()\n"
         "app.add_api_route('/added', handler, methods=['PUT'])\n",
         "PUT /added", "async endpoint PUT /added (handler)"),
        ("async def homepage(request):\n    time.sleep(1)\nroutes = [Route('/', homepage)]\n",
         "GET …/", "async endpoint GET …/ (homepage)"),
        ("async def get_user():\n    time.sleep(1)\n"
         "async def me(user=Depends(get_user)):\n    return user\n",
         "Depends(get_user)", "async dependency get_user"),
        ("async def token():\n    time.sleep(1)\n"
         "async def me(t=Security(token)):\n    return t\n",
         "Depends(token)", "async dependency token"),
        ("@asynccontextmanager\nasync def lifespan(app):\n    time.sleep(1)\n    yield\n"
         "app = FastAPI(lifespan=lifespan)\n", "lifespan handler", "lifespan handler (lifespan)"),
        ("app = FastAPI()\n@app.on_event('startup')\nasync def warm():\n    time.sleep(1)\n",
         "startup handler", "startup handler (warm)"),
        ("class Timing(BaseHTTPMiddleware):\n    async def dispatch(self, request, call_next):\n"
         "        time.sleep(1)\n        return await call_next(request)\n",
         "middleware Timing", "middleware Timing (Timing.dispatch)"),
    ],
    ids=["router-get", "api_route", "websocket", "add_api_route", "starlette-Route", "Depends",
         "Security", "lifespan", "on_event", "middleware"],
)
def test_the_endpoint_of_a_finding_is_named(body, endpoint, where):
    finding = only_finding(body)
    assert finding.endpoint == endpoint
    assert finding.message == f"time.sleep() blocks the event loop in {where}"


def test_a_plain_coroutine_has_no_endpoint():
    finding = only_finding("async def job():\n    time.sleep(1)\n")
    assert finding.endpoint is None
    assert finding.function == "job"


def test_only_a_route_without_any_await_is_told_to_become_a_def():
    no_await = only_finding("app = FastAPI()\n@app.get('/a')\nasync def a():\n    time.sleep(1)\n")
    awaits = only_finding(
        "import asyncio\napp = FastAPI()\n@app.get('/b')\nasync def b():\n"
        "    time.sleep(1)\n    await asyncio.sleep(0)\n"
    )
    assert "declare `a` with `def` so FastAPI runs it in the threadpool" in no_await.suggestion
    assert "with `def`" not in awaits.suggestion


def test_decorators_of_other_frameworks_without_fastapi_imports_are_not_routes():
    text = "import time\nfrom flask import Flask\napp = Flask(__name__)\n" \
           "@app.get('/x')\nasync def x():\n    time.sleep(1)\n"
    [finding] = check_source(text, "app.py", CheckOptions()).findings
    assert finding.endpoint is None
