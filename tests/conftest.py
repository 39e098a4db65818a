"""Shared pytest setup for the test suite."""

import sys
from pathlib import Path

import pytest

# Make the repository root importable (for `examples.*`) under a bare `pytest`
# too, not only `python -m pytest` (which adds the working directory itself).
# Equivalent to `pythonpath = ["."]` in [tool.pytest.ini_options].
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)


@pytest.fixture(autouse=True)
def user_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every asynclint process it starts, which inherits the environment) gets
    a fresh, empty cache directory: the suite never reads or fills the real user cache."""
    directory = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("ASYNCLINT_CACHE_DIR", str(directory))
    return directory
