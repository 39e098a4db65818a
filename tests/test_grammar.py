"""Every Python grammar is analysed, whichever Python runs asynclint.

Files in grammar newer than the running interpreter's (PEP 695 generics and `type`, PEP 701
f-strings, PEP 750 t-strings, PEP 758 `except A, B:`) reach pass 1 through libcst and a rewrite
into older grammar (`index/parsing.py`). These tests run on whatever Python CI uses: on an old
one they go through the rewrite, on a new one through `ast` directly — the findings must be the
same either way, and the rewrite itself is tested directly below.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from expectations import expected

from asynclint.engine import CheckOptions, check_file, check_source
from asynclint.index import parsing
from asynclint.index.parsing import parse_module
from asynclint.index.summary import summarise
from asynclint.source import split_lines

REPO = Path(__file__).resolve().parent.parent

MODERN = {
    "pep695-generic-class": """
        import time

        class Repo[T]:
            async def get(self, key: str) -> T:
                time.sleep(1)  # expect: AL101
                return key
    """,
    "pep695-generic-function-multiline-parameters": """
        import time

        async def first[
            T: (int, str),
            U = int,
        ](items: list[T]) -> T:
            time.sleep(0.5)  # expect: AL101
            return items[0]
    """,
    "pep695-type-statement": """
        import time
        type Payload[K] = dict[K, list[
            int
        ]]

        async def handler(payload: Payload[str]) -> None:
            type Local = list[int]
            time.sleep(1)  # expect: AL101
    """,
    "pep701-nested-quotes-and-comments": """
        import requests

        async def show(data: dict) -> str:
            label = f"{data["name"]} {f"{data["id"]}"}"
            return f'''{
                requests.get(label).text  # expect: AL102
            } done'''
    """,
    "pep701-concatenated": """
        import time

        async def show(data: dict) -> str:
            return (f"{data["a"]}" "-"
                    f"{time.sleep(1)}")  # expect: AL101
    """,
    "pep758-except-without-parentheses": """
        import time

        async def guarded() -> None:
            try:
                time.sleep(1)  # expect: AL101
            except ValueError, TypeError:
                pass
    """,
    "pep750-template-string": """
        import time

        async def render(name: str) -> object:
            return t"hello {time.sleep(1)} {name!r:>{10}}"  # expect: AL101
    """,
}


def _source(name: str) -> str:
    return textwrap.dedent(MODERN[name]).lstrip("\n")


@pytest.mark.parametrize("name", MODERN)
def test_modern_grammar_is_analysed_not_reported_as_a_syntax_error(name: str) -> None:
    text = _source(name)
    result = check_source(text, "modern.py", CheckOptions())
    assert result.errors == []
    assert sorted((f.line, f.code) for f in result.findings) == expected(text)


def test_modern_helper_in_another_module_is_known_to_block(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "helpers.py").write_text(textwrap.dedent("""
        import time

        type Seconds = float

        def pause[T](value: T, seconds: Seconds = 1.0) -> T:
            time.sleep(seconds)
            return value
    """))
    route = tmp_path / "routes.py"
    route.write_text("from helpers import pause\n\nasync def handler():\n    return pause(1)\n")
    options = CheckOptions(modules={"helpers": tmp_path / "helpers.py", "routes": route})
    result = check_file(str(route), options, "routes")
    assert [(f.line, f.code) for f in result.findings] == [(4, "AL110")]
    assert "time.sleep()" in result.findings[0].message


def test_a_file_no_parser_accepts_is_al001_saying_so() -> None:
    result = check_source("class Repo[T]:\n    pass\n\nasync def f(:\n    pass\n", "bad.py", CheckOptions())
    assert [f.code for f in result.findings] == ["AL001"]
    assert "neither Python's parser nor libcst accepts this file" in result.findings[0].message
    # The real error, not the generic class that only an older `ast` rejects.
    assert result.findings[0].line in (4, 5)


def test_a_plain_syntax_error_keeps_pythons_wording_and_position() -> None:
    result = check_source("async def f(:\n    pass\n", "bad.py", CheckOptions())
    [finding] = result.findings
    assert (finding.line, finding.column, finding.code) == (1, 13, "AL001")
    assert finding.message.startswith("syntax error: invalid syntax")


def test_a_rewrite_this_python_cannot_read_is_a_file_error_not_a_syntax_error(monkeypatch) -> None:
    def broken_rewrite(self, original_node, updated_node):
        return cst.Name("class")  # not Python in any grammar

    monkeypatch.setattr(parsing._Downgrade, "leave_TemplatedString", broken_rewrite)
    text = "x = t'{1}'\nasync def f():\n    pass\n"  # PEP 750: Python 3.14's grammar
    try:
        ast.parse(text)
    except SyntaxError:
        result = check_source(text, "alias.py", CheckOptions())
        assert result.findings == []
        [error] = result.errors
        assert "asynclint cannot rewrite it" in error.message and "\n" not in error.message
    else:
        pytest.skip("this Python's own parser reads t-strings: the rewrite is not used")


# --- the rewrite itself ------------------------------------------------------------------------


def _rewritten(text: str) -> str:
    return cst.parse_module(text).visit(parsing._Downgrade()).code


@pytest.mark.parametrize("name", MODERN)
def test_rewrite_keeps_every_line_and_is_read_by_this_pythons_ast(name: str) -> None:
    text = _source(name)
    older = _rewritten(text)
    assert older.count("\n") == text.count("\n")
    ast.parse(older)


def _repository_files() -> list[Path]:
    return sorted(
        path for folder in ("asynclint", "examples") for path in (REPO / folder).rglob("*.py")
    )


def test_rewrite_gives_the_same_summary_as_ast_on_every_file_of_this_repository() -> None:
    """Where both parsers work, the libcst route and the `ast` route must agree: same units,
    same call lines, same bindings (the rewrite only changes what older `ast`s cannot read)."""
    checked = 0
    for path in _repository_files():
        text = path.read_text(encoding="utf-8")
        lines = split_lines(text)
        direct = summarise(ast.parse(text), lines, "m", None)
        via_libcst = summarise(ast.parse(_rewritten(text)), lines, "m", None)
        assert via_libcst == direct, path
        checked += 1
    assert checked > 40


def test_parse_module_reads_what_ast_reads_without_libcst(monkeypatch) -> None:
    def no_libcst(text: str) -> None:
        raise AssertionError("libcst must not be needed for a file ast accepts")

    monkeypatch.setattr(parsing.cst, "parse_module", no_libcst)
    tree = parse_module("async def f():\n    return 1\n")
    assert isinstance(tree.body[0], ast.AsyncFunctionDef)


def test_cpythons_nesting_limit_is_a_syntax_error_without_trying_libcst(monkeypatch) -> None:
    monkeypatch.setattr(parsing.cst, "parse_module", lambda text: pytest.fail("libcst tried"))
    with pytest.raises(SyntaxError, match="too many nested parentheses"):
        parse_module("x = " + "(" * 300 + ")" * 300 + "\n")

