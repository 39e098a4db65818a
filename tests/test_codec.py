"""The cache's data codec: summaries survive a round trip, anything else is refused."""

from __future__ import annotations

import ast
import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asynclint import source
from asynclint.analysis import kinds
from asynclint.analysis.cst_refs import CstRefs
from asynclint.analysis.names import Binding, ScopeStack
from asynclint.analysis.values import OTHER_CONSTANT, Attr, Call, Name, Ref
from asynclint.findings import Finding
from asynclint.index.ast_refs import AstRefs
from asynclint.index.cache import decode_entry, digest, encode_entry, summary_codec
from asynclint.index.codec import INT_MAX, INT_MIN, MAX_DEPTH, Codec, CodecError
from asynclint.index.modules import ModuleMap, package_of
from asynclint.index.summary import ModuleSummary, Unit, summarise

SUMMARIES = summary_codec()

REPO = Path(__file__).resolve().parent.parent
FILES = sorted([*REPO.glob("examples/**/*.py"), *REPO.glob("asynclint/**/*.py")])
MODULES = ModuleMap(REPO, FILES)


def summary_of(path: Path) -> tuple[str, ModuleSummary]:
    text = source.read(str(path))
    module = MODULES.name_of(path)
    package = package_of(module, path)
    summary = summarise(ast.parse(text), source.split_lines(text), module, package)
    return digest(text, module, package), summary


def through_json(data: object) -> Any:
    return json.loads(json.dumps(data))


# -- round trips ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_the_summary_of_every_example_and_asynclint_module_survives_a_cache_round_trip(path: Path) -> None:
    key, summary = summary_of(path)
    entry = encode_entry(key, summary)
    assert entry is not None
    assert decode_entry(key, entry) == summary
    data = through_json(SUMMARIES.encode(summary))
    assert SUMMARIES.decode(data) == summary
    assert SUMMARIES.decode(data) == summary, "decoding leaves its input as it was"


_JSON_SCALARS = st.none() | st.booleans() | st.integers(INT_MIN, INT_MAX) | st.text(max_size=8)
_HINTS = {"Ref": Ref}


_STRATEGIES: dict[object, st.SearchStrategy[Any]] = {}


def strategy(hint: object) -> st.SearchStrategy[Any]:
    """Values of a type hint, built from the same hints the codec reads (one strategy per
    hint, so the recursive Ref strategy is a finite graph)."""
    if hint not in _STRATEGIES:
        _STRATEGIES[hint] = _strategy(hint)
    return _STRATEGIES[hint]


def _strategy(hint: object) -> st.SearchStrategy[Any]:
    if hint in (str, bool, int, type(None)):
        return {str: st.text(max_size=12), bool: st.booleans(), int: st.integers(INT_MIN, INT_MAX),
                type(None): st.none()}[hint]
    if hint is object:
        return _JSON_SCALARS
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint, localns=_HINTS)
        fields = {field.name: st.deferred(lambda h=hints[field.name]: strategy(h))
                  for field in dataclasses.fields(hint)}
        return st.builds(hint, **fields)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([strategy(arg) for arg in args])
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), strategy(args[1]), max_size=3)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(strategy(args[0]), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*[strategy(arg) for arg in args])
    collection = {list: st.lists, set: st.sets, frozenset: st.frozensets}[origin]
    return collection(strategy(args[0]), max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategy(ModuleSummary))
def test_generated_summaries_survive_a_round_trip_through_json(summary: ModuleSummary) -> None:
    assert SUMMARIES.decode(through_json(SUMMARIES.encode(summary))) == summary


@dataclasses.dataclass(frozen=True)
class Inner:
    label: str
    weight: float = 0.5


@dataclasses.dataclass
class Outer:
    inner: Inner
    table: dict[str, list[int]]
    pair: tuple[str, int | None]
    tags: frozenset[str] | None
    extra: Any
    items: list[Inner] = dataclasses.field(default_factory=list)


def test_a_later_dataclass_with_other_supported_field_types_needs_no_codec_change() -> None:
    codec = Codec(Outer)
    value = Outer(Inner("x"), {"a": [1, 2]}, ("b", None), frozenset({"t", "u"}),
                  {"k": [1, "two", None, True]}, [Inner("y", 2.0)])
    assert codec.decode(through_json(codec.encode(value))) == value


def test_findings_with_a_fix_survive_a_round_trip_for_the_later_result_cache() -> None:
    codec = Codec(Finding)
    fix = {"applicability": "safe", "message": "await it",
           "edits": [{"content": "await ", "location": {"row": 3, "column": 5},
                      "end_location": {"row": 3, "column": 5}}]}
    finding = Finding("app.py", 3, 5, 3, 9, "AL301", "unawaited-coroutine", "m", "s", "f", None, fix)
    assert codec.decode(through_json(codec.encode(finding))) == finding


