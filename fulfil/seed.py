"""Sample data written the way the storefront writes it, quirks included.

Deterministic from a seed, so a test or a demo can name what it expects. The mix mirrors the
production tables: PascalCase checkout addresses without a state, phones as typed, COD and prepaid
orders, multi-seller carts, a few broken records (no items, no PIN, a landline, a five-digit PIN),
leftovers of the old inline shipping code (`awb` set; `awb: null` dry runs; `{ok: false}` rows),
and optionally a long tail of historical orders that the sweep must never read.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from fulfil.domain.contact import ContactError, normalize_indian_mobile

CITIES: list[tuple[str, str]] = [
    ("Mumbai", "400001"),
    ("New Delhi", "110001"),
    ("Bengaluru", "560001"),
    ("Chennai", "600001"),
    ("Kolkata", "700001"),
    ("Hyderabad", "500001"),
    ("Pune", "411001"),
    ("Ahmedabad", "380001"),
    ("Jaipur", "302001"),
    ("Lucknow", "226001"),
    ("Kochi", "682001"),
    ("Guwahati", "781001"),
    ("Bhubaneswar", "751001"),
    ("Chandigarh", "160017"),
    ("Indore", "452001"),
    ("Surat", "395003"),
    ("Jalandhar", "144001"),
    ("Ranchi", "834001"),
    ("Patna", "800001"),
    ("Panaji", "403001"),
]
FIRST = [
    "Aarav",
    "Diya",
    "Ishaan",
    "Ananya",
    "Kabir",
    "Meera",
    "Rohan",
    "Saanvi",
    "Vikram",
    "Zoya",
    "Arjun",
    "Priya",
    "Sai",
    "Nikhil",
    "Tara",
    "Harpreet",
    "Lakshmi",
    "Farhan",
    "Sneha",
    "Om",
]
LAST = ["Sharma", "Iyer", "Khan", "Patel", "Das", "Reddy", "Singh", "Nair", "Gupta", "Bose"]
STREETS = [
    "MG Road",
    "Linking Road",
    "Park Street",
    "Anna Salai",
    "Banjara Hills Rd 12",
    "FC Road",
    "CG Road",
    "MI Road",
    "Hazratganj",
    "Marine Drive",
]
PRODUCTS: list[tuple[str, str, str, Decimal, bool]] = [
    ("Butterfly Viscaria Blade", "Butterfly", "blades", Decimal("14999"), True),
    ("Stiga Allround Classic", "Stiga", "blades", Decimal("3499"), False),
    ("Tenergy 05 Rubber", "Butterfly", "rubbers", Decimal("5499"), True),
    ("DHS Hurricane 3 Neo", "DHS", "rubbers", Decimal("2299"), False),
    ("Mizuno Wave Medal 7 Shoes", "Mizuno", "shoes", Decimal("8999"), True),
    ("Nittaku 3-Star Balls (6)", "Nittaku", "balls", Decimal("899"), False),
    ("Pre-owned Timo Boll ALC", "Butterfly", "pre-owned", Decimal("7499"), False),
    ("Xiom Vega Pro Rubber", "Xiom", "rubbers", Decimal("3899"), True),
]


@dataclass
class SeedData:
    """Items per table, in the storefront's own shapes (numbers as Decimal, like DynamoDB N)."""

    sellers: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    shipments: list[dict[str, Any]] = field(default_factory=list)
    expected: dict[str, list[str]] = field(default_factory=dict)

    def tag(self, kind: str, order_id: str) -> None:
        self.expected.setdefault(kind, []).append(order_id)


def _iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _phone_as_typed(rng: random.Random, digits: str) -> str:
    style = rng.randrange(5)
    return [
        digits,
        f"+91 {digits[:5]} {digits[5:]}",
        f"0{digits}",
        f"{digits[:5]}-{digits[5:]}",
        f"+91{digits}",
    ][style]


