"""The registry of rules, and code selection (`--select AL1 --ignore AL103`)."""

from __future__ import annotations

from collections.abc import Iterable

from asynclint.rules.base import Rule
from asynclint.rules.blocking import (
    BlockingFileIo,
    BlockingInput,
    BlockingSleep,
    BlockingSubprocess,
    UserBlockingCall,
)
from asynclint.rules.blocking_clients import (
    BlockingDbDriver,
    BlockingHttp,
    BlockingNetwork,
)
from asynclint.rules.concurrency import BlockingSyncPrimitive, NestedEventLoop
from asynclint.rules.coroutines import (
    AwaitOnAsyncGenerator,
    DanglingTask,
    UnawaitedCoroutine,
)
from asynclint.rules.expired_attributes import ExpiredAttributeAccess
from asynclint.rules.lazy_loads import ImplicitLazyLoad
from asynclint.rules.path_metadata import BlockingPathMetadata
from asynclint.rules.sessions import (
    AwaitOnSyncMethod,
    SyncSessionInAsync,
    UnawaitedOrmIo,
)
from asynclint.rules.syntax import SyntaxErrorRule
from asynclint.rules.threadpool import ThreadpoolExceedsDbPool
from asynclint.rules.transitive import TransitiveBlockingCall

ALL_RULES: tuple[type[Rule], ...] = (
    SyntaxErrorRule,
    UserBlockingCall,
    BlockingSleep,
    BlockingHttp,
    BlockingFileIo,
    BlockingSubprocess,
    BlockingDbDriver,
    BlockingSyncPrimitive,
    BlockingInput,
    NestedEventLoop,
    BlockingNetwork,
    TransitiveBlockingCall,
    BlockingPathMetadata,
    SyncSessionInAsync,
    UnawaitedOrmIo,
    AwaitOnSyncMethod,
    ImplicitLazyLoad,
    ExpiredAttributeAccess,
    UnawaitedCoroutine,
    DanglingTask,
    AwaitOnAsyncGenerator,
    ThreadpoolExceedsDbPool,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
DEFAULT_SELECT: tuple[str, ...] = ("AL",)
# Rules enabled only by their full code or by `ALL`: no prefix selects them (`AL`, the
# default, nor `AL1` or `AL11`), as ruff's prefixes leave out its preview rules. A prefix still
# ignores them (`--ignore AL1` after `--select ALL`).
OPT_IN: frozenset[str] = frozenset({"AL111", "AL401"})


class UnknownCode(ValueError):
    pass


def matching(selector: str, opt_in: bool = False) -> set[str]:
    """Codes a selector names: a full code, a prefix such as `AL1`, or `ALL`; a prefix names
    the opt-in rules only with `opt_in` (for ignoring)."""
    selector = selector.strip().upper()
    if selector == "ALL":
        return set(RULES_BY_CODE)
    found = {code for code in RULES_BY_CODE if code.startswith(selector)}
    if not found:
        raise UnknownCode(selector)
    if opt_in or selector in RULES_BY_CODE:
        return found
    return found - OPT_IN


def select_codes(
    select: Iterable[str] | None, ignore: Iterable[str] = (), extend_select: Iterable[str] = ()
) -> frozenset[str]:
    """ruff's model: `select` replaces the default set, `extend-select` adds, `ignore` removes."""
    chosen: set[str] = set()
    for selector in (DEFAULT_SELECT if select is None else select):
        chosen |= matching(selector)
    for selector in extend_select:
        chosen |= matching(selector)
    for selector in ignore:
        chosen -= matching(selector, opt_in=True)
    return frozenset(chosen)
