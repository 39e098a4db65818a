"""AL110: blocking reached through the project's own sync functions."""

from __future__ import annotations

from asynclint.rules.base import OFFLOAD_FIX_SAFETY, Rule
from asynclint.rules.offload_examples import TRANSITIVE_FIXED


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

    ## Generators
    Calling a sync generator function (a `def` whose own body has a `yield`, undecorated) runs
    none of its body: the call is reported only where it is iterated right there — `for x in
    rows():`, `list(rows())` (and `tuple`, `set`, `dict`, `sorted`, `sum`, `any`, `all`, also
    through `enumerate`, `zip`, `map`, `filter`), a list, set or dict comprehension, a generator
    expression that is itself iterated, `[*rows()]`, `yield from rows()` — in async code or in a
    sync helper it calls. Handed on (`StreamingResponse(rows())`: Starlette iterates a sync
    iterator in its threadpool), returned, stored in a variable or passed to `next()`, it is
    not reported (what happens to it later is not followed). The fix for an iterated one is
    `await run_in_threadpool(list, rows(...))`, not offloading the call. A
    `@contextlib.contextmanager` generator is different: `with span():` runs its body up to
    the `yield`, and is reported.

    ## Steady state
    Only blocking that happens on every call counts. A helper memoised with `functools.cache`,
    `functools.lru_cache` (with or without arguments) or `functools.cached_property` — the
    decorator resolved through the module's imports, not matched by name — and the statements
    under a load-once guard (`if _CACHE is None: _CACHE = json.load(open(path))` with
    `global _CACHE`, `if not _LOADED: ...; _LOADED = True`, or `if _CACHE is not None: return
    _CACHE` followed by the load) block once per process, so they are not reported; calls
    outside the guard still are. A guard on a parameter or a local, or one whose block does
    not assign the module-level name it tests, runs on every call and is reported. A method's
    guard on an attribute of its own instance (`if not self.running: ...; self.running =
    True`) runs once per instance and counts as load-once too: the objects that guard a start
    or a load that way are long-lived (services, clients, singletons). A
    cachetools `@cached(TTLCache(...))` is reported: a TTL cache misses again after every
    expiry, so it keeps blocking. A blocking call written in the async function itself is
    reported by its own rule (AL101–AL109) even under a load-once guard.

    ## Running-loop guards
    A helper that serves sync and async callers (`if get_running_loop() is not None: return
    asyncio.wait(...)` then `return concurrent.futures.wait(...)`) takes the first branch when an
    async function calls it: the calls of the branch taken only without a running loop (`is
    None`, `not get_running_loop()`, the `else`, or the statements after an early `return`) are
    not reported. A method inherited from a project base class, in any module, is followed like
    the class's own.
    """

    code = "AL110"
    ENDPOINT_DEF_FIX = True
    FIXED = TRANSITIVE_FIXED
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
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
        # A sync generator function's call runs none of its body: handed on (Starlette iterates
        # it in its threadpool), returned, kept, or iterated in a thread.
        "from fastapi.concurrency import run_in_threadpool\n"
        "from fastapi.responses import StreamingResponse\n"
        "def rows(path):\n    with open(path) as fh:\n        yield from fh\n"
        "def upper(path):\n    return (line.upper() for line in rows(path))\n"
        "async def f():\n    return StreamingResponse(rows('a.csv'))\n"
        "async def g():\n    lines = rows('a.csv')\n    return lines, upper('b.csv')\n"
        "async def h():\n    return await run_in_threadpool(list, rows('a.csv'))\n"
        "async def i():\n    return StreamingResponse(line.upper() for line in rows('a.csv'))\n",
        # A sync helper that only builds the generator does not run it either.
        "import time\nclass Feed:\n    def ticks(self):\n        while True:\n"
        "            time.sleep(1)\n            yield 1\n"
        "    def stream(self):\n        return self.ticks()\n"
        "    async def run(self, send):\n        await send(self.stream())\n",
        # Queues: `put` on one without a bound, or with `block=False`, does not wait.
        "import queue\nclass Worker:\n    def __init__(self):\n        self._queue = queue.SimpleQueue()\n"
        "        self._bounded = queue.Queue(100)\n"
        "    def queue_task(self, task):\n        self._queue.put(task)\n"
        "    def offer(self, task):\n        self._bounded.put(task, block=False)\n"
        "    async def close(self):\n        self.queue_task(None)\n        self.offer(None)\n",
        "import time\nfrom asgiref.sync import sync_to_async\n@sync_to_async\ndef slow():\n"
        "    time.sleep(1)\nasync def f():\n    await slow()\n",
        # Steady state: memoised helpers block once per process.
        "import functools, time\n@functools.lru_cache\ndef settings():\n    time.sleep(1)\n"
        "async def f():\n    settings()\n",
        "import json\nfrom functools import cache, lru_cache\n@cache\ndef a():\n"
        "    return json.load(open('a.json'))\n@lru_cache()\ndef b():\n"
        "    return json.load(open('b.json'))\nasync def f():\n    return a(), b()\n",
        "import json\nimport functools as ft\n@ft.lru_cache(maxsize=None)\ndef a(name):\n"
        "    return json.load(open(name))\n@ft.lru_cache(128)\ndef b(name):\n"
        "    return json.load(open(name))\nasync def f():\n    return a('x'), b('y')\n",
        "import json\nfrom functools import cached_property\nclass Config:\n"
        "    @cached_property\n    def data(self):\n        return json.load(open('c.json'))\n"
        "    async def get(self, key):\n        return self.data[key]\n",
        # Steady state: load-once guards on a module-level sentinel.
        "import json\n_CACHE = None\ndef settings():\n    global _CACHE\n"
        "    if _CACHE is None:\n        _CACHE = json.load(open('s.json'))\n    return _CACHE\n"
        "def setting(key):\n    return settings()[key]\n"
        "async def f():\n    return setting('debug')\n",
        "import json\n_LOADED = False\nTABLE = {}\ndef ensure_loaded():\n    global _LOADED\n"
        "    if not _LOADED:\n        TABLE.update(json.load(open('t.json')))\n        _LOADED = True\n"
        "async def f():\n    ensure_loaded()\n",
        "import json\n_settings = None\ndef settings():\n    global _settings\n"
        "    if _settings is None:\n        with open('s.json') as fh:\n"
        "            _settings = json.load(fh)\n    return _settings\n"
        "async def f():\n    return settings()\n",
        "import json\n_CACHE = None\ndef settings():\n    global _CACHE\n"
        "    if _CACHE is not None:\n        return _CACHE\n    with open('s.json') as fh:\n"
        "        _CACHE = json.load(fh)\n    return _CACHE\n"
        "async def f():\n    return settings()\n",
        # A guard on an attribute of the method's own instance: once per (long-lived) instance.
        "import httpx, subprocess\nclass Server:\n    def __init__(self):\n        self.running = False\n"
        "    def start(self):\n        if not self.running:\n            self.running = True\n"
        "            subprocess.Popen(['uvicorn', 'app:app'])\n            with httpx.Client() as c:\n"
        "                c.get('http://localhost:8000/health')\n"
        "def get_client():\n    Server().start()\n    return object()\n"
        "async def handler():\n    return get_client()\n",
        "import json\nclass Settings:\n    _data = None\n    def load(self):\n"
        "        if self._data is not None:\n            return self._data\n"
        "        with open('s.json') as fh:\n            self._data = json.load(fh)\n"
        "        return self._data\n    async def get(self, key):\n        return self.load()[key]\n",
        # The branch a dual sync/async helper takes only without a running loop.
        "import asyncio, concurrent.futures\nclass Workers:\n    futures = []\n"
        "    def drain(self):\n        if asyncio._get_running_loop() is not None:\n"
        "            return asyncio.wait([asyncio.wrap_future(f) for f in self.futures])\n"
        "        return concurrent.futures.wait(self.futures)\n"
        "class LogWorkers(Workers):\n    async def flush(self):\n        await self.drain()\n",
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
        # a method inherited from a base class; a loop guard whose other branch blocks
        "import asyncio, time\nclass Base:\n    def load(self):\n"
        "        if asyncio._get_running_loop() is None:\n            return None\n"
        "        time.sleep(1)\n"
        "class Repo(Base):\n    async def refresh(self):\n        self.load()  # expect: AL110\n",
        # Iterating a blocking sync generator where it is called runs its body on the loop,
        # in async code or in a sync helper; so does `with` on a @contextmanager generator.
        "def rows(path):\n    with open(path) as fh:\n        yield from fh\n"
        "async def f():\n    for line in rows('a.csv'):  # expect: AL110\n        print(line)\n"
        "    a = list(rows('a.csv'))  # expect: AL110\n"
        "    b = [line for line in rows('b.csv')]  # expect: AL110\n"
        "    c = sum(1 for _ in rows('c.csv'))  # expect: AL110\n"
        "    d = dict(enumerate(rows('d.csv')))  # expect: AL110\n"
        "    return a, b, c, d, [*rows('e.csv')]  # expect: AL110\n",
        "import contextlib, time\ndef rows():\n    time.sleep(1)\n    yield 1\n"
        "def total():\n    return sum(rows())\n"
        "def chained():\n    yield from rows()\n"
        "@contextlib.contextmanager\ndef span():\n    time.sleep(1)\n    yield\n"
        "async def f():\n    with span():  # expect: AL110\n        pass\n"
        "    for x in chained():  # expect: AL110\n        print(x)\n"
        "    return total()  # expect: AL110\n",
        "import queue\nclass Worker:\n    def __init__(self):\n        self._queue = queue.Queue(100)\n"
        "        self._tasks = queue.SimpleQueue()\n"
        "    def queue_task(self, task):\n        self._queue.put(task)\n"
        "    def next_task(self):\n        return self._tasks.get()\n"
        "    async def close(self):\n        self.queue_task(None)  # expect: AL110\n"
        "        return self.next_task()  # expect: AL110\n",
        # Not load-once guards: an attribute of another object than the method's own instance,
        # and a guard whose block sets a different attribute than the one it tests.
        "import json\nclass Loader:\n    def load(self, config):\n        if not config.loaded:\n"
        "            config.data = json.load(open('c.json'))\n            config.loaded = True\n"
        "    async def run(self, config):\n        self.load(config)  # expect: AL110\n",
        "import json\nclass Cache:\n    def get(self):\n        if self.data is None:\n"
        "            self.raw = json.load(open('c.json'))\n        return self.raw\n"
        "    async def read(self):\n        return self.get()  # expect: AL110\n",
        # Not steady-state exemptions: a project decorator that happens to be named lru_cache,
        # and a TTL cache (it misses again after every expiry).
        "import functools, time\ndef lru_cache(fn):\n    @functools.wraps(fn)\n"
        "    def logged(*args):\n        print('calling', fn.__name__)\n        return fn(*args)\n"
        "    return logged\n@lru_cache\ndef settings():\n    time.sleep(1)\n"
        "async def f():\n    settings()  # expect: AL110\n",
        "import time\nfrom cachetools import TTLCache, cached\n"
        "@cached(cache=TTLCache(maxsize=1, ttl=60))\ndef rates():\n    time.sleep(1)\n"
        "async def f():\n    rates()  # expect: AL110\n",
        # Not load-once guards: a parameter, a module-level name the block does not assign,
        # a block assigning another name; and a blocking call outside a real guard.
        "import json\ndef load(path, data=None):\n    if data is None:\n"
        "        data = json.load(open(path))\n    return data\n"
        "async def f():\n    return load('d.json')  # expect: AL110\n",
        "import json\n_CONFIG = None\ndef config():\n    if _CONFIG is None:\n"
        "        return json.load(open('c.json'))\n    return _CONFIG\n"
        "async def f():\n    return config()  # expect: AL110\n",
        "import json\n_CACHE = None\n_DATA = None\ndef data():\n    global _CACHE, _DATA\n"
        "    if _CACHE is None:\n        _DATA = json.load(open('d.json'))\n    return _DATA\n"
        "async def f():\n    return data()  # expect: AL110\n",
        "import json\n_CACHE = None\ndef lookup(key):\n    global _CACHE\n"
        "    if _CACHE is None:\n        _CACHE = {}\n    return json.load(open(key))\n"
        "async def f():\n    return lookup('k.json')  # expect: AL110\n",
        # Only chains change: a guarded blocking call in the async function itself is reported.
        "import json\n_CACHE = None\nasync def f():\n    global _CACHE\n"
        "    if _CACHE is None:\n        _CACHE = json.load(open('c.json'))  # expect: AL103\n"
        "    return _CACHE\n"
        "def reload():\n    return json.load(open('c.json'))\n"
        "async def g():\n    return reload()  # expect: AL110\n",
    )
