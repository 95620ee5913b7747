"""Shipment planning: pure functions from an order bundle to what the sweep must do.

The rules, in one place:
- *Shippable*: `confirmed` (or our own `processing`) and either prepaid-and-paid (`razorpay` +
  `paid`) or cash on delivery (`cod` with payment still `pending`). A `cod` order already marked
  `paid` ships as prepaid: there is nothing left to collect.
- *Not ours to plan*: an order with an AWB from the old inline code (`awb` set) is already shipped;
  `awb: null` (a dry-run leftover) and stored failure rows do not block it.
- *Split*: one shipment per pickup point. Items are grouped by the product's pickup address
  (`addressId` on the product), falling back to the configured default pickup location.
- *Packages*: weight is the sum of product weight x quantity (default per unit when unknown);
  the box is the largest length and breadth and the stacked height of the items.
- *Money*: each shipment declares its items' value; the difference between the order total and the
  items (shipping charge, or a discount) rides on the first shipment. COD collects that amount.
- *Contact*: the receiver's phone on the address, else the customer's; neither valid = park.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ValidationError

from fulfil.domain.bundle import OrderBundle
from fulfil.domain.contact import (
    ContactError,
    normalize_indian_mobile,
    normalize_pincode,
    state_for_pincode,
)
from fulfil.domain.records import (
    Address,
    Customer,
    Order,
    OrderItem,
    Product,
    parse_order,
    parse_related,
)
from fulfil.domain.rejections import ReasonCode, RecordError, Rejection

CENT = Decimal("0.01")
SHIPPABLE_STATUSES = frozenset({"confirmed", "processing"})
DONE_STATUSES = frozenset({"ready_for_shipment", "shipped", "delivered"})


class PlanningDefaults(BaseModel):
    """The configured fallbacks planning needs (a slice of Settings, so the core stays pure)."""

    pickup_location: str = "Default Pickup"
    pickup_pincode: str = "400001"
    weight_kg: Decimal = Decimal("0.5")
    length_cm: Decimal = Decimal("10")
    breadth_cm: Decimal = Decimal("5")
    height_cm: Decimal = Decimal("5")


class Destination(BaseModel):
    name: str
    phone_e164: str
    email: str | None
    street: str
    street2: str | None
    city: str
    pincode: str
    state: str
    country: str = "India"


class PlannedItem(BaseModel):
    product_id: str
    name: str
    units: int
    unit_price: Decimal


class PlannedShipment(BaseModel):
    """One parcel from one pickup point; `index` is 1-based and stable for the order."""

    order_id: str
    index: int
    pickup_location: str
    pickup_pincode: str | None
    seller_id: str | None
    items: list[PlannedItem]
    payment_method: Literal["Prepaid", "COD"]
    items_value: Decimal
    adjustment: Decimal
    weight_kg: Decimal
    length_cm: Decimal
    breadth_cm: Decimal
    height_cm: Decimal
    destination: Destination
    # How many parcels the order was split into (None in plans stored before this was kept):
    # lets the sweep tell a finished order without reading its other shipments.
    shipment_count: int | None = None

    @property
    def shipment_key(self) -> str:
        return f"{self.index:02d}"

    @property
    def shipment_id(self) -> str:
        """Deterministic id of the storefront's shipments row: the same plan, the same row."""
        return f"shp-{self.order_id}-{self.index:02d}"

    def channel_order_id(self, version: int = 1) -> str:
        """Our id at Shiprocket; a new version only when an older one was cancelled there."""
        base = f"{self.order_id}-{self.index}"
        return base if version <= 1 else f"{base}-v{version}"

    @property
    def declared_value(self) -> Decimal:
        return self.items_value + max(self.adjustment, Decimal(0))

    @property
    def sub_total(self) -> Decimal:
        return (self.items_value + self.adjustment).quantize(CENT)

    @property
    def cod_amount(self) -> Decimal:
        return self.sub_total if self.payment_method == "COD" else Decimal(0)


class DecisionKind(StrEnum):
    SHIP = "ship"
    PARK = "park"
    SKIP = "skip"


class SkipReason(StrEnum):
    NOT_READY = "not_ready"
    CANCELLED = "cancelled"
    ALREADY_FULFILLED = "already_fulfilled"
    LEGACY_SHIPMENT = "legacy_shipment"


