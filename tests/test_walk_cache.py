"""The walk cache: a warm run lists no directory, the next run sees every change to what the
walk depends on, and anything in the cache that is not exactly an entry is a miss.

The project (`project/`, with its pyproject.toml) sits in a repository (`repo/`, with `.git` and
a `.gitignore`), so the repository's `.gitignore` is an ancestor's. `settle` backdates the tree:
the cache does not trust a directory changed in the last two seconds (`walk_cache.RACY_NS`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner, Result

from asynclint import walk_cache
from asynclint.api import lint_paths, lint_text
from asynclint.cli import command
from asynclint.config import Config
from asynclint.discovery import discover
from asynclint.index.cache import cache_location

BLOCKING = "import time\n\nasync def f():\n    time.sleep(1)\n"
FILES = {
    "pyproject.toml": "[tool.asynclint]\n",
    "app/__init__.py": "",
    "app/clients.py": "import requests\n\ndef fetch(u):\n    return requests.get(u, timeout=9)\n",
    "app/routes.py": "from app.clients import fetch\n\nasync def get(u):\n    return fetch(u)\n",
    "app/models.generated.py": "",
    "app/api/v1/items.py": BLOCKING,
    "pkg/.gitignore": "local_*.py\n",
    "pkg/mod.py": "",
    "pkg/local_x.py": "",
}
EXPECTED = [
    "app/__init__.py",
    "app/api/v1/items.py",
    "app/clients.py",
    "app/linked.py",
    "app/routes.py",
    "pkg/mod.py",
]


def settle(top: Path) -> None:
    """Backdate every mtime under `top` by an hour, as if the tree had been still that long."""
    old = (int(time.time()) - 3600) * 1_000_000_000
    for directory, _, names in os.walk(top):
        for path in [directory, *(os.path.join(directory, name) for name in names)]:
            if not os.path.islink(path):
                os.utime(path, ns=(old, old))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    (top / ".gitignore").write_text("*.generated.py\n")
    # Above the repository: not consulted while repo/.git exists.
    (tmp_path / ".gitignore").write_text("pkg/\n")
    (top / "shared").mkdir()
    (top / "shared" / "linked.py").write_text("")
    root = top / "project"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    try:
        (root / "app" / "linked.py").symlink_to(top / "shared" / "linked.py")
    except OSError:
        pytest.skip("cannot create symlinks here")
    monkeypatch.chdir(root)
    settle(top)
    return root


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every directory `os.scandir` lists from now on (in this process)."""
    calls: list[str] = []
    real = os.scandir

    def counting(path: Any = ".") -> Any:
        calls.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    return calls


def cached(root: Path, config: Config | None = None) -> list[str]:
    config = config or Config(root=root)
    files = walk_cache.project_files(root, config, cache_location(root))
    return [file.relative_to(root).as_posix() for file in files]


def fresh(root: Path, config: Config | None = None) -> list[str]:
    files = discover([str(root)], config or Config(root=root))
    return [file.relative_to(root).as_posix() for file in files]


def entries(root: Path) -> list[Path]:
    directory = walk_cache.walk_location(cache_location(root)).directory
    return sorted(directory.iterdir()) if directory.exists() else []


