"""The server's core without LSP: which open documents a change re-checks, and a new module
that exists only as an open buffer."""

from __future__ import annotations

from pathlib import Path

from asynclint.server.core import Core
from asynclint.server.settings import Settings
from tests.lsp_helpers import ASYNC_DATABASE, ROUTES, SYNC_DATABASE, write_project


def _codes(core: Core, uri: str) -> list[tuple[int, str]]:
    outcome = core.check(uri)
    assert outcome is not None
    return [(finding.line, finding.code) for finding in outcome.findings]


def test_a_change_rechecks_exactly_the_open_documents_whose_checks_read_the_file(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path, {"app/database.py": SYNC_DATABASE, "app/routes.py": ROUTES,
                                    "app/other.py": "async def f():\n    pass\n"})
    core = Core()
    try:
        uris = {}
        for name in ("routes", "other", "database"):
            path = root / f"app/{name}.py"
            uris[name] = path.as_uri()
            core.open(uris[name], str(path), path.read_text(), 1)
            core.check(uris[name])
        assert core.change(uris["database"], ASYNC_DATABASE, 2) == [uris["routes"]]
        assert _codes(core, uris["routes"]) == [(5, "AL202")]
        assert core.files_changed([str(root / "app/database.py")]) == [uris["routes"]]
        assert core.close(uris["database"]) == [uris["routes"]]
        assert _codes(core, uris["routes"]) == [(5, "AL201")]  # the disk's text again
    finally:
        core.shutdown()


def test_an_open_buffer_of_a_file_not_on_disk_is_a_module_for_the_others(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"app/routes.py": ROUTES.replace("app.database", "app.newdb")})
    core = Core()
    try:
        routes = (root / "app/routes.py").as_uri()
        core.open(routes, str(root / "app/routes.py"), (root / "app/routes.py").read_text(), 1)
        assert _codes(core, routes) == []  # unknown stays silent
        new = root / "app/newdb.py"
        assert core.open(new.as_uri(), str(new), SYNC_DATABASE, 1) == [routes]
        assert _codes(core, routes) == [(5, "AL201")]
        assert not new.exists()
    finally:
        core.shutdown()


def test_settings_and_a_changed_pyproject_decide_what_is_reported(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"app/database.py": SYNC_DATABASE, "app/routes.py": ROUTES})
    routes = root / "app/routes.py"
    core = Core(Settings(ignore=("AL201",)))
    try:
        core.open(routes.as_uri(), str(routes), routes.read_text(), 1)
        assert _codes(core, routes.as_uri()) == []
        core.configure(Settings())
        assert _codes(core, routes.as_uri()) == [(5, "AL201")]
        (root / "pyproject.toml").write_text("[tool.asynclint]\nignore = ['AL2']\n")
        assert core.files_changed([str(root / "pyproject.toml")]) == [routes.as_uri()]
        assert _codes(core, routes.as_uri()) == []
        (root / "pyproject.toml").write_text("[tool.asynclint]\nignore = 'AL2'\n")
        core.files_changed([str(root / "pyproject.toml")])
        assert _codes(core, routes.as_uri()) == [(5, "AL201")]  # the defaults, and one message
        assert [m for m in core.take_messages() if "ignore" in m and "default" in m]
        assert core.check(routes.as_uri()) is not None and not core.take_messages()
    finally:
        core.shutdown()


def test_a_file_changed_on_disk_unannounced_is_read_again_at_the_next_check(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"app/database.py": SYNC_DATABASE, "app/routes.py": ROUTES})
    routes = root / "app/routes.py"
    core = Core()
    try:
        core.open(routes.as_uri(), str(routes), routes.read_text(), 1)
        assert _codes(core, routes.as_uri()) == [(5, "AL201")]
        (root / "app/database.py").write_text(ASYNC_DATABASE + "\n")  # no notification
        assert _codes(core, routes.as_uri()) == [(5, "AL202")]
    finally:
        core.shutdown()
