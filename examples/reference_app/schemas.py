"""Pydantic v2 request/response schemas for the reference app."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Non-negative, finite price.
Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class ItemCreateRequest(BaseModel):
    name: str
    price: Price


class ItemUpdateRequest(BaseModel):
    """Partial update: a field left out (or sent as null) is not changed."""

    name: str | None = None
    price: Price | None = None


class ItemResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    price: float
