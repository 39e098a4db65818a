"""The runtime detector on small programs written for the test: what it reports, under which code
and where — and what it must not report (another thread's loop, asynclint's own code, an opt-in
rule not selected, a skipped file). Each program runs with `asyncio.run` in a plain test.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pickle
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from asynclint.catalog import Blocking
from asynclint.config import Config
from asynclint.findings import Finding
from asynclint.runtime.compare import candidates
from asynclint.runtime.detector import Detector

io_open = open

# The plugin's own detector, in a run with --asynclint-runtime, stays out of these tests' way.
pytestmark = pytest.mark.asynclint_runtime("off")


@pytest.fixture
def modules(tmp_path: Path) -> Iterator[Path]:
    """A directory on sys.path for the programs (and a `site-packages` one for a library)."""
    (tmp_path / "site-packages").mkdir()
    sys.path[:0] = [str(tmp_path), str(tmp_path / "site-packages")]
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        del sys.path[:2]
        for name in set(sys.modules) - before:
            if name.startswith(("prog_", "vendorlib")):
                del sys.modules[name]


def program(directory: Path, name: str, text: str) -> ModuleType:
    (directory / f"{name}.py").write_text(textwrap.dedent(text), encoding="utf-8")
    importlib.invalidate_caches()
    return importlib.import_module(name)


def run(config: Config, directory: Path, coroutine_function: object) -> list[Finding]:
    detector = Detector(config, str(directory))
    detector.start()
    try:
        asyncio.run(coroutine_function())  # type: ignore[operator]
    finally:
        found = detector.stop()
    assert detector.errors == []
    return found


def test_extra_blocking_calls_are_watched_once_their_module_is_imported(modules: Path) -> None:
    program(modules, "prog_sdk", "def charge(amount):\n    return amount\n")
    main = program(modules, "prog_pay", """\
        import prog_sdk

        async def pay():
            return prog_sdk.charge(3)
    """)
    config = Config(extra_blocking_calls={"prog_sdk.charge": Blocking("AL100", "use prog_sdk.aio.charge")})
    [found] = run(config, modules, main.pay)
    assert (found.path, found.line, found.code, found.name) == ("prog_pay.py", 4, "AL100", "blocking-call")
    assert found.message == "prog_sdk.charge() blocked the event loop in pay (prog_pay.py:4) [runtime]"
    assert found.suggestion == "use prog_sdk.aio.charge"
    assert run(Config(), modules, main.pay) == []


def test_a_library_the_catalog_does_not_know_is_named_for_extra_blocking_calls(modules: Path) -> None:
    (modules / "site-packages" / "vendorlib.py").write_text(
        "import time\n\ndef fetch():\n    time.sleep(0)\n", encoding="utf-8"
    )
    main = program(modules, "prog_vendor", """\
        import vendorlib

        async def handler():
            vendorlib.fetch()
    """)
    [found] = run(Config(), modules, main.handler)
    assert (found.line, found.code, found.function) == (4, "AL101", "handler")
    assert found.message.startswith("vendorlib.fetch() blocked the event loop in handler (prog_vendor.py:4)")
    assert found.message.endswith(": it called time.sleep() [runtime]")
    assert list(candidates([found])) == ["vendorlib.fetch"]


def test_a_loop_on_another_thread_is_not_the_tests(modules: Path) -> None:
    main = program(modules, "prog_thread", """\
        import asyncio
        import threading
        import time

        async def sleeps():
            time.sleep(0)

        async def in_a_thread():
            worker = threading.Thread(target=asyncio.run, args=(sleeps(),))
            worker.start()
            await asyncio.to_thread(worker.join)
    """)
    assert run(Config(), modules, main.in_a_thread) == []


def test_asynclints_own_code_is_not_reported(modules: Path) -> None:
    main = program(modules, "prog_own", """\
        from asynclint import source

        async def reads(path):
            return source.read(path)
    """)
    assert run(Config(), modules, lambda: main.reads(str(modules / "prog_own.py"))) == []


def test_path_metadata_is_reported_only_when_the_opt_in_rule_is_selected(modules: Path) -> None:
    main = program(modules, "prog_stat", """\
        import os

        async def size(path):
            return os.stat(path).st_size
    """)
    path = str(modules / "prog_stat.py")
    assert run(Config(), modules, lambda: main.size(path)) == []
    [found] = run(Config(extend_select=("AL111",)), modules, lambda: main.size(path))
    assert (found.code, found.line) == ("AL111", 4)


def test_a_skipped_file_and_ignored_codes_are_not_reported(modules: Path) -> None:
    skipped = program(modules, "prog_skip", """\
        # asynclint: skip-file
        import time

        async def nap():
            time.sleep(0)
    """)
    plain = program(modules, "prog_plain", "import time\n\nasync def nap():\n    time.sleep(0)\n")
    assert run(Config(), modules, skipped.nap) == []
    assert run(Config(ignore=("AL101",)), modules, plain.nap) == []
    per_file = Config(per_file_ignores={"prog_pl*.py": ("AL1",)}, root=modules)
    assert run(per_file, modules, plain.nap) == []
    assert [f.code for f in run(Config(), modules, plain.nap)] == ["AL101"]


def test_a_file_read_after_its_open_is_one_finding_at_the_open(modules: Path) -> None:
    main = program(modules, "prog_file", """\
        async def head(path):
            with open(path) as handle:
                return handle.read()

        async def read(handle):
            return handle.read()
    """)
    path = str(modules / "prog_file.py")
    [found] = run(Config(), modules, lambda: main.head(path))
    assert (found.code, found.line, found.message.split(" blocked")[0]) == ("AL103", 2, "open()")
    with open(path) as handle:  # opened before the loop: its read is the finding
        [found] = run(Config(), modules, lambda: main.read(handle))
    assert (found.line, found.message.split(" blocked")[0]) == (6, "read() on a sync file")


def test_watched_functions_keep_their_names_while_patched(modules: Path) -> None:
    """What looks a function up by name still finds it: `pickle.dumps(open)`, as a test of
    pickled payloads does, pickles a reference to `builtins.open`."""
    detector = Detector(Config(), str(modules))
    detector.start()
    try:
        assert open is not io_open  # patched
        for function in (open, os.system, time.sleep):
            assert pickle.loads(pickle.dumps(function)) is function
        assert open.__name__ == "open" and time.sleep.__qualname__ == "sleep"
    finally:
        detector.stop()
    assert open is io_open


def test_every_function_blockbuster_patches_maps_to_a_blocking_code() -> None:
    """A blockbuster release that watches a new function shows up here: unmapped, it would be
    left unpatched (unknown stays silent) until the table says which code it is."""
    from blockbuster import BlockBuster

    from asynclint.runtime import patches

    mapped = {watched.name: watched.entry.code for watched in patches.blockbuster_table()}
    assert set(mapped) == set(BlockBuster().functions)
    assert set(mapped.values()) <= {"AL101", "AL103", "AL105", "AL106", "AL107", "AL109", "AL111"}
    assert mapped["time.sleep"] == "AL101" and mapped["io.TextIOWrapper.read"] == "AL103"


def test_waiting_for_a_child_is_reported_and_polling_it_is_not(modules: Path) -> None:
    main = program(modules, "prog_child", """\
        import os
        import subprocess
        import sys

        async def poll():
            child = subprocess.Popen([sys.executable, "-c", "pass"])
            while os.waitpid(child.pid, os.WNOHANG) == (0, 0):
                pass
            return child

        async def wait():
            child = subprocess.Popen([sys.executable, "-c", "pass"])
            return child.wait()
    """)
    assert [f.code for f in run(Config(), modules, main.poll) if f.line == 7] == []
    waited = [f for f in run(Config(), modules, main.wait) if f.line == 13]
    assert [(f.code, f.function) for f in waited] == [("AL104", "wait")]
    assert waited[0].message.startswith("subprocess.Popen.wait() blocked the event loop in wait")
