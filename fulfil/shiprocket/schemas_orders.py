"""Orders: the adhoc-order request (fact sheet §2), its answer, and orders found by our id.

Shiprocket calls two different things `order_id`: in the request it is *our* channel order id,
in every response it is *Shiprocket's* order id. Response models therefore expose
`sr_order_id` (read from the wire's `order_id` / `id`) so the two can never be mixed up.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator

from fulfil.domain.shipment_status import (
    ShipmentStatus,
    from_label,
    from_order_status_code,
)
from fulfil.shiprocket.schemas_common import (
    IstDateTime,
    LooseBool,
    LooseDecimal,
    LooseInt,
    LooseStr,
    Measure,
    Money,
    Phone,
    Pincode,
    RequestModel,
    WireModel,
)

_ORDER_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")


class AdhocOrderItem(RequestModel):
    """One line of `order_items[]`; prices per unit, INR, GST inclusive."""

    name: str = Field(min_length=1)
    sku: str = Field(min_length=1)
    units: int = Field(ge=1)
    selling_price: Money
    discount: Money | None = None
    tax: Measure | None = Field(None, ge=0, le=100, description="Tax percentage, not amount.")
    hsn: int | None = None


class AdhocOrderRequest(RequestModel):
    """Body of `POST orders/create/adhoc`; field names and types follow the fact sheet."""

    order_id: str = Field(min_length=1, max_length=50, description="Our channel order id.")
    order_date: str = Field(description="`yyyy-mm-dd` or `yyyy-mm-dd HH:MM`.")
    pickup_location: str = Field(min_length=1, description="Nickname of a pickup location.")
    channel_id: int | None = None
    comment: str | None = None
    reseller_name: str | None = None
    company_name: str | None = None

    billing_customer_name: str = Field(min_length=1)
    billing_last_name: str | None = None
    billing_address: str = Field(min_length=3)
    billing_address_2: str | None = None
    billing_isd_code: str | None = None
    billing_city: str = Field(min_length=1, max_length=30)
    billing_pincode: Pincode
    billing_state: str = Field(min_length=1)
    billing_country: str = Field(min_length=1)
    billing_email: str = Field(min_length=3)
    billing_phone: Phone
    billing_alternate_phone: Phone | None = None

    shipping_is_billing: bool
    shipping_customer_name: str | None = None
    shipping_last_name: str | None = None
    shipping_address: str | None = None
    shipping_address_2: str | None = None
    shipping_city: str | None = Field(None, max_length=30)
    shipping_pincode: Pincode | None = None
    shipping_country: str | None = None
    shipping_state: str | None = None
    shipping_email: str | None = None
    shipping_phone: Phone | None = None
    longitude: float | None = None
    latitude: float | None = None

    order_items: list[AdhocOrderItem] = Field(min_length=1)
    payment_method: Literal["COD", "Prepaid"]
    shipping_charges: Money | None = None
    giftwrap_charges: Money | None = None
    transaction_charges: Money | None = None
    total_discount: Money | None = None
    sub_total: Money

    length: Measure = Field(gt=0.5, description="cm")
    breadth: Measure = Field(gt=0.5, description="cm")
    height: Measure = Field(gt=0.5, description="cm")
    weight: Measure = Field(gt=0, description="kg")

    ewaybill_no: str | None = None
    customer_gstin: str | None = None
    invoice_number: str | None = None
    order_type: Literal["ESSENTIALS", "NON ESSENTIALS"] | None = None
    checkout_shipping_method: Literal["SR_RUSH", "SR_STANDARD", "SR_EXPRESS", "SR_QUICK"] | None = (
        None
    )
    what3words_address: str | None = None
    order_tag: str | None = None
    is_insurance_opt: bool | None = None
    is_document: Literal[0, 1] | None = None

    @field_validator("order_date", mode="before")
    @classmethod
    def _format_order_date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str) and not _ORDER_DATE.match(value):
            raise ValueError("order_date must be 'yyyy-mm-dd' or 'yyyy-mm-dd HH:MM'")
        return value

    @model_validator(mode="after")
    def _shipping_when_not_billing(self) -> AdhocOrderRequest:
        if self.shipping_is_billing:
            return self
        required = (
            "shipping_customer_name",
            "shipping_address",
            "shipping_city",
            "shipping_pincode",
            "shipping_country",
            "shipping_state",
            "shipping_phone",
        )
        missing = [name for name in required if getattr(self, name) in (None, "")]
        if missing:
            raise ValueError(f"shipping_is_billing is false but missing: {', '.join(missing)}")
        return self


class CreatedOrder(WireModel):
    """Answer to create/adhoc. A duplicate `order_id` returns the *existing* order, possibly
    CANCELED: check `shipment_status` before assuming a fresh order (the caller decides)."""

    sr_order_id: int = Field(validation_alias=AliasChoices("order_id", "sr_order_id"))
    shipment_id: LooseInt = None
    status: str = ""
    status_code: LooseInt = None
    awb_code: LooseStr = None
    courier_company_id: LooseInt = None
    courier_name: LooseStr = None
    channel_order_id: LooseStr = None
    new_channel: LooseBool = None
    packaging_box_error: LooseStr = None

    @property
    def shipment_status(self) -> ShipmentStatus:
        """`status_code` uses the order scheme (§8B); the label is the fallback."""
        status = from_order_status_code(self.status_code)
        return status if status is not ShipmentStatus.UNKNOWN else from_label(self.status)


class OrderShipmentSummary(WireModel):
    """One entry of an order's `shipments` (a list in `GET orders`, an object in `show`)."""

    shipment_id: int = Field(validation_alias=AliasChoices("id", "shipment_id"))
    awb: LooseStr = None
    courier: LooseStr = None
    status: LooseStr = None
    pickup_scheduled_date: IstDateTime = None
    pickup_token_number: LooseStr = None
    etd: IstDateTime = None
    delivered_date: IstDateTime = None
    rto_delivered_date: IstDateTime = None


class OrderSummary(WireModel):
    """An order from `GET orders`, enough to reconcile a create or assign that timed out."""

    sr_order_id: int = Field(validation_alias=AliasChoices("id", "sr_order_id"))
    channel_order_id: LooseStr = None
    channel_id: LooseInt = None
    status: LooseStr = None
    status_code: LooseInt = None
    payment_method: LooseStr = None
    total: LooseDecimal = None
    pickup_location: LooseStr = None
    shipments: list[OrderShipmentSummary] = Field(default_factory=list)

    @field_validator("shipments", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, dict) else value

    @property
    def shipment_status(self) -> ShipmentStatus:
        status = from_order_status_code(self.status_code)
        return status if status is not ShipmentStatus.UNKNOWN else from_label(self.status)
