"""AL110: blocking reached through the project's own sync functions."""

from __future__ import annotations

from asynclint.rules.base import Rule


class TransitiveBlockingCall(Rule):
    """
    ## What it does
    Flags a call, in async code, to a sync function or method of your project that blocks —
    directly or through other project functions, in any module. The message shows the chain,
    e.g. `fetch_profile() → requests.get() (app/helpers.py:12)`.

    ## Why is this bad?
    The blocking call is as much on the event loop as if it were written in the endpoint;
    it is only harder to see. About a third of blocking calls in real services hide in such
    helpers.

    ## Example
    ```python
    # helpers.py
    def fetch_profile(uid):
        return requests.get(f"{API}/users/{uid}").json()

    # routes.py
    @router.get("/profile/{uid}")
    async def profile(uid: int):
        return fetch_profile(uid)
    ```

    ## Use instead
    ```python
    @router.get("/profile/{uid}")
    async def profile(uid: int):
        return await run_in_threadpool(fetch_profile, uid)
    ```
    or make the helper async (with an async HTTP client) and `await` it.
    """

    code = "AL110"
    name = "transitive-blocking-call"
    summary = "async code calls a project sync function that blocks (shows the chain)"
    message = "{call} blocks the event loop in {where}: {chain}"
    VALID = (
        "import time\ndef slow():\n    time.sleep(1)\n"
        "async def f():\n    import asyncio\n    await asyncio.to_thread(slow)\n",
        "import time\nfrom fastapi.concurrency import run_in_threadpool\n"
        "def slow(n):\n    time.sleep(n)\nasync def f():\n    await run_in_threadpool(slow, 1)\n",
        "def pure(x):\n    return x + 1\nasync def f():\n    return pure(1)\n",
        "import time\ndef slow():\n    time.sleep(1)\ndef sync_endpoint():\n    slow()\n",
        "import time\ndef slow():\n    time.sleep(1)\nasync def f(slow):\n    slow()\n",
        "import time\ndef outer():\n    time.sleep(1)\n"
        "async def f():\n    def later():\n        outer()\n    return later\n",
        "def a(n):\n    return b(n - 1) if n else 0\ndef b(n):\n    return a(n)\n"
        "async def f():\n    return a(3)\n",
        "import threading\nlock = threading.Lock()\ndef touch():\n    with lock:\n        pass\n"
        "async def f():\n    touch()\n",
        "import time\nfrom asgiref.sync import sync_to_async\n@sync_to_async\ndef slow():\n"
        "    time.sleep(1)\nasync def f():\n    await slow()\n",
    )
    INVALID = (
        "import time\ndef slow():\n    time.sleep(1)\nasync def f():\n    slow()  # expect: AL110\n",
        "import requests\ndef fetch(url):\n    return requests.get(url).json()\n"
        "def profile(uid):\n    return fetch(f'/u/{uid}')\n"
        "async def f(uid):\n    return profile(uid)  # expect: AL110\n",
        "import time\nclass Service:\n    def _wait(self):\n        time.sleep(1)\n"
        "    async def run(self):\n        self._wait()  # expect: AL110\n",
        "import time\ndef walk(n):\n    if n:\n        return walk(n - 1)\n    time.sleep(1)\n"
        "async def f():\n    walk(3)  # expect: AL110\n",
        "import time\nclass Repo:\n    def load(self):\n        time.sleep(1)\n"
        "async def f():\n    repo = Repo()\n    repo.load()  # expect: AL110\n",
        "import functools, time\n@functools.lru_cache\ndef settings():\n    time.sleep(1)\n"
        "async def f():\n    settings()  # expect: AL110\n",
    )
