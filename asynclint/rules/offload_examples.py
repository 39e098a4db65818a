"""FIXED examples of the offload fix (`await asyncio.to_thread(fn, ...)`), kept here so the
rule modules stay short: (INVALID source, the source after `--fix --unsafe-fixes`)."""

from __future__ import annotations

HTTP_FIXED = (
    (
        "import requests\nasync def f(url):\n    requests.get(url, timeout=5)  # expect: AL102\n"
        "    r = requests.get(  # the profile\n        url, timeout=5)  # expect: AL102\n    return r\n",
        "import requests\nimport asyncio\nasync def f(url):\n"
        "    await asyncio.to_thread(requests.get, url, timeout=5)  # expect: AL102\n"
        "    r = await asyncio.to_thread(requests.get,  # the profile\n        url, timeout=5)  # expect: AL102\n"
        "    return r\n",
    ),
    # a FastAPI module: Starlette's threadpool, imported once
    (
        "import requests\nfrom fastapi import FastAPI, Request\napp = FastAPI()\n@app.post('/items')\n"
        "async def items(url, request: Request):\n    body = await request.body()\n"
        "    response = requests.get(url)  # expect: AL102\n"
        "    requests.post(url, data=body)  # expect: AL102\n    return response.json()\n",
        "import requests\nfrom fastapi import FastAPI, Request\nfrom fastapi.concurrency import run_in_threadpool\n"
        "app = FastAPI()\n@app.post('/items')\n"
        "async def items(url, request: Request):\n    body = await request.body()\n"
        "    response = await run_in_threadpool(requests.get, url)  # expect: AL102\n"
        "    await run_in_threadpool(requests.post, url, data=body)  # expect: AL102\n    return response.json()\n",
    ),
    # a Django module: asgiref's sync_to_async (thread-sensitive: one thread, as the ORM needs)
    (
        "import requests\nfrom django.http import JsonResponse\nasync def view(request):\n"
        "    r = requests.get('https://example.com', timeout=5)  # expect: AL102\n    return JsonResponse(r.json())\n",
        "import requests\nfrom django.http import JsonResponse\nfrom asgiref.sync import sync_to_async\nasync def view(request):\n"
        "    r = await sync_to_async(requests.get)('https://example.com', timeout=5)  # expect: AL102\n"
        "    return JsonResponse(r.json())\n",
    ),
    # a route that never suspends: declared with `def`, FastAPI runs it in its threadpool
    (
        "import requests\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/items')\n"
        "async def items(url):\n    response = requests.get(url)  # expect: AL102\n    return response.json()\n",
        "import requests\nfrom fastapi import FastAPI\napp = FastAPI()\n@app.get('/items')\n"
        "def items(url):\n    response = requests.get(url)  # expect: AL102\n    return response.json()\n",
    ),
    # an existing `import asyncio` (here an alias) is reused
    (
        "import asyncio as aio\nimport requests\nasync def f(url):\n"
        "    return requests.get(url)  # expect: AL102\n",
        "import asyncio as aio\nimport requests\nasync def f(url):\n"
        "    return await aio.to_thread(requests.get, url)  # expect: AL102\n",
    ),
    # an argument of another call, an element of a display, a dict's value: offloaded in place
    (
        "import requests\nasync def f(url, log):\n"
        "    log(requests.get(url, timeout=5), n=len(requests.get(url)))  # expect: AL102 AL102\n"
        "    return {'page': requests.get(url), 'all': [requests.get(url)]}  # expect: AL102 AL102\n",
        "import requests\nimport asyncio\nasync def f(url, log):\n"
        "    log(await asyncio.to_thread(requests.get, url, timeout=5), n=len(await asyncio.to_thread(requests.get, url)))  # expect: AL102 AL102\n"
        "    return {'page': await asyncio.to_thread(requests.get, url), 'all': [await asyncio.to_thread(requests.get, url)]}  # expect: AL102 AL102\n",
    ),
    # a dict's key (evaluated before its value), an operand, a `with` item's argument: no fix
    (
        "import requests\nasync def f(url, session):\n"
        "    pages = {requests.get(url): 1}  # expect: AL102\n"
        "    size = 1 + len(requests.get(url))  # expect: AL102\n"
        "    with session(requests.get(url)):  # expect: AL102\n        pass\n",
        "import requests\nasync def f(url, session):\n"
        "    pages = {requests.get(url): 1}  # expect: AL102\n"
        "    size = 1 + len(requests.get(url))  # expect: AL102\n"
        "    with session(requests.get(url)):  # expect: AL102\n        pass\n",
    ),
    # not a whole statement or value, in a comprehension, in a nested def, awaited: no fix
    (
        "import requests\nasync def f(url, urls):\n    data = requests.get(url).json()  # expect: AL102\n"
        "    pages = [requests.get(u) for u in urls]  # expect: AL102\n"
        "    def sync():\n        requests.get(url)\n"
        "    return await requests.get(url)  # expect: AL102\n",
        "import requests\nasync def f(url, urls):\n    data = requests.get(url).json()  # expect: AL102\n"
        "    pages = [requests.get(u) for u in urls]  # expect: AL102\n"
        "    def sync():\n        requests.get(url)\n"
        "    return await requests.get(url)  # expect: AL102\n",
    ),
)

