"""Full route paths: prefixes of routers, includes, mounts and hosts, across modules.

Each test writes a small project and checks the endpoint a finding names (the checker) and the
paths the endpoint map lists (`--endpoints`); both come from the project index's
`route_paths`. What cannot be known statically starts with `…`, never with a guessed prefix.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from asynclint.cli import command

SLOW_ROUTE = """
    import time
    from fastapi import APIRouter

    router = APIRouter({router_args})

    @router.get("/items")
    async def items():
        time.sleep(1)
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(command, ["--no-cache", *args, str(root / "app")], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def endpoints(root: Path, *args: str) -> list[str]:
    """The endpoints of the findings (JSON output)."""
    return sorted(f["endpoint"] for f in json.loads(run(root, "--format", "json", *args)))


def mapped(root: Path) -> list[str]:
    """`METHOD path` of every route in the endpoint map."""
    data = json.loads(run(root, "--endpoints", "--format", "json"))
    return [f"{route['method']} {route['path']}" for route in data["routes"]]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, {"pyproject.toml": "[tool.asynclint]\n", "app/__init__.py": ""})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_router_prefix_and_an_include_prefix_in_another_module_make_the_path(root: Path) -> None:
    write(root, {
        "app/items.py": SLOW_ROUTE.format(router_args='prefix="/roles"'),
        "app/main.py": """
            from fastapi import FastAPI
            from app.items import router
            app = FastAPI()
            app.include_router(router, prefix="/api")
        """,
    })
    assert endpoints(root) == ["GET /api/roles/items"]
    assert mapped(root) == ["GET /api/roles/items"]


def test_two_routers_deep_across_three_modules_through_a_package_re_export(root: Path) -> None:
    write(root, {
        "app/api/__init__.py": "from app.api.router import api_router\n",
        "app/api/router.py": """
            from fastapi import APIRouter
            from app.api.v1 import roles
            api_router = APIRouter(prefix="/v1")
            api_router.include_router(roles.router, prefix="/admin", tags=["admin"])
        """,
        "app/api/v1/__init__.py": "",
        "app/api/v1/roles.py": SLOW_ROUTE.format(router_args='prefix="/roles"'),
        "app/main.py": """
            from fastapi import FastAPI
            from app.api import api_router
            app = FastAPI()
            app.include_router(api_router, prefix="/api")
        """,
    })
    assert endpoints(root) == ["GET /api/v1/admin/roles/items"]
    assert mapped(root) == ["GET /api/v1/admin/roles/items"]
    [row] = [line for line in run(root, "--endpoints").splitlines() if "roles.items" in line]
    assert row.split()[:3] == ["GET", "/api/v1/admin/roles/items", "app.api.v1.roles.items"]


def test_a_factory_function_a_loop_over_routers_and_an_app_parameter(root: Path) -> None:
    write(root, {
        "app/a.py": SLOW_ROUTE.format(router_args='prefix="/a"'),
        "app/b.py": SLOW_ROUTE.format(router_args=""),
        "app/c.py": SLOW_ROUTE.format(router_args='prefix="/c"'),
        "app/main.py": """
            from fastapi import APIRouter, FastAPI
            from app import a, b, c

            def create_app():
                app = FastAPI()
                api = APIRouter(prefix="/api")
                for module in (a, b):
                    api.include_router(module.router, prefix="/v2")
                app.include_router(api)
                return app

            def register(app: FastAPI):
                app.include_router(c.router)
        """,
    })
    assert endpoints(root) == ["GET /api/v2/a/items", "GET /api/v2/items", "GET /c/items"]


def test_mounted_apps_starlette_mounts_and_hosts(root: Path) -> None:
    write(root, {
        "app/sub.py": """
            import time
            from fastapi import FastAPI
            sub = FastAPI()

            @sub.get("/items")
            async def items():
                time.sleep(1)
        """,
        "app/starlette_app.py": """
            import time
            from starlette.applications import Starlette
            from starlette.routing import Host, Mount, Route

            async def users(request):
                time.sleep(1)

            async def status(request):
                time.sleep(1)

            routes = [Mount("/api/", routes=[Route("/users", users)]), Host("admin.example.com", routes=[Route("/status", status)])]
            app = Starlette(routes=routes)
        """,
        "app/main.py": """
            from fastapi import FastAPI
            from app.sub import sub
            app = FastAPI()
            app.mount("/sub/", sub)
        """,
    })
    assert endpoints(root) == ["GET /api/users", "GET /sub/items", "GET admin.example.com/status"]


def test_a_prefix_computed_at_run_time_shows_as_unknown(root: Path) -> None:
    write(root, {
        "app/items.py": SLOW_ROUTE.format(router_args='prefix="/items"'),
        "app/main.py": """
            from fastapi import FastAPI
            from app.items import router
            from app.settings import settings
            app = FastAPI()
            app.include_router(router, prefix=settings.API_PREFIX)
        """,
        "app/settings.py": "settings = object()\n",
    })
    assert endpoints(root) == ["GET …/items/items"]


