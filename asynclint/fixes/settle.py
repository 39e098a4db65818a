"""What a function's findings and fixes become once the whole function has been walked.

Two decisions need the whole function, not the call being reported: whether a fix would make
the code suspend inside a `with` on a threading lock (dropped), and whether the function is a
route that FastAPI could run in its threadpool as `def` (a hint in the help, and the `def` fix).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import libcst as cst

from asynclint.fixes.endpoint_def import LOOP_MODULES, THREADPOOL_FIXES, endpoint_def_fix, runs_in_threadpool_as_def

if TYPE_CHECKING:
    from asynclint.analysis.names import Binding
    from asynclint.checks.frames import Frame


def settle_fixes(frame: Frame, function: cst.FunctionDef, bindings: Mapping[str, Binding]) -> None:
    """Settle the reports of `frame` (the walked `function`; `bindings`: the module's names)."""
    if frame.lock_blocks:
        _no_suspending_fix_under_locks(frame)
    if not runs_in_threadpool_as_def(frame):
        return
    name = function.name.value
    hint = f"; or declare `{name}` with `def` so FastAPI runs it in the threadpool"
    for report in frame.reports:
        if report.code in THREADPOOL_FIXES:
            report.suggestion += hint
    loop_names = frozenset(
        local for local, binding in bindings.items()
        if (binding.qualified or "").split(".")[0] in LOOP_MODULES
    )
    def_fix = endpoint_def_fix(frame, function, [report.code for report in frame.reports], loop_names)
    if def_fix is not None:
        for report in frame.reports:
            report.fix = def_fix


def _no_suspending_fix_under_locks(frame: Frame) -> None:
    """Drop the fixes that would `await` inside a `with` on a threading lock: while the task
    waits there holding the lock, another task of the loop that reaches the `with` blocks the
    loop on it, and the first never resumes to release it (a deadlock)."""
    inside: set[int] = set()
    for block in frame.lock_blocks:
        stack: list[cst.CSTNode] = [block.body]
        while stack:
            node = stack.pop()
            inside.add(id(node))
            stack.extend(node.children)
    for report in frame.reports:
        fix = report.fix
        if fix is not None and fix.awaits and any(id(edit.node) in inside for edit in fix.edits):
            report.fix = None
