"""AL100–AL109: blocking calls made on the event loop. Which callables block is `catalog.py`."""

from __future__ import annotations

from asynclint.rules.base import Rule

BLOCKS = "{call} blocks the event loop in {where}{detail}"


class UserBlockingCall(Rule):
    """
    ## What it does
    Flags calls, inside async code, to the functions listed under `extra-blocking-calls` in
    `[tool.asynclint]`, with the suggestion given there.

    ## Why is this bad?
    Your project knows blocking functions asynclint cannot (an in-house SDK, a sync client).
    While one of them runs on the event loop, every other request of the worker waits.

    ## Example
    ```toml
    [tool.asynclint.extra-blocking-calls]
    "billing.sdk.charge" = "use billing.sdk.aio.charge"
    ```
    ```python
    async def pay(order):
        billing.sdk.charge(order.total)
    ```

    ## Use instead
    ```python
    async def pay(order):
        await billing.sdk.aio.charge(order.total)
    ```
    """

    code = "AL100"
    name = "blocking-call"
    summary = "a call configured in `extra-blocking-calls` inside async code"
    message = BLOCKS
    EXAMPLE_EXTRA_CALLS = {"billing.sdk.charge": "use billing.sdk.aio.charge"}
    VALID = (
        "import billing.sdk\ndef pay(order):\n    billing.sdk.charge(order.total)\n",
        "import billing.sdk\nasync def pay(order):\n    await billing.sdk.aio.charge(order.total)\n",
    )
    INVALID = (
        "import billing.sdk\nasync def pay(order):\n"
        "    billing.sdk.charge(order.total)  # expect: AL100\n",
        "from billing.sdk import charge\nasync def pay(order):\n    charge(1)  # expect: AL100\n",
    )


class BlockingSleep(Rule):
    """
    ## What it does
    Flags `time.sleep()` inside async code (an `async def` body, not a nested `def` or lambda).

    ## Why is this bad?
    `time.sleep` suspends the whole thread. In an `async def` endpoint that thread runs the
    event loop, so every request served by the worker stalls for the duration.

    ## Example
    ```python
    @app.get("/items")
    async def list_items():
        time.sleep(0.2)
        return []
    ```

    ## Use instead
    ```python
    @app.get("/items")
    async def list_items():
        await asyncio.sleep(0.2)
        return []
    ```
    """

    code = "AL101"
    name = "blocking-sleep"
    summary = "`time.sleep` in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n",
        "import time\ndef f():\n    time.sleep(1)\n",
        "import time\nasync def f():\n    def work():\n        time.sleep(1)\n    return work\n",
        "import asyncio, time\nasync def f():\n    await asyncio.to_thread(time.sleep, 1)\n",
        "import time\nfrom fastapi.concurrency import run_in_threadpool\n"
        "async def f():\n    await run_in_threadpool(time.sleep, 1)\n",
        "import asyncio, time\nasync def f():\n"
        "    await asyncio.get_running_loop().run_in_executor(None, lambda: time.sleep(1))\n",
        "import time\nasync def f(time):\n    time.sleep(1)\n",
        "import time\nasync def f():\n    time = FakeClock()\n    time.sleep(1)\n",
        "async def f(clock):\n    clock.sleep(1)\n",
        "from time import sleep\nasync def f():\n    sleep = my_sleep\n    await sleep(1)\n",
        "import time\nasync def f():\n    return [lambda: time.sleep(1)]\n",
        "import time\nasync def f():\n    class Job:\n        def run(self):\n            time.sleep(1)\n",
        "async def f():\n    sleep(1)\n",
    )
    INVALID = (
        "import time\nasync def f():\n    time.sleep(1)  # expect: AL101\n",
        "import time as t\nasync def f():\n    t.sleep(1)  # expect: AL101\n",
        "from time import sleep as nap\nasync def f():\n    nap(1)  # expect: AL101\n",
        "async def f():\n    import time\n    time.sleep(1)  # expect: AL101\n",
        "import time\ndef outer():\n    async def inner():\n        time.sleep(1)  # expect: AL101\n",
        "import time\nclass Service:\n    async def run(self):\n        time.sleep(1)  # expect: AL101\n",
        "import time\nasync def f():\n    async def g():\n        time.sleep(1)  # expect: AL101\n",
        "import asyncio, time\nasync def f():\n"
        "    await asyncio.to_thread(time.sleep(1))  # expect: AL101\n",
    )


