"""Which messages a sweep sends, built from what it already has (no extra reads).

- intake, new shipment planned: `order_confirmed` to the customer (once per order) and a
  `seller_new_order` notice to each seller with their own items;
- chain complete (AWB and pickup booked): `shipped` with courier, AWB and tracking URL.
Dedupe keys (order + shipment + kind) make every notice at most once, whoever records it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from fulfil.domain.contact import ContactError, normalize_indian_mobile
from fulfil.domain.fulfilment import ShipmentState
from fulfil.domain.notifications import Notification, NotificationKind, build_notification
from fulfil.domain.planning import Decision

TRACKING_URL = "https://shiprocket.co/tracking/{awb}"


def _mobile(raw: object) -> str | None:
    try:
        return normalize_indian_mobile(raw)
    except ContactError:
        return None


def intake_notices(
    decision: Decision, sellers: Mapping[str, Mapping[str, Any]]
) -> list[Notification]:
    if not decision.shipments or decision.order is None:
        return []
    first = decision.shipments[0]
    order = decision.order
    out = [
        build_notification(
            NotificationKind.ORDER_CONFIRMED,
            order_id=order.order_id,
            shipment_key=None,
            recipient_e164=first.destination.phone_e164,
            context={
                "order_id": order.order_id,
                "order_ref": order.order_id[:8].upper(),
                "customer_name": first.destination.name.split()[0],
                "total_amount": order.total_amount,
                "payment_method": "Cash on delivery"
                if first.payment_method == "COD"
                else "Prepaid",
            },
        )
    ]
    items_by_seller: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for plan in decision.shipments:
        if plan.seller_id:
            items_by_seller[plan.seller_id].extend(
                {"name": i.name, "quantity": i.units} for i in plan.items
            )
    for seller_id, items in items_by_seller.items():
        seller = sellers.get(seller_id) or {}
        out.append(
            build_notification(
                NotificationKind.SELLER_NEW_ORDER,
                order_id=order.order_id,
                shipment_key=seller_id,
                recipient_e164=_mobile(seller.get("phone")),
                context={
                    "order_id": order.order_id,
                    "order_ref": order.order_id[:8].upper(),
                    "seller_name": str(seller.get("name") or "Seller"),
                    "items": items,
                },
            )
        )
    return out


def shipped_notice(state: ShipmentState) -> Notification | None:
    if state.plan is None or not state.awb:
        return None
    return build_notification(
        NotificationKind.SHIPPED,
        order_id=state.order_id,
        shipment_key=state.shipment_key,
        recipient_e164=state.plan.destination.phone_e164,
        context={
            "order_id": state.order_id,
            "order_ref": state.order_id[:8].upper(),
            "customer_name": state.plan.destination.name.split()[0],
            "courier_name": state.courier_name or "our courier partner",
            "awb": state.awb,
            "tracking_url": TRACKING_URL.format(awb=state.awb),
        },
    )
