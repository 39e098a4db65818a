"""Each function with async code is cut from its file by lines and parsed with libcst alone.

Every function `ast` accepts must survive the cut: its findings at the lines and columns of the
file, no "libcst cannot parse" error, and nothing from outside the function pulled in.
"""

from __future__ import annotations

import pytest

from asynclint.engine import CheckOptions, check_source

# (source, where time.sleep(1) is: line, column)
UNITS_AT_THE_EDGES = [
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1)\n    x = 1 \\\n\ny = 2\n",
        (3, 5),
        id="last-line-continues-into-a-blank-line",
    ),
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1)\n    x = 1 \\\n# done\ny = 2\n",
        (3, 5),
        id="last-line-continues-into-a-comment",
    ),
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1)\n    x = 1 \\\n    \\\n\ny = 2\n",
        (3, 5),
        id="continuation-into-a-lone-backslash-then-a-blank-line",
    ),
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1); \\\n\n",
        (3, 5),
        id="semicolon-then-continuation",
    ),
    pytest.param(
        "import time\nclass C:\n    async def f(self):\n        time.sleep(1)\n        x = 1 \\\n\n",
        (4, 9),
        id="method-whose-last-line-continues",
    ),
    pytest.param(
        "import time\r\nasync def f():\r\n    time.sleep(1)\r\n    x = 1 \\\r\n\r\n",
        (3, 5),
        id="crlf-continuation",
    ),
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1) \\\n   ",
        (3, 5),
        id="continuation-into-trailing-spaces-at-eof",
    ),
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1)",
        (3, 5),
        id="no-final-newline",
    ),
    pytest.param(
        "import time\nasync def f():\n    time.sleep(1)\n# comment \\\nx = 1\n",
        (3, 5),
        id="followed-by-a-comment-ending-in-a-backslash",
    ),
    pytest.param(
        "import time\nclass C:\n\f    async def f(self):\n        time.sleep(1)\n",
        (4, 9),
        id="form-feed-before-an-indented-method",
    ),
    pytest.param(
        "import time\nasync def f():\n\f    if x:\n        time.sleep(1)\n",
        (4, 9),
        id="form-feed-before-a-block-in-the-body",
    ),
    pytest.param(
        "import time\nasync def f():\n  \f    time.sleep(1)\n",
        (3, 8),
        id="form-feed-inside-the-indentation-keeps-the-column",
    ),
    pytest.param(
        "import time\rasync def f():\r    time.sleep(1)\r",
        (3, 5),
        id="cr-line-endings",
    ),
]


@pytest.mark.parametrize(("text", "where"), UNITS_AT_THE_EDGES)
def test_function_cut_from_its_file_is_parsed_and_located(
    text: str, where: tuple[int, int]
) -> None:
    result = check_source(text, "unit.py", CheckOptions())
    assert result.errors == []
    assert [(f.line, f.column, f.code) for f in result.findings] == [(*where, "AL101")]


def test_backslash_in_the_last_comment_does_not_pull_the_next_statement_into_the_function() -> None:
    text = "import time\nasync def f():\n    x = 1  # C:\\\ntime.sleep(1)\n"
    result = check_source(text, "unit.py", CheckOptions())
    assert result.errors == []
    assert result.findings == []  # the module-level sleep blocks no event loop
