"""Text → `ast` tree, whatever grammar the file is written in and whichever Python runs asynclint.

`ast.parse` only knows the grammar of the interpreter running it: on Python 3.11, PEP 695
generics (`class Repo[T]:`, `type X = ...`), PEP 701 f-strings, PEP 750 t-strings and PEP 758
`except A, B:` are syntax errors, though the code is valid for the Python it is written for.
libcst's parser accepts all of them. So when `ast` rejects a file that libcst accepts, the
libcst tree is rewritten into older grammar that means the same *for pass 1* — names bound,
calls made, functions and their line spans — and that text goes to `ast`. Pass 1 (the
summariser) is then one piece of code for both parsers, and pass 2 parses the original text
with libcst as it always does.

Every rewrite keeps each line where it was (removed text that spanned lines leaves
backslash continuations or newlines inside brackets), because summaries record lines — a
unit's span, a call's line — and pass 2 slices the original text by them. Columns may move:
nothing in a summary holds one.
"""

from __future__ import annotations

import ast
import warnings
import re
import sys
from typing import Union

import libcst as cst

_EMPTY = cst.Module(body=[])
# Errors from the limits of CPython's parser, not from its grammar (and libcst's native parser
# may crash on such input: it is not worth a try).
_LIMITS = ("too many nested parentheses", "too many indentation levels")
_Strings = Union[cst.FormattedString, cst.TemplatedString]


class NewerGrammarError(Exception):
    """libcst accepts the file, but its rewrite for this Python's `ast` failed (an asynclint
    limitation, not the user's error): the file is reported as not checked."""


def parse_module(text: str, filename: str = "<unknown>") -> ast.Module:
    """The `ast` tree of `text`. Raises SyntaxError when neither `ast` nor libcst accepts it
    (from the parser whose position is more telling), NewerGrammarError when only libcst does
    and the rewrite is not understood by this Python's `ast`."""
    try:
        # Compiling warns about the *user's* code (`"\d"`: an invalid escape); not our output.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=filename)
    except SyntaxError as error:
        first = error
    if first.msg.startswith(_LIMITS):
        raise first  # no grammar helps: CPython itself cannot run the file
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise _more_telling(first, error) from None
    except (RecursionError, MemoryError):
        raise first from None
    try:
        older = module.visit(_Downgrade()).code
        return ast.parse(older, filename=filename)
    # SyntaxError covers libcst's ParserSyntaxError and CSTValidationError too.
    except (SyntaxError, RecursionError, MemoryError, ValueError) as error:
        raise NewerGrammarError(
            f"Python {sys.version_info[0]}.{sys.version_info[1]}'s parser rejects this file "
            f"({first.msg}, line {first.lineno}) and asynclint cannot rewrite it for that "
            f"parser ({type(error).__name__}); libcst accepts it, please report it"
        ) from None


def _more_telling(ast_error: SyntaxError, cst_error: cst.ParserSyntaxError) -> SyntaxError:
    """Both parsers reject the file. `ast` words and places errors better (libcst reports the
    token after the error, often a line late), but it stops at the first construct newer than
    its own grammar, which may be valid: when libcst got further than that, its error is the
    real one."""
    if ast_error.lineno is None or ast_error.lineno >= cst_error.raw_line - 1:
        return ast_error
    message = re.sub(r"^(parser|tokenizer) error: (error at \d+:\d+: )?", "", cst_error.message)
    error = SyntaxError(message.splitlines()[0] if message else "invalid syntax")
    error.lineno = cst_error.raw_line
    error.offset = cst_error.raw_column + 1
    return error


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def _continuations(count: int) -> cst.SimpleWhitespace:
    """Whitespace standing in for removed text that spanned `count` line breaks."""
    return cst.SimpleWhitespace(" " + "\\\n" * count if count else "")


