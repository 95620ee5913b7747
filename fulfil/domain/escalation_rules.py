"""Which failures become tickets, with which category and severity (pure rules).

One table per kind of failure, so the mapping is reviewed in one place:
- an order that cannot be planned: the reason code decides (bad address data is a delivery
  problem; bad money is a payment problem; a cart without items is a stock/catalogue problem);
- a shipment Shiprocket refused: the stage and the error kind decide.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.domain.rejections import ReasonCode, Rejection

_REJECTION_CATEGORY: dict[ReasonCode, tuple[Category, Severity]] = {
    ReasonCode.NO_ITEMS: (Category.STOCK, Severity.HIGH),
    ReasonCode.INVALID_QUANTITY: (Category.STOCK, Severity.HIGH),
    ReasonCode.INVALID_PRICE: (Category.PAYMENT, Severity.HIGH),
    ReasonCode.INVALID_AMOUNT: (Category.PAYMENT, Severity.HIGH),
    ReasonCode.UNKNOWN_PAYMENT_METHOD: (Category.PAYMENT, Severity.HIGH),
    ReasonCode.UNREADABLE_RECORD: (Category.DATABASE, Severity.HIGH),
    ReasonCode.INVALID_TYPE: (Category.DATABASE, Severity.MEDIUM),
    ReasonCode.MISSING_FIELD: (Category.DATABASE, Severity.MEDIUM),
    ReasonCode.TEXT_TOO_LONG: (Category.DATABASE, Severity.MEDIUM),
    ReasonCode.CUSTOMER_NOT_FOUND: (Category.DATABASE, Severity.MEDIUM),
}
# Address, phone and PIN problems: the parcel cannot reach the customer.
_DEFAULT_REJECTION = (Category.DELIVERY, Severity.HIGH)


class ShipmentFailure(BaseModel):
    """A failed step of the Shiprocket chain, as the sweep saw it."""

    order_id: str
    shipment_key: str
    stage: str
    code: str
    message: str
    vendor_message: str | None = None
    attempts: int = 0


_FAILURE_CATEGORY: dict[str, tuple[Category, Severity]] = {
    "not_serviceable": (Category.DELIVERY, Severity.HIGH),
    "awb_refused": (Category.DELIVERY, Severity.HIGH),
    "validation": (Category.API, Severity.HIGH),
    "business_refusal": (Category.API, Severity.HIGH),
    "auth": (Category.API, Severity.CRITICAL),
    "not_found": (Category.API, Severity.MEDIUM),
    "retries_exhausted": (Category.API, Severity.HIGH),
    "cancelled_duplicates": (Category.API, Severity.HIGH),
    "documents_failed": (Category.API, Severity.LOW),
    "invalid_request": (Category.DATABASE, Severity.HIGH),
}


def escalation_for_rejections(
    order_id: str, rejections: list[Rejection], now: datetime, flow_run_url: str | None = None
) -> Escalation:
    """One escalation per parked order; the first reason decides category and fingerprint."""
    first = rejections[0].code if rejections else ReasonCode.UNREADABLE_RECORD
    category, severity = _REJECTION_CATEGORY.get(first, _DEFAULT_REJECTION)
    lines = [f"- {r.field}: {r.code.value}: {r.message}" for r in rejections]
    return Escalation(
        category=category,
        severity=severity,
        stage="plan_order",
        reason_code=first.value,
        order_id=order_id,
        summary=f"Order {order_id} cannot be shipped: {first.value}",
        detail="The order was parked. Fix the record, then run the sweep for this order id.\n"
        + "\n".join(lines),
        flow_run_url=flow_run_url,
        occurred_at=now,
    )


def escalation_for_failure(
    failure: ShipmentFailure, now: datetime, flow_run_url: str | None = None
) -> Escalation:
    category, severity = _FAILURE_CATEGORY.get(failure.code, (Category.UNKNOWN, Severity.HIGH))
    return Escalation(
        category=category,
        severity=severity,
        stage=failure.stage,
        reason_code=failure.code,
        order_id=failure.order_id,
        summary=f"Shipment {failure.order_id}/{failure.shipment_key} failed at "
        f"{failure.stage}: {failure.code}",
        detail=f"{failure.message}\nAttempts so far: {failure.attempts}.",
        vendor_message=failure.vendor_message,
        flow_run_url=flow_run_url,
        occurred_at=now,
        extra={"shipment_key": failure.shipment_key},
    )
