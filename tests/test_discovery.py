"""Which files a run lints: .gitignore, default and configured excludes, explicit paths."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from asynclint.cli import command
from asynclint.config import Config
from asynclint.discovery import MissingPath, discover

BLOCKING = "import time\n\nasync def f():\n    time.sleep(1)\n"


@pytest.fixture(autouse=True)
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (`.git`), so no `.gitignore` above the test's directory applies."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def make(*relatives: str, text: str = BLOCKING) -> None:
    for relative in relatives:
        Path(relative).parent.mkdir(parents=True, exist_ok=True)
        Path(relative).write_text(text)


def found(*paths: str, config: Config | None = None) -> list[str]:
    return [path.as_posix() for path in discover(paths or (".",), config or Config())]


def lint(*args: str) -> Result:
    return CliRunner().invoke(command, ["--no-config", *args], catch_exceptions=False)


def test_walk_finds_py_and_pyi_files_sorted() -> None:
    make("b.py", "a.pyi", "pkg/z.py", "pkg/a.py", "notes.txt", "script")
    assert found() == ["a.pyi", "b.py", "pkg/a.py", "pkg/z.py"]


def test_root_gitignore_is_respected() -> None:
    Path(".gitignore").write_text("generated/\nsecret_*.py\n")
    make("app.py", "generated/models.py", "secret_keys.py", "pkg/secret_x.py")
    assert found() == ["app.py"]


def test_nested_gitignore_applies_only_below_its_directory() -> None:
    Path("pkg").mkdir()
    Path("pkg/.gitignore").write_text("local.py\n/anchored.py\n")
    make("local.py", "anchored.py", "pkg/local.py", "pkg/anchored.py", "pkg/sub/anchored.py")
    make("pkg/sub/local.py")
    assert found() == ["anchored.py", "local.py", "pkg/sub/anchored.py"]


def test_gitignore_negation_keeps_a_file() -> None:
    Path(".gitignore").write_text("*_pb2.py\n!keep_pb2.py\n")
    make("a_pb2.py", "keep_pb2.py")
    assert found() == ["keep_pb2.py"]


def test_gitignore_above_the_walked_directory_applies_up_to_the_repository_root() -> None:
    Path(".gitignore").write_text("pkg/generated/\n")
    make("pkg/app.py", "pkg/generated/models.py")
    assert found("pkg") == ["pkg/app.py"]


@pytest.mark.parametrize(
    "directory",
    [".venv", "venv", "build", "dist", "node_modules", "__pycache__", ".tox", "x.egg-info", ".git"],
)
def test_default_excludes_skip_tool_and_build_directories(directory: str) -> None:
    make("app.py", f"{directory}/lib.py", f"pkg/{directory}/lib.py")
    assert found() == ["app.py"]


def test_exclude_replaces_the_defaults() -> None:
    make("app.py", ".venv/lib.py", "generated/models.py")
    config = replace(Config(), exclude=("generated",))
    assert found(config=config) == [".venv/lib.py", "app.py"]


def test_extend_exclude_adds_to_the_defaults() -> None:
    make("app.py", ".venv/lib.py", "generated/models.py", "pkg/legacy.py")
    config = replace(Config(), extend_exclude=("generated", "pkg/legacy.py"))
    assert found(config=config) == ["app.py"]


def test_exclude_from_pyproject_is_anchored_at_its_directory() -> None:
    Path("pyproject.toml").write_text('[tool.asynclint]\nextend-exclude = ["/app.py"]\n')
    make("app.py", "pkg/app.py")
    result = CliRunner().invoke(command, ["."], catch_exceptions=False)
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": AL" in line] == [
        "pkg/app.py"
    ]



@pytest.mark.parametrize("directory", [".git", ".hg", ".svn", ".bzr", "__pycache__"])
def test_version_control_and_bytecode_directories_are_skipped_whatever_exclude_says(
    directory: str,
) -> None:
    make("app.py", f"{directory}/hooks/lib.py", f"pkg/{directory}/lib.py")
    assert found(config=replace(Config(), exclude=())) == ["app.py"]


def test_other_default_excludes_are_walked_when_exclude_replaces_them() -> None:
    """node_modules and .venv can hold Python (node-gyp ships gyp's): the user's `exclude`
    decides, as it does for ruff."""
    make("app.py", "node_modules/gyp/pylib.py", ".venv/lib.py")
    config = replace(Config(), exclude=())
    assert found(config=config) == [".venv/lib.py", "app.py", "node_modules/gyp/pylib.py"]


def test_skipped_directories_are_not_matched_against_the_patterns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asynclint.discovery as discovery

    make("app.py", ".git/x.py", "pkg/__pycache__/x.py", "pkg/mod.py")
    matched: list[str] = []
    real = discovery._Ignore.matches

    def recording(self: object, path: str, is_dir: bool) -> bool:
        matched.append(os.path.basename(path))
        return real(self, path, is_dir)  # type: ignore[arg-type]

    monkeypatch.setattr(discovery._Ignore, "matches", recording)
    assert found() == ["app.py", "pkg/mod.py"]
    assert matched and not {".git", "__pycache__"} & set(matched)


def test_a_gitignore_is_read_only_in_directories_that_list_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asynclint.discovery as discovery

    Path("pkg").mkdir()
    Path("pkg/.gitignore").write_text("local.py\n")
    make("app.py", "pkg/local.py", "pkg/mod.py", "other/mod.py")
    read: list[str] = []
    real = discovery.source.read_regular

    def recording(path: str) -> bytes:
        if not os.path.relpath(path).startswith(".."):  # those above the walk are looked for
            read.append(os.path.relpath(path))
        return real(path)

    monkeypatch.setattr(discovery.source, "read_regular", recording)
    assert found() == ["app.py", "other/mod.py", "pkg/mod.py"]
    assert read == [os.path.join("pkg", ".gitignore")]

def test_explicitly_named_file_is_linted_even_if_excluded_or_gitignored() -> None:
    Path(".gitignore").write_text("ignored.py\n")
    make(".venv/lib.py", "ignored.py")
    assert found(".venv/lib.py", "ignored.py") == [".venv/lib.py", "ignored.py"]
    result = lint(".venv/lib.py")
    assert result.exit_code == 1
    assert result.stdout.startswith(".venv/lib.py:4:5: AL101 ")


def test_a_file_named_twice_is_linted_once() -> None:
    make("app.py")
    assert found("app.py", ".", "./app.py") == ["app.py"]


def test_symlinked_directories_are_not_followed() -> None:
    make("pkg/app.py")
    try:
        os.symlink(Path.cwd(), "pkg/loop", target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symlinks here")
    assert found() == ["pkg/app.py"]


def test_empty_directory_exits_0_with_a_note_on_stderr() -> None:
    Path("empty").mkdir()
    result = lint("empty")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "note: no Python files found in empty\n"


def test_directory_without_python_files_exits_0_with_the_note_even_in_json() -> None:
    make("docs/readme.md")
    result = lint("--format", "json", "docs")
    assert result.exit_code == 0
    assert result.stdout == "[]\n"
    assert "no Python files found" in result.stderr


def test_missing_path_exits_2_with_one_line() -> None:
    make("app.py")
    result = lint("app.py", "missing.py")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "asynclint: error: path does not exist: missing.py\n"


def test_missing_path_raises_from_the_library() -> None:
    with pytest.raises(MissingPath):
        found("missing")


def test_force_exclude_applies_excludes_to_explicitly_named_files(tmp_path, monkeypatch):
    from asynclint.config import Config
    from asynclint.discovery import discover

    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "m1.py").write_text("x = 1\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    config = Config(extend_exclude=("migrations/",), root=tmp_path)
    monkeypatch.chdir(tmp_path)
    named = ["migrations/m1.py", "app.py"]
    assert [p.as_posix() for p in discover(named, config)] == ["app.py", "migrations/m1.py"]
    assert [p.as_posix() for p in discover(named, config, force_exclude=True)] == ["app.py"]


# --- .gitignore lines pathspec cannot compile -------------------------------------------------

# git accepts each of these (a trailing backslash and a lone `!` match nothing, `\/` is `/`);
# pathspec raises on them.
GIT_ACCEPTS_PATHSPEC_REJECTS = ["\\", "gen\\", "a\\/b.py", "!", "[z-a].py"]


@pytest.mark.parametrize("bad", GIT_ACCEPTS_PATHSPEC_REJECTS)
def test_invalid_gitignore_line_is_skipped_with_a_note_and_the_other_lines_apply(bad: str) -> None:
    Path("pkg").mkdir()
    Path("pkg/.gitignore").write_text(f"generated/\n{bad}\nsecret_*.py\n")
    make("pkg/app.py", "pkg/generated/models.py", "pkg/secret_keys.py")
    result = lint(".")
    assert result.stderr == f"pkg/.gitignore:2: note: invalid pattern skipped: {bad}\n"
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": AL" in line] == [
        "pkg/app.py"
    ]
    assert result.exit_code == 1


def test_invalid_gitignore_line_note_is_not_printed_with_quiet() -> None:
    Path(".gitignore").write_text("\\\n")
    make("app.py")
    result = lint("-q", ".")
    assert result.stderr == ""
    assert result.stdout.startswith("app.py:4:5: AL101 ")


def test_invalid_line_in_a_gitignore_above_the_walked_directory_is_noted_once() -> None:
    Path(".gitignore").write_text("!\npkg/generated/\n")
    make("pkg/app.py", "pkg/generated/models.py", "other/app.py")
    result = lint("pkg", "other")
    assert result.stderr == ".gitignore:1: note: invalid pattern skipped: !\n"
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": AL" in line] == [
        "other/app.py",
        "pkg/app.py",
    ]


def test_invalid_gitignore_line_elsewhere_in_the_project_does_not_stop_linting_one_file() -> None:
    # pre-commit names one file; the walk that finds the project's modules meets the bad line.
    Path("vendor").mkdir()
    Path("vendor/.gitignore").write_text("\\\n")
    make("pkg/app.py")
    result = lint("pkg/app.py")
    assert result.stderr == ""
    assert result.stdout.startswith("pkg/app.py:4:5: AL101 ")
    assert result.exit_code == 1


def test_a_repository_walked_from_its_top_is_not_ignored_by_the_directories_above_it() -> None:
    Path(".gitignore").write_text("hidden.py\n")
    Path("vendor/repo/.git").mkdir(parents=True)
    make("vendor/repo/hidden.py", "vendor/repo/pkg/hidden.py", "vendor/hidden.py")
    assert found("vendor/repo") == ["vendor/repo/hidden.py", "vendor/repo/pkg/hidden.py"]
    assert found("vendor/repo/pkg") == ["vendor/repo/pkg/hidden.py"]
    assert found("vendor") == [], "below the outer repository, its .gitignore applies"
