"""From a planned shipment to Shiprocket's create-order request (pure)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fulfil.domain.planning import PlannedShipment
from fulfil.shiprocket.schemas import AdhocOrderItem, AdhocOrderRequest

IST = ZoneInfo("Asia/Kolkata")
CENT = Decimal("0.01")
# Shiprocket requires a billing e-mail; the storefront does not always have one.
FALLBACK_EMAIL = "orders@tt-marketplace.invalid"


def split_name(full: str) -> tuple[str, str | None]:
    parts = full.split()
    if len(parts) <= 1:
        return (parts[0] if parts else full.strip() or "Customer"), None
    return parts[0], " ".join(parts[1:])


def adhoc_order_request(
    plan: PlannedShipment,
    *,
    channel_order_id: str,
    order_created_at: datetime,
    channel_id: int | None = None,
) -> AdhocOrderRequest:
    """The create-order body: billing = shipping (the receiver), money in rupees with paise."""
    d = plan.destination
    first, last = split_name(d.name)
    adjustment = plan.adjustment
    return AdhocOrderRequest(
        order_id=channel_order_id,
        order_date=order_created_at.astimezone(IST).strftime("%Y-%m-%d %H:%M"),
        pickup_location=plan.pickup_location,
        channel_id=channel_id,
        billing_customer_name=first,
        billing_last_name=last,
        billing_address=d.street,
        billing_address_2=d.street2,
        billing_city=d.city,
        billing_pincode=int(d.pincode),
        billing_state=d.state,
        billing_country=d.country,
        billing_email=d.email or FALLBACK_EMAIL,
        billing_phone=int(d.phone_e164[-10:]),
        shipping_is_billing=True,
        order_items=[
            AdhocOrderItem(
                name=i.name[:200],
                sku=i.product_id[:100],
                units=i.units,
                selling_price=i.unit_price.quantize(CENT),
            )
            for i in plan.items
        ],
        payment_method=plan.payment_method,
        shipping_charges=adjustment.quantize(CENT) if adjustment > 0 else None,
        total_discount=(-adjustment).quantize(CENT) if adjustment < 0 else None,
        sub_total=plan.sub_total,
        length=plan.length_cm,
        breadth=plan.breadth_cm,
        height=plan.height_cm,
        weight=plan.weight_kg,
    )