FILE_IO_FIXED = (
    (
        "from pathlib import Path\nasync def f(path: Path):\n"
        "    data = path.read_text()  # expect: AL103\n    return data\n",
        "from pathlib import Path\nimport asyncio\nasync def f(path: Path):\n"
        "    data = await asyncio.to_thread(path.read_text)  # expect: AL103\n    return data\n",
    ),
    # a `with` item and a call's result as the callee: no fix
    (
        "async def f(p):\n    with open(p) as fh:  # expect: AL103\n        fh.read()\n"
        "    return open(p).read()  # expect: AL103\n",
        "async def f(p):\n    with open(p) as fh:  # expect: AL103\n        fh.read()\n"
        "    return open(p).read()  # expect: AL103\n",
    ),
)

SUBPROCESS_FIXED = (
    (
        "import asyncio\nimport subprocess\nasync def deploy():\n"
        "    subprocess.run(['make', 'deploy'], check=True)  # expect: AL104\n",
        "import asyncio\nimport subprocess\nasync def deploy():\n"
        "    await asyncio.to_thread(subprocess.run, ['make', 'deploy'], check=True)  # expect: AL104\n",
    ),
)

TRANSITIVE_FIXED = (
    (
        "import time\ndef fetch_report(seconds):\n    time.sleep(seconds)\n    return 'report'\n"
        "async def report(seconds):\n    return fetch_report(seconds)  # expect: AL110\n",
        "import time\nimport asyncio\ndef fetch_report(seconds):\n    time.sleep(seconds)\n    return 'report'\n"
        "async def report(seconds):\n    return await asyncio.to_thread(fetch_report, seconds)  # expect: AL110\n",
    ),
)

DB_DRIVER_FIXED = (
    # outside a route each call goes to a thread of its own; `sqlite3` objects are bound to the
    # thread that made them, hence the warning in Fix safety (in a route the `def` fix applies)
    (
        "import redis\nasync def hits(r: redis.Redis):\n"
        "    return r.incr('hits')  # expect: AL105\n",
        "import redis\nimport asyncio\nasync def hits(r: redis.Redis):\n"
        "    return await asyncio.to_thread(r.incr, 'hits')  # expect: AL105\n",
    ),
)

SYNC_PRIMITIVE_FIXED = (
    (
        "import queue\nimport threading\njobs = queue.Queue()\nasync def worker(t: threading.Thread):\n"
        "    job = jobs.get(timeout=1)  # expect: AL106\n    t.join()  # expect: AL106\n    return job\n",
        "import queue\nimport threading\nimport asyncio\njobs = queue.Queue()\nasync def worker(t: threading.Thread):\n"
        "    job = await asyncio.to_thread(jobs.get, timeout=1)  # expect: AL106\n"
        "    await asyncio.to_thread(t.join)  # expect: AL106\n    return job\n",
    ),
    # a `with` on a lock has only advice; a call under it gets no fix that would await there
    (
        "import threading\nimport queue\nlock = threading.Lock()\njobs = queue.Queue()\nasync def f():\n"
        "    with lock:  # expect: AL106\n        return jobs.get()  # expect: AL106\n",
        "import threading\nimport queue\nlock = threading.Lock()\njobs = queue.Queue()\nasync def f():\n"
        "    with lock:  # expect: AL106\n        return jobs.get()  # expect: AL106\n",
    ),
)

INPUT_FIXED = (
    (
        "async def ask():\n    name = input('name? ')  # expect: AL107\n    return name\n",
        "import asyncio\nasync def ask():\n    name = await asyncio.to_thread(input, 'name? ')  # expect: AL107\n"
        "    return name\n",
    ),
)

NETWORK_FIXED = (
    (
        "import socket\nasync def resolve(host):\n"
        "    return {'host': host, 'ip': socket.gethostbyname(host)}  # expect: AL109\n",
        "import socket\nimport asyncio\nasync def resolve(host):\n"
        "    return {'host': host, 'ip': await asyncio.to_thread(socket.gethostbyname, host)}  # expect: AL109\n",
    ),
)
