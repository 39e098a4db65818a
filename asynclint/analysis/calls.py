"""What a call is: a blocking library call, sync SQLAlchemy I/O, or a call into the project.

One classification serves both passes: the index uses it to decide which sync helpers block
(and through what chain), the checker to report calls made on the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol

from asynclint.analysis import orm
from asynclint.analysis.kinds import Kind, canonical
from asynclint.analysis.values import Attr, Env, Name, Ref, SelfAttr, evaluate
from asynclint.catalog import CALLS, WITH_BLOCKS, Blocking, method_display, method_entry


class ProjectEnv(Env, Protocol):
    def has_function(self, qualified: str) -> bool:
        """Whether `qualified` is a function or method defined in the project."""


@dataclass(frozen=True)
class CallInfo:
    display: str = ""  # how messages name the call: "requests.get()", "Session.query()"
    blocking: Blocking | None = None  # a catalogued blocking call
    sync_db: Kind | None = None  # the sync SQLAlchemy object doing I/O
    project: str | None = None  # a project function or method (qualified)
    receiver: Kind | None = None
    method: str | None = None
    qualified: str | None = None  # the callee's qualified name, when it has one


NOTHING = CallInfo()


def classify(
    func: Ref,
    env: ProjectEnv,
    extra_calls: Mapping[str, Blocking] = {},
    is_with: bool = False,
    may_not_wait: bool = False,
    argument: Ref | None = None,
) -> CallInfo:
    """What calling `func` is; `may_not_wait`: the call's `block`/`blocking` flag is not known
    to be true (`analysis/arguments.py`); `argument`: the first positional argument, for the
    functions whose I/O depends on it (`orm.ARGUMENT_IO`: `inspect(engine)`)."""
    if isinstance(func, Name):
        qualified = canonical(func.qualified)
        entry = extra_calls.get(qualified) or CALLS.get(qualified)
        if entry is not None and not is_with:
            return CallInfo(f"{qualified.removeprefix('builtins.')}()", blocking=entry, qualified=qualified)
        if qualified in orm.ARGUMENT_IO and argument is not None:
            subject = evaluate(argument, env)
            if subject is not None and subject.name in orm.ARGUMENT_IO[qualified]:
                short = qualified.rpartition(".")[2]
                return CallInfo(f"{short}()", sync_db=subject, qualified=qualified)
        if env.has_function(qualified):
            return CallInfo(f"{qualified.rpartition('.')[2]}()", project=qualified, qualified=qualified)
        head, _, method = qualified.rpartition(".")
        if not head:
            return CallInfo(qualified=qualified)
        # `db_session.query` where db_session is a module-level object of another module
        found = _method(Name(head), method, env, is_with, may_not_wait)
        return found if found is not NOTHING else CallInfo(qualified=qualified)
    if isinstance(func, Attr):
        return _method(func.value, func.name, env, is_with, may_not_wait)
    if isinstance(func, SelfAttr):
        qualified = f"{func.class_name}.{func.name}"
        if env.has_function(qualified):
            return CallInfo(f"self.{func.name}()", project=qualified, qualified=qualified)
    return NOTHING


def _method(receiver_ref: Ref, method: str, env: ProjectEnv, is_with: bool, may_not_wait: bool) -> CallInfo:
    receiver = evaluate(receiver_ref, env)
    if receiver is None:
        return NOTHING
    if is_with:
        entry = WITH_BLOCKS.get(receiver.name)
        if entry is None:
            return NOTHING
        return CallInfo(f"`with` on a {receiver.name}", blocking=entry, receiver=receiver)
    entry = method_entry(receiver.name, method, receiver.unbounded, may_not_wait)
    if entry is not None:
        shown = f"{receiver.path}.{method}()" if receiver.path else method_display(receiver.name, method)
        return CallInfo(shown, blocking=entry, receiver=receiver, method=method)  # an SDK resource by its chain
    sync_kind = orm.PROXIES.get(receiver.name, receiver.name)
    if method in orm.SYNC_IO.get(sync_kind, ()):
        short = sync_kind.rpartition(".")[2]
        return CallInfo(f"{short}.{method}()", sync_db=receiver, receiver=receiver, method=method)
    qualified = f"{receiver.name}.{method}"
    if env.has_function(qualified):
        return CallInfo(f"{method}()", project=qualified, receiver=receiver, method=method, qualified=qualified)
    return CallInfo(receiver=receiver, method=method)