class BlockingHttp(Rule):
    """
    ## What it does
    Flags synchronous HTTP clients used in async code: `requests.*` (`requests.request` too)
    and `requests.Session()` methods; httpx's and httpx2's sync API (httpx2 is the maintained
    continuation of httpx) and the `send`, `stream`, `close` and verb methods of `httpx.Client`
    / `httpx2.Client`; `urllib.request.urlopen`; urllib3 (`urllib3.request`, and any method of
    a `PoolManager`, `ProxyManager`, `HTTPConnectionPool`, `HTTPSConnectionPool` or other pool
    but the `connection_from_*` lookups); and `http.client`.

    And the sync clients of HTTP APIs: `openai.OpenAI` and `anthropic.Anthropic` (every call
    through the client's resources: `client.chat.completions.create`, `client.messages.create`,
    ...), `stripe` (`stripe.Customer.create`, `StripeClient`), supabase's auth and storage,
    `firebase_admin.messaging.send*` and `auth` user management, `slack_sdk.WebClient`,
    `twilio.rest.Client`, `sendgrid.SendGridAPIClient`.

    A client's type is known from its construction (`client = httpx.Client()`, in the function
    or at module level), from an annotation (`httpx.Client`, `httpx.Client | None`,
    `Optional[httpx.Client]`, `client: httpx.Client = ...`), from a project factory
    (`def get_client(): return OpenAI()`) or from what a class keeps on `self`; a union of two
    real types is unknown, and unknown stays silent. A name nothing imports is not matched:
    `requests.get()` without `import requests` is not reported (ruff and flake8-async match
    such names).

    ## Why is this bad?
    A sync HTTP call waits for the network on the event loop's thread: one slow upstream
    service stalls every request of the worker, not just the one that called it.

    ## Example
    ```python
    @app.get("/profile/{uid}")
    async def profile(uid: int):
        return requests.get(f"{API}/users/{uid}").json()
    ```

    ## Use instead
    ```python
    @app.get("/profile/{uid}")
    async def profile(uid: int):
        async with httpx.AsyncClient() as client:
            response = await client.get(f"{API}/users/{uid}")
        return response.json()
    ```
    or keep the sync client off the loop: `await run_in_threadpool(requests.get, url)`.
    """

    code = "AL102"
    name = "blocking-http"
    summary = "sync HTTP client or SDK (requests, httpx/httpx2 Client, urllib3 pools, urllib, OpenAI, Stripe, ...) in async code"
    message = BLOCKS
    VALID = (
        "import httpx\nasync def f(url):\n"
        "    async with httpx.AsyncClient() as client:\n        return await client.get(url)\n",
        # SDKs: the async clients, offloaded sync calls, a `def` function
        "from openai import AsyncOpenAI\nfrom anthropic import AsyncAnthropic\nclient = AsyncOpenAI()\n"
        "async def f(q):\n    await client.chat.completions.create(model='m', messages=q)\n"
        "    return await AsyncAnthropic().messages.create(model='m', max_tokens=9, messages=q)\n",
        "import asyncio\nfrom fastapi.concurrency import run_in_threadpool\nfrom openai import OpenAI\n"
        "client = OpenAI()\nasync def f(q):\n"
        "    await run_in_threadpool(client.chat.completions.create, model='m', messages=q)\n"
        "    return await asyncio.to_thread(client.embeddings.create, input=q)\n",
        "from openai import OpenAI\ndef f(q):\n    return OpenAI().chat.completions.create(model='m', messages=q)\n",
        # `stream()` returns a manager: its `async with` on an async client does the I/O
        "from openai import AsyncOpenAI\nasync def f(q):\n"
        "    async with AsyncOpenAI().chat.completions.stream(model='m', messages=q) as s:\n"
        "        return s\n",
        "import stripe\nasync def f(payload, signature, secret, email):\n"
        "    event = stripe.Webhook.construct_event(payload, signature, secret)\n"
        "    await stripe.Customer.create_async(email=email)\n    return event\n",
        "from slack_sdk.web.async_client import AsyncWebClient\nasync def f(text):\n"
        "    await AsyncWebClient(token='t').chat_postMessage(channel='c', text=text)\n",
        # `client or OpenAI()` with an unknown `client`: awaited calls say it is an async client
        "from openai import OpenAI\nasync def f(q, client=None):\n    client = client or OpenAI()\n"
        "    return await client.chat.completions.create(model='m', messages=q)\n",
        "import requests\nfrom fastapi.concurrency import run_in_threadpool\n"
        "async def f(url):\n    return await run_in_threadpool(requests.get, url)\n",
        "import functools, asyncio, requests\nasync def f(url):\n"
        "    loop = asyncio.get_running_loop()\n"
        "    return await loop.run_in_executor(None, functools.partial(requests.get, url))\n",
        "import requests\ndef f(url):\n    return requests.get(url)\n",
        "async def f(requests, url):\n    return await requests.get(url)\n",
        "async def f(session, url):\n    return await session.get(url)\n",
        "import httpx\nasync def f(client: httpx.AsyncClient, url):\n    return await client.get(url)\n",
        "import httpx2\nasync def f(url):\n"
        "    async with httpx2.AsyncClient() as client:\n        return await client.get(url)\n",
        "import asyncio, httpx2\nasync def f(url):\n    return await asyncio.to_thread(httpx2.get, url)\n",
        "import httpx\nasync def f(client: httpx.AsyncClient | None):\n    await client.aclose()\n",
        # Not a method that does I/O; nor a client whose type is not known for sure.
        "import httpx\nasync def f(client: httpx.Client, url):\n    return client.build_request('GET', url)\n",
        "import httpx\nasync def f(client: httpx.Client | httpx.AsyncClient, url):\n"
        "    return await client.get(url)\n",
        "import httpx\nclient = httpx.Client()\ndef f(url):\n    return client.get(url)\n",
        "import urllib3\npool = urllib3.PoolManager()\nasync def f(url):\n"
        "    return pool.connection_from_url(url)\n",
        "async def f(pool, url):\n    return pool.urlopen('GET', url)\n",
        "import httpx2\nasync def f(url):\n    httpx2 = FakeHttp()\n    return httpx2.get(url)\n",
        "async def f(url):\n    return httpx2.get(url)\n",  # nothing imports httpx2: unknown
    )
    INVALID = (
        "import requests\nasync def f(url):\n    return requests.get(url)  # expect: AL102\n",
        "import requests\nasync def f(url):\n    return requests.request('GET', url)  # expect: AL102\n",
        # httpx2, the maintained continuation of httpx, exactly like httpx
        "import httpx2\nasync def f(url):\n    httpx2.get(url)  # expect: AL102\n"
        "    httpx2.request('GET', url)  # expect: AL102\n",
        "import httpx2\nasync def f(url):\n    client = httpx2.Client()\n"
        "    client.post(url)  # expect: AL102\n    client.stream('GET', url)  # expect: AL102\n"
        "    client.close()  # expect: AL102\n",
        "import httpx\nasync def f(client: httpx.Client):\n    client.close()  # expect: AL102\n",
        # A client made at module level, or declared: `X | None`, `None | X`, `Optional[X]`.
        "import httpx\nclient = httpx.Client()\nasync def f(url):\n"
        "    return client.get(url)  # expect: AL102\n",
        "from typing import Optional\nimport httpx, httpx2\n"
        "async def f(a: httpx.Client | None, b: None | httpx2.Client, c: Optional[httpx.Client], url):\n"
        "    a.get(url)  # expect: AL102\n    b.send(url)  # expect: AL102\n"
        "    c.delete(url)  # expect: AL102\n",
        "import httpx\nasync def f(url):\n    client: httpx.Client = ...\n"
        "    client.get(url)  # expect: AL102\n",
        # urllib3's pools: any method call, the type known from a constructor or an annotation.
        "import urllib3\nasync def f(path):\n    pool = urllib3.HTTPSConnectionPool('example.com')\n"
        "    return pool.urlopen('GET', path)  # expect: AL102\n",
        "import urllib3.connectionpool, urllib3.poolmanager\nfrom urllib3 import ProxyManager\n"
        "from urllib3.request import RequestMethods\n"
        "async def f(a: ProxyManager, b: urllib3.connectionpool.ConnectionPool,\n"
        "            c: urllib3.poolmanager.PoolManager, d: RequestMethods, url):\n"
        "    a.request('GET', url)  # expect: AL102\n    b.urlopen('GET', url)  # expect: AL102\n"
        "    c.urlopen('GET', url)  # expect: AL102\n"
        "    d.request_encode_url('GET', url)  # expect: AL102\n",
        "import requests as rq\nasync def f(url):\n    rq.post(url, json={})  # expect: AL102\n",
        "from requests import get\nasync def f(url):\n    get(url)  # expect: AL102\n",
        "import requests\nasync def f(url):\n    s = requests.Session()\n"
        "    return s.get(url)  # expect: AL102\n",
        "import requests\nasync def f(url):\n    with requests.Session() as s:\n"
        "        s.post(url)  # expect: AL102\n",
        "import httpx\nasync def f(url):\n    with httpx.Client() as client:\n"
        "        return client.get(url)  # expect: AL102\n",
        "import httpx\nasync def f(url):\n    httpx.get(url)  # expect: AL102\n",
        "import httpx\nasync def f(client: httpx.Client, url):\n"
        "    client.get(url)  # expect: AL102\n",
        "from urllib.request import urlopen\nasync def f(url):\n"
        "    urlopen(url)  # expect: AL102\n",
        "import urllib.request\nasync def f(url):\n"
        "    urllib.request.urlopen(url)  # expect: AL102\n",
        "import requests\nclass Api:\n    def __init__(self):\n        self.http = requests.Session()\n"
        "    async def fetch(self, url):\n        return self.http.get(url)  # expect: AL102\n",
        "from openai import OpenAI\nimport anthropic\nclient = OpenAI()\nasync def f(q):\n"
        "    client.chat.completions.create(model='m', messages=q)  # expect: AL102\n"
        "    with client.chat.completions.stream(model='m', messages=q) as s:  # expect: AL102\n"
        "        pass\n"
        "    return anthropic.Anthropic().messages.create(model='m', max_tokens=9, messages=q)  # expect: AL102\n",
        # a client from a project factory, kept on `self` through `client or get_client()`
        "from openai import OpenAI\ndef get_client():\n    return OpenAI()\nclass Llm:\n"
        "    def __init__(self, client: OpenAI | None = None):\n        self.client = client or get_client()\n"
        "    async def embed(self, text):\n"
        "        return self.client.embeddings.create(input=text)  # expect: AL102\n",
        "import stripe\nasync def f(email, intent):\n"
        "    stripe.Customer.create(email=email)  # expect: AL102\n"
        "    stripe.StripeClient('k').payment_intents.retrieve(intent)  # expect: AL102\n",
        "from firebase_admin import messaging\nfrom sendgrid import SendGridAPIClient\n"
        "from slack_sdk import WebClient\nfrom twilio.rest import Client\n"
        "async def notify(message, mail, text):\n"
        "    messaging.send(message)  # expect: AL102\n"
        "    SendGridAPIClient('k').send(mail)  # expect: AL102\n"
        "    WebClient(token='t').chat_postMessage(channel='c', text=text)  # expect: AL102\n"
        "    Client('sid', 'token').messages.create(to='+1', from_='+2', body=text)  # expect: AL102\n",
        "from supabase import create_client\nsupabase = create_client('url', 'key')\n"
        "async def me(token):\n    return supabase.auth.get_user(token)  # expect: AL102\n",
    )


