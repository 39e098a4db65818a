"""AL001: a file asynclint had to check but no Python grammar accepts."""

from __future__ import annotations

from asynclint.rules.base import Rule


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file containing async code that neither the running Python's parser nor libcst's
    (which knows every grammar up to Python 3.14) accepts, at the line the parser names, and goes
    on with the other files. The verdict does not depend on the interpreter running asynclint:
    a file in newer grammar than its own (PEP 695 generics, PEP 701 f-strings, PEP 758
    `except A, B:` on Python 3.11) is analysed like any other.

    ## Why is this bad?
    Python cannot import the module at all, and asynclint cannot check it. (asynclint is not a
    syntax checker: files without async code are not parsed, so their syntax is not checked.)

    ## Example
    ```python
    async def f(:
        ...
    ```

    ## Use instead
    ```python
    async def f():
        ...
    ```
    """

    code = "AL001"
    name = "syntax-error"
    summary = "the file cannot be parsed (by any Python grammar)"
    message = "syntax error: {call}"
    VALID = (
        "async def f():\n    pass\n",
        "def f(:\n    pass\n",  # no async code: not parsed
        "class Repo[T]:\n    async def get(self, key: str) -> T:\n        return f\"{key[\"a\"]}\"\n",
        "type Rows = list[int]\nasync def f():\n    try:\n        pass\n    except ValueError, TypeError:\n"
        "        pass\n",
    )
    INVALID = ("async def f(:  # expect: AL001\n    pass\n",)
