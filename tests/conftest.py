"""Shared pytest setup for the test suite."""

import sys
from pathlib import Path

# Make the repository root importable (for `examples.*`) under a bare `pytest`
# too, not only `python -m pytest` (which adds the working directory itself).
# Equivalent to `pythonpath = ["."]` in [tool.pytest.ini_options].
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)
