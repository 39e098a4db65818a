"""Arguments as written, for the few calls whose meaning depends on them.

`queue.Queue()` has no bound, so its `put` never waits; `q.put(item, block=False)` and
`lock.acquire(blocking=False)` do not wait either. Each parser turns a call's arguments into
`Arguments` (constants, or UNKNOWN for any other expression); the decisions below are shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asynclint.analysis.kinds import canonical

UNKNOWN = object()  # an argument that is not a constant
ABSENT = object()  # an argument not passed (its default applies)

# Queue classes (canonical names) whose constructor takes `maxsize` first: a maxsize ≤ 0, the
# default, means no bound. multiprocessing's is capped at SEM_VALUE_MAX items instead.
SIZED_QUEUES = frozenset({"queue.Queue", "multiprocessing.Queue"})
# Methods that wait only when this argument is true (its default): its keyword and position.
WAIT_FLAGS: dict[str, tuple[str, int]] = {
    "put": ("block", 1),
    "get": ("block", 0),
    "acquire": ("blocking", 0),
}
# Methods that return at once when this argument is the constant 0: `thread.join(timeout=0)`,
# `event.wait(0)`, `future.result(timeout=0)` (it raises TimeoutError if the result is not ready).
ZERO_TIMEOUTS: dict[str, tuple[str, int]] = {
    "join": ("timeout", 0),
    "wait": ("timeout", 0),
    "result": ("timeout", 0),
    "exception": ("timeout", 0),
}
WAIT_METHODS = frozenset(WAIT_FLAGS) | frozenset(ZERO_TIMEOUTS)


@dataclass(frozen=True)
class Arguments:
    positional: tuple[object, ...] = ()  # up to the first `*args`
    keywords: dict[str, object] = field(default_factory=dict)
    starred: bool = False  # `*args` or `**kwargs`: any argument not seen may be in there

    def get(self, keyword: str, position: int) -> object:
        """The argument passed as `keyword` or at `position`: a constant, UNKNOWN or ABSENT."""
        if keyword in self.keywords:
            return self.keywords[keyword]
        if position < len(self.positional):
            return self.positional[position]
        return UNKNOWN if self.starred else ABSENT


def sized_queue(callee: str) -> bool:
    return canonical(callee) in SIZED_QUEUES


def unbounded_queue(arguments: Arguments) -> bool:
    """The arguments of a `sized_queue` constructor: `Queue()`, `Queue(0)`, `Queue(maxsize=0)`
    make a queue without a bound. A maxsize that is not a constant (`Queue(n)`) may be one."""
    size = arguments.get("maxsize", 0)
    return size is ABSENT or (type(size) is int and size <= 0)


def may_not_wait(method: str, arguments: Arguments) -> bool:
    """`put(item, block=False)`, `get(False)`, `acquire(blocking=flag)`: the call's wait flag
    is not known to be true, so it may return at once (only a flag left out, or a true
    constant, waits). `join(timeout=0)`: a zero timeout does not wait."""
    timeout = ZERO_TIMEOUTS.get(method)
    if timeout is not None:
        value = arguments.get(*timeout)
        return type(value) in (int, float) and value == 0
    flag = WAIT_FLAGS.get(method)
    if flag is None:
        return False
    value = arguments.get(*flag)
    return value is not ABSENT and (value is UNKNOWN or not value)