class BlockingFileIo(Rule):
    """
    ## What it does
    Flags file-system I/O in async code: `open()`, `io.open`, `io.open_code`, `os.fdopen`,
    `pathlib.Path` read/write/open methods and `glob`/`rglob`/`iterdir`, `glob.glob`/`iglob`,
    `shutil` copies and moves, `os` file operations (`remove`, `rename`, `listdir`,
    `makedirs`, ...), `ssl.SSLContext` certificate loading (`load_verify_locations`,
    `load_cert_chain`, `load_default_certs`), and `importlib.import_module` (a module's first
    import reads it from disk). Pure path helpers such as `os.path.join` are not flagged;
    metadata such as `os.path.exists` is the opt-in AL111.

    The methods of a sync file object (`f.read()`, `f.write()`, any method but `fileno`,
    `isatty`, `readable`, `writable`, `seekable`) are flagged where the file comes from
    elsewhere: an annotation (`io.TextIOWrapper`, `io.BufferedReader`, ...), a module-level
    file, `self.log = open(...)`. Where the `open()` itself is reported in the same function,
    its file's reads are not reported again: the open's fix, an async file, fixes them too.

    A blocking call that is awaited (`await open(p)`; the same for every blocking rule:
    `await requests.get(url)`, `await os.path.exists(p)`) is reported once, saying it is not
    awaitable either: it blocks, then `await` on its result raises `TypeError`.

    ## Why is this bad?
    Disk I/O can take milliseconds to seconds (network file systems, cold caches, large
    files); on the event loop that time is taken from every concurrent request.

    ## Example
    ```python
    async def report():
        with open("report.csv") as f:
            return f.read()
    ```

    ## Use instead
    ```python
    async def report():
        async with await anyio.open_file("report.csv") as f:
            return await f.read()
    ```
    """

    code = "AL103"
    name = "blocking-file-io"
    summary = "file-system I/O (`open`, file methods, `Path.read_text`, `glob`, `shutil`, `os.remove`) in async code"
    message = BLOCKS
    VALID = (
        "import anyio\nasync def f(p):\n    return await anyio.Path(p).read_text()\n",
        "import os\nasync def f(a, b):\n    return os.path.join(a, b)\n",
        "import anyio\nasync def f(p):\n    async with await anyio.open_file(p) as fh:\n"
        "        return await fh.read()\n",
        "def f(p):\n    with open(p) as fh:\n        return fh.read()\n",
        "import asyncio\nfrom pathlib import Path\nasync def f(p):\n"
        "    return await asyncio.to_thread(Path(p).read_text)\n",
        "async def f(open, p):\n    return open(p)\n",
        "from pathlib import Path\nasync def f(p):\n    return Path(p).name\n",
        "import asyncio, os\nasync def f(fd):\n    return await asyncio.to_thread(os.fdopen, fd)\n",
        # In-memory buffers, and the methods of a file that only ask about the object.
        "import io\nasync def f(buffer: io.StringIO):\n    buffer.write('x')\n",
        "import io\nasync def f(fh: io.TextIOWrapper):\n    return fh.fileno(), fh.readable(), fh.name\n",
        "import glob\nasync def f(pattern):\n    return glob.escape(pattern)\n",
        "import asyncio, io\nasync def f(fh: io.TextIOWrapper):\n    return await asyncio.to_thread(fh.read)\n",
        "import io\ndef f(fh: io.TextIOWrapper):\n    return fh.read()\n",
        "import asyncio, ssl\nasync def f(context: ssl.SSLContext, ca):\n"
        "    await asyncio.to_thread(context.load_verify_locations, ca)\n",
        # A helper that imports lazily blocks once per module, not at every call: not an AL110.
        "import importlib\ndef plugin(name):\n    return importlib.import_module(name)\n"
        "async def f(name):\n    return plugin(name)\n",
    )
    INVALID = (
        "async def f(p):\n    with open(p) as fh:  # expect: AL103\n        return fh.read()\n",
        "import io\nasync def f(p):\n    return io.open(p).read()  # expect: AL103\n",
        "from pathlib import Path\nasync def f(p):\n    return Path(p).read_text()  # expect: AL103\n",
        "from pathlib import Path\nasync def f():\n"
        "    (Path(__file__).parent / 'x.txt').write_text('hi')  # expect: AL103\n",
        "from pathlib import Path\nasync def f(p: Path):\n    p.unlink()  # expect: AL103\n",
        "import shutil\nasync def f(a, b):\n    shutil.copy(a, b)  # expect: AL103\n",
        "import os\nasync def f(p):\n    os.remove(p)  # expect: AL103\n",
        "import io, os\nasync def f(fd, p):\n    os.fdopen(fd)  # expect: AL103\n"
        "    return io.open_code(p)  # expect: AL103\n",
        # The open is the finding; the reads of the file it opened are not reported again.
        "from pathlib import Path\nasync def f(p: Path):\n    with p.open() as fh:  # expect: AL103\n"
        "        return fh.read()\n",
        # A file opened elsewhere: each call on it blocks.
        "import io\nasync def f(log: io.TextIOWrapper, line):\n    log.write(line)  # expect: AL103\n"
        "    log.flush()  # expect: AL103\n",
        "log = open('app.log', 'a')\nasync def f(line):\n    log.write(line)  # expect: AL103\n",
        "class Log:\n    def __init__(self, p):\n        self.fh = open(p, 'a')\n"
        "    async def write(self, line):\n        self.fh.write(line)  # expect: AL103\n",
        "import glob\nfrom pathlib import Path\nasync def f(root: Path, pattern):\n"
        "    glob.glob(pattern)  # expect: AL103\n    return list(root.rglob('*.py'))  # expect: AL103\n",
        "import ssl\nasync def f(ca):\n    context = ssl.create_default_context()\n"
        "    context.load_verify_locations(ca)  # expect: AL103\n",
        "import importlib\nasync def f(name):\n    return importlib.import_module(name)  # expect: AL103\n",
        # Awaiting it does not make it async: it still blocks, then `await` raises TypeError.
        "async def f(p):\n    return await open(p)  # expect: AL103\n",
        "from pathlib import Path\nasync def f():\n    p1, p2 = Path('a'), Path('b')\n"
        "    p2.write_text('x')  # expect: AL103\n",
    )


