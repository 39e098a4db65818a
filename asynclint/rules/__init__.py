"""The registry of rules, and code selection (`--select AL1 --ignore AL103`)."""

from __future__ import annotations

from collections.abc import Iterable

from asynclint.rules.base import Rule
from asynclint.rules.blocking import BLOCKING_RULES
from asynclint.rules.coroutines import (
    AwaitOnAsyncGenerator,
    DanglingTask,
    UnawaitedCoroutine,
)
from asynclint.rules.sqlalchemy import SQLALCHEMY_RULES
from asynclint.rules.syntax import SyntaxErrorRule
from asynclint.rules.transitive import TransitiveBlockingCall

ALL_RULES: tuple[type[Rule], ...] = (
    SyntaxErrorRule,
    *BLOCKING_RULES,
    TransitiveBlockingCall,
    *SQLALCHEMY_RULES,
    UnawaitedCoroutine,
    DanglingTask,
    AwaitOnAsyncGenerator,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
# Rules not enabled unless selected explicitly (none yet; kept so `--select ALL` means something).
DEFAULT_SELECT: tuple[str, ...] = ("AL",)


class UnknownCode(ValueError):
    pass


def matching(selector: str) -> set[str]:
    """Codes a selector names: a full code, a prefix such as `AL1`, or `ALL`."""
    selector = selector.strip().upper()
    if selector == "ALL":
        return set(RULES_BY_CODE)
    found = {code for code in RULES_BY_CODE if code.startswith(selector)}
    if not found:
        raise UnknownCode(selector)
    return found


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
        chosen -= matching(selector)
    return frozenset(chosen)