def test_a_router_nothing_includes_and_a_router_prefix_not_known_show_as_unknown(root: Path) -> None:
    write(root, {
        "app/items.py": SLOW_ROUTE.format(router_args='prefix="/items"'),
        "app/other.py": SLOW_ROUTE.format(router_args="prefix=PREFIX") + "    PREFIX = os.environ['P']\n",
        "app/main.py": """
            from fastapi import FastAPI
            from app.other import router
            app = FastAPI()
            app.include_router(router, prefix="/api")
        """,
    })
    # items.py's router is included nowhere; other.py's prefix is computed at run time
    assert endpoints(root) == ["GET …/items", "GET …/items/items"]


def test_a_router_included_twice_lists_both_paths_and_findings_name_the_first(root: Path) -> None:
    write(root, {
        "app/items.py": SLOW_ROUTE.format(router_args=""),
        "app/main.py": """
            from fastapi import FastAPI
            from app import items
            app = FastAPI()
            app.include_router(items.router, prefix="/v2")
            app.include_router(items.router, prefix="/v1")
        """,
    })
    assert endpoints(root) == ["GET /v1/items"]
    assert mapped(root) == ["GET /v1/items", "GET /v2/items"]


def test_the_findings_are_the_same_with_one_worker_and_with_two(root: Path) -> None:
    files = {f"app/r{n}.py": SLOW_ROUTE.format(router_args=f'prefix="/r{n}"') for n in range(6)}
    files["app/main.py"] = "from fastapi import FastAPI\nfrom app import " + ", ".join(
        f"r{n}" for n in range(6)
    ) + "\napp = FastAPI()\n" + "".join(f"app.include_router(r{n}.router, prefix='/api')\n" for n in range(6))
    write(root, files)
    one = run(root, "--format", "json", "-j", "1")
    two = run(root, "--format", "json", "-j", "2")
    assert one == two
    assert sorted(f["endpoint"] for f in json.loads(one)) == [f"GET /api/r{n}/items" for n in range(6)]


def test_a_changed_include_prefix_rechecks_the_routes_it_includes(root: Path) -> None:
    main = """
        from fastapi import FastAPI
        from app.items import router
        app = FastAPI()
        app.include_router(router, prefix="{prefix}")
    """
    write(root, {"app/items.py": SLOW_ROUTE.format(router_args=""), "app/main.py": main.format(prefix="/api")})
    cached = ["--format", "json", "-j", "1"]
    result = CliRunner().invoke(command, [*cached, "app"], catch_exceptions=False)
    assert [f["endpoint"] for f in json.loads(result.stdout)] == ["GET /api/items"]
    write(root, {"app/main.py": main.format(prefix="/v2")})
    result = CliRunner().invoke(command, [*cached, "app"], catch_exceptions=False)
    assert [f["endpoint"] for f in json.loads(result.stdout)] == ["GET /v2/items"]
    # a module that did not include anything starts to
    write(root, {"app/main.py": "x = 1\n", "app/late.py": "y = 2\n"})
    result = CliRunner().invoke(command, [*cached, "app"], catch_exceptions=False)
    assert [f["endpoint"] for f in json.loads(result.stdout)] == ["GET …/items"]
    write(root, {"app/late.py": main.format(prefix="/late")})
    result = CliRunner().invoke(command, [*cached, "app"], catch_exceptions=False)
    assert [f["endpoint"] for f in json.loads(result.stdout)] == ["GET /late/items"]


def test_a_dependency_declared_in_another_module_is_labelled_as_one_wherever_it_is_checked(
    root: Path,
) -> None:
    write(root, {
        "app/deps.py": "import time\n\nasync def get_user():\n    time.sleep(1)\n",
        "app/routes.py": """
            from fastapi import APIRouter, Depends
            from app.deps import get_user
            router = APIRouter()

            @router.get("/me")
            async def me(user=Depends(get_user)):
                return user
        """,
    })
    for jobs in ("1", "2"):
        [finding] = json.loads(run(root, "--format", "json", "-j", jobs))
        assert finding["endpoint"] == "Depends(get_user)"
        assert "async dependency get_user" in finding["message"]
    result = CliRunner().invoke(command, ["--no-cache", "--format", "json", str(root / "app/deps.py")])
    assert json.loads(result.stdout)[0]["endpoint"] == "Depends(get_user)"


def test_a_module_constant_prefix_and_a_route_class_keep_the_path(root: Path) -> None:
    write(root, {
        "app/items.py": SLOW_ROUTE.format(router_args="prefix=PREFIX, route_class=TimedRoute")
        + "    class TimedRoute: ...\n    PREFIX = '/items'\n",
        "app/main.py": """
            from fastapi import FastAPI
            from app.items import router
            API = "/api"
            app = FastAPI()
            app.include_router(router, prefix=API)
        """,
    })
    assert endpoints(root) == ["GET /api/items/items"]