class BlockingSubprocess(Rule):
    """
    ## What it does
    Flags `subprocess.run/call/check_call/check_output/Popen/getoutput/getstatusoutput` and
    `os.system`, `os.popen`, `os.posix_spawn`, `os.posix_spawnp`, every `os.spawn*` variant
    (in any mode: even with `os.P_NOWAIT` the fork and exec run on the loop), and
    `os.wait`, `os.wait3`, `os.wait4`, `os.waitid`, `os.waitpid` in async code.

    ## Why is this bad?
    These wait for a child process on the event loop's thread; the worker serves nothing
    until the child exits.

    ## Example
    ```python
    async def thumbnail(path):
        subprocess.run(["convert", path, "thumb.png"], check=True)
    ```

    ## Use instead
    ```python
    async def thumbnail(path):
        process = await asyncio.create_subprocess_exec("convert", path, "thumb.png")
        await process.wait()
    ```
    """

    code = "AL104"
    name = "blocking-subprocess"
    summary = "`subprocess` / `os.system` / `os.posix_spawn` / `os.wait*` in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nasync def f():\n"
        "    p = await asyncio.create_subprocess_exec('ls')\n    await p.wait()\n",
        "import anyio\nasync def f():\n    await anyio.run_process(['ls'])\n",
        "import subprocess\ndef f():\n    subprocess.run(['ls'])\n",
        "import asyncio, subprocess\nasync def f():\n    await asyncio.to_thread(subprocess.run, ['ls'])\n",
        "import os\nasync def f():\n    return os.getpid(), os.P_NOWAIT\n",
        "import asyncio, os\nasync def f(path, argv, env):\n"
        "    await asyncio.to_thread(os.posix_spawn, path, argv, env)\n",
        "import os\ndef f(pid):\n    return os.waitpid(pid, 0)\n",
    )
    INVALID = (
        "import subprocess\nasync def f():\n    subprocess.run(['ls'])  # expect: AL104\n",
        "from subprocess import check_output\nasync def f():\n"
        "    return check_output(['ls'])  # expect: AL104\n",
        "import os\nasync def f():\n    os.system('ls')  # expect: AL104\n",
        "import os\nasync def f(path, argv, env):\n    pid = os.posix_spawn(path, argv, env)  # expect: AL104\n"
        "    os.posix_spawnp('ls', argv, env)  # expect: AL104\n"
        "    os.spawnvp(os.P_NOWAIT, 'ls', argv)  # expect: AL104\n"
        "    os.waitpid(pid, 0)  # expect: AL104\n    os.wait4(pid, 0)  # expect: AL104\n",
    )


