"""How catalogued blocking calls are reported: awaited ones, file objects, both passes alike."""

from __future__ import annotations

from asynclint.engine import CheckOptions, check_source


def findings(text: str) -> list[tuple[int, str, str]]:
    result = check_source(text, "example.py", CheckOptions())
    assert result.errors == []
    return [(finding.line, finding.code, finding.message) for finding in result.findings]


def test_awaited_blocking_call_is_reported_once_saying_await_raises_type_error() -> None:
    found = findings(
        "import requests\nasync def f(url, p):\n    await requests.get(url)\n    return await open(p)\n"
    )
    assert [(line, code) for line, code, _ in found] == [(3, "AL102"), (4, "AL103")]
    for _, _, message in found:
        assert "blocks the event loop in async function f" in message
        assert "not awaitable" in message and "TypeError" in message


def test_blocking_call_that_is_not_awaited_does_not_mention_await() -> None:
    [(_, _, message)] = findings("import requests\nasync def f(url):\n    requests.get(url)\n")
    assert message == "requests.get() blocks the event loop in async function f"


def test_file_method_is_named_by_method_on_a_sync_file_whatever_the_mode() -> None:
    [(_, code, message)] = findings("import io\nasync def f(fh: io.BufferedReader):\n    fh.read(10)\n")
    assert (code, message) == ("AL103", "read() on a sync file blocks the event loop in async function f")


def test_reads_of_a_file_opened_and_reported_in_the_same_function_are_not_reported_again() -> None:
    found = findings(
        "async def f(p):\n    fh = open(p)\n    alias = fh\n    alias.read()\n    fh.close()\n"
    )
    assert [(line, code) for line, code, _ in found] == [(2, "AL103")]


def test_reads_of_a_file_opened_in_an_enclosing_sync_function_are_reported() -> None:
    found = findings(
        "def outer(p):\n    fh = open(p)\n    async def inner():\n        return fh.read()\n    return inner\n"
    )
    assert [(line, code) for line, code, _ in found] == [(4, "AL103")]


def test_open_written_with_a_noqa_also_quiets_the_reads_of_its_file() -> None:
    found = findings("async def f(p):\n    with open(p) as fh:  # noqa: AL103\n        return fh.read()\n")
    assert found == []


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


def test_blocking_chain_names_the_open_rather_than_the_read_chained_to_it() -> None:
    [(_, code, message)] = findings(
        "def load(p):\n    return open(p).read().strip()\nasync def f(p):\n    return load(p)\n"
    )
    assert code == "AL110"
    assert message.endswith("load() → open() (example.py:2)")
