"""Running-loop guards: the branch of a sync helper that runs only when no event loop runs.

    def drain_all(timeout=None):
        if get_running_loop() is not None:
            return asyncio.wait(futures, timeout=timeout)  # its async callers await this
        return concurrent.futures.wait(futures, timeout=timeout)

Called from async code, the helper sees the running loop and takes the first branch, so the
calls of the other one are no blocking facts for its async callers (AL110). The tests
recognised: `get_running_loop() is None`, `... is not None`, `get_running_loop()` and `not ...`,
where `get_running_loop` (or `_get_running_loop`) is any imported function of that name
(asyncio's, or a project's that returns None outside a loop), called without arguments.
"""

from __future__ import annotations

import ast
from typing import Callable

_LOOP_GETTERS = frozenset({"get_running_loop", "_get_running_loop"})


def loopless_branch(test: ast.expr, qualified: Callable[[ast.expr], str | None]) -> str | None:
    """'body' or 'orelse': the branch of `if test:` taken when no loop runs; None when `test`
    is not a running-loop test. `qualified` resolves a callee through the imports."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    if negated:
        test = test.operand  # type: ignore[attr-defined]
    no_loop_if_true = False  # `if get_running_loop():` is true when a loop runs
    if isinstance(test, ast.Compare):
        if not (len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot))
                and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
            return None
        no_loop_if_true = isinstance(test.ops[0], ast.Is)
        test = test.left
    if not (isinstance(test, ast.Call) and not test.args and not test.keywords):
        return None
    name = qualified(test.func)
    if name is None or name.rpartition(".")[2] not in _LOOP_GETTERS:
        return None
    return "body" if no_loop_if_true != negated else "orelse"


def loopless_after(statement: ast.If, qualified: Callable[[ast.expr], str | None]) -> bool:
    """`if get_running_loop() is not None: return ...` without an `else`: the statements after
    it run only when no loop runs."""
    return (
        not statement.orelse
        and bool(statement.body)
        and isinstance(statement.body[-1], (ast.Return, ast.Raise))
        and loopless_branch(statement.test, qualified) == "orelse"
    )