class BlockingDbDriver(Rule):
    """
    ## What it does
    Flags synchronous database drivers in async code: `sqlite3.connect` (and its connection's
    queries), `psycopg2.connect`, `pymysql.connect`, `MySQLdb.connect`, pymongo `MongoClient`
    operations, sync `redis.Redis` commands, and the datastores queried over HTTP:
    `elasticsearch.Elasticsearch` (and its `indices`, `cluster`, ... namespaces,
    `elasticsearch.helpers.bulk`) and supabase/postgrest queries (`.execute()`).

    ## Why is this bad?
    Every query waits for the database on the event loop's thread, serialising all requests of
    the worker behind the slowest query.

    ## Example
    ```python
    async def count_users():
        conn = sqlite3.connect("app.db")
        return conn.execute("select count(*) from users").fetchone()
    ```

    ## Use instead
    ```python
    async def count_users():
        async with aiosqlite.connect("app.db") as db:
            async with db.execute("select count(*) from users") as cursor:
                return await cursor.fetchone()
    ```
    """

    code = "AL105"
    name = "blocking-db-driver"
    summary = "sync database driver (sqlite3, psycopg2, pymysql, pymongo, redis, Elasticsearch) in async code"
    message = BLOCKS
    VALID = (
        "import aiosqlite\nasync def f():\n    async with aiosqlite.connect('db') as db:\n"
        "        await db.execute('select 1')\n",
        "import redis.asyncio as redis\nasync def f():\n    r = redis.Redis()\n    await r.get('k')\n",
        "import sqlite3\ndef f():\n    return sqlite3.connect('db')\n",
        "import redis\nasync def f():\n    r = redis.Redis()\n    pipe = r.pipeline()\n",
        "from elasticsearch import AsyncElasticsearch\nes = AsyncElasticsearch('http://es:9200')\n"
        "async def f(q):\n    await es.indices.refresh(index='i')\n    return await es.search(index='i', query=q)\n",
        # building a query sends nothing; the async client's `execute()` is awaited
        "from supabase import acreate_client, create_client\nsupabase = create_client('url', 'key')\n"
        "async def f():\n    query = supabase.table('items').select('*').eq('id', 1)\n"
        "    client = await acreate_client('url', 'key')\n"
        "    return await client.table('items').select('*').execute()\n",
    )
    INVALID = (
        "import sqlite3\nasync def f():\n    sqlite3.connect('db')  # expect: AL105\n",
        "import psycopg2\nasync def f(dsn):\n    psycopg2.connect(dsn)  # expect: AL105\n",
        "import redis\nasync def f():\n    r = redis.Redis()\n    return r.get('k')  # expect: AL105\n",
        "from pymongo import MongoClient\nasync def f():\n    client = MongoClient()\n"
        "    return client.app.users.find_one({})  # expect: AL105\n",
        "import sqlite3\nfrom contextlib import closing\nasync def f(p):\n"
        "    with closing(sqlite3.connect(p)) as conn:  # expect: AL105\n"
        "        return conn.execute('select 1').fetchone()  # expect: AL105\n",
        "from elasticsearch import Elasticsearch, helpers\nes = Elasticsearch('http://es:9200')\n"
        "async def f(q, docs):\n    es.indices.refresh(index='i')  # expect: AL105\n"
        "    helpers.bulk(es, docs)  # expect: AL105\n"
        "    return es.search(index='i', query=q)  # expect: AL105\n",
        "from supabase import create_client\nsupabase = create_client('url', 'key')\n"
        "async def f():\n"
        "    return supabase.table('items').select('*').eq('id', 1).execute()  # expect: AL105\n",
    )


