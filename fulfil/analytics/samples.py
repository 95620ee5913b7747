"""Synthetic items for the project's own tables, shaped as `docs/data-model.md` describes them.

The snapshot tests and the benchmark need fulfilment rows, tracking scans and outbox items next
to the seeded storefront data, with a realistic mix (delivered, NDR, RTO, parked, retrying) and
with the personal data the snapshot must not leak (the notification recipient in E.164, a vendor
message that echoes a phone number and an email, the `plan` JSON with the street and name).
Deterministic from a seed; pure (no I/O).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from fulfil.domain.contact import ContactError, normalize_indian_mobile, state_for_pincode
from fulfil.seed import SeedData
from fulfil.timestamps import change_stamp, iso

COURIERS = [("Delhivery Surface", "10"), ("Blue Dart", "22"), ("Xpressbees", "33"), ("Ekart", "44")]


@dataclass
class ProjectItems:
    fulfilment: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)


def stamp(item: dict[str, Any], updated: datetime) -> dict[str, Any]:
    """Set `updatedAt`/`changeDay` the way every write of ours does."""
    item.update(change_stamp(updated))
    return item


def project_items(data: SeedData, *, updated: datetime, seed: int = 11) -> ProjectItems:
    """Fulfilment, events and outbox items for the seeded orders, all last written at `updated`."""
    rng = random.Random(seed)
    out = ProjectItems()
    addresses = {a["addressId"]: a for a in data.addresses}
    customers = {c["customerId"]: c for c in data.customers}
    parked = {o for kind, ids in data.expected.items() if kind != "ship" for o in ids}
    for order in data.orders:
        if order.get("status") not in ("confirmed",):
            continue
        created = datetime.fromisoformat(order["createdAt"].replace("Z", "+00:00"))
        address = addresses.get(order.get("shippingAddressId", ""), {})
        customer = customers.get(order.get("customerId", ""), {})
        if order["orderId"] in parked:
            _parked(out, order, customer, updated)
            continue
        _shipped(rng, out, order, address, customer, created, updated)
    return out


def _parked(
    out: ProjectItems, order: dict[str, Any], customer: dict[str, Any], updated: datetime
) -> None:
    phone = customer.get("phone") or customer.get("phoneNumber") or "9000000000"
    out.fulfilment.append(
        stamp(
            {
                "orderId": order["orderId"],
                "shipmentKey": "00",
                "shipmentId": f"shp-{order['orderId']}-00",
                "orderCreatedAt": order["createdAt"],
                "status": "needs_attention",
                "lastErrorCode": "invalid_pincode",
                # A vendor/validation message that echoes personal data: must be scrubbed.
                "lastErrorMessage": f"address.pincode: bad PIN for {phone} / {customer['email']}",
                "rejections": json.dumps(
                    [
                        {
                            "order_id": order["orderId"],
                            "field": "address.pincode",
                            "code": "invalid_pincode",
                            "message": f"call {phone}",
                        }
                    ]
                ),
                "attempts": 0,
                "createdAt": iso(updated),
            },
            updated,
        )
    )
    out.outbox.append(
        stamp(
            {
                "outboxId": f"esc#{order['orderId'][:16]}#1",
                "kind": "escalation",
                "category": "delivery",
                "severity": "medium",
                "stage": "plan",
                "reasonCode": "invalid_pincode",
                "orderId": order["orderId"],
                "orderCreatedAt": order["createdAt"],
                "summary": f"Order cannot ship: customer {phone} ({customer['email']})",
                "detail": "full address and name would be here",
                "fingerprint": order["orderId"][:16],
                "state": "delivered",
                "ticketKey": "OPS-1",
                "action": "created",
                "attempts": 1,
                "createdAt": iso(updated),
            },
            updated,
        )
    )


def _shipped(
    rng: random.Random,
    out: ProjectItems,
    order: dict[str, Any],
    address: dict[str, Any],
    customer: dict[str, Any],
    created: datetime,
    updated: datetime,
) -> None:
    order_id = order["orderId"]
    courier, courier_id = rng.choice(COURIERS)
    awb = f"77{rng.randrange(10**10):010d}"
    pin = str(address.get("Pincode") or address.get("pincode") or "").replace(" ", "")
    awb_at = created + timedelta(minutes=rng.randrange(10, 600))
    pickup = awb_at + timedelta(hours=rng.randrange(2, 40))
    fate = rng.choices(["delivered", "ndr_delivered", "rto", "in_transit"], [6, 1, 1, 2])[0]
    item: dict[str, Any] = {
        "orderId": order_id,
        "shipmentKey": "01",
        "shipmentId": f"shp-{order_id}-01",
        "orderCreatedAt": order["createdAt"],
        "status": "shipped",
        # The plan holds the full destination: it must never reach the snapshot.
        "plan": json.dumps(
            {
                "destination": {
                    "street": address.get("Address") or address.get("address"),
                    "name": customer.get("name"),
                    "phone": customer.get("phone"),
                }
            }
        ),
        "sellerId": "seller-1",
        "paymentMethod": "COD" if order.get("paymentMethod") == "cod" else "Prepaid",
        "pickupLocation": "Sharma-Mumbai",
        "destinationCity": address.get("City") or address.get("city"),
        "destinationState": state_for_pincode(pin) if len(pin) == 6 else None,
        "destinationPincode": pin,
        "declaredValue": order["totalAmount"],
        "codAmount": order["totalAmount"] if order.get("paymentMethod") == "cod" else Decimal(0),
        "weightKg": Decimal("0.5"),
        "channelVersion": 1,
        "channelOrderId": f"{order_id}-1",
        "srOrderId": str(rng.randrange(10**8)),
        "srShipmentId": str(rng.randrange(10**8)),
        "courierId": courier_id,
        "courierName": courier,
        "shippingCost": Decimal("62.50"),
        "awb": awb,
        "awbAssignedAt": iso(awb_at),
        "attempts": 1,
        "createdAt": iso(created),
        "shippedAt": iso(awb_at + timedelta(minutes=5)),
        "pickedUpAt": iso(pickup),
        "eta": (pickup + timedelta(days=4)).strftime("%Y-%m-%d"),
        "trackingUpdatedAt": iso(updated),
    }
    scans = [("picked_up", pickup), ("in_transit", pickup + timedelta(hours=8))]
    end = pickup + timedelta(hours=rng.randrange(30, 140))
    if fate == "ndr_delivered":
        scans.append(("delivery_failed", end - timedelta(hours=24)))
        item["ndrCount"] = 1
    if fate in ("delivered", "ndr_delivered"):
        scans.append(("delivered", end))
        item.update(trackingStatus="delivered", deliveredAt=iso(end))
    elif fate == "rto":
        scans += [("delivery_failed", end - timedelta(hours=30)), ("rto_initiated", end)]
        item.update(trackingStatus="rto_initiated", rtoInitiatedAt=iso(end), ndrCount=1)
    else:
        item["trackingStatus"] = "in_transit"
    item["lastEventAt"] = iso(scans[-1][1])
    out.fulfilment.append(stamp(item, updated))
    for status, at in scans:
        out.events.append(
            stamp(
                {
                    "awb": awb,
                    "eventKey": f"{iso(at)}#{status}#{rng.randrange(16**8):08x}",
                    "orderId": order_id,
                    "shipmentKey": "01",
                    "status": status,
                    "rawStatus": status.upper(),
                    "srStatus": "18",
                    "srStatusLabel": status.replace("_", " ").title(),
                    "activity": f"{status} scan",
                    "location": item["destinationCity"] or "Hub",
                    "scanAt": iso(at),
                    "source": "poll",
                    "recordedAt": iso(updated),
                },
                updated,
            )
        )
    recipient = _e164(customer.get("phone") or customer.get("phoneNumber"))
    out.outbox.append(
        stamp(
            {
                "outboxId": f"ntf#shipped:{order_id[:24]}",
                "kind": "notification",
                "notificationKind": "shipped",
                "orderId": order_id,
                "shipmentKey": "01",
                "recipient": recipient,
                "params": json.dumps({"name": customer.get("name"), "awb": awb}),
                "state": "sent" if recipient else "skipped",
                "attempts": 1,
                "providerMessageId": f"wamid.{rng.randrange(10**12)}",
                "createdAt": iso(awb_at),
                "sentAt": iso(awb_at + timedelta(seconds=3)) if recipient else None,
            },
            updated,
        )
    )


def _e164(raw: Any) -> str | None:
    try:
        return normalize_indian_mobile(raw)
    except ContactError:
        return None