def test_a_field_type_outside_the_supported_list_fails_when_the_codec_is_built() -> None:
    @dataclasses.dataclass
    class Raw:
        payload: bytes

    with pytest.raises(TypeError, match="cannot encode"):
        Codec(Raw)


# -- decoding refuses every other shape ----------------------------------------------------------
NAME = ["Name", "time.sleep"]
WRONG_SHAPES = {
    "unknown tag": ["Nope", "time.sleep"],
    "tag that is not a string": [["Name"], "time.sleep"],
    "no tag": [],
    "field missing": ["Call", NAME, []],
    "field too many": ["Name", "time.sleep", "x"],
    "int where a str goes": ["Name", 3],
    "int where a bool goes": ["Item", NAME, 1],
    "float in keywords": ["Call", NAME, [["timeout", 1.5]], None],
    "int past 64 bits in keywords": ["Call", NAME, [["n", 2**63]], None],
    "keyword pair of three": ["Call", NAME, [["a", 1, 2]], None],
    "object where a list goes": ["Call", NAME, {"a": 1}, None],
    "list where an object goes": ["Attr", NAME, ["name"]],
    "a plain object": {"value": "x"},
}


@pytest.mark.parametrize("data", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_a_ref_of_the_wrong_shape_is_a_codec_error(data: object) -> None:
    codec = Codec(Binding, names=_HINTS)
    with pytest.raises(CodecError):
        codec.decode(["x", data])


def test_a_summary_of_the_wrong_shape_is_a_codec_error() -> None:
    good = SUMMARIES.encode(ModuleSummary("app", units=[]))
    assert SUMMARIES.decode(good) == ModuleSummary("app")
    unit = ModuleSummary("app", units=[Unit(1, 2, "f", None)])
    bool_line = SUMMARIES.encode(unit)
    bool_line[3][0][0] = True  # a bool where the unit's start line goes
    for broken in (good[:-1], [*good, None], [7, *good[1:]], None, "app", {"module": "app"}, bool_line):
        with pytest.raises(CodecError):
            SUMMARIES.decode(broken)


def test_nesting_past_the_limit_is_refused_both_ways_without_a_recursion_error() -> None:
    ref: Ref = Name("a")
    for _ in range(MAX_DEPTH + 5):
        ref = Attr(ref, "b")
    codec = Codec(Binding, names=_HINTS)
    with pytest.raises(CodecError):
        codec.encode(Binding(value=ref))
    data: object = ["Name", "a"]
    for _ in range(MAX_DEPTH + 5):
        data = ["Attr", data, "b"]
    with pytest.raises(CodecError):
        codec.decode([None, data])
    deep = b"[" * 100_000 + b"]" * 100_000
    assert decode_entry("key", deep) is None


def test_encoding_refuses_values_the_hints_do_not_allow() -> None:
    codec = Codec(Binding, names=_HINTS)
    for value in (
        Binding(value=Call(Name("f"), (("data", b"bytes"),))),  # type: ignore[arg-type]
        Binding(value=Call(Name("f"), (("ratio", 0.5),))),
        Binding(value=Call(Name("f"), [("a", 1)])),  # type: ignore[arg-type]
        Binding(qualified=3),  # type: ignore[arg-type]
        Binding(value="time.sleep"),  # type: ignore[arg-type]
    ):
        with pytest.raises(CodecError):
            codec.encode(value)


# -- what summaries keep of constant keyword arguments --------------------------------------------
CONSTANTS = 'make(a=b"x", b=1.5, c=1j, d=..., e=100000000000000000000000, f="s", g=True, h=None, i=3)'
KEPT = (("a", OTHER_CONSTANT), ("b", OTHER_CONSTANT), ("c", OTHER_CONSTANT), ("d", OTHER_CONSTANT),
        ("e", OTHER_CONSTANT), ("f", "s"), ("g", True), ("h", None), ("i", 3))


def test_both_parsers_keep_only_json_safe_keyword_constants() -> None:
    scopes = ScopeStack({"make": Binding(qualified="lib.make")})
    from_ast = AstRefs(scopes).ref(ast.parse(CONSTANTS, mode="eval").body)
    from_cst = CstRefs(scopes).ref(cst.parse_expression(CONSTANTS))
    assert isinstance(from_ast, Call) and isinstance(from_cst, Call)
    assert from_ast.keywords == from_cst.keywords == KEPT


@pytest.mark.parametrize("value", ["0.0", "b''", "1j", "100000000000000000000000"])
def test_expire_on_commit_given_as_an_unusual_constant_stays_unknown(value: str) -> None:
    scopes = ScopeStack({"sessionmaker": Binding(qualified="sqlalchemy.orm.sessionmaker")})
    call = AstRefs(scopes).ref(ast.parse(f"sessionmaker(expire_on_commit={value})", mode="eval").body)
    assert isinstance(call, Call)
    made = kinds.constructed("sqlalchemy.orm.sessionmaker", dict(call.keywords))
    assert made is not None and made.expires_on_commit is None