class BlockingSyncPrimitive(Rule):
    """
    ## What it does
    Flags waits on thread synchronisation objects in async code: `threading.Lock.acquire` and
    `with lock:`, `queue.Queue.get/put/join` (and `multiprocessing.Queue`'s), `threading.Event.wait`,
    `Thread.join`, `concurrent.futures.Future.result` — and the waits for a result computed
    elsewhere: Celery's `AsyncResult.get()` (`task.delay(...).get()`, `AsyncResult(task_id).get()`;
    `delay()` alone only sends the task) and kafka-python's `producer.send(...).get()`. The
    object's type must be known from its construction or annotation; an unknown `lock` is not
    flagged.

    `get` waits for an item on any queue, but `put` waits only for room in a bounded one: not
    on a `queue.SimpleQueue` (unbounded by design), nor on a queue built without a maxsize
    (`queue.Queue()`, `Queue(0)`, `Queue(maxsize=0)`; `multiprocessing.Queue()` is capped at
    the platform's semaphore maximum, 2³¹−1 items on Linux). A maxsize that is a positive
    constant, or not a constant, or a queue known only from an annotation, counts as bounded.
    A call whose `block` (or `blocking`, for `acquire`) flag is not known to be true —
    `put(item, block=False)`, `get(False)`, `acquire(blocking=flag)` — does not wait; nor do
    `put_nowait` and `get_nowait`, nor a zero timeout: `thread.join(timeout=0)`, `event.wait(0)`,
    `future.result(timeout=0)`.

    ## Why is this bad?
    The thread that would release the lock, fill the queue or finish the future may itself be
    waiting for the event loop: at best the loop stalls, at worst it deadlocks.

    ## Example
    ```python
    lock = threading.Lock()

    async def update():
        with lock:
            await save()
    ```

    ## Use instead
    ```python
    lock = asyncio.Lock()

    async def update():
        async with lock:
            await save()
    ```
    """

    code = "AL106"
    name = "blocking-sync-primitive"
    summary = "threading lock/event, queue.Queue, Future.result, Celery result waits in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nlock = asyncio.Lock()\nasync def f():\n    async with lock:\n        pass\n",
        "async def f(lock):\n    with lock:\n        pass\n",
        "import queue\nq = queue.Queue()\nasync def f():\n    return q.get_nowait()\n",
        "import asyncio, concurrent.futures\nasync def f(pool: concurrent.futures.ThreadPoolExecutor):\n"
        "    return await asyncio.wrap_future(pool.submit(print))\n",
        # A queue without a bound never makes `put` wait: SimpleQueue, or no (or a ≤ 0) maxsize.
        "import multiprocessing, queue\nfrom queue import LifoQueue, SimpleQueue\n"
        "a = queue.Queue()\nb = queue.Queue(0)\nc = queue.Queue(maxsize=0)\n"
        "d = SimpleQueue()\ne = LifoQueue()\nm = multiprocessing.Queue()\n"
        "async def f(s: queue.SimpleQueue, x):\n"
        "    a.put(x)\n    b.put(x)\n    c.put(x, timeout=1)\n    d.put(x)\n    e.put(x)\n"
        "    m.put(x)\n    s.put(x)\n",
        # A wait flag that is not true: the call returns at once (or raises Full/Empty).
        "import queue, threading\nq = queue.Queue(10)\nlock = threading.Lock()\n"
        "async def f(x, wait):\n    q.put(x, block=False)\n    q.put(x, False)\n"
        "    q.get(False)\n    q.get(block=wait)\n    return lock.acquire(blocking=False)\n",
        # A zero timeout returns at once.
        "import threading\nasync def f(worker: threading.Thread, done: threading.Event, future):\n"
        "    worker.join(timeout=0)\n    return done.wait(0)\n",
        # sending a task (or a Kafka record) does not wait for it
        "from celery import shared_task\nfrom kafka import KafkaProducer\nproducer = KafkaProducer()\n"
        "@shared_task\ndef resize(image_id):\n    return image_id\n"
        "async def f(image_id):\n    producer.send('images', b'x')\n    return resize.delay(image_id).id\n",
    )
    INVALID = (
        "import threading\nlock = threading.Lock()\nasync def f():\n"
        "    with lock:  # expect: AL106\n        pass\n",
        "import threading\nasync def f(lock: threading.Lock):\n    lock.acquire()  # expect: AL106\n",
        "import queue\nq = queue.Queue()\nasync def f():\n    return q.get()  # expect: AL106\n",
        # `get` and `join` wait on any queue; `put` waits for room in a bounded one (a
        # maxsize that is a positive constant, or not a constant at all).
        "import queue\nq = queue.SimpleQueue()\nu = queue.Queue()\n"
        "async def f():\n    u.join()  # expect: AL106\n    return q.get(timeout=1)  # expect: AL106\n",
        "import multiprocessing, queue\nSIZE = 8\n"
        "a = queue.Queue(10)\nb = queue.Queue(maxsize=SIZE)\nc = multiprocessing.Queue(4)\n"
        "async def f(x, n, d: queue.Queue):\n    e = queue.PriorityQueue(n)\n"
        "    a.put(x)  # expect: AL106\n    b.put(x, True, 1)  # expect: AL106\n"
        "    c.put(x)  # expect: AL106\n    d.put(x)  # expect: AL106\n    e.put(x)  # expect: AL106\n",
        "import threading\nlock = threading.Lock()\nasync def f():\n"
        "    return lock.acquire(True)  # expect: AL106\n",
        "import threading\nasync def f():\n    done = threading.Event()\n    done.wait()  # expect: AL106\n",
        "from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor()\n"
        "async def f():\n    return pool.submit(print).result()  # expect: AL106\n",
        "from celery import Celery\nfrom celery.result import AsyncResult\napp = Celery('jobs')\n"
        "@app.task\ndef resize(image_id):\n    return image_id\n"
        "async def f(image_id, task_id):\n"
        "    resize.delay(image_id).get(timeout=10)  # expect: AL106\n"
        "    return AsyncResult(task_id).get()  # expect: AL106\n",
        "from kafka import KafkaProducer\nproducer = KafkaProducer()\nasync def f(event):\n"
        "    return producer.send('events', event).get(timeout=5)  # expect: AL106\n",
    )


