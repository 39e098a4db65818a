"""How catalogued blocking calls are reported: awaited ones, file objects, both passes alike."""

from __future__ import annotations

from asynclint.engine import CheckOptions, check_source


def findings(text: str) -> list[tuple[int, str, str]]:
    result = check_source(text, "example.py", CheckOptions())
    assert result.errors == []
    return [(finding.line, finding.code, finding.message) for finding in result.findings]


def test_sync_helper_reading_a_file_opened_by_tuple_assignment_is_a_transitive_block() -> None:
    found = findings(
        "from pathlib import Path\ndef load():\n    a, b = Path('a'), Path('b')\n    return b.read_text()\n"
        "async def f():\n    return load()\n"
    )
    assert [(line, code) for line, code, _ in found] == [(6, "AL110")]


def test_module_level_tuple_assignment_gives_each_name_its_own_kind() -> None:
    found = findings(
        "import httpx\nclient, retries = httpx.Client(), 3\nasync def f(url):\n    return client.get(url)\n"
    )
    assert [(line, code) for line, code, _ in found] == [(4, "AL102")]


def test_a_union_with_two_types_that_are_not_none_is_unknown_in_both_passes() -> None:
    found = findings(
        "import httpx\ndef fetch(client: httpx.Client | int, url):\n    return client.get(url)\n"
        "async def f(client: 'httpx.Client | int', url):\n    fetch(client, url)\n"
        "    return client.get(url)\n"
    )
    assert found == []


def test_a_union_of_one_type_and_none_names_that_type_in_both_passes() -> None:
    found = findings(
        "import typing, httpx\ndef fetch(client: typing.Union[None, httpx.Client], url):\n"
        "    return client.get(url)\n"
        "async def f(client: 'None | httpx.Client | None', url):\n    fetch(client, url)\n"
        "    return client.get(url)\n"
    )
    assert [(line, code) for line, code, _ in found] == [(5, "AL110"), (6, "AL102")]
