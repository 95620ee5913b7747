"""Pydantic models of the records the existing checkout and payment code write.

They read the tables *as they are*: numbers arrive as `Decimal` (DynamoDB `N`) or as strings,
addresses use PascalCase (checkout) or camelCase (older records and the design document),
customers carry `name` or `firstName`/`lastName`, `phone` or `phoneNumber`. Parsing never raises
anything but `RecordError`, whose rejections name the order, the field and a reason code.

Phone numbers and PIN codes are kept raw here: which phone to ship with (the receiver's, else the
customer's) is a planning rule, so it lives in `planning`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from fulfil.domain.rejections import ReasonCode, RecordError, Rejection

MAX_TEXT = 2000
MAX_ITEMS = 200


def _text(value: object) -> object:
    """Strings stay strings; numbers stored where text was expected become text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return str(value)
    return value


def _decimal(value: object) -> object:
    """Money is Decimal: floats go through str (never binary), NaN and infinities are refused."""
    if isinstance(value, bool):
        raise PydanticCustomError("invalid_type", "expected a number, got a boolean")
    if isinstance(value, float):
        value = str(value)
    if isinstance(value, str):
        value = value.strip().replace(",", "")
    return value


Text = Annotated[str, BeforeValidator(_text), Field(max_length=MAX_TEXT)]
OptText = Annotated[Annotated[str, Field(max_length=MAX_TEXT)] | None, BeforeValidator(_text)]
Money = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    Field(ge=0, max_digits=14, decimal_places=4, allow_inf_nan=False),
]
OptMeasure = Annotated[
    Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=4, allow_inf_nan=False)] | None,
    BeforeValidator(_decimal),
]


def _timestamp(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise PydanticCustomError("invalid_value", "not an ISO-8601 timestamp") from exc
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]


