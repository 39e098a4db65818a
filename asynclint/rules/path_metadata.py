"""AL111: path metadata read on the event loop. Opt-in: not in the default selection."""

from __future__ import annotations

from asynclint.rules.base import BLOCKS, Rule


class BlockingPathMetadata(Rule):
    """
    ## What it does
    Flags calls that ask the file system about a path in async code: `os.path.exists`,
    `isfile`, `isdir`, `islink`, `lexists`, `ismount`, `getsize`, `getmtime` (and the other
    times), `samefile`, `realpath`, `os.stat`, `os.lstat`, `os.access`, and the `pathlib.Path`
    methods `exists`, `stat`, `is_file`, `is_dir`, `is_symlink`, `resolve`, `owner`, ...

    This rule is **opt-in**: it is not in the default selection, nor in a prefix (`AL`,
    `AL1`). Enable it by its code (`--select AL111`, `--extend-select AL111`,
    `extend-select = ["AL111"]`) or with `ALL`. Pure path arithmetic is never flagged:
    `os.path.join`, `normpath`, `abspath`, `relpath`, `basename`, `Path.name`, `Path.parent`,
    `Path.absolute()` do not touch the disk. A sync helper that only reads metadata does not
    make its async callers an AL110.

    ## Why is this bad?
    A `stat` is a system call that waits for the file system. It is usually served from the
    operating system's cache within microseconds, which is why this rule is opt-in; on a
    network file system, a cold cache or an overloaded disk it can take milliseconds to
    seconds, and the event loop waits with it.

    ## Example
    ```python
    async def avatar(user_id: int):
        path = MEDIA / f"{user_id}.png"
        if not path.exists():
            raise HTTPException(404)
        return FileResponse(path)
    ```

    ## Use instead
    ```python
    async def avatar(user_id: int):
        path = anyio.Path(MEDIA / f"{user_id}.png")
        if not await path.exists():
            raise HTTPException(404)
        return FileResponse(path)
    ```
    or offload it: `await asyncio.to_thread(os.path.exists, path)`.
    """

    code = "AL111"
    ENDPOINT_DEF_FIX = True
    name = "blocking-path-metadata"
    summary = "path metadata (`os.path.exists`, `os.stat`, `Path.is_file`) in async code; opt-in"
    message = BLOCKS
    VALID = (
        "import os\nasync def f(a, b):\n"
        "    return os.path.join(a, b), os.path.normpath(a), os.path.abspath(a)\n",
        "import os\ndef f(p):\n    return os.path.exists(p)\n",
        "import anyio\nasync def f(p):\n    return await anyio.Path(p).exists()\n",
        "import asyncio, os\nasync def f(p):\n    return await asyncio.to_thread(os.path.isfile, p)\n",
        "from pathlib import Path\nasync def f(p):\n    return Path(p).name, Path(p).parent, Path(p).absolute()\n",
        "async def f(path):\n    return path.exists()\n",
        "import os\nasync def f(os, p):\n    return os.path.exists(p)\n",
        "import os\nasync def f(p):\n    def check():\n        return os.stat(p)\n    return check\n",
        # A helper that only reads metadata is not an AL110 for its async callers.
        "import os\ndef present(p):\n    return os.path.exists(p)\n"
        "async def f(p):\n    return present(p)\n",
    )
    INVALID = (
        "import os\nasync def f(p):\n    return os.path.exists(p)  # expect: AL111\n",
        "from os.path import getsize, isfile\nasync def f(p):\n"
        "    if isfile(p):  # expect: AL111\n        return getsize(p)  # expect: AL111\n",
        "import os\nasync def f(p):\n    return os.stat(p).st_size  # expect: AL111\n",
        "from pathlib import Path\nasync def f(p: Path):\n    return p.is_file()  # expect: AL111\n",
        "from pathlib import Path\nBASE = Path('media')\nasync def f(name):\n"
        "    return (BASE / name).exists()  # expect: AL111\n",
        # Metadata does not hide the read it is chained to.
        "from pathlib import Path\nasync def f(p):\n"
        "    return Path(p).resolve().read_text()  # expect: AL103, AL111\n",
    )
