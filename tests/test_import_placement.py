"""The import a fix adds goes where libcst's AddImportsVisitor puts it.

asynclint computes the edit itself (an `ast` parse of the file, not a libcst parse and a
transform of the whole module for each fix), so this checks the placement against the codemod
helper. The one difference is deliberate: AddImportsVisitor also inserts a blank line between
the new import and code that follows it directly; the fix keeps the file's own spacing.
"""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from asynclint.fixes.apply import apply_fixes
from asynclint.fixes.locate import import_edit
from asynclint.fixes.model import Fix

HEADS = [
    "import os\n\nasync def f():\n    pass\n",
    '"""Doc."""\nimport os\nx = 1\n',
    '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\nimport sys\n\nx = 1\n',
    "x = 1\nimport os\n",
    "# comment only\n",
    "@dec\ndef f():\n    pass\n",
    "import os\r\nx = 1\r\n",
    "import os",
    "from __future__ import annotations\nx = 1\n",
    "import os\nif True:\n    import sys\nimport re\nx = 1\n",
    "#!/usr/bin/env python\n# coding: utf-8\nimport os\n",
    "try:\n    import ujson\nexcept ImportError:\n    ujson = None\nx = 1\n",
]
IMPORTS = [("asyncio", None), ("fastapi.concurrency", "run_in_threadpool"), ("sqlalchemy.orm", "selectinload")]


def _ours(text: str, module: str, name: str | None) -> str:
    edit = import_edit(text, f"from {module} import {name}" if name else module)
    assert edit is not None
    return apply_fixes(text, [Fix("unsafe", "import", (edit,))]).text


def _codemod(text: str, module: str, name: str | None) -> str:
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, module, name)
    return AddImportsVisitor(context).transform_module(cst.parse_module(text)).code


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize(("module", "name"), IMPORTS)
def test_the_import_goes_where_the_codemod_helper_puts_it(head: str, module: str, name: str | None) -> None:
    ours, theirs = _ours(head, module, name), _codemod(head, module, name)
    ending = "\r\n" if "\r\n" in head else "\n"
    statement = (f"from {module} import {name}" if name else f"import {module}") + ending
    # the same text, or the codemod's with a blank line after the new import (code followed it)
    assert theirs in (ours, ours.replace(statement, statement + ending, 1))