class _Downgrade(cst.CSTTransformer):
    """Rewrites newer grammar into the grammar every supported Python's `ast` accepts."""

    # -- PEP 695 / 696: type parameters and `type` statements ------------------------------------
    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        return self._without_type_parameters(updated_node)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        return self._without_type_parameters(updated_node)

    @staticmethod
    def _without_type_parameters(node: cst.FunctionDef | cst.ClassDef):  # type: ignore[no-untyped-def]
        if node.type_parameters is None:
            return node
        removed = _code(node.type_parameters) + _code(node.whitespace_after_type_parameters)
        removed += _code(node.whitespace_after_name)
        return node.with_changes(
            type_parameters=None,
            whitespace_after_name=_continuations(removed.count("\n")),
            whitespace_after_type_parameters=cst.SimpleWhitespace(""),
        )

    def leave_TypeAlias(self, original_node: cst.TypeAlias, updated_node: cst.TypeAlias) -> cst.Assign:
        # The value of a `type` statement is evaluated lazily, when the alias is used: its calls
        # are not calls of the enclosing code. `X = ...` binds the name and runs nothing.
        return cst.Assign(
            targets=[
                cst.AssignTarget(
                    target=updated_node.name,
                    whitespace_before_equal=_continuations(_code(original_node).count("\n")),
                )
            ],
            value=cst.Ellipsis(),
            semicolon=updated_node.semicolon,
        )

    # -- PEP 701 f-strings and PEP 750 t-strings ------------------------------------------------
    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        return _tuple_of_expressions(original_node, updated_node)

    def leave_TemplatedString(
        self, original_node: cst.TemplatedString, updated_node: cst.TemplatedString
    ) -> cst.BaseExpression:
        return _tuple_of_expressions(original_node, updated_node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return False  # rewritten as a whole in leave_ConcatenatedString

    def leave_ConcatenatedString(
        self, original_node: cst.ConcatenatedString, updated_node: cst.ConcatenatedString
    ) -> cst.BaseExpression:
        parts = _concatenated(original_node)
        if all(isinstance(part, cst.SimpleString) for part, _ in parts):
            return updated_node
        # A rewritten f-string is no longer a string (`(a,) "b"` would not parse, and libcst
        # refuses to build it): a tuple of all the parts keeps every call and line break.
        texts = [
            "\n" * breaks + _code(part if isinstance(part, cst.SimpleString) else part.visit(_Downgrade()))
            for part, breaks in parts
        ]
        return _keeping_parentheses(updated_node, cst.parse_expression("(" + ", ".join(texts) + ",)"))

    # -- PEP 758: `except A, B:` ----------------------------------------------------------------
    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        return _parenthesised_types(updated_node)

    def leave_ExceptStarHandler(
        self, original_node: cst.ExceptStarHandler, updated_node: cst.ExceptStarHandler
    ) -> cst.ExceptStarHandler:
        return _parenthesised_types(updated_node)

    # -- PEP 654 `except*` (Python 3.11) for Python 3.10 ------------------------------------------
    def leave_TryStar(self, original_node: cst.TryStar, updated_node: cst.TryStar) -> cst.BaseStatement:
        if sys.version_info >= (3, 11):
            return updated_node
        handlers = [
            cst.ExceptHandler(
                body=handler.body,
                type=handler.type,
                name=handler.name,
                leading_lines=handler.leading_lines,
                whitespace_after_except=handler.whitespace_after_except,
                whitespace_before_colon=handler.whitespace_before_colon,
            )
            for handler in updated_node.handlers
        ]
        return cst.Try(
            body=updated_node.body,
            handlers=handlers,
            orelse=updated_node.orelse,
            finalbody=updated_node.finalbody,
            leading_lines=updated_node.leading_lines,
            whitespace_before_colon=updated_node.whitespace_before_colon,
        )


def _parenthesised_types(handler):  # type: ignore[no-untyped-def]
    kind = handler.type
    if isinstance(kind, cst.Tuple) and not kind.lpar:
        return handler.with_changes(type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))
    return handler


def _tuple_of_expressions(original: _Strings, updated: _Strings) -> cst.BaseExpression:
    """`f"a{x}\\n{y:{w}}"` → `(x,\\n y, w,)`: the calls an f-string (or t-string) makes, in
    order, on their own lines, in a form every `ast` accepts whatever quotes or nesting the
    string used. Literal text only leaves its line breaks."""
    pieces: list[str] = []
    _expression_pieces(updated.parts, pieces)
    text = "".join(pieces)
    own = _code(original.with_changes(lpar=(), rpar=()))
    padding = "\n" * (own.count("\n") - text.count("\n"))
    return _keeping_parentheses(updated, cst.parse_expression(f"({text}{padding})"))


def _keeping_parentheses(original: cst.BaseExpression, replacement: cst.BaseExpression) -> cst.BaseExpression:
    """The replacement inside the original's own parentheses (and the line breaks in them)."""
    return replacement.with_changes(
        lpar=[*original.lpar, *replacement.lpar], rpar=[*replacement.rpar, *original.rpar]
    )


def _concatenated(node: cst.BaseExpression, breaks: int = 0) -> list[tuple[cst.BaseExpression, int]]:
    """The strings of an implicit concatenation, each with the line breaks before it."""
    if isinstance(node, cst.ConcatenatedString):
        between = _code(node.whitespace_between).count("\n")
        return [*_concatenated(node.left, breaks), *_concatenated(node.right, between)]
    return [(node, breaks)]


def _expression_pieces(parts, pieces: list[str]) -> None:  # type: ignore[no-untyped-def]
    for part in parts:
        expression = getattr(part, "expression", None)
        if expression is None:  # literal text
            pieces.append("\n" * part.value.count("\n"))
            continue
        # PEP 701 allows line breaks (and comments) inside the braces, around the expression.
        pieces.append("\n" * _code(part.whitespace_before_expression).count("\n"))
        start = len(pieces)
        pieces.append(_code(expression) + ", ")
        if part.format_spec:
            _expression_pieces(part.format_spec, pieces)
        emitted = sum(piece.count("\n") for piece in pieces[start:])
        pieces.append("\n" * max(0, _code(part).count("\n") - emitted - pieces[start - 1].count("\n")))
