"""Everything the planner needs about one order, gathered in as few reads as the keys allow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class OrderBundle(BaseModel):
    """The raw order item plus the records it points at (raw, so parsing errors stay per order).

    `products` and `seller_addresses` are keyed by product id and address id. A key that is
    absent means the record does not exist in the table; planning then falls back to defaults
    (products) or the default pickup location (seller addresses).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    order: Mapping[str, Any]
    address: Mapping[str, Any] | None = None
    customer: Mapping[str, Any] | None = None
    products: dict[str, Mapping[str, Any]] = Field(default_factory=dict)
    seller_addresses: dict[str, Mapping[str, Any]] = Field(default_factory=dict)
    sellers: dict[str, Mapping[str, Any]] = Field(default_factory=dict)

    @property
    def order_id(self) -> str:
        raw = self.order.get("orderId")
        return str(raw) if raw is not None else "<unknown>"
