"""The offload fix of the blocking-call rules (AL102–AL107, AL109, AL110): a blocking call
`fn(a, k=v)` becomes `await asyncio.to_thread(fn, a, k=v)` (`run_in_threadpool` in a FastAPI
or Starlette module).

Only where the rewrite keeps the code's meaning apart from the thread: a call that is the
whole of an expression statement, of an assignment's value or of a `return`, or that sits in
one only as an argument of other calls or an element of a list, tuple, set or dict display
(a dict's value, not its key), directly in the
body of the `async def` (`enclosing` refuses nested defs, lambdas, class bodies and
comprehensions), with a plain dotted callee and arguments without `await`, `yield` or a walrus
(they would then run in another order, or not be legal inside the new call). The text of the
callee and of the arguments is kept as written: `await wrapper(` goes before the callee and
the `(` after it becomes `, `.
"""

from __future__ import annotations

import libcst as cst

from asynclint.fixes.locate import NodeEdit, PendingFix
from asynclint.fixes.missing_await import enclosing

# The qualified names of `run_in_threadpool` a module may bind (FastAPI re-exports Starlette's).
RUN_IN_THREADPOOL = frozenset({
    "fastapi.concurrency.run_in_threadpool",
    "starlette.concurrency.run_in_threadpool",
})
# Django's: its thread-sensitive default runs the calls on one thread, as Django's ORM needs.
SYNC_TO_ASYNC = frozenset({"asgiref.sync.sync_to_async"})
_FORBIDDEN = (cst.Await, cst.Yield, cst.NamedExpr)
_EMPTY = cst.Module(body=[])


def _plain_callee(func: cst.BaseExpression) -> bool:
    while isinstance(func, cst.Attribute):
        if func.lpar:
            return False
        func = func.value
    return isinstance(func, cst.Name) and not func.lpar


def _contains_forbidden(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, _FORBIDDEN):
            return True
        stack.extend(current.children)
    return False


_STATEMENTS = (cst.Expr, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return)


def _holds(parent: cst.CSTNode, child: cst.CSTNode) -> bool:
    """`child` is an argument of the call `parent`, or an element (a dict's value) of the
    display `parent`: places where `await` may stand and the evaluation order stays."""
    if isinstance(parent, (cst.Arg, cst.Element, cst.StarredElement)):
        return parent.value is child
    if isinstance(parent, cst.DictElement):
        return parent.value is child  # not the key: it is evaluated before the value
    if isinstance(parent, cst.Call):
        return child in parent.args
    if isinstance(parent, (cst.List, cst.Tuple, cst.Set)):
        return child in parent.elements
    if isinstance(parent, cst.Dict):
        return child in parent.elements
    return False


def _offloadable_place(path: list[cst.CSTNode], call: cst.Call) -> bool:
    """`call` is a statement's whole expression or value, or sits in it only as arguments
    and display elements (`return {"ip": gethostbyname(h)}`, `log(requests.get(u))`)."""
    child: cst.CSTNode = call
    for parent in reversed(path):
        if isinstance(parent, _STATEMENTS):
            return parent.value is child
        if not _holds(parent, child):
            return False
        child = parent
    return False


def offload_fix(function: cst.FunctionDef, call: cst.Call, wrapper: str, import_line: str | None,
                wraps_callable: bool = False) -> PendingFix | None:
    """The fix running `call` in a thread through `wrapper` (the name the file reaches
    `asyncio.to_thread` or `run_in_threadpool` by); `import_line` is the import the file needs
    for it, if any. `wraps_callable`: `wrapper` takes the callable and returns an async one
    (asgiref's `sync_to_async(fn)(a)`). None where the rewrite is not offered."""
    path = enclosing(function, call)
    if not path or not _offloadable_place(path, call):
        return None
    if not _plain_callee(call.func) or call.lpar:
        return None
    if any(_contains_forbidden(arg) for arg in call.args):
        return None
    if wraps_callable:
        edits = (NodeEdit(call, f"await {wrapper}(", upto=call), NodeEdit(call.func, ")", after=True))
        return PendingFix("unsafe", f"Run it in a thread: `await {wrapper}(fn)(...)`", edits, needs_import=import_line)
    # `fn(` + a line break (or a space, a comment) keeps what follows the `(`: `wrapper(fn,` and
    # no trailing space before the break
    spaced = _EMPTY.code_for_node(call.whitespace_before_args) != ""
    separator = ("," if spaced else ", ") if call.args else ""
    edits = (
        NodeEdit(call, f"await {wrapper}(", upto=call),
        NodeEdit(call.func, separator, after=True, upto=call.whitespace_before_args),
    )
    message = f"Run it in a thread: `await {wrapper}(...)`"
    return PendingFix("unsafe", message, edits, needs_import=import_line)
