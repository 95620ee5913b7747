"""Why a record cannot be shipped, in a form both machines and people can read.

Every rejection names the order, the field and a stable reason code (`missing_pincode`,
`invalid_phone`, `no_items`, ...) plus a sentence for the person who has to fix the record.
Codes are the contract with the escalation rules and the analysts' views, so they are an enum.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class ReasonCode(StrEnum):
    """Stable, machine-readable reasons an order is parked."""

    MISSING_FIELD = "missing_field"
    INVALID_TYPE = "invalid_type"
    INVALID_VALUE = "invalid_value"
    NO_ITEMS = "no_items"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_PRICE = "invalid_price"
    INVALID_AMOUNT = "invalid_amount"
    UNKNOWN_PAYMENT_METHOD = "unknown_payment_method"
    MISSING_ADDRESS = "missing_address"
    ADDRESS_NOT_FOUND = "address_not_found"
    MISSING_PINCODE = "missing_pincode"
    INVALID_PINCODE = "invalid_pincode"
    UNKNOWN_PINCODE = "unknown_pincode"
    MISSING_CITY = "missing_city"
    MISSING_STREET = "missing_street"
    MISSING_NAME = "missing_name"
    MISSING_PHONE = "missing_phone"
    INVALID_PHONE = "invalid_phone"
    CUSTOMER_NOT_FOUND = "customer_not_found"
    TEXT_TOO_LONG = "text_too_long"
    UNREADABLE_RECORD = "unreadable_record"


class Rejection(BaseModel):
    """One reason an order cannot ship, tied to the field that caused it."""

    order_id: str
    field: str
    code: ReasonCode
    message: str

    def __str__(self) -> str:
        return f"{self.order_id}: {self.field}: {self.code} ({self.message})"


class RecordError(ValueError):
    """A source record that cannot be read as the domain model; carries every reason found."""

    def __init__(self, rejections: list[Rejection]) -> None:
        self.rejections = rejections
        super().__init__("; ".join(str(r) for r in rejections))

    @property
    def codes(self) -> list[ReasonCode]:
        return [r.code for r in self.rejections]
