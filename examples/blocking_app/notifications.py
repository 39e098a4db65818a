"""Project coroutines of the twin: side effects that endpoints fire after an order changes.

They stand in for an e-mail or webhook client; here each one only appends to :data:`SENT`, an
in-process outbox, so that the tests can see whether it ran. Both are ``async def``: calling one
without ``await`` only creates a coroutine object and the message is never sent (AL301, in
``POST /orders/{id}/ship``); ``asyncio.create_task`` with the task dropped runs it in the
background with nothing keeping the task alive (AL302, in ``POST /orders/{id}/receipt``).

:func:`order_events` is an async generator, not a coroutine function: ``await
order_events(...)`` raises ``TypeError`` (AL303, in ``GET /orders/{id}/events``); iterating it
with ``async for`` is right (``GET /orders/{id}/events/collected``).
"""

import asyncio
from collections.abc import AsyncIterator

# (kind, order id) of every message sent, in order. Per process, not per database.
SENT: list[tuple[str, int]] = []


async def notify_warehouse(order_id: int) -> None:
    """Tell the warehouse that order ``order_id`` is ready to ship."""
    await asyncio.sleep(0)  # the network round trip of a real client
    SENT.append(("warehouse", order_id))


async def send_receipt(order_id: int) -> None:
    """E-mail the customer a receipt for order ``order_id``."""
    await asyncio.sleep(0.01)
    SENT.append(("receipt", order_id))


async def order_events(order_id: int) -> AsyncIterator[str]:
    """The events of order ``order_id`` as they arrive (think: a message-bus subscription)."""
    for event in ("placed", "paid"):
        await asyncio.sleep(0)  # waiting for the next message
        yield f"order {order_id} {event}"