class Decision(BaseModel):
    order_id: str
    kind: DecisionKind
    shipments: list[PlannedShipment] = []
    rejections: list[Rejection] = []
    skip_reason: SkipReason | None = None
    order: Order | None = None


def plan_order(bundle: OrderBundle, defaults: PlanningDefaults) -> Decision:
    """Decide what to do with one order; never raises on bad data (it parks instead)."""
    order_id = bundle.order_id
    try:
        order = parse_order(bundle.order)
    except RecordError as exc:
        return Decision(order_id=order_id, kind=DecisionKind.PARK, rejections=exc.rejections)
    skip = _skip_reason(order)
    if skip is not None:
        return Decision(order_id=order_id, kind=DecisionKind.SKIP, skip_reason=skip, order=order)
    try:
        method = _payment_method(order)
        destination = _destination(order, bundle)
        shipments = _split(order, bundle, defaults, method, destination)
    except RecordError as exc:
        return Decision(
            order_id=order_id, kind=DecisionKind.PARK, rejections=exc.rejections, order=order
        )
    return Decision(order_id=order_id, kind=DecisionKind.SHIP, shipments=shipments, order=order)


def _skip_reason(order: Order) -> SkipReason | None:
    if order.has_legacy_shipment:
        return SkipReason.LEGACY_SHIPMENT
    status = order.status.strip().lower()
    if status == "cancelled":
        return SkipReason.CANCELLED
    if status in DONE_STATUSES:
        return SkipReason.ALREADY_FULFILLED
    if status not in SHIPPABLE_STATUSES:
        return SkipReason.NOT_READY
    paid = order.payment_status.strip().lower() == "paid"
    if order.payment_method == "razorpay" and not paid:
        return SkipReason.NOT_READY
    return None


def _payment_method(order: Order) -> Literal["Prepaid", "COD"]:
    paid = order.payment_status.strip().lower() == "paid"
    return "COD" if order.payment_method == "cod" and not paid else "Prepaid"


def _reject(order_id: str, field: str, code: ReasonCode, message: str) -> RecordError:
    return RecordError([Rejection(order_id=order_id, field=field, code=code, message=message)])


def _destination(order: Order, bundle: OrderBundle) -> Destination:
    oid = order.order_id
    if not order.shipping_address_id:
        raise _reject(oid, "shippingAddressId", ReasonCode.MISSING_ADDRESS, "no shipping address")
    if bundle.address is None:
        raise _reject(
            oid,
            "shippingAddressId",
            ReasonCode.ADDRESS_NOT_FOUND,
            "the shipping address record does not exist",
        )
    address = parse_related(Address, bundle.address, oid, "address")
    customer: Customer | None = None
    if bundle.customer is not None:
        parsed = parse_related(Customer, bundle.customer, oid, "customer")
        assert isinstance(parsed, Customer)
        customer = parsed
    assert isinstance(address, Address)
    problems: list[Rejection] = []

    def note(field: str, code: ReasonCode, message: str) -> None:
        problems.append(Rejection(order_id=oid, field=field, code=code, message=message))

    phone = _pick_phone(address, customer, note)
    pincode = state = ""
    try:
        pincode = normalize_pincode(address.pincode)
        state = (address.state or "").strip() or (state_for_pincode(pincode) or "")
        if not state:
            note("address.pincode", ReasonCode.UNKNOWN_PINCODE, "no state is known for the PIN")
    except ContactError as exc:
        note("address.pincode", exc.code, str(exc))
    street = (address.street or "").strip()
    if len(street) < 3:
        note("address.street", ReasonCode.MISSING_STREET, "street address is missing or too short")
    city = (address.city or "").strip()
    if not city:
        note("address.city", ReasonCode.MISSING_CITY, "city is missing")
    name = (address.receiver_name or "").strip() or (customer.display_name if customer else "")
    if not name:
        note("address.receiverName", ReasonCode.MISSING_NAME, "no receiver or customer name")
    if problems:
        raise RecordError(problems)
    assert phone is not None
    return Destination(
        name=name,
        phone_e164=phone,
        email=(customer.email if customer else None),
        street=street,
        street2=(address.street2 or None),
        city=city[:30],
        pincode=pincode,
        state=state,
    )


