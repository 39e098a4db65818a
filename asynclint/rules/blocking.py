"""AL100, AL101, AL103, AL104, AL107: calls that block the event loop by themselves —
configured calls, sleeps, file I/O, subprocesses, `input()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from asynclint.rules.base import BLOCKS, OFFLOAD_FIX_SAFETY, Rule
from asynclint.rules.offload_examples import (
    FILE_IO_FIXED,
    INPUT_FIXED,
    SUBPROCESS_FIXED,
)

if TYPE_CHECKING:  # libcst only where a file is checked: `--explain` and warm runs need none
    import libcst as cst

    from asynclint.fixes.locate import PendingFix


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
    ENDPOINT_DEF_FIX = True
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

    ## Fix safety
    The fix replaces the sleep statement's callee by `await asyncio.sleep` (`anyio.sleep` in a
    module that imports anyio), keeping the arguments as written, and adds `import asyncio`
    after the file's opening imports unless the module already imports it. It is unsafe: while
    the coroutine sleeps, other tasks run, so code that relied on nothing else happening during
    the pause (shared state, ordering) may behave differently. It is offered only for a sleep
    that is a statement of the `async def` itself — never in a nested `def`, a lambda or an
    expression — with one positional argument and a plain callee; `from time import sleep` and
    aliases are rewritten the same way (the now unused import is left for the user's linter).
    Where `asyncio` names something else and no alias of it is imported, no fix is offered.
    """

    code = "AL101"
    ENDPOINT_DEF_FIX = True
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
        # the fix's own output
        "import time\nimport asyncio\nasync def f():\n    await asyncio.sleep(1)\n    time.monotonic()\n",
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
    # (INVALID source, the source after `asynclint --fix --unsafe-fixes`): tests/test_fixes.py
    FIXED = (
        (
            "import time\nasync def f():\n    time.sleep(1)  # expect: AL101\n",
            "import time\nimport asyncio\nasync def f():\n    await asyncio.sleep(1)  # expect: AL101\n",
        ),
        (
            '"""Doc."""\nfrom __future__ import annotations\nimport asyncio\nimport time as t\n'
            "async def f(x):\n    t.sleep(  # why\n        x)  # expect: AL101\n"
            "    if x:\n        t.sleep(2)  # expect: AL101\n",
            '"""Doc."""\nfrom __future__ import annotations\nimport asyncio\nimport time as t\n'
            "async def f(x):\n    await asyncio.sleep(  # why\n        x)  # expect: AL101\n"
            "    if x:\n        await asyncio.sleep(2)  # expect: AL101\n",
        ),
        (
            "from time import sleep as nap\nimport anyio\nasync def f():\n    nap(1)  # expect: AL101\n",
            "from time import sleep as nap\nimport anyio\nasync def f():\n    await anyio.sleep(1)  # expect: AL101\n",
        ),
        (
            "import time\nimport asyncio as aio\nclass S:\n    async def run(self):\n"
            "        time.sleep(1)  # expect: AL101\n",
            "import time\nimport asyncio as aio\nclass S:\n    async def run(self):\n"
            "        await aio.sleep(1)  # expect: AL101\n",
        ),
        # not a statement of the async def: reported, not fixed
        (
            "import asyncio, time\nasync def f():\n"
            "    await asyncio.to_thread(time.sleep(1))  # expect: AL101\n",
            "import asyncio, time\nasync def f():\n"
            "    await asyncio.to_thread(time.sleep(1))  # expect: AL101\n",
        ),
        (
            "import time\nasync def f():\n    x = time.sleep(1)  # expect: AL101\n",
            "import time\nasync def f():\n    x = time.sleep(1)  # expect: AL101\n",
        ),
        # `asyncio` is a local of the function (bound after the sleep): no fix
        (
            "import time\nasync def f():\n    time.sleep(1)  # expect: AL101\n    import asyncio\n",
            "import time\nasync def f():\n    time.sleep(1)  # expect: AL101\n    import asyncio\n",
        ),
    )

    @classmethod
    def fix(cls, call: cst.Call, module: str, name: str | None, needs_import: bool) -> PendingFix | None:
        """`time.sleep(x)` → `await asyncio.sleep(x)`: only the callee's text is replaced."""
        from asynclint.fixes.locate import NodeEdit, PendingFix

        message = f"Replace with `await {module}.sleep(...)`"
        if name is None:
            return None
        plain = len(call.args) == 1 and call.args[0].keyword is None and not call.args[0].star
        if not plain or call.func.lpar:  # `(time.sleep)(1)`: the await would take the callee
            return None
        edit = NodeEdit(call.func, f"await {name}.sleep")
        return PendingFix("unsafe", message, (edit,), needs_import=module if needs_import else None)


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
    ENDPOINT_DEF_FIX = True
    FIXED = FILE_IO_FIXED
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
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
    ENDPOINT_DEF_FIX = True
    FIXED = SUBPROCESS_FIXED
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
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
    ENDPOINT_DEF_FIX = True
    FIX_SAFETY = OFFLOAD_FIX_SAFETY
    FIXED = INPUT_FIXED
    name = "blocking-input"
    summary = "`input()` in async code"
    message = BLOCKS
    VALID = (
        "import asyncio\nasync def f():\n    return await asyncio.to_thread(input, '> ')\n",
        "def f():\n    return input('> ')\n",
        "async def f(input):\n    return input('> ')\n",
    )
    INVALID = ("async def f():\n    return input('> ')  # expect: AL107\n",)