class BlockingInput(Rule):
    """
    ## What it does
    Flags `input()` (and `getpass.getpass()`) in async code.

    ## Why is this bad?
    Reading from the terminal blocks until someone types: the event loop stops meanwhile.

    ## Example
    ```python
    async def main():
        name = input("name? ")
    ```

    ## Use instead
    ```python
    async def main():
        name = await asyncio.to_thread(input, "name? ")
    ```
    """

    code = "AL107"
    name = "blocking-input"
    summary = "`input()` in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nasync def f():\n    return await asyncio.to_thread(input, '> ')\n",
        "def f():\n    return input('> ')\n",
        "async def f(input):\n    return input('> ')\n",
    )
    INVALID = ("async def f():\n    return input('> ')  # expect: AL107\n",)


class NestedEventLoop(Rule):
    """
    ## What it does
    Flags `asyncio.run()` and `loop.run_until_complete()` inside async code.

    ## Why is this bad?
    The event loop is already running: `asyncio.run` raises `RuntimeError: asyncio.run()
    cannot be called from a running event loop`, and `run_until_complete` raises
    `RuntimeError: This event loop is already running`.

    ## Example
    ```python
    async def handler():
        return asyncio.run(fetch())
    ```

    ## Use instead
    ```python
    async def handler():
        return await fetch()
    ```
    """

    code = "AL108"
    name = "nested-event-loop"
    summary = "`asyncio.run` / `run_until_complete` inside a running loop"
    message = "{call} starts a second event loop inside the running one in {where} (RuntimeError)"
    VALID = (
        "import asyncio\nasync def main():\n    pass\nif __name__ == '__main__':\n    asyncio.run(main())\n",
        "import asyncio\nasync def f():\n    return await fetch()\n",
        "import asyncio\ndef sync_entry():\n    return asyncio.run(fetch())\n",
    )
    INVALID = (
        "import asyncio\nasync def f():\n    return asyncio.run(fetch())  # expect: AL108\n",
        "import asyncio\nasync def f():\n    loop = asyncio.get_event_loop()\n"
        "    return loop.run_until_complete(fetch())  # expect: AL108\n",
    )