class _Record(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class OrderItem(_Record):
    product_id: Text = Field(alias="productId", min_length=1)
    name: Text = ""
    quantity: int = Field(ge=1, le=10_000)
    price: Money

    @field_validator("quantity", mode="before")
    @classmethod
    def _whole_quantity(cls, value: object) -> object:
        if isinstance(value, bool):
            raise PydanticCustomError("invalid_quantity", "quantity is a boolean")
        if isinstance(value, Decimal | float) and value != int(value):
            raise PydanticCustomError("invalid_quantity", "quantity is not a whole number")
        if isinstance(value, Decimal | float):
            return int(value)
        return value


class Order(_Record):
    """An order as checkout and the payment webhook leave it, plus the old shipping fields."""

    order_id: Text = Field(alias="orderId", min_length=1, max_length=100)
    created_at: Timestamp = Field(alias="createdAt")
    created_at_raw: str = ""
    customer_id: Text = Field(alias="customerId", min_length=1)
    status: Text
    total_amount: Money = Field(alias="totalAmount")
    payment_method: Literal["razorpay", "cod"] = Field(alias="paymentMethod")
    payment_status: Text = Field("", alias="paymentStatus")
    shipping_address_id: OptText = Field(None, alias="shippingAddressId")
    items: list[OrderItem] = Field(alias="orderItems", max_length=MAX_ITEMS)
    # Written by the old inline shipping code; `awb: null` marks a dry run, not a shipment.
    legacy_shipment_id: OptText = Field(None, alias="shipmentId")
    legacy_awb: OptText = Field(None, alias="awb")
    fulfilment_ticket: OptText = Field(None, alias="jiraTicketKey")

    @field_validator("payment_method", mode="before")
    @classmethod
    def _lower_method(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def has_legacy_shipment(self) -> bool:
        return bool(self.legacy_awb and self.legacy_awb.strip())


_ADDRESS_ALIASES: dict[str, tuple[str, ...]] = {
    "address_id": ("addressId",),
    "owner_id": ("ownerId",),
    "street": ("Address", "address", "addressLine1", "line1"),
    "street2": ("Address2", "address2", "addressLine2", "landmark"),
    "city": ("City", "city"),
    "pincode": ("Pincode", "pincode", "PinCode", "pinCode", "zip"),
    "state": ("State", "state"),
    "country": ("Country", "country"),
    "receiver_name": ("ReceiversName", "receiverName", "receiversName", "name"),
    "receiver_phone": ("ReceiversNumber", "receiverNumber", "receiverPhone", "receiversNumber"),
    "pickup_location": ("pickupLocation", "PickupLocation", "shiprocketPickupLocation"),
}


def coalesce_aliases(
    item: Mapping[str, Any], aliases: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    """Map every spelling in `aliases` onto one field name; the first non-empty spelling wins."""
    out: dict[str, Any] = {}
    for field, spellings in aliases.items():
        present = [item[s] for s in spellings if s in item]
        non_empty = [v for v in present if v not in (None, "")]
        if non_empty:
            out[field] = non_empty[0]
        elif present:
            out[field] = present[0]
    return out


class Address(_Record):
    """A delivery or pickup address in either spelling the table holds."""

    address_id: Text = Field(min_length=1)
    owner_id: OptText = None
    street: OptText = None
    street2: OptText = None
    city: OptText = None
    pincode: Annotated[str | int | Decimal | None, Field(union_mode="left_to_right")] = None
    state: OptText = None
    country: OptText = None
    receiver_name: OptText = None
    receiver_phone: Annotated[str | int | Decimal | None, Field(union_mode="left_to_right")] = None
    pickup_location: OptText = None

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Address:
        return cls.model_validate(coalesce_aliases(item, _ADDRESS_ALIASES))


_CUSTOMER_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("customerId",),
    "email": ("email", "Email"),
    "name": ("name", "fullName", "Name"),
    "first_name": ("firstName", "first_name"),
    "last_name": ("lastName", "last_name"),
    "phone": ("phone", "phoneNumber", "Phone", "mobile"),
}


class Customer(_Record):
    customer_id: Text = Field(min_length=1)
    email: OptText = None
    name: OptText = None
    first_name: OptText = None
    last_name: OptText = None
    phone: Annotated[str | int | Decimal | None, Field(union_mode="left_to_right")] = None

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Customer:
        return cls.model_validate(coalesce_aliases(item, _CUSTOMER_ALIASES))

    @property
    def display_name(self) -> str:
        if self.name and self.name.strip():
            return self.name.strip()
        return " ".join(p.strip() for p in (self.first_name, self.last_name) if p and p.strip())


class Product(_Record):
    """A catalogue product; weight (kg) and dimensions (cm) are optional and often missing."""

    product_id: Text = Field(alias="productId", min_length=1)
    seller_id: Text = Field(alias="sellerId", min_length=1)
    name: OptText = None
    address_id: OptText = Field(None, alias="addressId")
    weight: OptMeasure = None
    length: OptMeasure = None
    breadth: OptMeasure = None
    height: OptMeasure = None


class Seller(_Record):
    seller_id: Text = Field(alias="sellerId", min_length=1)
    name: OptText = None
    email: OptText = None
    phone: Annotated[str | int | Decimal | None, Field(union_mode="left_to_right")] = None


_PYDANTIC_CODES: dict[str, ReasonCode] = {
    "missing": ReasonCode.MISSING_FIELD,
    "string_too_long": ReasonCode.TEXT_TOO_LONG,
    "too_long": ReasonCode.INVALID_VALUE,
    "string_too_short": ReasonCode.MISSING_FIELD,
    "literal_error": ReasonCode.INVALID_VALUE,
    "greater_than_equal": ReasonCode.INVALID_VALUE,
    "greater_than": ReasonCode.INVALID_VALUE,
    "less_than_equal": ReasonCode.INVALID_VALUE,
}
_FIELD_CODES: dict[str, ReasonCode] = {
    "quantity": ReasonCode.INVALID_QUANTITY,
    "price": ReasonCode.INVALID_PRICE,
    "totalAmount": ReasonCode.INVALID_AMOUNT,
    "paymentMethod": ReasonCode.UNKNOWN_PAYMENT_METHOD,
    "orderItems": ReasonCode.NO_ITEMS,
}


def rejections_from(exc: ValidationError, order_id: str, prefix: str = "") -> list[Rejection]:
    """Turn pydantic's errors into rejections with our reason codes and dotted field paths."""
    out: list[Rejection] = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in err["loc"]]
        field = ".".join(([prefix] if prefix else []) + loc) or prefix or "record"
        kind = str(err["type"])
        named = [c for c in ReasonCode if c.value == kind]
        leaf = next((p for p in reversed(loc) if not p.isdigit()), "")
        if named:
            code = named[0]
        elif kind == "missing":
            code = ReasonCode.MISSING_FIELD
        elif kind in ("too_long", "string_too_long") and leaf != "orderItems":
            code = ReasonCode.TEXT_TOO_LONG
        else:
            code = _FIELD_CODES.get(leaf) or _PYDANTIC_CODES.get(kind, ReasonCode.INVALID_TYPE)
            if code is ReasonCode.NO_ITEMS and kind != "too_short":
                code = _PYDANTIC_CODES.get(kind, ReasonCode.INVALID_TYPE)
        out.append(Rejection(order_id=order_id, field=field, code=code, message=str(err["msg"])))
    return out


def order_id_of(item: object) -> str:
    """Best-effort order id for naming a rejection, even when the record is junk."""
    if isinstance(item, Mapping):
        raw = item.get("orderId")
        if isinstance(raw, str) and raw.strip():
            return raw.strip()[:100]
        if raw is not None and not isinstance(raw, Mapping | list):
            return str(raw)[:100]
    return "<unknown>"


def parse_order(item: object) -> Order:
    """Read an orders-table item; raise RecordError naming every problem found."""
    order_id = order_id_of(item)
    if not isinstance(item, Mapping):
        raise RecordError(
            [
                Rejection(
                    order_id=order_id,
                    field="record",
                    code=ReasonCode.UNREADABLE_RECORD,
                    message=f"record is a {type(item).__name__}, not a map",
                )
            ]
        )
    items = item.get("orderItems")
    if isinstance(items, list) and not items:
        raise RecordError(
            [
                Rejection(
                    order_id=order_id,
                    field="orderItems",
                    code=ReasonCode.NO_ITEMS,
                    message="the order has no items",
                )
            ]
        )
    try:
        data = dict(item)
        data["created_at_raw"] = (
            item.get("createdAt") if isinstance(item.get("createdAt"), str) else ""
        )
        return Order.model_validate(data)
    except ValidationError as exc:
        raise RecordError(rejections_from(exc, order_id)) from None


def parse_related(
    model: type[Address] | type[Customer], item: object, order_id: str, field: str
) -> Address | Customer:
    """Read an address or customer record that an order points at."""
    if not isinstance(item, Mapping):
        raise RecordError(
            [
                Rejection(
                    order_id=order_id,
                    field=field,
                    code=ReasonCode.UNREADABLE_RECORD,
                    message="record is not a map",
                )
            ]
        )
    try:
        return model.from_item(item)
    except ValidationError as exc:
        raise RecordError(rejections_from(exc, order_id, prefix=field)) from None
