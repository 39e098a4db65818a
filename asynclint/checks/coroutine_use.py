"""AL202/AL203/AL301/AL302 inside the traversal: how each call's result is used.

A parent node records the role of its child expression (awaited, dropped, assigned, returned,
passed on, used as a receiver) before the child is visited; the call then knows its role.
"""

from __future__ import annotations

import libcst as cst

from asynclint.analysis import coroutines, orm
from asynclint.analysis.calls import CallInfo, classify
from asynclint.analysis.kinds import canonical, method_result
from asynclint.analysis.values import evaluate, split_method
from asynclint.checks.frames import MAX_ARGS_TEXT, Frame, source
from asynclint.fixes import missing_await
from asynclint.fixes.display_only import advice, collect_items
from asynclint.fixes.locate import PendingFix
from asynclint.rules.coroutines import UnawaitedCoroutine
from asynclint.rules.sessions import AwaitOnSyncMethod, UnawaitedOrmIo


class CoroutineUse:
    """Mixin of UnitChecker: relies on its frames, refs, project, roles and report helpers."""

    # -- how values are used --------------------------------------------------------------------
    def visit_Await(self, node: cst.Await) -> None:
        self._mark_await()
        self._roles[id(node.expression)] = "await"
        if self.on_loop:
            self._check_await_target(node.expression, node)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._roles[id(node.value)] = "discard"

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._roles[id(node.value)] = "return"
            self._consume_name(node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        self._roles[id(node.value)] = "arg"
        self._consume_name(node.value)

    def visit_Name(self, node: cst.Name) -> None:
        frame = self.frame
        if frame is None or id(node) in self._stores:
            return
        if frame.pending and node.value in frame.pending:
            del frame.pending[node.value]
        if len(self.frames) > 1:
            self._note_closure_read(node.value)

    def _note_closure_read(self, name: str) -> None:
        """A name read in a nested scope that does not bind it is a variable of an enclosing
        function (Python's closures): a coroutine pending there is used when the nested code
        runs. A class body's names are not visible to the functions inside it."""
        innermost = len(self.frames) - 1
        for index in range(innermost, 0, -1):
            scope = self.frames[index].scope
            if scope is not None and name in scope.names and (index == innermost or not scope.is_class):
                return
            self.frames[index - 1].closure_reads.add(name)

    def _consume_name(self, node: cst.BaseExpression) -> None:
        frame = self.frame
        if frame is not None and isinstance(node, cst.Name):
            frame.pending.pop(node.value, None)

    # -- coroutine rules ------------------------------------------------------------------------
    def _coroutine_of(self, info: CallInfo) -> str | None:
        """'orm' for an AsyncSession/AsyncResult coroutine method, 'coroutine' for a coroutine
        function, 'task' for create_task/ensure_future, else None."""
        qualified = canonical(info.qualified) if info.qualified else None
        if qualified in coroutines.TASK_FUNCTIONS or (
            info.receiver is not None and f"{info.receiver.name}.{info.method}" in coroutines.TASK_METHODS
        ):
            return "task"
        if info.receiver is not None and info.method is not None:
            made = method_result(info.receiver, info.method)
            if made is not None and made.name == orm.COROUTINE:
                return "orm"
        if qualified in coroutines.COROUTINE_FUNCTIONS:
            return "coroutine"
        if info.project is not None and self.project.is_coroutine_function(info.project):
            return "coroutine"
        return None

    def _check_coroutine_use(self, node: cst.Call, info: CallInfo) -> None:
        what = self._coroutine_of(info)
        if what is None:
            return
        role = self._roles.get(id(node))
        text = source(node.func)
        frame = self.frames[-1]
        if what == "task":
            if role == "discard":
                self._report(node, "AL302", {"call": f"{text}(...)"},
                             "keep a reference (e.g. in a set, discarding it in a done-callback) "
                             "or use `asyncio.TaskGroup`",
                             advice("Keep a reference to the task, or use `asyncio.TaskGroup`"))
            return
        if role == "discard":
            self._report_unawaited(frame, node, info, text, "")
        elif role == "receiver":
            self._report_unawaited(frame, node, info, text, "; `await` applies after the "
                                   "attribute access, so the attribute is read from the coroutine")
        elif role == "assign":
            frame.pending[self._assigned_to[id(node)]] = (node, info, text)
        elif role == "return" and what == "orm" and frame.is_async and not frame.is_lambda:
            self._report_unawaited(frame, node, info, text, "; it is returned un-awaited")

    def _report_unawaited(self, frame: Frame, node: cst.Call, info: CallInfo, text: str, detail: str) -> None:
        code = "AL202" if self._coroutine_of(info) == "orm" else "AL301"
        call = source(node)
        short = call if len(call) <= MAX_ARGS_TEXT else f"{text}(...)"
        role = self._roles.get(id(node))
        attribute = self._receiver_attrs.get(id(node))
        fix = f"(await {short}).{attribute}" if role == "receiver" else f"await {short}"
        frame.reports.append(self._make_report(node, code, {"call": f"{text}()", "detail": detail},
                                               f"add `await`: `{fix}`" + (
                                                   "" if code == "AL202" else
                                                   ", or run it in the background as a task you keep a reference to (`asyncio.TaskGroup`)"),
                                               self._await_fix(frame, node, info, code)))

    def _await_fix(self, frame: Frame, node: cst.Call, info: CallInfo, code: str) -> PendingFix | None:
        """AL202/AL301's fix, only where `await` is legal: the body of the `async def` itself
        (not a nested `def`, lambda, class body or comprehension). A receiver gets parentheses;
        under `await call.method()` the `await` moves onto the call when the method is plain
        (`(await s.scalars(q)).all()`) and stays when it is a coroutine too; other chains under
        an `await` get no fix."""
        role = self._roles.get(id(node))
        if not frame.is_async or frame.is_lambda or frame.function is None:
            return None
        if role not in ("discard", "assign", "return", "receiver"):
            return None
        if role == "receiver" and self._receiver_attrs.get(id(node)) in missing_await.COROUTINE_ATTRIBUTES:
            return None
        path = missing_await.enclosing(frame.function, node)
        if path is None:
            return None
        moved = None
        if role == "receiver":
            covered = missing_await.receiver_await(node, path)
            if covered is False:
                return None
            if covered is not None:
                awaited, method = covered
                plain = self._awaited_method_is_plain(info, method)
                if plain is None:
                    return None
                moved = awaited if plain else None
        rule = UnawaitedOrmIo if code == "AL202" else UnawaitedCoroutine
        return rule.fix(node, role == "receiver", moved)

    def _awaited_method_is_plain(self, info: CallInfo, method: str) -> bool | None:
        """Whether `method` of the value the awaited call gives is a plain method (True), a
        coroutine method (False), or unknown (None)."""
        if info.receiver is None or info.method is None:
            return None
        made = method_result(info.receiver, info.method)
        if made is None or made.product is None:
            return None
        product = orm.PROXIES.get(made.product, made.product)
        if method in orm.NOT_AWAITABLE.get(product, frozenset()):
            return True
        if f"{product}.{method}" in orm.COROUTINES:
            return False
        return None

    def _check_await_target(self, expression: cst.BaseExpression, awaited: cst.Await) -> None:
        if not isinstance(expression, cst.Call):
            return
        func_ref = self.refs.ref(expression.func)
        if func_ref is not None:
            info = classify(func_ref, self.project, self.extra_calls)
            if info.project is not None and self.project.is_async_generator_function(info.project):
                self._report_awaited_generator(expression, awaited)
                return
        receiver_ref, method = split_method(func_ref) if func_ref is not None else (None, None)
        if receiver_ref is None or method is None:
            return
        receiver = evaluate(receiver_ref, self.project)
        if receiver is None:
            return
        plain = orm.NOT_AWAITABLE.get(orm.PROXIES.get(receiver.name, receiver.name), frozenset())
        if method in plain:
            text = source(expression.func)
            self._report(expression, "AL203", {"call": f"{text}()"},
                         f"drop the `await`: `{source(expression)}` is a plain method call",
                         AwaitOnSyncMethod.fix(awaited))

    def _report_awaited_generator(self, call: cst.Call, awaited: cst.Await) -> None:
        """AL303: `await gen()` where `gen` is an async generator function (TypeError)."""
        frame = self.frames[-1]
        fix = collect_items(frame.function, awaited, call, self._roles.get(id(awaited)))
        text = source(call.func)
        written = source(call)
        shown = written if len(written) <= MAX_ARGS_TEXT else f"{text}(...)"
        self._report(call, "AL303", {"call": f"{text}()"},
                     f"iterate it: `async for item in {shown}: ...`, or collect the items: "
                     f"`[item async for item in {shown}]`", fix)
