"""Fixes: every rule's FIXED examples, the edit model, applying edits in rounds."""

from __future__ import annotations

import json
import pickle

import pytest
from fixing import findings as _findings
from fixing import fixed as _fix

from asynclint.findings import Finding
from asynclint.fixes import files
from asynclint.fixes.apply import apply_fixes, parses
from asynclint.fixes.model import Edit, Fix
from asynclint.fixes.run import applicable, fix_source
from asynclint.index.codec import Codec
from asynclint.rules import ALL_RULES
from asynclint.rules.orm_examples import ASYNC_SETUP

FIXED = [
    pytest.param(rule, before, after, id=f"{rule.code}-fixed-{index}")
    for rule in ALL_RULES
    for index, (before, after) in enumerate(rule.FIXED)
]


@pytest.mark.parametrize(("rule", "before", "after"), FIXED)
def test_fixed_example_becomes_the_expected_source(rule, before, after):
    assert any(finding.code == rule.code for finding in _findings(before))
    assert _fix(before) == after


@pytest.mark.parametrize(("rule", "before", "after"), FIXED)
def test_fixed_example_parses_and_has_no_new_finding(rule, before, after):
    fixed = _fix(before)
    assert parses(fixed)
    left = _findings(fixed)
    # only the findings no fix applies to are left, and nothing new appears
    assert applicable(left, unsafe=True) == []
    assert {f.code for f in left} <= {f.code for f in _findings(before)}
    assert _fix(fixed) == fixed  # a second run changes nothing


def test_every_rule_with_a_fix_of_its_own_has_fixed_examples():
    from asynclint.checks.blocking_calls import OFFLOADED

    with_fix = OFFLOADED | {"AL101", "AL201", "AL202", "AL203", "AL204", "AL205", "AL301"}
    assert sorted(rule.code for rule in ALL_RULES if rule.code in with_fix and not rule.FIXED) == []


@pytest.mark.parametrize("rule", [rule for rule in ALL_RULES if rule.FIXED], ids=lambda r: r.code)
def test_every_fixable_rule_documents_its_fix_safety(rule):
    assert "## Fix safety" in rule.explain()


def test_await_on_plain_method_fix_is_safe_and_sleep_fix_unsafe():
    text = ASYNC_SETUP + "import time\nasync def f(s: AsyncSession, x):\n    time.sleep(1)\n    await s.add(x)\n"
    fixes = {f.code: Fix.from_json(f.fix).applicability for f in _findings(text)}
    assert fixes == {"AL101": "unsafe", "AL203": "safe"}
    assert "asyncio.sleep" not in _fix(text, unsafe=False)
    assert "    s.add(x)\n" in _fix(text, unsafe=False)


def test_sleep_in_nested_def_or_lambda_gets_no_fix():
    text = (
        "import time\nasync def f():\n    def g():\n        time.sleep(1)\n"
        "    h = lambda: time.sleep(1)\n    return g, h\n"
    )
    assert [f for f in _findings(text) if f.fix] == []


def test_sleep_fix_is_not_offered_where_asyncio_names_something_else():
    text = "import time\nasync def f(asyncio):\n    time.sleep(1)\n"
    assert [f.fix for f in _findings(text)] == [None]


def test_sleep_fix_imports_asyncio_once_for_several_sleeps():
    text = "import time\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\nasync def g():\n    time.sleep(3)\n"
    fixed = _fix(text)
    assert fixed.count("import asyncio") == 1
    assert fixed.count("await asyncio.sleep(") == 3


def test_sleep_fix_after_a_module_without_imports_goes_before_the_first_statement():
    text = "# -*- coding: utf-8 -*-\n# comment\n\nasync def f():\n    import time\n    time.sleep(1)\n"
    assert _fix(text) == (
        "# -*- coding: utf-8 -*-\n# comment\n\nimport asyncio\nasync def f():\n"
        "    import time\n    await asyncio.sleep(1)\n"
    )


def test_sleep_fix_keeps_tabs_and_form_feeds_of_indentation():
    text = "import time\nclass C:\n\tasync def f(self):\n\t\ttime.sleep(1)  # nap\n"
    assert _fix(text) == "import time\nimport asyncio\nclass C:\n\tasync def f(self):\n\t\tawait asyncio.sleep(1)  # nap\n"


def test_fix_positions_count_characters_not_bytes():
    text = ASYNC_SETUP + "async def f(s: AsyncSession, x):\n    y = 'é✓'; await s.add(x)\n"
    assert _fix(text).endswith("    y = 'é✓'; s.add(x)\n")


def test_fix_survives_pickle_and_the_result_cache_codec():
    finding = next(f for f in _findings("import time\nasync def f():\n    time.sleep(1)\n"))
    assert finding.fix is not None
    assert pickle.loads(pickle.dumps(finding)) == finding
    codec = Codec(Finding)
    assert codec.decode(json.loads(json.dumps(codec.encode(finding)))) == finding
    assert Fix.from_json(finding.fix).to_json() == finding.fix


def test_overlapping_fixes_wait_for_the_next_round():
    first = Fix("safe", "a", (Edit(1, 1, 1, 4, "X"),))
    second = Fix("safe", "b", (Edit(1, 2, 1, 3, "Y"),))
    third = Fix("safe", "c", (Edit(1, 5, 1, 6, "Z"),))
    result = apply_fixes("abcdef\n", [second, first, third])
    assert result.text == "XdZf\n"
    assert result.applied == [first, third]
    assert result.deferred == [second]