def _mobile(rng: random.Random) -> str:
    """A random number in an allocated Indian mobile range (not every 6-9 prefix is one)."""
    while True:
        digits = str(rng.choice("6789")) + "".join(str(rng.randrange(10)) for _ in range(9))
        try:
            normalize_indian_mobile(digits)
            return digits
        except ContactError:
            continue


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate(
    orders: int,
    *,
    seed: int = 7,
    now: datetime | None = None,
    history: int = 0,
    broken_share: float = 0.08,
) -> SeedData:
    """Build `orders` fulfilment-relevant orders plus `history` old delivered/cancelled ones."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    data = SeedData()
    for s in range(3):
        seller_id = f"seller-{s + 1}"
        city, pin = CITIES[s * 3]
        data.sellers.append(
            {
                "sellerId": seller_id,
                "email": f"seller{s + 1}@example.in",
                "name": f"{LAST[s]} Sports",
                "phone": _mobile(rng),
                "totalSales": Decimal(0),
            }
        )
        address = {
            "addressId": f"pickup-{seller_id}",
            "ownerId": seller_id,
            "Address": f"Unit {s + 4}, Industrial Estate",
            "City": city,
            "Pincode": pin,
            "isdefault": True,
            "ReceiversName": f"{LAST[s]} Sports",
            "ReceiversNumber": _mobile(rng),
            "CreatedAt": _iso(now),
            "UpdatedAt": _iso(now),
        }
        if s != 2:  # the third seller's pickup is registered under its address id only
            address["pickupLocation"] = f"{LAST[s]}-{city}"[:36]
        data.addresses.append(address)
    for p, (name, brand, category, price, known) in enumerate(PRODUCTS):
        product: dict[str, Any] = {
            "productId": f"prod-{p + 1:03d}",
            "sellerId": f"seller-{p % 3 + 1}",
            "name": name,
            "brand": brand,
            "category": category,
            "price": price,
            "originalPrice": price,
            "stock": Decimal(50),
            "InStock": True,
        }
        if p != 5:  # one product has no pickup address: it ships from the default location
            product["addressId"] = f"pickup-seller-{p % 3 + 1}"
        if known:
            product.update(
                weight=Decimal("0.35"), length=Decimal(30), breadth=Decimal(20), height=Decimal(4)
            )
        data.products.append(product)
    for i in range(orders):
        _one_order(rng, data, now - timedelta(minutes=rng.randrange(5, 600)), i, broken_share)
    for _ in range(history):
        _historical(rng, data, now - timedelta(days=rng.randrange(2, 400)))
    return data


def _customer(rng: random.Random, data: SeedData, first: str, last: str, phone: str) -> str:
    customer_id = _uuid(rng)
    record: dict[str, Any] = {
        "customerId": customer_id,
        "email": f"{first.lower()}.{customer_id[:6]}@mail.in",
    }
    if rng.random() < 0.8:
        record["name"] = f"{first} {last}"
        record["phone"] = phone
    else:
        record.update(firstName=first, lastName=last, phoneNumber=phone)
    data.customers.append(record)
    return customer_id


def _one_order(
    rng: random.Random, data: SeedData, created: datetime, i: int, broken_share: float
) -> None:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    mobile = _mobile(rng)
    customer_id = _customer(rng, data, first, last, mobile)
    city, pin = rng.choice(CITIES)
    address_id = _uuid(rng)
    kind = "ship"
    address: dict[str, Any]
    if rng.random() < 0.85:
        address = {
            "addressId": address_id,
            "ownerId": customer_id,
            "Address": f"{rng.randrange(1, 300)}, {rng.choice(STREETS)}",
            "City": city,
            "Pincode": rng.choice([pin, f"{pin[:3]} {pin[3:]}", pin]),
            "isdefault": True,
            "ReceiversName": rng.choice([f"{first} {last}", first, ""]),
            "ReceiversNumber": _phone_as_typed(rng, mobile),
            "CreatedAt": _iso(created),
            "UpdatedAt": _iso(created),
        }
    else:
        address = {
            "addressId": address_id,
            "ownerId": customer_id,
            "address": f"{rng.randrange(1, 300)}, {rng.choice(STREETS)}",
            "city": city,
            "pincode": Decimal(pin),
            "state": "",
            "country": "India",
            "receiverName": f"{first} {last}",
            "receiverPhone": mobile,
        }
    picks = rng.sample(PRODUCTS, k=rng.choice([1, 1, 1, 2, 3]))
    items: list[dict[str, Any]] = [
        {
            "productId": f"prod-{PRODUCTS.index(p) + 1:03d}",
            "name": p[0],
            "quantity": Decimal(rng.choice([1, 1, 2])),
            "price": p[3],
        }
        for p in picks
    ]
    cod = rng.random() < 0.3
    order_id = _uuid(rng)
    roll = rng.random()
    if roll < broken_share:
        kind = _break(rng, address, items, i)
        if kind == "landline":
            # PhoneIndex refuses empty strings, so a customer without a phone has no attribute.
            data.customers[-1].pop("phone", None)
            data.customers[-1].pop("phoneNumber", None)
    total = sum((Decimal(it["price"]) * Decimal(it["quantity"]) for it in items), Decimal(0))
    total += Decimal(0) if total >= 999 else Decimal(99)  # free shipping above Rs 999
    order: dict[str, Any] = {
        "orderId": order_id,
        "createdAt": _iso(created),
        "customerId": customer_id,
        "status": "confirmed",
        "totalAmount": total,
        "paymentMethod": "cod" if cod else "razorpay",
        "paymentStatus": "pending" if cod else "paid",
        "shippingAddressId": address_id,
        "orderItems": items,
    }
    if kind == "ship":
        extra = rng.random()
        if extra < 0.04:
            kind = "legacy_shipped"
            order.update(
                shipmentId=_uuid(rng),
                awb=f"1411{rng.randrange(10**10):010d}",
                shipmentStatus="pending_pickup",
                shipmentCreatedAt=_iso(created),
            )
        elif extra < 0.08:
            order["awb"] = None  # a dry-run leftover: still needs a real shipment
        elif extra < 0.11:
            data.shipments.append(
                {
                    "shipmentId": _uuid(rng),
                    "orderId": order_id,
                    "ok": False,
                    "error": "Shiprocket 500: Trying to get property of non-object",
                }
            )
        elif extra < 0.16:
            kind = "unpaid"
            order.update(status="pending", paymentStatus="pending", paymentMethod="razorpay")
    data.addresses.append(address)
    data.orders.append(order)
    data.payments.append(
        {
            "paymentId": f"pay_{order_id[:8]}",
            "orderId": order_id,
            "customerId": customer_id,
            "razorpayOrderId": f"order_{order_id[:10]}",
            "amount": total,
            "currency": "INR",
            "status": "completed" if order["paymentStatus"] == "paid" else "pending",
            "method": "upi" if order["paymentStatus"] == "paid" else "",
            "createdAt": _iso(created),
            "updatedAt": _iso(created),
        }
    )
    data.tag(kind, order_id)


def _break(rng: random.Random, address: dict[str, Any], items: list[dict[str, Any]], i: int) -> str:
    """Damage one record the ways checkout really does; returns the expected reason tag."""
    choice = i % 4
    if choice == 0:
        items.clear()
        return "no_items"
    pin_key = "Pincode" if "Pincode" in address else "pincode"
    if choice == 1:
        address[pin_key] = ""
        return "missing_pincode"
    if choice == 2:
        address[pin_key] = "40001"
        return "invalid_pincode"
    phone_key = "ReceiversNumber" if "ReceiversNumber" in address else "receiverPhone"
    address[phone_key] = "022 2345 6789"
    return "landline"


def _historical(rng: random.Random, data: SeedData, created: datetime) -> None:
    order_id = _uuid(rng)
    status = rng.choice(["delivered"] * 8 + ["cancelled", "shipped"])
    data.orders.append(
        {
            "orderId": order_id,
            "createdAt": _iso(created),
            "customerId": _uuid(rng),
            "status": status,
            "totalAmount": Decimal(1499),
            "paymentMethod": "razorpay",
            "paymentStatus": "paid",
            "shippingAddressId": _uuid(rng),
            "orderItems": [
                {
                    "productId": "prod-001",
                    "name": PRODUCTS[0][0],
                    "quantity": Decimal(1),
                    "price": Decimal(1499),
                }
            ],
        }
    )