def lint(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(command, ["-j", "1", *args], input=stdin, catch_exceptions=False)


# -- a warm run ----------------------------------------------------------------------------------
def test_a_warm_walk_lists_no_directory_and_returns_the_files_of_a_fresh_walk(
    project: Path, listed: list[str], user_cache_dir: Path
) -> None:
    before = sorted(project.rglob("*"))
    assert cached(project) == EXPECTED
    assert listed, "the cold run walks"
    listed.clear()
    warm = cached(project)
    assert listed == []
    assert warm == EXPECTED == fresh(project)
    assert [user_cache_dir in entry.parents for entry in entries(project)] == [True]
    assert sorted(project.rglob("*")) == before, "nothing is written into the project"


def test_a_warm_single_file_run_lists_no_directory_and_finds_what_an_uncached_run_finds(
    project: Path, listed: list[str]
) -> None:
    config = Config(root=project)
    uncached = lint_paths(["app/routes.py"], config, jobs=1, cache=False, force_exclude=True)
    assert [(f.path, f.code) for f in uncached.findings] == [("app/routes.py", "AL110")]
    lint_paths(["app/routes.py"], config, jobs=1, force_exclude=True)
    listed.clear()
    warm = lint_paths(["app/routes.py"], config, jobs=1, force_exclude=True)
    assert listed == []
    assert warm.findings == uncached.findings


def test_a_warm_editor_buffer_run_lists_no_directory(project: Path, listed: list[str]) -> None:
    config = Config(root=project)
    text = (project / "app/routes.py").read_text()
    uncached = lint_text(text, "app/routes.py", config, cache=False)
    lint_text(text, "app/routes.py", config)
    listed.clear()
    assert lint_text(text, "app/routes.py", config).findings == uncached.findings
    assert listed == []


def test_a_warm_run_of_the_project_top_lists_no_directory_and_prints_what_a_cold_run_prints(
    project: Path, listed: list[str]
) -> None:
    uncached = lint("--no-cache", ".")
    assert uncached.exit_code == 1
    assert lint(".").stdout == uncached.stdout
    listed.clear()
    warm = lint(".")
    assert listed == []
    assert (warm.exit_code, warm.stdout, warm.stderr) == (1, uncached.stdout, uncached.stderr)


# -- what the next run sees ------------------------------------------------------------------------
def edit_in_place(path: Path, text: str) -> None:
    """Same inode, same size: only the mtime tells."""
    assert len(text) == path.stat().st_size
    with open(path, "r+") as handle:
        handle.write(text)


CHANGES: dict[str, Callable[[Path], None]] = {
    "a file added": lambda root: (root / "app" / "new.py").write_text(""),
    "a file removed": lambda root: (root / "pkg" / "mod.py").unlink(),
    "a directory renamed": lambda root: (root / "pkg").rename(root / "lib"),
    "a directory deep in the tree renamed": lambda root: (root / "app/api/v1").rename(
        root / "app/api/v2"
    ),
    "a .gitignore edited in place": lambda root: edit_in_place(
        root / "pkg" / ".gitignore", "mod.py\n#abc"
    ),
    "a .gitignore added": lambda root: (root / "app" / ".gitignore").write_text("clients.py\n"),
    "the .gitignore above the project edited in place": lambda root: edit_in_place(
        root.parent / ".gitignore", "#" * len("*.generated.py\n")
    ),
    "the repository's .git removed (the .gitignore above it applies)": lambda root: shutil.rmtree(
        root.parent / ".git"
    ),
    "a linked file's target removed": lambda root: (root.parent / "shared" / "linked.py").unlink(),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_the_run_after_a_change_sees_it(
    change: Callable[[Path], None], project: Path, listed: list[str]
) -> None:
    cached(project)
    listed.clear()
    assert cached(project) == EXPECTED
    assert listed == [], "warm before the change"
    change(project)
    after = cached(project)
    assert after == fresh(project)
    assert after != EXPECTED


def test_other_excludes_are_another_entry_and_both_stay_warm(
    project: Path, listed: list[str]
) -> None:
    config = Config(root=project)
    other = replace(config, extend_exclude=("app/api/",))
    assert cached(project, config) == EXPECTED
    assert cached(project, other) == fresh(project, other) == [
        file for file in EXPECTED if not file.startswith("app/api/")
    ]
    listed.clear()
    warm = (cached(project, config), cached(project, other))
    assert listed == []
    assert warm == (EXPECTED, fresh(project, other))
    assert len(entries(project)) == 2


def test_a_tree_changed_moments_ago_is_walked_again_until_it_has_been_still(
    project: Path, listed: list[str]
) -> None:
    """A change in the same clock tick as the recorded stat would leave the stat unchanged."""
    (project / "app" / "new.py").write_text("")
    expected = fresh(project)
    assert "app/new.py" in expected
    cached(project)
    listed.clear()
    assert cached(project) == expected
    assert listed, "not trusted yet"
    settle(project.parent)
    cached(project)
    listed.clear()
    assert cached(project) == expected
    assert listed == []


# -- what is not cached ----------------------------------------------------------------------------
def test_a_note_is_printed_on_every_run(project: Path) -> None:
    (project / "pkg" / ".gitignore").write_text("local_*.py\n\\\n")
    settle(project.parent)
    for _ in range(2):
        result = lint(".")
        assert result.stderr == "pkg/.gitignore:2: note: invalid pattern skipped: \\\n"
    assert entries(project) == []


def test_an_unreadable_directory_is_reported_on_every_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `chmod 000 pkg` does to a user who is not root (the tests run as root)."""
    denied = str(project / "pkg")
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.abspath(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    for _ in range(2):
        assert lint(".").stderr == "pkg: error: cannot read: Permission denied\n"
    assert entries(project) == []


def test_no_cache_neither_reads_nor_writes_an_entry(project: Path, user_cache_dir: Path) -> None:
    text = (project / "app/routes.py").read_text()
    lint("--no-cache", ".")
    lint("--no-cache", "--force-exclude", "app/routes.py")
    lint("--no-cache", "--stdin-filename", "app/routes.py", stdin=text)
    assert list(user_cache_dir.iterdir()) == []
    cached(project)
    plant_lie(project, lambda entry: entry[-1].append("app/lie.py"))
    assert "app/lie.py" in cached(project), "the lie is where a run would read it"
    uncached = lint("--no-cache", ".")
    assert "app/lie.py" not in uncached.stdout + uncached.stderr
    assert "app/lie.py" in lint(".").stderr, "the control: a cached run reads the lie"


# -- hostile entries -------------------------------------------------------------------------------
def plant_lie(root: Path, edit: Callable[[list[Any]], None]) -> Path:
    """Rewrite the project's one entry with `edit` applied to its decoded JSON."""
    (entry,) = entries(root)
    data = json.loads(entry.read_bytes())
    edit(data)
    entry.write_text(json.dumps(data))
    return entry


def test_a_well_formed_entry_is_trusted_so_the_cache_lives_outside_the_project(
    project: Path,
) -> None:
    """The control for the tests below: a lying entry that matches the tree is believed."""
    cached(project)
    plant_lie(project, lambda entry: entry[-1].append("app/lie.py"))
    assert cached(project) == [*EXPECTED, "app/lie.py"]


def lying(edit: Callable[[list[Any]], None]) -> Callable[[list[Any]], None]:
    """`edit`, on an entry that also lies about the files: a miss must not show the lie."""

    def both(entry: list[Any]) -> None:
        entry[-1].append("app/lie.py")
        edit(entry)

    return both


def set_at(index: int, value: Any) -> Callable[[list[Any]], None]:
    return lying(lambda entry: entry.__setitem__(index, value))


WRONG_SHAPES: dict[str, Callable[[list[Any]], None]] = {
    "the summary cache's magic": set_at(0, "asynclint-summary"),
    "a format that is `true`": set_at(1, True),
    "another format": set_at(1, walk_cache.FORMAT + 1),
    "another key": set_at(2, "0" * 32),
    "another root": set_at(3, "/elsewhere"),
    "an extra field": lying(lambda entry: entry.append([])),
    "a missing field": lying(lambda entry: entry.pop(5)),
    "a stamp that is a float of the same value": lying(
        lambda entry: entry[5].__setitem__(0, float(entry[5][0]))
    ),
    "a stamp missing": lying(lambda entry: entry[5].pop()),
    "directories not starting at the root": lying(lambda entry: entry[4].__setitem__(0, "app")),
    "a file above the root": lying(lambda entry: entry[-1].append("../shared/linked.py")),
    "an absolute file": lying(lambda entry: entry[-1].append("/etc/passwd.py")),
    "a file that is not Python": lying(lambda entry: entry[-1].append("app/notes.txt")),
    "a file name holding a NUL": lying(lambda entry: entry[-1].append("app/x\0y.py")),
    "a directory holding a NUL": lying(lambda entry: entry[4].__setitem__(1, "app\0")),
    "a link flag that is a number": lying(lambda entry: entry[8][0].__setitem__(1, 1)),
    "a .gitignore stamp that is a string": lying(lambda entry: entry[6][0].__setitem__(1, "x")),
}


@pytest.mark.parametrize("edit", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_an_entry_of_the_wrong_shape_is_a_miss_and_is_rewritten(
    edit: Callable[[list[Any]], None], project: Path, listed: list[str]
) -> None:
    cached(project)
    plant_lie(project, edit)
    assert cached(project) == EXPECTED
    listed.clear()
    assert cached(project) == EXPECTED
    assert listed == [], "the miss was rewritten with a good entry"


def replace_entry(root: Path, make: Callable[[Path, bytes], None]) -> None:
    cached(root)
    plant_lie(root, lambda entry: entry[-1].append("app/lie.py"))
    (entry,) = entries(root)
    data = entry.read_bytes()
    entry.unlink()
    make(entry, data)


def truncated(entry: Path, data: bytes) -> None:
    entry.write_bytes(data[: len(data) // 2])


def not_json(entry: Path, data: bytes) -> None:
    entry.write_bytes(b"\x80" + data)


def symlinked(entry: Path, data: bytes) -> None:
    elsewhere = entry.parent.parent / "elsewhere"
    elsewhere.write_bytes(data)
    entry.symlink_to(elsewhere)


def fifo(entry: Path, data: bytes) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(entry)


BAD_FILES: dict[str, Callable[[Path, bytes], None]] = {
    "truncated": truncated,
    "not UTF-8": not_json,
    "a symlink to a lying entry": symlinked,
    "a FIFO": fifo,
}


@pytest.mark.parametrize("make", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_an_entry_that_is_not_a_whole_regular_file_is_a_miss_and_is_rewritten(
    make: Callable[[Path, bytes], None], project: Path, listed: list[str]
) -> None:
    replace_entry(project, make)
    assert cached(project) == EXPECTED
    listed.clear()
    assert cached(project) == EXPECTED
    assert listed == []


def test_a_symlinked_walk_cache_directory_is_neither_read_nor_written_through(
    project: Path, tmp_path: Path
) -> None:
    cached(project)
    plant_lie(project, lambda entry: entry[-1].append("app/lie.py"))
    directory = walk_cache.walk_location(cache_location(project)).directory
    elsewhere = tmp_path / "elsewhere"
    directory.rename(elsewhere)
    directory.symlink_to(elsewhere, target_is_directory=True)
    before = {path.name: path.read_bytes() for path in elsewhere.iterdir()}
    assert cached(project) == EXPECTED
    assert {path.name: path.read_bytes() for path in elsewhere.iterdir()} == before
