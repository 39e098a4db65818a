"""Which attributes of its parameters a function reads on every call (for AL204/AL205).

`def order_response(order): return OrderResponse(id=order.id, ...)` reads `order.id` whenever
it runs: passed an expired ORM instance, it reloads it (MissingGreenlet). Only reads that happen
on every path count — not inside an `if` branch, a loop body, an `except`, the right side of
`and`/`or`, a conditional expression or a comprehension's body, nor after a `return` nested in
an earlier statement. A parameter used in any other way than `param.attr` (passed on, rebound,
a method called on it, `awaitable_attrs`, closed over) may be refreshed or replaced before the
read: it is left out. `param is None` is not such a use.
"""

from __future__ import annotations

import ast

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (*_FUNCTIONS, ast.ClassDef, ast.Lambda)
_LEAVES = (ast.expr_context, ast.Constant, ast.operator, ast.cmpop, ast.boolop, ast.unaryop)


def parameter_reads(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, tuple[str, ...]]:
    """Parameter name -> the attributes read from it on every call, in order of reading."""
    arguments = node.args
    names = {arg.arg for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    if not names:
        return {}
    reads = _Reads(names)
    reads.statements(node.body)
    return {
        name: tuple(dict.fromkeys(found))
        for name, found in reads.found.items()
        if found and name not in reads.opaque
    }


class _Reads:
    def __init__(self, params: set[str]) -> None:
        self.params = params
        self.found: dict[str, list[str]] = {}
        self.opaque: set[str] = set()
        self.conditional = 0  # > 0: what runs here may not run on every call
        self.returned = False  # a `return` nested in an earlier statement: the rest may not run

    def statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def branch(self, body: list[ast.stmt]) -> None:
        self.conditional += 1
        self.statements(body)
        self.conditional -= 1

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.If, ast.While)):
            self.expr(stmt.test)
            self.branch(stmt.body)
            self.branch(stmt.orelse)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.expr(stmt.iter)
            self.expr(stmt.target)
            self.branch(stmt.body)
            self.branch(stmt.orelse)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.expr(item.optional_vars)
            self.statements(stmt.body)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.statements(stmt.body)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                self.branch(handler.body)
            self.branch(stmt.orelse)  # type: ignore[attr-defined]
            self.statements(stmt.finalbody)  # type: ignore[attr-defined]
        elif type(stmt).__name__ == "Match":
            self.expr(stmt.subject)  # type: ignore[attr-defined]
            for case in stmt.cases:  # type: ignore[attr-defined]
                self._conditionally([case.pattern, *([case.guard] if case.guard else [])])
                self.branch(case.body)
        elif isinstance(stmt, _SCOPES):
            self._conditionally([stmt])  # a closure over a parameter: used whenever it runs
        else:
            self.walk(stmt)
            if isinstance(stmt, ast.Return) and self.conditional:
                self.returned = True  # the statements after the enclosing one may not run

    def expr(self, node: ast.expr) -> None:
        self.walk(node)

    def walk(self, node: ast.AST) -> None:
        if isinstance(node, _LEAVES):
            return
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.params:
            name = node.value.id
            if not isinstance(node.ctx, ast.Load) or node.attr == "awaitable_attrs":
                self.opaque.add(name)
            elif not self.conditional and not self.returned:
                self.found.setdefault(name, []).append(node.attr)
            return
        if isinstance(node, ast.Name):
            if node.id in self.params:
                self.opaque.add(node.id)
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in self.params:
                self.opaque.add(receiver.id)  # `param.reload()`: a method may load or refresh
        if isinstance(node, ast.Compare) and _is_none_test(node):
            return
        if isinstance(node, ast.BoolOp):
            self.walk(node.values[0])
            self._conditionally(node.values[1:])
            return
        if isinstance(node, ast.IfExp):
            self.walk(node.test)
            self._conditionally([node.body, node.orelse])
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            first, *rest = node.generators
            if not isinstance(node, ast.GeneratorExp):  # a generator's source runs only when iterated
                self.walk(first.iter)
            parts: list[ast.AST] = [first.target, *first.ifs, *rest]
            parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            if isinstance(node, ast.GeneratorExp):
                parts.append(first.iter)
            self._conditionally(parts)
            return
        for child in ast.iter_child_nodes(node):
            self.walk(child)

    def _conditionally(self, nodes: list[ast.AST]) -> None:
        self.conditional += 1
        for node in nodes:
            self.walk(node)
        self.conditional -= 1


def _is_none_test(node: ast.Compare) -> bool:
    """`param is None` / `param is not None`: reads nothing, refreshes nothing."""
    return (
        len(node.ops) == 1
        and isinstance(node.ops[0], (ast.Is, ast.IsNot))
        and isinstance(node.left, ast.Name)
        and isinstance(node.comparators[0], ast.Constant)
        and node.comparators[0].value is None
    )