class BlockingNetwork(Rule):
    """
    ## What it does
    Flags blocking network calls in async code: `socket` connect/recv/send/accept and
    `socket.create_connection`, name lookups (`socket.getaddrinfo`, `gethostbyname`),
    `smtplib.SMTP`, `ftplib.FTP`, boto3 client and resource calls
    (`boto3.resource("s3").Bucket(name).upload_file(...)`; building `Bucket(name)` is local),
    object storage clients (`minio.Minio`, `google.cloud.storage.Client` buckets and blobs) and
    kafka-python's `flush`/`poll`/`commit`.

    ## Why is this bad?
    Each waits for a remote peer (or a DNS server) on the event loop's thread.

    ## Example
    ```python
    async def notify(msg):
        with smtplib.SMTP("mail.example.com") as smtp:
            smtp.send_message(msg)
    ```

    ## Use instead
    ```python
    async def notify(msg):
        await aiosmtplib.send(msg, hostname="mail.example.com")
    ```
    """

    code = "AL109"
    name = "blocking-network"
    summary = "blocking sockets, DNS lookups, smtplib, ftplib, boto3, object storage, Kafka in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nasync def f(host):\n    return await asyncio.open_connection(host, 80)\n",
        "import asyncio\nasync def f(host):\n"
        "    return await asyncio.get_running_loop().getaddrinfo(host, 80)\n",
        "import boto3\nasync def f():\n    s3 = boto3.client('s3')\n"
        "    return s3.generate_presigned_url('get_object')\n",
        "import socket\ndef f(host):\n    return socket.gethostbyname(host)\n",
        # sub-resources and presigned URLs are built locally
        "import boto3\nfrom minio import Minio\nasync def f(key):\n"
        "    bucket = boto3.resource('s3').Bucket('media')\n    obj = bucket.Object(key)\n"
        "    return Minio('s3:9000').presigned_get_object('media', key)\n",
    )
    INVALID = (
        "import socket\nasync def f(host):\n    return socket.gethostbyname(host)  # expect: AL109\n",
        "import socket\nasync def f(host):\n    s = socket.socket()\n"
        "    s.connect((host, 80))  # expect: AL109\n",
        "import smtplib\nasync def f(msg):\n    with smtplib.SMTP('mail') as smtp:  # expect: AL109\n"
        "        smtp.send_message(msg)  # expect: AL109\n",
        "import boto3\nasync def f(body):\n    s3 = boto3.client('s3')\n"
        "    s3.put_object(Bucket='b', Key='k', Body=body)  # expect: AL109\n",
        "import boto3\nasync def f(path, key):\n    s3 = boto3.resource('s3')\n"
        "    s3.Bucket('media').upload_file(path, key)  # expect: AL109\n"
        "    return s3.Object('media', key).get()  # expect: AL109\n",
        "from google.cloud import storage\nfrom kafka import KafkaProducer\nfrom minio import Minio\n"
        "async def f(data, key):\n"
        "    Minio('s3:9000').put_object('media', key, data, len(data))  # expect: AL109\n"
        "    storage.Client().bucket('media').blob(key).upload_from_string(data)  # expect: AL109\n"
        "    KafkaProducer().flush()  # expect: AL109\n",
    )


BLOCKING_RULES: tuple[type[Rule], ...] = (
    UserBlockingCall,
    BlockingSleep,
    BlockingHttp,
    BlockingFileIo,
    BlockingSubprocess,
    BlockingDbDriver,
    BlockingSyncPrimitive,
    BlockingInput,
    NestedEventLoop,
    BlockingNetwork,
)
