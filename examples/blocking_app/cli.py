"""Interactive seeding for the twin: ``python -m examples.blocking_app.cli``.

The coroutine reads the terminal with ``input()`` on the event loop (AL107). In a one-shot CLI
nothing else is waiting on the loop, so it "works" here; the same helper called from a server
would freeze it until someone types. ``main`` is the sync entry point, where ``asyncio.run``
belongs (not AL108).
"""

import asyncio

from examples.reference_app.schemas import ItemCreateRequest

from . import database
from .models import Base, Item


async def prompt_item() -> ItemCreateRequest:
    name = input("name? ")  # expect: AL107
    price = input("price? ")  # expect: AL107
    return ItemCreateRequest(name=name, price=float(price))


async def seed_from_prompt() -> Item:
    payload = await prompt_item()
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with database.async_session_factory() as session:
        item = Item(name=payload.name, price=payload.price)
        session.add(item)
        await session.commit()
    await database.engine.dispose()
    return item


def main() -> None:
    item = asyncio.run(seed_from_prompt())
    print(f"created {item!r}")


if __name__ == "__main__":
    main()