def _pick_phone(
    address: Address, customer: Customer | None, note: Callable[[str, ReasonCode, str], None]
) -> str | None:
    """The receiver's phone if it is a valid mobile, else the customer's; else note why not."""
    first_error: ContactError | None = None
    for raw in (address.receiver_phone, customer.phone if customer else None):
        try:
            return normalize_indian_mobile(raw)
        except ContactError as exc:
            if first_error is None or first_error.code is ReasonCode.MISSING_PHONE:
                first_error = exc
    assert first_error is not None
    note("address.receiverPhone", first_error.code, f"no usable mobile: {first_error}")
    return None


def _split(
    order: Order,
    bundle: OrderBundle,
    defaults: PlanningDefaults,
    method: Literal["Prepaid", "COD"],
    destination: Destination,
) -> list[PlannedShipment]:
    groups: OrderedDict[str, list[tuple[OrderItem, Product | None]]] = OrderedDict()
    pickups: dict[str, tuple[str, str | None, str | None]] = {}
    for item in order.items:
        product = _product(bundle, item.product_id)
        location, pin, seller = _pickup_for(product, bundle, defaults)
        groups.setdefault(location, []).append((item, product))
        pickups[location] = (location, pin, seller)
    items_total = sum((i.price * i.quantity for i in order.items), Decimal(0))
    adjustment = order.total_amount - items_total
    plans: list[PlannedShipment] = []
    for index, (location, members) in enumerate(groups.items(), start=1):
        value = sum((i.price * i.quantity for i, _ in members), Decimal(0))
        adj = adjustment if index == 1 else Decimal(0)
        if value + adj < 0:
            raise _reject(
                order.order_id,
                "totalAmount",
                ReasonCode.INVALID_AMOUNT,
                f"order total {order.total_amount} is below its items' value {items_total}",
            )
        _, pin, seller = pickups[location]
        plans.append(
            PlannedShipment(
                order_id=order.order_id,
                index=index,
                pickup_location=location,
                pickup_pincode=pin,
                seller_id=seller,
                items=[
                    PlannedItem(
                        product_id=i.product_id,
                        name=(i.name or (p.name if p else None) or i.product_id),
                        units=i.quantity,
                        unit_price=i.price,
                    )
                    for i, p in members
                ],
                payment_method=method,
                items_value=value,
                adjustment=adj,
                destination=destination,
                shipment_count=len(groups),
                **_package(members, defaults),
            )
        )
    return plans


def _product(bundle: OrderBundle, product_id: str) -> Product | None:
    raw = bundle.products.get(product_id)
    if raw is None:
        return None
    try:
        return Product.model_validate(raw)
    except ValidationError:
        return None  # a broken catalogue row must not stop the order: defaults apply


def _pickup_for(
    product: Product | None, bundle: OrderBundle, defaults: PlanningDefaults
) -> tuple[str, str | None, str | None]:
    """(pickup nickname, pickup PIN, seller id) for a product; the default location otherwise."""
    if product is None or not product.address_id:
        return (
            defaults.pickup_location,
            defaults.pickup_pincode,
            (product.seller_id if product else None),
        )
    raw = bundle.seller_addresses.get(product.address_id)
    if raw is None:
        return defaults.pickup_location, defaults.pickup_pincode, product.seller_id
    try:
        address = Address.from_item(raw)
        pin: str | None = normalize_pincode(address.pincode)
    except (ValidationError, ContactError):
        address, pin = None, None
    nickname = (address.pickup_location if address else None) or f"addr-{product.address_id}"
    return nickname[:36], pin, product.seller_id


def _package(
    members: list[tuple[OrderItem, Product | None]], defaults: PlanningDefaults
) -> dict[str, Decimal]:
    weight = Decimal(0)
    length = breadth = height = Decimal(0)
    for item, product in members:
        unit_weight = (product.weight if product else None) or defaults.weight_kg
        weight += unit_weight * item.quantity
        length = max(length, (product.length if product else None) or defaults.length_cm)
        breadth = max(breadth, (product.breadth if product else None) or defaults.breadth_cm)
        height += ((product.height if product else None) or defaults.height_cm) * item.quantity
    return {
        "weight_kg": weight.quantize(Decimal("0.001")),
        "length_cm": length,
        "breadth_cm": breadth,
        "height_cm": min(height, Decimal(200)),
    }
