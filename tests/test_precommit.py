"""The pre-commit hook, end to end with the real `pre-commit` tool in a throwaway git repo.

Most tests run the hook exactly as `.pre-commit-hooks.yaml` declares it (id, file types,
`require_serial`), but as a `repo: local` hook with `language: system` running this checkout
(`python -m asynclint`): pre-commit then installs nothing, so the tests need no network and take
about a second each. What that leaves out, pre-commit cloning this repository and pip-installing
it into a hook environment, is `test_hook_installs_from_this_repository`: it needs PyPI and takes
10-20 s, so it runs in CI (`CI` set) or when `ASYNCLINT_PRECOMMIT_INSTALL=1`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"

BLOCKING = "import time\n\n\nasync def handler():\n    time.sleep(1)\n"
CLEAN = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n"


def _hook() -> dict:
    [hook] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return hook


class Repo:
    """A git repository in a temporary directory, with pre-commit and git run inside it."""

    def __init__(self, path: Path, precommit_home: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        # No GIT_* variables from outside (pytest may itself run inside a git hook).
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        self.env.update(
            PRE_COMMIT_HOME=str(precommit_home),
            GIT_AUTHOR_NAME="Test",
            GIT_AUTHOR_EMAIL="test@example.invalid",
            GIT_COMMITTER_NAME="Test",
            GIT_COMMITTER_EMAIL="test@example.invalid",
            # Neither the user's nor the machine's git configuration (hooks paths, signing).
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_CONFIG_NOSYSTEM="1",
            NO_COLOR="1",
        )
        self.git("init", "--quiet", "--initial-branch=main")
        self.git("config", "commit.gpgsign", "false")
        # A project of its own, so no configuration above the temporary directory applies.
        self.write("pyproject.toml", "[tool.asynclint]\n")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            check=False,
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.run("git", *args)
        assert done.returncode == 0, done.stderr
        return done

    def precommit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "pre_commit", *args, "--color", "never")

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def configure(self, repo: dict) -> None:
        # JSON is YAML.
        self.write(".pre-commit-config.yaml", json.dumps({"repos": [repo]}, indent=2) + "\n")
        self.git("add", ".pre-commit-config.yaml", "pyproject.toml")


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path, precommit_home) -> Repo:
    """A repository whose pre-commit config runs this checkout's hook without installing it."""
    repo = Repo(tmp_path / "project", precommit_home)
    # `python -m asynclint` imports this checkout, whatever is installed.
    repo.env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])
    )
    entry = f"{shlex.quote(sys.executable)} -m asynclint --force-exclude"
    repo.configure({"repo": "local", "hooks": [{**_hook(), "entry": entry, "language": "system"}]})
    return repo


def test_manifest_is_valid_for_pre_commit(repo):
    done = repo.precommit("validate-manifest", str(MANIFEST))
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_declares_the_asynclint_hook():
    hook = _hook()
    assert hook["id"] == "asynclint"
    assert hook["entry"] == "asynclint --force-exclude"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is True


def test_commit_with_a_blocking_call_is_rejected_with_the_finding(repo):
    repo.precommit("install")
    repo.write("app/handlers.py", BLOCKING)
    repo.git("add", "app/handlers.py")
    done = repo.run("git", "commit", "-m", "add handler")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "asynclint" in output and "Failed" in output
    assert "app/handlers.py:5:5: AL101 time.sleep() blocks the event loop" in output
    assert repo.run("git", "rev-parse", "--verify", "HEAD").returncode != 0, "nothing committed"


def test_commit_of_clean_async_code_passes(repo):
    repo.precommit("install")
    repo.write("app/handlers.py", CLEAN)
    repo.git("add", "app/handlers.py")
    done = repo.run("git", "commit", "-m", "add handler")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "asynclint" in output and "Passed" in output


def test_only_the_files_pre_commit_passes_are_reported(repo):
    # A misuse already in the repository, committed without the hook.
    repo.write("legacy.py", BLOCKING)
    repo.git("add", "legacy.py")
    repo.git("commit", "--quiet", "-m", "legacy", "--no-verify")
    repo.write("new.py", CLEAN)
    repo.git("add", "new.py")

    changed_only = repo.precommit("run", "--files", "new.py")
    assert changed_only.returncode == 0, changed_only.stdout
    assert "legacy.py" not in changed_only.stdout

    everything = repo.precommit("run", "--all-files")
    assert everything.returncode == 1
    assert "legacy.py:5:5: AL101" in everything.stdout


def test_files_excluded_in_the_config_are_skipped_though_pre_commit_names_them(repo):
    repo.write("pyproject.toml", '[tool.asynclint]\nextend-exclude = ["migrations/"]\n')
    repo.write("migrations/0001.py", BLOCKING)
    repo.git("add", "pyproject.toml", "migrations/0001.py")
    done = repo.precommit("run", "--files", "migrations/0001.py")
    assert done.returncode == 0, done.stdout
    assert "AL101" not in done.stdout


def test_hook_skips_files_that_are_not_python(repo):
    repo.write("notes.txt", BLOCKING)
    repo.git("add", "notes.txt")
    done = repo.precommit("run", "--files", "notes.txt")
    assert done.returncode == 0, done.stdout
    assert "(no files to check)Skipped" in done.stdout


def test_all_files_are_checked_by_one_asynclint_run(repo):
    # require_serial: without it pre-commit splits the files between parallel processes.
    names = [f"mod{index}.py" for index in range(8)]
    for name in names:
        repo.write(name, BLOCKING)
    repo.git("add", *names)
    done = repo.precommit("run", "--files", *names)
    assert done.returncode == 1
    assert done.stdout.count("Found ") == 1
    assert "Found 8 findings in 8 files." in done.stdout


_NETWORK_ERRORS = (
    "NewConnectionError",
    "ConnectTimeout",
    "ReadTimeoutError",
    "Temporary failure in name resolution",
    "No matching distribution found",
)


def _head_has_manifest() -> str | None:
    """This checkout's HEAD commit, if it is a git checkout whose HEAD has the hook manifest."""
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], check=False, cwd=REPO_ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        return None
    sha = done.stdout.strip()
    has = subprocess.run(
        ["git", "cat-file", "-e", f"{sha}:.pre-commit-hooks.yaml"], check=False, cwd=REPO_ROOT
    )
    return sha if has.returncode == 0 else None


@pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("ASYNCLINT_PRECOMMIT_INSTALL")),
    reason="installs the hook from PyPI (10-20 s): runs in CI or with ASYNCLINT_PRECOMMIT_INSTALL=1",
)
def test_hook_installs_from_this_repository(tmp_path, precommit_home):
    sha = _head_has_manifest()
    if sha is None:
        pytest.skip("this checkout's HEAD has no .pre-commit-hooks.yaml to install from")
    repo = Repo(tmp_path / "project", precommit_home)
    repo.configure({"repo": str(REPO_ROOT), "rev": sha, "hooks": [{"id": "asynclint"}]})
    repo.write("bad.py", BLOCKING)
    repo.write("good.py", CLEAN)
    repo.git("add", "bad.py", "good.py")

    failing = repo.precommit("run", "--files", "bad.py")
    if "An error has occurred" in failing.stdout + failing.stderr:
        log = precommit_home / "pre-commit.log"
        details = log.read_text(encoding="utf-8") if log.exists() else ""
        if any(error in details for error in _NETWORK_ERRORS):
            pytest.skip("pre-commit could not reach PyPI to install the hook environment")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "bad.py:5:5: AL101" in failing.stdout

    passing = repo.precommit("run", "--files", "good.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr
