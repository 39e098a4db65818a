"""FastAPI/Starlette awareness: which functions are routes, dependencies, lifespans, middleware.

Findings carry the endpoint (`GET /items`) so a reader knows which requests stall, and a route
with no `await` at all can be told to become a plain `def` (FastAPI runs those in its threadpool).
"""

from __future__ import annotations

import ast

from asynclint.index.ast_refs import dotted

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "route", "websocket"}
)
# Decorators that register a handler which is not a request route.
HANDLER_DECORATORS = {
    "middleware": "middleware",
    "on_event": "{arg} handler",
    "exception_handler": "exception handler",
}
_ROUTE_REGISTRATIONS = frozenset({"add_api_route", "add_route", "add_api_websocket_route", "add_websocket_route"})
_ROUTE_CLASSES = frozenset({"Route", "APIRoute", "WebSocketRoute", "APIWebSocketRoute"})
_DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})


def is_route_label(label: str) -> bool:
    return label.split(" ", 1)[0].isupper()


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _methods(call: ast.Call, default: str) -> str:
    value = _keyword(call, "methods")
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        names = [_string(element) for element in value.elts]
        if names and all(names):
            return ",".join(name.upper() for name in names if name)
    return default


def _route_label(call: ast.Call, verb: str, path_index: int = 0) -> str | None:
    path = _string(call.args[path_index]) if len(call.args) > path_index else None
    path = path if path is not None else _string(_keyword(call, "path"))
    if path is None:
        return None
    if verb in ("api_route", "route", "add_api_route", "add_route", "Route", "APIRoute"):
        method = _methods(call, "GET")
    elif "websocket" in verb.lower():
        method = "WEBSOCKET"
    else:
        method = verb.upper()
    return f"{method} {path}"


def route_label_of_call(call: ast.Call, verb: str) -> str | None:
    """`GET /items` for a route decorator or registration call (`router.get("/items")`,
    `add_api_route("/items", ...)`, `Route("/items", ...)`); None without a literal path."""
    return _route_label(call, verb)


def route_registration(name: str) -> bool:
    """`add_api_route` and its kin: a route added by a call on a router or app."""
    return name in _ROUTE_REGISTRATIONS


def decorator_label(node: ast.FunctionDef | ast.AsyncFunctionDef, uses_framework: bool) -> str | None:
    """`GET /items` for `@router.get("/items")`, `startup handler` for `@app.on_event(...)`."""
    if not uses_framework:
        return None
    for decorator in node.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        verb = decorator.func.attr
        if verb in ROUTE_METHODS:
            label = _route_label(decorator, verb)
            if label is not None:
                return label
        template = HANDLER_DECORATORS.get(verb)
        if template is not None:
            arg = _string(decorator.args[0]) if decorator.args else None
            return template.format(arg=arg or "event")
    return None


def response_annotation(node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr | None:
    """What FastAPI validates a route's return value against: the route decorator's
    `response_model=`, else the return annotation; None for `response_model=None` (no
    validation) and for a function no route decorator registers."""
    for decorator in node.decorator_list:
        if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr in ROUTE_METHODS
                and _route_label(decorator, decorator.func.attr) is not None):
            value = _keyword(decorator, "response_model")
            if value is None:
                return node.returns
            return None if isinstance(value, ast.Constant) and value.value is None else value
    return None


def validates_response(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """FastAPI validates the route's return value (`response_model=`, else a return
    annotation): fastapi/routing.py `serialize_response`, in the threadpool for a `def` route.
    Not for `response_model=None`, `-> None` or an annotation naming a `...Response` class."""
    annotation = response_annotation(node)
    if annotation is None or isinstance(annotation, ast.Constant):
        return False
    base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
    return not name.endswith("Response")


def is_middleware_class(node: ast.ClassDef) -> bool:
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
        if name == "BaseHTTPMiddleware":
            return True
    return False


def collect_call_registrations(
    tree: ast.Module,
    labels: dict[str, str],
    routes: set[str],
) -> list[str]:
    """Routes added by call (`add_api_route`, `Route(...)`), `Depends(fn)` and `lifespan=fn`.

    Returns the dotted names passed to `Depends`/`Security` (they may live in other modules)."""
    dependencies: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name is None:
            continue
        if name in _ROUTE_REGISTRATIONS or name in _ROUTE_CLASSES:
            handler = node.args[1] if len(node.args) > 1 else _keyword(node, "endpoint")
            label = _route_label(node, name)
            if isinstance(handler, ast.Name) and label is not None:
                labels.setdefault(handler.id, label)
                routes.add(handler.id)
        elif name in _DEPENDENCY_MARKERS:
            dependency = node.args[0] if node.args else _keyword(node, "dependency")
            if isinstance(dependency, ast.Name):
                labels.setdefault(dependency.id, f"Depends({dependency.id})")
            parts = dotted(dependency) if dependency is not None else None
            if parts is not None:
                dependencies.append(".".join(parts))
        lifespan = _keyword(node, "lifespan")
        if isinstance(lifespan, ast.Name):
            labels.setdefault(lifespan.id, "lifespan handler")
    return dependencies

