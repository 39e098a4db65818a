"""Tables of the twin: the reference app's ``Item``, and orders with lines (a relationship).

``Item`` is reused from the reference app (same rows, same schema). ``Order``/``OrderLine`` exist
only in the twin: they give it a relationship with SQLAlchemy's default loader strategy
(``lazy="select"``, a query on first attribute access), which the ``/orders`` endpoints misuse
(AL204) or load eagerly (the near miss). They have their own declarative base, so that the
reference app's metadata stays exactly the reference app's tables; the twin's lifespan creates
both.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from examples.reference_app.models import Base, Item


class OrderBase(DeclarativeBase):
    pass


class Order(OrderBase):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer: Mapped[str]
    status: Mapped[str] = mapped_column(default="open")
    # Default loader strategy: lazy="select". Under asyncio, reading `order.lines` on an
    # instance whose lines were not loaded eagerly raises MissingGreenlet.
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan"
    )


class OrderLine(OrderBase):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    sku: Mapped[str]
    quantity: Mapped[int]
    order: Mapped[Order] = relationship(back_populates="lines")


__all__ = ["Base", "Item", "Order", "OrderBase", "OrderLine"]
