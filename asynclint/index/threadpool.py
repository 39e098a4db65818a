"""Pass 1: what a module says about the threadpool's budget — engines, session factories, limits.

FastAPI runs sync routes and sync dependencies in anyio's threadpool (40 threads unless the
code sets `anyio.to_thread.current_default_thread_limiter().total_tokens`); a sync SQLAlchemy
engine lends at most `pool_size + max_overflow` connections (5 + 10 by default), and a thread
that waits for one keeps its thread. This module records, as written: module-level engines
(`create_engine(...)`, with their pool settings), session factories (`sessionmaker(bind=...)`),
the sessions a function builds on an engine (`Session(engine)`), and every value assigned to
the default limiter's `total_tokens`. The endpoint map and AL401 join them
(`index/budget.py`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

# The text a module must contain for any of this to be there.
MARKERS = ("create_engine", "sessionmaker", "Session(", "total_tokens")
_ENGINES = frozenset({"sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlmodel.create_engine"})
_ASYNC_ENGINES = frozenset({"sqlalchemy.ext.asyncio.create_async_engine"})
_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
_SESSIONS = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session"})
_SCOPED = frozenset({"sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"})
_LIMITER = frozenset({"anyio.to_thread.current_default_thread_limiter"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Engine:
    """A module-level `create_engine(...)`: where it is, and its pool settings as written."""

    line: int
    column: int  # 1-based, in characters; the end is exclusive
    end_line: int
    end_column: int
    is_async: bool
    pool_size: int | None  # the literal, 5 when absent; None: not a literal
    max_overflow: int | None  # likewise, 10 when absent
    poolclass: str | None  # qualified name; "" when absent; None: not a name
    # a literal sqlite URL, or `connect_args`: without an explicit poolclass, sqlite's pool
    # depends on the URL and the SQLAlchemy version
    sqlite: bool
    opaque: bool  # `**kwargs`: settings not known


@dataclass
class BudgetFacts:
    engines: dict[str, Engine] = field(default_factory=dict)  # module-level name -> engine
    # module-level name of a session factory -> the engine it binds (qualified; "" unknown)
    factories: dict[str, str] = field(default_factory=dict)
    # function qualname -> engines it builds sessions on (`Session(engine)`), qualified
    sessions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # values assigned to the default thread limiter's `total_tokens` (None: not a literal),
    # with their lines
    limits: list[tuple[int | None, int]] = field(default_factory=list)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _int(node: ast.expr | None, default: int) -> int | None:
    if node is None:
        return default
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int(node.operand, 0)
        return -inner if inner is not None else None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _column(lines: list[str], line: int, offset: int) -> int:
    """A 1-based character column from ast's UTF-8 byte offset."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace")) + 1


class _Collector:
    def __init__(self, qualify: Callable[[ast.expr], str | None], lines: list[str]) -> None:
        self.qualify = qualify
        self.lines = lines
        self.facts = BudgetFacts()
        self.limiter_names: set[str] = set()  # names assigned current_default_thread_limiter()

    def callee(self, call: ast.Call) -> str | None:
        return self.qualify(call.func)

    def engine(self, call: ast.Call) -> Engine | None:
        callee = self.callee(call)
        if callee not in _ENGINES and callee not in _ASYNC_ENGINES:
            return None
        url = call.args[0] if call.args else _keyword(call, "url")
        literal = url.value if isinstance(url, ast.Constant) and isinstance(url.value, str) else None
        poolclass = _keyword(call, "poolclass")
        return Engine(
            line=call.lineno,
            column=_column(self.lines, call.lineno, call.col_offset),
            end_line=call.end_lineno or call.lineno,
            end_column=_column(self.lines, call.end_lineno or call.lineno, call.end_col_offset or 0),
            is_async=callee in _ASYNC_ENGINES,
            pool_size=_int(_keyword(call, "pool_size"), 5),
            max_overflow=_int(_keyword(call, "max_overflow"), 10),
            poolclass="" if poolclass is None else self.qualify(poolclass),
            sqlite=(literal is not None and literal.startswith("sqlite"))
            or _keyword(call, "connect_args") is not None,
            opaque=any(k.arg is None for k in call.keywords) or len(call.args) > 1,
        )

    def bound_engine(self, call: ast.Call) -> str | None:
        """The engine a `sessionmaker(...)`/`Session(...)` binds: `bind=engine` or the first
        positional argument; "" when it is not a name."""
        bind = _keyword(call, "bind")
        if bind is None and call.args:
            bind = call.args[0]
        if bind is None:
            return None
        return self.qualify(bind) or ""

    def module(self, tree: ast.Module, sessions: bool) -> None:
        for stmt in tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if len(targets) == 1 and isinstance(targets[0], ast.Name):
                    self.module_value(targets[0].id, stmt.value)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                self.limit(node)
            elif not sessions:
                continue  # no `Session(` in the text: no function builds one
            elif isinstance(node, _FUNCTIONS):
                self.function(node, node.name)
            elif isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, _FUNCTIONS):
                        self.function(stmt, f"{node.name}.{stmt.name}")

    def module_value(self, name: str, call: ast.Call) -> None:
        engine = self.engine(call)
        if engine is not None:
            self.facts.engines[name] = engine
            return
        callee = self.callee(call)
        if callee in _SCOPED and call.args and isinstance(call.args[0], ast.Call):
            call, callee = call.args[0], self.callee(call.args[0])
        if callee in _FACTORIES:
            bound = self.bound_engine(call)
            self.facts.factories[name] = bound if bound is not None else ""

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str) -> None:
        engines = []
        arguments = node.args
        local = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
        local |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and self.callee(inner) in _SESSIONS:
                bind = _keyword(inner, "bind") or (inner.args[0] if inner.args else None)
                if isinstance(bind, ast.Name) and bind.id in local:
                    continue  # a parameter or a local variable: not the module's engine
                bound = self.bound_engine(inner)
                if bound:
                    engines.append(bound)
        if engines:
            self.facts.sessions[qualname] = tuple(dict.fromkeys(engines))

    def limit(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        """`current_default_thread_limiter().total_tokens = 100` (or through a variable
        assigned that call in the same module)."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if not (isinstance(target, ast.Attribute) and target.attr == "total_tokens"):
                continue
            owner = target.value
            if isinstance(owner, ast.Call) and self.callee(owner) in _LIMITER or self._limiter_name(owner):
                value = None if isinstance(node, ast.AugAssign) else _int(node.value, 0) if node.value else None
                self.facts.limits.append((value, node.lineno))

    def _limiter_name(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id in self.limiter_names


def collect(tree: ast.Module, qualify: Callable[[ast.expr], str | None], lines: list[str]) -> BudgetFacts:
    collector = _Collector(qualify, lines)
    # names assigned `current_default_thread_limiter()` anywhere in the module
    collector.limiter_names = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        and collector.callee(node.value) in _LIMITER
        for target in node.targets if isinstance(target, ast.Name)
    }
    collector.module(tree, sessions=any("Session(" in line for line in lines))
    return collector.facts
