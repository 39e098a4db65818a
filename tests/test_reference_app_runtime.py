"""Runtime tests for examples/reference_app: CRUD behaviour and loop-stall probes.

Each test gets a fresh SQLite database in its own temporary directory. The app is
driven in-process through ``httpx.ASGITransport``; since that transport does not run
the ASGI lifespan, the fixture enters ``app.router.lifespan_context`` itself (which
creates the tables and disposes the engine afterwards).

Uses anyio's pytest plugin (ships with anyio), not pytest-asyncio.
Run with ``python -m pytest tests/test_reference_app_runtime.py -q`` (add ``-s`` to
see the probe figures).
"""

import gc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from loop_probe import (
    OVERLAP_LIMIT,
    OVERLAP_LIMIT_CPU_BOUND,
    assert_overlaps_and_keeps_loop_free,
    probe,
)
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker

from examples.reference_app import database
from examples.reference_app.main import app

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    database.configure(database.sqlite_url(tmp_path / "items.db"))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test"
            ) as ac:
                yield ac
    finally:
        # Back to the default (env var / ./items.db); creating an engine does not
        # touch the filesystem.
        database.configure(database.default_database_url())


async def create(client: httpx.AsyncClient, name: str, price: float) -> dict:
    response = await client.post("/items", json={"name": name, "price": price})
    assert response.status_code == 201, response.text
    return response.json()


# ------------------------------------------------------------------------------ CRUD


async def test_crud_round_trip(client: httpx.AsyncClient) -> None:
    created = await create(client, "widget", 9.5)
    assert created == {"id": created["id"], "name": "widget", "price": 9.5}
    item_id = created["id"]

    response = await client.get(f"/items/{item_id}")
    assert response.status_code == 200
    assert response.json() == created

    response = await client.get("/items")
    assert response.status_code == 200
    assert response.json() == [created]

    response = await client.patch(
        f"/items/{item_id}", json={"name": "gadget", "price": 12.25}
    )
    assert response.status_code == 200
    updated = {"id": item_id, "name": "gadget", "price": 12.25}
    assert response.json() == updated
    assert (await client.get(f"/items/{item_id}")).json() == updated

    response = await client.delete(f"/items/{item_id}")
    assert response.status_code == 204
    assert response.content == b""

    assert (await client.get("/items")).json() == []


