"""The server's document handling under random edits: insertions and deletions, many of them
leaving the buffer unparsable, checks at random moments (as the debounce lets them through).
It never fails, and its final diagnostics are what a fresh CLI run says of the final text.

The edits drive the server's core (`asynclint/server/core.py`: documents, projects, the
checking process) directly: the LSP layer adds only conversion, tested in test_server_lsp.py.
ASYNCLINT_LSP_FUZZ_EXAMPLES sets how many sequences of 1,000 edits run (default 3).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from random import Random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asynclint.server.core import Core
from asynclint.server.settings import Settings
from tests.lsp_helpers import ROUTES, SYNC_DATABASE, write_project

START = ROUTES + """
import time


async def save(s, x):
    time.sleep(1)
    await s.commit()
"""
PIECES = ["(", ")", ":", "\n", "    ", "async ", "await ", "time.sleep(1)", "def f():", "#",
          "'", '"""', "\\", "x", " = ", "session.execute('q')", "noqa: AL101", "\t", "é", "\r\n"]


def _edits(random: Random, count: int) -> list[tuple[str, float, str, int, bool]]:
    """`count` edits from a seed hypothesis draws: a list of 1,000 edits drawn element by
    element is more than hypothesis lets one example hold."""
    return [
        (
            random.choice(["insert", "delete"]),
            random.random(),
            random.choice(PIECES) if random.random() < 0.9 else chr(random.randrange(32, 0x3000)),
            random.randrange(1, 13),
            random.random() < 0.1,  # ~10% of the edits: the debounce lets a check through
        )
        for _ in range(count)
    ]


def _apply(text: str, edit: tuple[str, float, str, int, bool]) -> str:
    kind, where, piece, length, _check = edit
    at = int(where * len(text))
    if kind == "insert":
        return text[:at] + piece + text[at:]
    return text[:at] + text[at + length :]


def _cli(path: Path, text: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "asynclint", "--stdin-filename", str(path), "--format", "json", "-"],
        input=text.encode("utf-8", "surrogatepass"), capture_output=True, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@settings(
    max_examples=int(os.environ.get("ASYNCLINT_LSP_FUZZ_EXAMPLES", "3")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.integers(0, 2**32 - 1))
def test_a_thousand_random_edits_never_fail_and_end_as_a_fresh_cli_run(
    tmp_path: Path, seed: int
) -> None:
    edits = _edits(Random(seed), 1000)
    root = write_project(tmp_path / "fuzz", {"app/database.py": SYNC_DATABASE, "app/routes.py": START})
    path = root / "app/routes.py"
    uri = path.as_uri()
    core = Core(Settings())
    try:
        text = START
        core.open(uri, str(path), text, 1)
        core.check(uri)
        good = None
        for version, edit in enumerate(edits, start=2):
            text = _apply(text, edit)
            core.change(uri, text, version)
            if edit[-1]:
                outcome = core.check(uri)
                assert outcome is not None and outcome.text == text
                if not any(f.code == "AL001" for f in outcome.current):
                    good = outcome.current
        outcome = core.check(uri)
        assert outcome is not None
        expected = _cli(path, text)
        assert [f.to_json() for f in outcome.current] == expected
        if any(f["code"] == "AL001" for f in expected) and good is not None:
            assert outcome.stale == good  # the last good diagnostics stay shown
        assert not core.take_messages()  # no error reported for any state of the buffer
    finally:
        core.shutdown()
