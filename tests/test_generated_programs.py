"""Programs generated from Python's grammar (hypothesmith), as the body of an `async def`.

Whatever `ast` accepts, the check ends without an internal error, without losing a function
("libcst cannot parse ...": every unit `ast` found was parsed and checked) and with every
finding inside the file. Generated programs are what a person would never write: the edges of
the tokenizer (continuations, form feeds, odd line endings) that the per-function slices of
pass 2 must survive.

A bounded run by default (CI); a longer one with an environment variable:

    ASYNCLINT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_generated_programs.py
"""

from __future__ import annotations

import ast
import os
import re
import warnings

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from asynclint import source
from asynclint.engine import CheckOptions, check_source

EXAMPLES = int(os.environ.get("ASYNCLINT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Generating from the grammar is slow, and many programs are not valid function bodies.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
_LINES = re.compile(r"(?<=\n)")

# How the function's last line ends (continuing into what follows, which holds no token), and
# what follows the function: hypothesmith itself seldom writes a continuation.
LAST_LINE = st.sampled_from(["", "x = 1\n", "x = 1 \\\n", "x = 1; \\\n", "x = 1 \\\n\\\n"])
AFTER = st.sampled_from(["", "\n", "\n\n", "y = 2\n", "# end \\\n", "\f\n", "  "])
HEAD_INDENT = st.sampled_from(["", "\f"])


def as_async_def(
    program: str, method: bool, last: str = "", after: str = "", head: str = ""
) -> str:
    """`program` indented into an `async def` (a method of a class when `method`), then the
    statement `last`, `after` after the function; `head` before the `def` line."""
    indent = "        " if method else "    "
    body = "".join(indent + line if line.strip() else line for line in _LINES.split(program))
    if body and not body.endswith(("\n", "\r")):
        body += "\n"
    if last:
        body += indent + last
    start = f"class C:\n{head}    async def f(self):\n" if method else f"{head}async def f():\n"
    # `pass` first, so the generated code (or `last`) ends the function, where its slice ends.
    return f"{start}{indent}pass\n{body}{after}"


def assert_checked_completely(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the generated code's own SyntaxWarnings
        try:
            ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            assume(False)  # not a valid function body: `ast` is the gate, nothing to check
        result = check_source(text, "generated.py", CheckOptions())
    assert result.errors == []
    lines = source.split_lines(text)
    for finding in result.findings:
        assert 1 <= finding.line <= finding.end_line <= len(lines)
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1
        assert 1 <= finding.end_column <= len(lines[finding.end_line - 1]) + 1


@FUZZ
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@given(hypothesmith.from_grammar(), st.booleans(), LAST_LINE, AFTER, HEAD_INDENT)
def test_generated_program_in_an_async_def_is_checked_completely(
    program: str, method: bool, last: str, after: str, head: str
) -> None:
    assert_checked_completely(as_async_def(program, method, last, after, head))
