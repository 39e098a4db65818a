"""Pass 1: how a module's routes hang together — routers, apps, and what includes what.

FastAPI serves `@router.get("/")` of `APIRouter(prefix="/roles")`, included with
`app.include_router(router, prefix="/api")`, at `/api/roles/`. This module records the pieces
as written, per module: the *nodes* a route can be registered on (an `APIRouter`, a `FastAPI`
or `Starlette` app, a Starlette `Router`, a `Mount`/`Host`, a list of routes), each with its own
prefix, and the *includes* between nodes (`include_router`, `mount`, `host`, `Mount(...)`,
`routes=[...]`). Nodes are named like the project's other names: `app.api.items.router` for a
module-level router, `app.main.create_app.app` for a function's local app, `app.main:12:8` for
an anonymous `Mount(...)`. The project index (`index/route_paths.py`) joins them across modules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from asynclint.analysis.endpoints import route_label_of_call, route_registration
from asynclint.index.ast_refs import dotted

APP, ROUTER = "app", "router"
# Constructors of nodes, by the last part of their qualified name in fastapi or starlette.
_APPS = frozenset({"FastAPI", "Starlette"})
_ROUTERS = frozenset({"APIRouter", "Router"})
_MOUNTS = frozenset({"Mount", "Host"})
# The text a module must contain to include or mount anything (checked before walking it).
MARKERS = ("include_router", "mount", "Mount", "Host", ".host(", "routes")
# ... and to include, mount or register a route by a call (else only decorators and
# constructors are looked at, not every call of every function).
_CALL_MARKERS = ("include_router", ".mount(", ".host(", "add_api_route", "add_route",
                 "add_api_websocket_route", "add_websocket_route")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Node:
    kind: str  # APP (served at the root unless mounted) or ROUTER (served where included)
    prefix: str | None  # its own prefix (`APIRouter(prefix=...)`, a Mount's path); None: computed


@dataclass(frozen=True)
class Include:
    parent: str  # node names, as written (resolved through re-exports by the project index)
    child: str
    prefix: str | None  # `include_router(..., prefix=...)`; None: computed at run time


@dataclass
class Routing:
    nodes: dict[str, Node] = field(default_factory=dict)  # node name -> what it is
    includes: list[Include] = field(default_factory=list)
    # route qualname -> the nodes its label's registration is on (several: registered twice)
    route_nodes: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


class _Collector:
    def __init__(self, module: str, resolve_module_name, labels: dict[str, str]) -> None:
        self.module = module
        self.resolve_module_name = resolve_module_name  # dotted parts -> qualified, or None
        self.labels = labels
        self.routing = Routing()
        self.calls = True  # whether calls can include, mount or register anything
        self.constants: dict[str, str] = {}  # module-level names bound once to a literal string
        self.registrations: dict[str, list[str]] = {}
        # per function scope: local name -> node name
        self.locals: list[dict[str, str]] = [{}]
        self.scope_names: list[str] = []

    def string(self, node: ast.expr | None) -> str | None:
        """A literal string, or a module-level name assigned one literal string once
        (`API_PREFIX = "/api"`) and not shadowed where it is used."""
        literal = _string(node)
        if literal is not None or not isinstance(node, ast.Name):
            return literal
        if any(node.id in scope for scope in self.locals[1:]):
            return None
        return self.constants.get(node.id)

    # -- names ------------------------------------------------------------------------------------
    def framework_name(self, func: ast.expr) -> str | None:
        """`APIRouter` for `fastapi.APIRouter` (or `routing.APIRouter`, resolved through imports)."""
        parts = dotted(func)
        qualified = self.resolve_module_name(parts) if parts else None
        if qualified and qualified.split(".")[0] in ("fastapi", "starlette"):
            return qualified.rpartition(".")[2]
        return None

    def name_of(self, expr: ast.expr) -> str | None:
        """The node name an expression refers to (`router`, `items.router`), or None."""
        parts = dotted(expr)
        if parts is None:
            return None
        for scope in reversed(self.locals[1:]):
            if parts[0] in scope:
                # a local node, or "" for a local name that is not one (a parameter, a variable)
                local = scope[parts[0]]
                return ".".join([local, *parts[1:]]) if local else None
        return self.resolve_module_name(parts)

    def anonymous(self, node: ast.AST) -> str:
        return f"{self.module}:{node.lineno}:{node.col_offset}"

    def bind(self, name: str, node_name: str) -> None:
        if len(self.locals) == 1:
            return  # module level: the node is `module.name`, what name_of resolves it to
        self.locals[-1][name] = node_name

    def local_node_name(self, name: str) -> str:
        return ".".join([self.module, *self.scope_names, name])

    # -- nodes ------------------------------------------------------------------------------------
    def node_call(self, call: ast.Call, name: str) -> tuple[str, str] | None:
        """A constructor call: (its node name, kind) with its routes registered; None for others."""
        kind_name = self.framework_name(call.func)
        if kind_name in _APPS or kind_name in _ROUTERS:
            prefix = _keyword(call, "prefix")
            own = "" if prefix is None else self.string(prefix)
            self.routing.nodes[name] = Node(APP if kind_name in _APPS else ROUTER, own)
            self.routes_list(_keyword(call, "routes"), name)
            return name, kind_name
        return None

    def mount_call(self, call: ast.Call, parent: str) -> None:
        """`Mount("/api", app=sub)`, `Mount("/api", routes=[...])`, `Host("api.x", app=sub)`."""
        kind_name = self.framework_name(call.func)
        first = self.string(call.args[0] if call.args else _keyword(call, "path" if kind_name == "Mount" else "host"))
        name = self.anonymous(call)
        prefix = first.rstrip("/") if first is not None and kind_name == "Mount" else first
        self.routing.nodes[name] = Node(ROUTER, prefix)
        self.routing.includes.append(Include(parent, name, ""))
        app = call.args[1] if len(call.args) > 1 else _keyword(call, "app")
        child = self.name_of(app) if app is not None else None
        if child is not None:
            self.routing.includes.append(Include(name, child, ""))
        self.routes_list(_keyword(call, "routes"), name)

    def routes_list(self, value: ast.expr | None, parent: str) -> None:
        """The routes of a `routes=[...]` list (or a name bound to one) belong to `parent`."""
        if value is None:
            return
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                if isinstance(element, ast.Call):
                    self.route_element(element, parent)
        else:
            child = self.name_of(value)
            if child is not None:
                self.routing.includes.append(Include(parent, child, ""))

    def route_element(self, call: ast.Call, parent: str) -> None:
        kind_name = self.framework_name(call.func)
        callee = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
        if kind_name in _MOUNTS:
            self.mount_call(call, parent)
        elif callee in _ROUTE_CLASSES:
            self.register(call, callee, parent)

    def register(self, call: ast.Call, verb: str, node: str) -> None:
        handler = call.args[1] if len(call.args) > 1 else _keyword(call, "endpoint")
        label = route_label_of_call(call, verb)
        if isinstance(handler, ast.Name) and label is not None and self.labels.get(handler.id) == label:
            self.registrations.setdefault(handler.id, []).append(node)

    # -- walking ------------------------------------------------------------------------------------
    def statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, _FUNCTIONS):
            self.decorated(stmt)
            self.function(stmt)
            return
        if isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                if isinstance(inner, _FUNCTIONS):
                    self.decorated(inner, prefix=stmt.name + ".")
                    self.function(inner)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                self.assignment(targets[0].id, stmt.value)
                return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.loop(stmt)
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.statement(child)
            elif isinstance(child, ast.expr):
                self.expression(child)

    def loop(self, stmt: ast.For | ast.AsyncFor) -> None:
        """`for r in (users.router, items.router): app.include_router(r, prefix=...)`: the body
        once per element of a literal sequence; over anything else, the target is unknown."""
        self.expression(stmt.iter)
        elements = stmt.iter.elts if isinstance(stmt.iter, (ast.List, ast.Tuple)) else None
        if not isinstance(stmt.target, ast.Name) or elements is None:
            names = [n.id for n in ast.walk(stmt.target) if isinstance(n, ast.Name)]
            self.locals.append(dict.fromkeys(names, ""))
            self.statements(stmt.body)
            self.locals.pop()
        else:
            for element in elements:
                self.locals.append({stmt.target.id: self.name_of(element) or ""})
                self.statements(stmt.body)
                self.locals.pop()
        self.statements(stmt.orelse)

    def assignment(self, name: str, value: ast.expr) -> None:
        node_name = self.local_node_name(name) if len(self.locals) > 1 else f"{self.module}.{name}"
        if isinstance(value, ast.Call) and self.node_call(value, node_name) is not None:
            self.bind(name, node_name)
            self.expression_args(value)
            return
        if isinstance(value, (ast.List, ast.Tuple)) and any(isinstance(e, ast.Call) for e in value.elts):
            self.routing.nodes.setdefault(node_name, Node(ROUTER, ""))
            self.bind(name, node_name)
            self.routes_list(value, node_name)
            return
        if len(self.locals) > 1:
            self.locals[-1][name] = ""  # a local that is no node shadows a module-level one
        self.expression(value)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope_names.append(node.name)
        scope: dict[str, str] = {}
        self.locals.append(scope)
        for param in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            # `def register(app: FastAPI)`: an app, served at the root
            annotation = param.annotation
            if annotation is not None and self.framework_name(annotation) in _APPS:
                name = self.local_node_name(param.arg)
                self.routing.nodes[name] = Node(APP, "")
                scope[param.arg] = name
            else:
                scope[param.arg] = ""  # shadows a module-level name; unknown
        for stmt in node.body:
            self.statement(stmt)
        self.locals.pop()
        self.scope_names.pop()

    def decorated(self, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str = "") -> None:
        qualname = prefix + node.name
        label = self.labels.get(qualname)
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            if label is not None and route_label_of_call(decorator, decorator.func.attr) == label:
                receiver = self.name_of(decorator.func.value)
                if receiver:
                    self.registrations.setdefault(qualname, []).append(receiver)

    def expression(self, expr: ast.expr) -> None:
        if not self.calls:
            return
        for node in ast.walk(expr):
            if isinstance(node, ast.Call):
                self.call(node)

    def expression_args(self, call: ast.Call) -> None:
        for arg in (*call.args, *(k.value for k in call.keywords if k.arg != "routes")):
            self.expression(arg)

    def call(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return
        verb = func.attr
        receiver = self.name_of(func.value)
        if not receiver:
            return
        if verb == "include_router" and call.args:
            child = self.name_of(call.args[0])
            if child:
                prefix = _keyword(call, "prefix")
                own = "" if prefix is None else self.string(prefix)
                self.routing.includes.append(Include(receiver, child, own))
        elif verb in ("mount", "host") and call.args:
            path = self.string(call.args[0])
            app = call.args[1] if len(call.args) > 1 else _keyword(call, "app")
            child = self.name_of(app) if app is not None else None
            if child:
                prefix = path.rstrip("/") if path is not None and verb == "mount" else path
                self.routing.includes.append(Include(receiver, child, prefix))
        elif route_registration(verb):
            self.register(call, verb, receiver)


_ROUTE_CLASSES = frozenset({"Route", "APIRoute", "WebSocketRoute", "APIWebSocketRoute"})


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names assigned exactly once in the module, to a literal string (a name
    assigned anywhere else, `global` included, is left out)."""
    values: dict[str, str] = {}
    assigned: dict[str, int] = {}
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.NamedExpr)) else []
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    assigned[name.id] = assigned.get(name.id, 0) + 1
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            literal = _string(stmt.value)
            if literal is not None and assigned.get(stmt.targets[0].id) == 1:
                values[stmt.targets[0].id] = literal
    return values


def collect(
    tree: ast.Module, module: str, resolve, labels: dict[str, str], routes: set[str], lines: list[str]
) -> Routing:
    """The routing facts of a module; `resolve` maps dotted parts to a qualified name through
    the module's bindings, `labels` are its endpoint labels (`GET /items` by qualname)."""
    collector = _Collector(module, resolve, labels)
    collector.calls = any(marker in line for line in lines for marker in _CALL_MARKERS)
    collector.constants = _constants(tree)
    collector.statements(tree.body)
    routing = collector.routing
    routing.route_nodes = {
        name: tuple(dict.fromkeys(nodes))
        for name, nodes in collector.registrations.items() if name in routes
    }
    return routing
