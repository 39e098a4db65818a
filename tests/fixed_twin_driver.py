"""Serve a fixed copy of the misuse twin and report, as JSON on stdout, what it does.

Run by tests/test_fixed_twin.py in a child process whose `PYTHONPATH` puts the copy's
`examples` package first: the copy and the repository's twin are both `examples.blocking_app`,
and only a process of its own can import the copy under that name. Prints one JSON object:
`probes` (loop-stall probe per path: the fields of loop_probe.ProbeResult), `served` (method,
path, status of each request of the misuse table) and what the fixed endpoints stored.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path

import httpx
from loop_probe import probe

from examples.blocking_app import database, notifications
from examples.blocking_app.main import app

PROBED = ("/sleep?seconds=0.2", "/subprocess?seconds=0.2", "/helper?seconds=0.2", "/sync-session?seconds=0.2")
ORDER = {"customer": "ann", "lines": [{"sku": "pen", "quantity": 2}, {"sku": "ink", "quantity": 1}]}
# the twin's misuse endpoints (tests/test_blocking_app_runtime.py's AS_SERVED), `{order}` an order id
REQUESTS = (
    ("POST", "/items/import", [{"name": "b", "price": 2.0}]),
    ("GET", "/items/names", None),
    ("POST", "/items/1/copy", None),
    ("GET", "/orders/{order}", None),
    ("POST", "/orders/{order}/cancel", None),
    ("POST", "/orders/{order}/reopen", None),
    ("POST", "/items/expiring", {"name": "c", "price": 3.0}),
    ("POST", "/orders/{order}/ship", None),
    ("POST", "/orders/{order}/receipt", None),
    ("GET", "/orders/{order}/events", None),
)


async def main(db_path: Path) -> dict[str, object]:
    database.configure(db_path)
    async with app.router.lifespan_context(app):
        raising = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
        served = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://test"
        )
        async with raising, served:
            probes = [dataclasses.asdict(await probe(raising, path, n=5)) for path in PROBED]
            await raising.post("/items", json={"name": "a", "price": 1.0})
            order = (await raising.post("/orders", json=ORDER)).json()["id"]
            statuses = []
            for method, path, body in REQUESTS:
                response = await served.request(method, path.format(order=order), json=body)
                statuses.append((method, path, response.status_code))
            await asyncio.sleep(0.1)  # the tasks the endpoints started (receipt, notification)
            items = (await raising.get("/items")).json()
    return {
        "probes": probes,
        "served": statuses,
        "item_names": [item["name"] for item in items],
        "sent": [list(message) for message in notifications.SENT],
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(Path(sys.argv[1])))))
