"""What the checker tracks per function, and the reports it collects before positions exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import libcst as cst

from asynclint.analysis.calls import CallInfo
from asynclint.analysis.names import Scope
from asynclint.analysis.values import Ref
from asynclint.expiry import Expiry
from asynclint.fixes.locate import PendingFix

if TYPE_CHECKING:
    from asynclint.fixes.refresh import RefreshSite

_EMPTY_MODULE = cst.Module(body=[])
MAX_ARGS_TEXT = 60


def source(node: cst.CSTNode) -> str:
    return _EMPTY_MODULE.code_for_node(node)


def args_text(args: Sequence[cst.Arg]) -> str:
    """Arguments as written, shortened for messages: `url, timeout=5`."""
    pieces = []
    for arg in args:
        prefix = arg.star + (arg.keyword.value + "=" if arg.keyword else "")
        pieces.append(prefix + source(arg.value))
    text = ", ".join(pieces)
    return text if len(text) <= MAX_ARGS_TEXT else text[: MAX_ARGS_TEXT - 3] + "..."


@dataclass
class Frame:
    """A function (or lambda/class body) being walked."""

    qualname: str
    is_async: bool
    endpoint: str | None = None
    is_route: bool = False
    full_path: bool = False  # `endpoint` has the route's full path (resolved on first report)
    is_lambda: bool = False
    has_await: bool = False
    reported_sync_db: bool = False
    # name -> (call node, description) of coroutines assigned and not yet used
    pending: dict[str, tuple[cst.Call, CallInfo, str]] = field(default_factory=dict)
    # Names a nested function, lambda or class body reads without binding them: they are
    # this function's variables, used when the closure runs (a coroutine awaited there).
    closure_reads: set[str] = field(default_factory=set)
    scope: Scope | None = None  # the names bound in this frame (pushed with it)
    # The file-opening calls reported here (`open(p)`), as Refs: their files' methods are not
    # reported again (checks/blocking_calls.py).
    opened: set[Ref] = field(default_factory=set)
    reports: list[Report] = field(default_factory=list)
    expiry: Expiry = field(default_factory=Expiry)
    # AL205's fix: instance name -> (the commit call, its entry in expiry.expired) of the commit
    # that expired it, and the refresh sites found for those commits (by id of the call).
    commits: dict[str, tuple[cst.Call, tuple[str, int]]] = field(default_factory=dict)
    refresh_sites: dict[int, RefreshSite | None] = field(default_factory=dict)
    # Instances deleted, expunged or merged (the session holds a copy) here: a refresh would
    # raise InvalidRequestError, so no fix.
    detached: set[str] = field(default_factory=set)
    function: cst.FunctionDef | None = None  # the def being walked (None: a lambda or class)
    uses: dict[str, bool | None] | None = None  # how it uses each name (checks/usage.py)
    # the sync `with` statements on a threading lock (AL106): a fix must not make the code
    # suspend inside one (another task on the loop blocking on the lock would deadlock it)
    lock_blocks: list[cst.With] = field(default_factory=list)
    # name -> the value it was assigned here (None: assigned more than once), for AL204's fix
    values: dict[str, cst.BaseExpression | None] = field(default_factory=dict)


@dataclass
class Report:
    """A finding before positions and suppressions are applied."""

    node: cst.CSTNode
    code: str
    parts: dict[str, str]
    suggestion: str
    function: str
    endpoint: str | None
    fix: PendingFix | None = None  # located by the engine with the finding


def where(frame: Frame) -> str:
    kind = "async " if frame.is_async else ""
    if frame.endpoint is None:
        return f"{kind}function {frame.qualname}"
    if frame.is_route:
        return f"{kind}endpoint {frame.endpoint} ({frame.qualname})"
    if frame.endpoint.startswith("Depends("):
        return f"{kind}dependency {frame.qualname}"
    return f"{frame.endpoint} ({frame.qualname})"