@pytest.mark.filterwarnings("ignore:coroutine 'Connection.cursor' was never awaited:RuntimeWarning")
async def test_create_reads_the_committed_item_because_the_factory_does_not_expire_it(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`POST /items` validates the item right after `await session.commit()`: correct because
    the factory has `expire_on_commit=False`. With SQLAlchemy's default the same endpoint reads
    expired attributes, a reload on the event loop (MissingGreenlet, inside a ValidationError)."""
    assert database.async_session_factory.kw["expire_on_commit"] is False
    assert (await create(client, "kept", 1.0))["name"] == "kept"
    monkeypatch.setattr(database, "async_session_factory", async_sessionmaker(database.engine))
    with pytest.raises(ValidationError, match="MissingGreenlet"):
        await client.post("/items", json={"name": "expired", "price": 1.0})
    gc.collect()  # the failed load's leftover driver coroutine, under this test's filter


async def test_uses_fresh_temp_database(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    # The fixture's temp file is in use (not ./items.db), and starts empty.
    assert database.engine.url.database == str(tmp_path / "items.db")
    assert (tmp_path / "items.db").is_file()
    assert (await client.get("/items")).json() == []


async def test_list_is_ordered_by_id(client: httpx.AsyncClient) -> None:
    names = ["charlie", "alpha", "bravo", "delta"]
    created = [await create(client, name, float(i)) for i, name in enumerate(names)]
    ids = [item["id"] for item in created]
    assert ids == sorted(ids)

    # Updating an item does not move it.
    await client.patch(f"/items/{ids[0]}", json={"name": "zulu"})
    await client.delete(f"/items/{ids[2]}")

    listed = (await client.get("/items")).json()
    assert [item["id"] for item in listed] == [ids[0], ids[1], ids[3]]
    assert [item["name"] for item in listed] == ["zulu", "alpha", "delta"]


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {}),
        ("PATCH", {"json": {"name": "x"}}),
        ("DELETE", {}),
    ],
)
async def test_missing_item_is_404(
    client: httpx.AsyncClient, method: str, kwargs: dict
) -> None:
    await create(client, "present", 1.0)
    response = await client.request(method, "/items/42", **kwargs)
    assert response.status_code == 404
    assert response.json() == {"detail": "Item 42 not found"}


async def test_delete_then_get_is_404(client: httpx.AsyncClient) -> None:
    item_id = (await create(client, "short-lived", 1.0))["id"]
    assert (await client.delete(f"/items/{item_id}")).status_code == 204

    response = await client.get(f"/items/{item_id}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Item {item_id} not found"}
    # A second delete is a 404 too.
    assert (await client.delete(f"/items/{item_id}")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "price": "abc"},
        {"price": 1.0},
        {"name": "x"},
        {"name": "x", "price": -1},
        {"name": None, "price": 1.0},
        {},
    ],
    ids=[
        "price-abc",
        "missing-name",
        "missing-price",
        "negative-price",
        "null-name",
        "empty",
    ],
)
async def test_create_invalid_payload_is_422(
    client: httpx.AsyncClient, body: dict
) -> None:
    response = await client.post("/items", json=body)
    assert response.status_code == 422, response.text
    assert (await client.get("/items")).json() == []


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/items", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [{"price": "abc"}, {"price": -0.5}, {"name": 123}],
    ids=["price-abc", "negative-price", "name-not-str"],
)
async def test_patch_invalid_payload_is_422(
    client: httpx.AsyncClient, body: dict
) -> None:
    created = await create(client, "stable", 3.0)
    response = await client.patch(f"/items/{created['id']}", json=body)
    assert response.status_code == 422, response.text
    assert (await client.get(f"/items/{created['id']}")).json() == created


async def test_non_integer_id_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/items/abc")
    assert response.status_code == 422


async def test_patch_price_zero_applies(client: httpx.AsyncClient) -> None:
    created = await create(client, "freebie", 5.0)
    response = await client.patch(f"/items/{created['id']}", json={"price": 0})
    assert response.status_code == 200
    assert response.json() == {**created, "price": 0.0}
    assert (await client.get(f"/items/{created['id']}")).json()["price"] == 0.0


async def test_patch_empty_name_applies(client: httpx.AsyncClient) -> None:
    created = await create(client, "named", 5.0)
    response = await client.patch(f"/items/{created['id']}", json={"name": ""})
    assert response.status_code == 200
    assert response.json() == {**created, "name": ""}
    assert (await client.get(f"/items/{created['id']}")).json()["name"] == ""


@pytest.mark.parametrize(
    "body", [{}, {"name": None, "price": None}], ids=["empty", "nulls"]
)
async def test_patch_without_values_changes_nothing(
    client: httpx.AsyncClient, body: dict
) -> None:
    created = await create(client, "unchanged", 7.0)
    response = await client.patch(f"/items/{created['id']}", json=body)
    assert response.status_code == 200
    assert response.json() == created
    assert (await client.get(f"/items/{created['id']}")).json() == created


async def test_patch_one_field_keeps_the_other(client: httpx.AsyncClient) -> None:
    created = await create(client, "half", 2.0)
    await client.patch(f"/items/{created['id']}", json={"name": "renamed"})
    await client.patch(f"/items/{created['id']}", json={"price": 4.5})
    assert (await client.get(f"/items/{created['id']}")).json() == {
        "id": created["id"],
        "name": "renamed",
        "price": 4.5,
    }


# ------------------------------------------------------------- slow-work endpoints


async def test_slow_endpoints_respond(client: httpx.AsyncClient) -> None:
    assert (await client.get("/sleep?seconds=0")).json() == {"slept": 0.0}
    assert (await client.get("/bridge?seconds=0")).json() == {
        "report": "ready",
        "seconds": 0.0,
    }
    file_json = (await client.get("/file")).json()
    assert file_json["path"] == "report.txt"
    assert "asynclint reference app" in file_json["content"]
    assert (await client.get("/subprocess?seconds=0")).json() == {
        "returncode": 0,
        "seconds": 0.0,
    }
    assert (await client.get("/sleep?seconds=-1")).status_code == 422
    assert (await client.get("/bridge?seconds=60")).status_code == 422


# ------------------------------------------------------------------- loop-stall probe

N = 5
REQUEST_SECONDS = 0.2

# The verdicts compare the N concurrent requests with the same endpoint's single
# request and count heartbeats against the elapsed time, all in the same run (see
# tests/loop_probe.py), so a busy machine slows both sides instead of failing the
# test. A blocking endpoint runs the N requests back to back (overlap ratio >= N)
# and starves the heartbeat.
PROBE_CASES = [
    # (path, overlap limit as a share of N)
    (f"/sleep?seconds={REQUEST_SECONDS}", OVERLAP_LIMIT),
    (f"/bridge?seconds={REQUEST_SECONDS}", OVERLAP_LIMIT),
    # Each request also starts a Python interpreter (~20-50 ms of CPU, more when
    # the machine is busy): off the loop, but 5 of them compete for 2 cores, so
    # they overlap less.
    (f"/subprocess?seconds={REQUEST_SECONDS}", OVERLAP_LIMIT_CPU_BOUND),
]


@pytest.mark.parametrize(
    ("path", "overlap_limit"),
    PROBE_CASES,
    ids=[case[0].split("?")[0].lstrip("/") for case in PROBE_CASES],
)
async def test_reference_endpoint_does_not_stall_loop(
    client: httpx.AsyncClient, path: str, overlap_limit: float
) -> None:
    result = await probe(client, path, n=N)
    print(f"\n[probe] reference {result.summary()}")

    assert result.status_codes == (200,) * N
    assert_overlaps_and_keeps_loop_free(result, overlap_limit)


async def test_reference_file_reads_answer_concurrently(
    client: httpx.AsyncClient,
) -> None:
    """Only the figures: the report file is tiny, so even a blocking read would
    take microseconds, too short to stall the loop measurably (see the twin's
    `/file` test)."""
    result = await probe(client, "/file", n=N)
    print(f"\n[probe] reference {result.summary()}")
    assert result.status_codes == (200,) * N
