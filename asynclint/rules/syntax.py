"""AL001: a file asynclint had to check but Python cannot parse."""

from __future__ import annotations

from asynclint.rules.base import Rule


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file containing async code that Python's parser rejects, at the line the parser
    names, and goes on with the other files.

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
    summary = "the file cannot be parsed"
    message = "syntax error: {call}"
    VALID = ("async def f():\n    pass\n", "def f(:\n    pass\n")  # no async code: not parsed
    INVALID = ("async def f(:  # expect: AL001\n    pass\n",)
