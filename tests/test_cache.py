"""The summary cache on disk: outside the project, plain data, and nothing planted is trusted.

Every hostile entry below must leave the run exactly as `--no-cache` leaves it: the same
findings, exit code 1 (the project has findings), nothing on stderr, nothing executed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import pickle
import stat
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from asynclint import __version__, source
from asynclint.cli import command
from asynclint.index import cache
from asynclint.index.summary import summarise

FILES = {
    "pyproject.toml": "[tool.asynclint]\n",
    "app/__init__.py": "",
    "app/clients.py": "import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n",
    "app/services.py": "from app.clients import fetch\n\ndef profile(uid):\n    return fetch(f'/u/{uid}')\n",
    "app/routes.py": (
        "import time\nfrom app.services import profile\n\n"
        "async def get_profile(uid):\n    time.sleep(1)\n    return profile(uid)\n"
    ),
}
MODULES = {"app/clients.py": "app.clients", "app/services.py": "app.services", "app/routes.py": "app.routes"}
# What a malicious entry for app/clients.py would claim: `fetch` calls nothing (hides AL110).
LYING_CLIENTS = "import requests\n\ndef fetch(url):\n    return None\n"
LYING_SERVICES = "def profile(uid):\n    return None\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    for name, text in FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    monkeypatch.chdir(project)
    return project


def lint(*args: str) -> list[tuple[str, int, str]]:
    """The run's findings; it must exit normally (1: findings) with nothing on stderr."""
    arguments = ["--format", "json", "-j", "1", *args, "app"]
    result = CliRunner().invoke(command, arguments, catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (1, "")
    return [(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)]


def directory(root: Path, cache_dir: Path) -> Path:
    return cache.cache_location(root, cache_dir).directory


def summary_entries(directory: Path) -> list[str]:
    """The names of the module-summary entries (the version directory also holds the result
    cache's directory and a pruning mark)."""
    return sorted(path.name for path in directory.iterdir() if path.is_file() and path.name != ".last-prune")


def keys(root: Path) -> dict[str, str]:
    """Each module file's cache key, as the run computes it."""
    return {
        name: cache.digest((root / name).read_text(), module, "app") for name, module in MODULES.items()
    }


def entry_for(key: str, text: str, module: str) -> bytes:
    summary = summarise(ast.parse(text), source.split_lines(text), module, "app")
    data = cache.encode_entry(key, summary)
    assert data is not None
    return data


def tree(path: Path) -> dict[str, bytes | str]:
    """Everything under `path`: files with their bytes, links with their targets."""
    found: dict[str, bytes | str] = {}
    for item in sorted(path.rglob("*")):
        name = str(item.relative_to(path))
        if item.is_symlink():
            found[name] = f"-> {os.readlink(item)}"
        elif item.is_file():
            found[name] = item.read_bytes()
    return found


class Payload:
    """Unpickling this creates `marker`: proof that a planted entry executed."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.marker, "w"))


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "payload-ran"


def test_the_planted_payload_would_run_under_pickle(tmp_path: Path) -> None:
    """The control for the tests below: loading the payload with pickle does execute it."""
    ran = tmp_path / "control"
    pickle.loads(pickle.dumps(Payload(str(ran))))
    assert ran.exists()


# -- hostile entries: each is a miss ---------------------------------------------------------------
def old_in_tree_pickles(root: Path, cache_dir: Path, marker: Path) -> None:
    old = root / ".asynclint_cache" / f"v{__version__}-{cache._code_digest()}"
    old.mkdir(parents=True)
    (old.parent / ".gitignore").write_text("*\n")
    for name, module in MODULES.items():
        identity = f"{module}\0{(root / name).read_text()}".encode()
        old_key = hashlib.blake2b(identity, digest_size=20).hexdigest()
        (old / old_key).write_bytes(pickle.dumps(Payload(str(marker))))


def pickles_at_the_new_keys(root: Path, cache_dir: Path, marker: Path) -> None:
    entries = directory(root, cache_dir)
    entries.mkdir(parents=True)
    for key in keys(root).values():
        (entries / key).write_bytes(pickle.dumps(Payload(str(marker))))


def truncated_entries(root: Path, cache_dir: Path, marker: Path) -> None:
    lint()
    # Summaries and cached results alike.
    written = [entry for entry in directory(root, cache_dir).rglob("*") if entry.is_file()]
    assert any(entry.parent.name == "results" for entry in written)
    for entry in written:
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def wrong_shape_entries(root: Path, cache_dir: Path, marker: Path) -> None:
    entries = directory(root, cache_dir)
    entries.mkdir(parents=True)
    shapes = [
        {"module": "app.clients"},
        ["asynclint-summary", cache.FORMAT],
        ["asynclint-summary", cache.FORMAT, "KEY", ["app.clients", "app", {}, [], {}, [], {}, {}]],
    ]
    for index, key in enumerate(keys(root).values()):
        (entries / key).write_text(json.dumps(shapes[index]).replace("KEY", key))


def entries_of_another_key(root: Path, cache_dir: Path, marker: Path) -> None:
    """A valid entry (of the lying summary) stored under the key of the real file."""
    entries = directory(root, cache_dir)
    entries.mkdir(parents=True)
    real = keys(root)["app/clients.py"]
    lie = cache.digest(LYING_CLIENTS, "app.clients", "app")
    (entries / real).write_bytes(entry_for(lie, LYING_CLIENTS, "app.clients"))


def entries_of_another_format(root: Path, cache_dir: Path, marker: Path) -> None:
    """Lying entries of the right key, one of format 2 and one of format `true` (== 1)."""
    entries = directory(root, cache_dir)
    entries.mkdir(parents=True)
    for name, text, version in (
        ("app/clients.py", LYING_CLIENTS, cache.FORMAT + 1),
        ("app/services.py", LYING_SERVICES, True),
    ):
        key = keys(root)[name]
        entry = json.loads(entry_for(key, text, MODULES[name]))
        entry[1] = version
        (entries / key).write_text(json.dumps(entry))


def symlinked_entries(root: Path, cache_dir: Path, marker: Path) -> None:
    entries = directory(root, cache_dir)
    entries.mkdir(parents=True)
    key = keys(root)["app/clients.py"]
    elsewhere = cache_dir.parent / "elsewhere-entry"
    elsewhere.write_bytes(entry_for(key, LYING_CLIENTS, "app.clients"))
    (entries / key).symlink_to(elsewhere)


def fifo_entries(root: Path, cache_dir: Path, marker: Path) -> None:
    entries = directory(root, cache_dir)
    entries.mkdir(parents=True)
    os.mkfifo(entries / keys(root)["app/clients.py"])


HOSTILE: dict[str, Callable[[Path, Path, Path], None]] = {
    "pickles at the old in-tree location": old_in_tree_pickles,
    "pickles at the exact new location and keys": pickles_at_the_new_keys,
    "truncated entries": truncated_entries,
    "valid JSON of the wrong shape": wrong_shape_entries,
    "a valid entry of another key": entries_of_another_key,
    "an entry of another format version": entries_of_another_format,
    "an entry that is a symlink": symlinked_entries,
    "an entry that is a FIFO": fifo_entries,
}


@pytest.mark.parametrize("plant", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_entry_is_a_miss_and_the_run_matches_a_no_cache_run(
    plant: Callable[[Path, Path, Path], None], root: Path, user_cache_dir: Path, marker: Path
) -> None:
    if plant is fifo_entries and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    expected = lint("--no-cache")
    assert ("app/routes.py", 6, "AL110") in expected
    plant(root, user_cache_dir, marker)
    assert lint() == expected
    assert not marker.exists()
    assert lint() == expected, "the miss was overwritten with a good entry (or is a miss again)"
    assert not marker.exists()


def test_an_entry_at_its_own_key_is_trusted_so_the_cache_lives_outside_the_project(
    root: Path, user_cache_dir: Path
) -> None:
    """The control for the symlink tests: a lying entry where the run looks is believed (this
    is why the project tree, which a pull request can fill, never holds the cache)."""
    entries = directory(root, user_cache_dir)
    entries.mkdir(parents=True)
    key = keys(root)["app/clients.py"]
    (entries / key).write_bytes(entry_for(key, LYING_CLIENTS, "app.clients"))
    assert ("app/routes.py", 6, "AL110") not in lint()


@pytest.mark.parametrize("level", [1, 2, 3], ids=["asynclint dir", "project dir", "version dir"])
def test_a_symlinked_cache_directory_is_neither_read_nor_written_through(
    level: int, root: Path, user_cache_dir: Path, tmp_path: Path
) -> None:
    expected = lint("--no-cache")
    location = cache.cache_location(root, user_cache_dir)
    elsewhere = tmp_path / "elsewhere"
    below = elsewhere.joinpath(*location.parts[level:])
    below.mkdir(parents=True)
    key = keys(root)["app/clients.py"]
    (below / key).write_bytes(entry_for(key, LYING_CLIENTS, "app.clients"))
    link = user_cache_dir.joinpath(*location.parts[:level])
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere, target_is_directory=True)
    before = tree(elsewhere)
    assert lint() == expected
    assert tree(elsewhere) == before


# -- where the cache is ----------------------------------------------------------------------------
def test_a_warm_run_gives_the_findings_of_a_cold_run_and_the_project_gets_no_cache_files(
    root: Path, user_cache_dir: Path
) -> None:
    before = tree(root)
    cold = lint()
    assert summary_entries(directory(root, user_cache_dir)) == sorted(keys(root).values())
    assert lint() == cold
    assert sorted(cold) == [("app/routes.py", 5, "AL101"), ("app/routes.py", 6, "AL110")]
    assert tree(root) == before


def test_the_cache_root_is_tagged_for_backup_tools_and_private(root: Path, user_cache_dir: Path) -> None:
    lint()
    tag = user_cache_dir / "asynclint" / "CACHEDIR.TAG"
    assert tag.read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    location = cache.cache_location(root, user_cache_dir)
    for depth in range(1, len(location.parts) + 1):
        mode = (user_cache_dir.joinpath(*location.parts[:depth])).stat().st_mode
        assert stat.S_IMODE(mode) & 0o077 == 0


def test_cache_dir_option_wins_over_the_environment(root: Path, user_cache_dir: Path, tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    lint("--cache-dir", str(chosen))
    assert summary_entries(directory(root, chosen)) == sorted(keys(root).values())
    assert list(user_cache_dir.iterdir()) == []


def test_without_the_environment_variable_the_platform_cache_dir_is_used(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = tmp_path / "platform-cache"
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setattr(cache.platformdirs, "user_cache_dir", lambda: str(platform))
    assert cache.user_cache_dir() == platform
    lint()
    assert summary_entries(directory(root, platform)) == sorted(keys(root).values())


def test_each_project_has_its_own_cache_directory(tmp_path: Path, user_cache_dir: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    (tmp_path / "link").symlink_to(first)
    assert directory(first, user_cache_dir) != directory(second, user_cache_dir)
    assert directory(tmp_path / "link", user_cache_dir) == directory(first, user_cache_dir)


def test_no_cache_reads_and_writes_nothing(root: Path, user_cache_dir: Path) -> None:
    lint("--no-cache")
    assert list(user_cache_dir.iterdir()) == []


def test_the_cache_dir_is_not_a_setting_of_the_checked_project(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.asynclint]\ncache-dir = "app"\n')
    result = CliRunner().invoke(command, ["app"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "unknown key 'cache-dir'" in result.stderr


@pytest.mark.parametrize("below", ["", "inside"], ids=["a file", "below a file"])
def test_a_cache_dir_that_cannot_be_created_only_costs_time(
    below: str, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = lint("--no-cache")
    occupied = tmp_path / "a-file"
    occupied.write_text("not a directory")
    monkeypatch.setenv(cache.ENV_VAR, str(occupied / below))  # --cache-dir FILE is a usage error
    assert lint() == expected
    assert occupied.read_text() == "not a directory"


def test_standard_input_is_checked_with_cached_facts(root: Path, user_cache_dir: Path) -> None:
    text = (root / "app/routes.py").read_text()
    runs = [
        CliRunner().invoke(command, ["--format", "json", "--stdin-filename", "app/routes.py"], input=text)
        for _ in range(2)
    ]
    assert [run.exit_code for run in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    assert "AL110" in runs[0].stdout
    assert any(directory(root, user_cache_dir).iterdir())


def test_the_key_tells_a_module_from_a_package_of_the_same_name() -> None:
    assert cache.digest("x = 1\n", "app.sub", "app") != cache.digest("x = 1\n", "app.sub", "app.sub")