def test_identical_edits_of_two_fixes_are_applied_once():
    shared = Edit(1, 1, 1, 1, "import asyncio\n")
    one = Fix("unsafe", "a", (shared, Edit(2, 1, 2, 2, "A")))
    two = Fix("unsafe", "b", (shared, Edit(3, 1, 3, 2, "B")))
    assert apply_fixes("x\ny\nz\n", [one, two]).text == "import asyncio\nx\nA\nB\n"


def test_two_insertions_at_one_point_are_not_ordered_by_guess():
    one = Fix("safe", "a", (Edit(1, 1, 1, 1, "A"),))
    two = Fix("safe", "b", (Edit(1, 1, 1, 1, "B"),))
    result = apply_fixes("x\n", [one, two])
    assert result.text == "Ax\n" and result.deferred == [two]


def test_deferred_fixes_are_applied_in_a_later_round():
    text = "x = 1\n"
    calls = []

    def finding(fix: Fix) -> Finding:
        return Finding("m.py", 1, 1, 1, 2, "AL203", "n", "m", "s", fix=fix.to_json())

    def relint(path: str, new: str) -> list[Finding]:
        calls.append(new)
        return [finding(Fix("safe", "b", (Edit(1, 5, 1, 6, "3"),)))] if new == "y = 1\n" else []

    first = finding(Fix("safe", "a", (Edit(1, 1, 1, 2, "y"),)))
    overlapping = finding(Fix("safe", "c", (Edit(1, 1, 1, 6, "z = 2"),)))
    original = files.from_bytes("m.py", text.encode())
    fixed = fix_source(original, [first, overlapping], unsafe=False, relint=relint)
    assert fixed.text == "y = 3\n"
    assert sum(fixed.fixed.values()) == 2
    # every round is linted again; the last lint finds nothing to apply, and the rounds stop
    assert calls == ["y = 1\n", "y = 3\n"]


def test_a_fix_that_would_not_parse_leaves_the_text_and_says_why():
    broken = Finding("m.py", 1, 1, 1, 2, "AL203", "n", "m", "s",
                     fix=Fix("safe", "a", (Edit(1, 1, 1, 2, "("),)).to_json())
    original = files.from_bytes("m.py", b"x = 1\n")
    with pytest.raises(files.FixFileError, match="would not parse"):
        fix_source(original, [broken], unsafe=False, relint=lambda path, text: [])


@pytest.mark.parametrize(
    "data",
    [
        b"x = 1\r\ny = 2\r\n",
        b"x = 1\ry = 2\r",
        "\ufeffx = 'é'\n".encode("utf-8-sig"),
        "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
    ],
    ids=["crlf", "cr", "bom", "latin-1-cookie"],
)
def test_source_files_encode_back_byte_for_byte(data):
    original = files.from_bytes("m.py", data)
    assert original.encode(original.text) == data


def test_a_file_whose_text_does_not_encode_back_is_not_fixed():
    # `# coding: latin-1` with a UTF-8 BOM is refused by Python itself; a file that decodes
    # but would re-encode differently must not be rewritten either
    with pytest.raises(files.FixFileError):
        files.from_bytes("m.py", b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")


# -- the missing-`await` fix (AL202, AL301) ----------------------------------------------------


def _fixes_of(text: str, code: str) -> list:
    return [f.fix for f in _findings(text) if f.code == code]


@pytest.mark.parametrize(
    ("rule", "snippet"),
    [(rule, snippet) for rule in ALL_RULES if rule.code in ("AL202", "AL301") for snippet in rule.INVALID
     if "def later():" in snippet or " for _ in " in snippet],
)
def test_missing_await_has_no_fix_where_await_is_not_legal(rule, snippet):
    found = _fixes_of(snippet, rule.code)
    assert found and found == [None] * len(found)


def test_missing_await_fix_is_unsafe():
    text = ASYNC_SETUP + "async def f(s: AsyncSession):\n    s.commit()\n"
    [fix] = _fixes_of(text, "AL202")
    assert Fix.from_json(fix).applicability == "unsafe"
    assert _fix(text, unsafe=False) == text


@pytest.mark.parametrize(
    "body",
    [
        "    g = (s.scalars(select(1)).all() for _ in range(2))\n    return g\n",  # comprehension
        "    h = lambda: s.scalars(select(1)).all()\n    return h\n",  # lambda
        "    class C:\n        rows = s.scalars(select(1)).all()\n    return C\n",  # class body
        "    def g(rows=s.scalars(select(1)).all()):\n        return rows\n    return g\n",  # default
        "    return await s.scalars(select(1)).first().id\n",  # a longer chain under `await`
        "    return (await  # why?\n        s.scalars(select(1)).all())\n",  # comment after `await`
    ],
)
def test_missing_await_fix_is_not_offered_where_it_would_guess(body):
    text = ASYNC_SETUP + "async def f(s: AsyncSession):\n" + body
    found = _fixes_of(text, "AL202")
    assert found and found == [None] * len(found)


def test_missing_await_fix_leaves_the_coroutine_objects_own_attributes():
    text = "async def work():\n    pass\nasync def f():\n    work().close()\n    work()\n"
    assert [fix is None for fix in _fixes_of(text, "AL301")] == [True, False]
    assert _fix(text).endswith("    work().close()\n    await work()\n")
