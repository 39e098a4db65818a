"""Pydantic v2 schemas of the twin's ``/orders`` endpoints (``/items`` uses the reference's)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class OrderLineRequest(BaseModel):
    sku: str
    quantity: Annotated[int, Field(gt=0)]


class OrderCreateRequest(BaseModel):
    customer: str
    lines: list[OrderLineRequest]


class OrderLineResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sku: str
    quantity: int


class OrderResponse(BaseModel):
    id: int
    customer: str
    status: str
    lines: list[OrderLineResponse]
