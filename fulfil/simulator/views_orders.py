"""Order-shaped response bodies: create answers, `GET orders` rows and `orders/show` details.

Pure functions of (order, now, config): they read state, never change it. Field names follow
the fact sheet (§2, §9); fields the sheet does not describe are filled with plausible defaults
so a client that models the documented ones (with `extra="ignore"`) parses them.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from fulfil.simulator.codes import order_label, shipment_label
from fulfil.simulator.config import IST, SimulatorConfig
from fulfil.simulator.state import Order, Shipment
from fulfil.simulator.validation import as_float, int_text, is_blank, truthy
from fulfil.simulator.wire import fmt


def destination(order: Order) -> dict[str, str]:
    """Where the parcel goes: the shipping block, or billing when shipping_is_billing."""
    p = order.payload
    side = "billing" if truthy(p.get("shipping_is_billing")) else "shipping"
    name_key = "billing_customer_name" if side == "billing" else "shipping_customer_name"

    def text(key: str) -> str:
        value = p.get(f"{side}_{key}")
        if is_blank(value):
            return ""
        return int_text(value) if key in ("pincode", "phone") else str(value)

    last = text("last_name")
    return {
        "name": f"{p.get(name_key) or ''} {last}".strip(),
        "address": text("address"),
        "address_2": text("address_2"),
        "city": text("city"),
        "state": text("state"),
        "country": text("country") or "India",
        "pincode": text("pincode"),
        "phone": text("phone"),
        "email": text("email") or str(p.get("billing_email") or ""),
    }


def is_cod(order: Order) -> bool:
    return str(order.payload.get("payment_method", "")).lower() == "cod"


def weight(order: Order) -> float:
    value = order.payload.get("weight")
    return as_float(value) if value is not None else 0.5


def create_response(order: Order, now: datetime) -> dict[str, Any]:
    """Body of a first create (§2): `awb_code` and courier are null on a fresh order."""
    return {
        "order_id": order.id,
        "channel_order_id": order.channel_order_id,
        "shipment_id": order.shipment.id,
        "status": order_label(order.status_code(now)),
        "status_code": order.status_code(now),
        "onboarding_completed_now": 0,
        "awb_code": None,
        "courier_company_id": None,
        "courier_name": None,
        "new_channel": False,
        "packaging_box_error": "",
    }


def duplicate_response(order: Order, now: datetime) -> dict[str, Any]:
    """Body of a create that hit an existing channel order id: the existing order, as is.

    Live behaviour ([JYT]): `awb_code` is "" when there is none (always for a cancelled order).
    """
    shipment = order.shipment
    live_awb = shipment.awb if shipment.awb and not order.cancelled else ""
    courier = shipment.courier if live_awb else None
    return {
        "order_id": order.id,
        "channel_order_id": order.channel_order_id,
        "shipment_id": shipment.id,
        "status": order_label(order.status_code(now)),
        "status_code": order.status_code(now),
        "onboarding_completed_now": 0,
        "awb_code": live_awb,
        "courier_company_id": courier.id if courier else "",
        "courier_name": courier.name if courier else "",
        "new_channel": False,
        "packaging_box_error": "",
    }


def _panel_date(dt: datetime) -> str:
    return dt.astimezone(IST).strftime("%d %b %Y, %I:%M %p")


def _products(order: Order) -> list[dict[str, Any]]:
    items = order.payload.get("order_items") or []
    out = []
    for index, item in enumerate(items):
        price = as_float(item.get("selling_price", 0))
        out.append(
            {
                "id": order.id * 10 + index,
                "channel_order_product_id": str(order.id * 10 + index),
                "name": item.get("name"),
                "channel_sku": item.get("sku"),
                "quantity": int(as_float(item.get("units", 1))),
                "product_id": 0,
                "available": 0,
                "status": "",
                "hsn": str(item.get("hsn") or ""),
                "price": price,
                "selling_price": price,
                "discount": as_float(item.get("discount") or 0),
                "tax_percentage": as_float(item.get("tax") or 0),
            }
        )
    return out


def _dimensions(order: Order) -> str:
    p = order.payload
    return "x".join(f"{as_float(p.get(k, 0)):g}" for k in ("length", "breadth", "height"))


def _delivered_date(shipment: Shipment, now: datetime) -> str | None:
    for scan in shipment.visible_scans(now):
        if scan.sr_code == 7:
            return fmt(scan.date)
    return None


def _rto_delivered_date(shipment: Shipment, now: datetime) -> str | None:
    for scan in shipment.visible_scans(now):
        if scan.sr_code == 10:
            return fmt(scan.date)
    return None


def shipment_row(order: Order, now: datetime) -> dict[str, Any]:
    s = order.shipment
    status = s.status_code(now)
    return {
        "id": s.id,
        "order_id": order.id,
        "isd_code": "+91",
        "courier": s.courier.name if s.courier else "",
        "courier_id": s.courier.id if s.courier else None,
        "weight": weight(order),
        "dimensions": _dimensions(order),
        "pickup_scheduled_date": fmt(s.pickup.scheduled_date) if s.pickup else None,
        "pickup_token_number": s.pickup.token_number if s.pickup else None,
        "awb": s.awb or "",
        "return_awb": "",
        "volumetric_weight": round(math.prod(_dims(order)) / 5000, 2),
        "pod": "Available" if _delivered_date(s, now) else None,
        "etd": fmt(s.etd),
        "rto_delivered_date": _rto_delivered_date(s, now),
        "delivered_date": _delivered_date(s, now),
        "status": shipment_label(status) if status is not None else "NEW",
        "status_code": status,
        "manifest_generated": s.manifested_at is not None,
        "label_url": s.label_url,
    }


def _dims(order: Order) -> list[float]:
    return [as_float(order.payload.get(k, 0)) for k in ("length", "breadth", "height")]


def order_row(order: Order, now: datetime, config: SimulatorConfig) -> dict[str, Any]:
    """One item of `GET orders` `data[]`."""
    dest = destination(order)
    code = order.status_code(now)
    p = order.payload
    return {
        "id": order.id,
        "channel_id": order.channel_id,
        "channel_name": "CUSTOM",
        "base_channel_code": "CS",
        "channel_order_id": order.channel_order_id,
        "customer_name": dest["name"],
        "customer_email": dest["email"],
        "customer_phone": dest["phone"],
        "customer_address": dest["address"],
        "customer_address_2": dest["address_2"],
        "customer_city": dest["city"],
        "customer_state": dest["state"],
        "customer_pincode": dest["pincode"],
        "customer_country": dest["country"],
        "pickup_code": config.pickup_postcode,
        "pickup_location": str(p.get("pickup_location", "")),
        "payment_method": "cod" if is_cod(order) else "prepaid",
        "total": as_float(p.get("sub_total", 0)),
        "tax": 0,
        "status": order_label(code),
        "status_code": code,
        "channel_created_at": _panel_date(order.created_at),
        "created_at": _panel_date(order.created_at),
        "updated_at": _panel_date(now),
        "products": _products(order),
        "shipments": [shipment_row(order, now)],
        "activities": _activities(order, now),
        "is_international": 0,
        "errors": [],
    }


def _activities(order: Order, now: datetime) -> list[str]:
    s = order.shipment
    out = ["ORDER_CREATED"]
    if s.awb:
        out.append("AWB_ASSIGNED")
    if s.pickup:
        out.append("PICKUP_GENERATED")
    if s.manifested_at:
        out.append("MANIFEST_GENERATED")
    if order.cancelled:
        out.append("ORDER_CANCELLED")
    return out


def order_detail(order: Order, now: datetime, config: SimulatorConfig) -> dict[str, Any]:
    """`data` of `orders/show/{id}`: the row, with `shipments` as one object plus `awb_data`."""
    data = order_row(order, now, config)
    shipment = data.pop("shipments")[0]
    s = order.shipment
    data["shipments"] = shipment
    data["delivered_date"] = shipment["delivered_date"]
    data["awb_data"] = {
        "awb": s.awb or "",
        "applied_weight": s.applied_weight if s.awb else "",
        "charged_weight": "",
        "billed_weight": "",
        "routing_code": "",
        "rto_routing_code": "",
        "charges": {
            "zone": "",
            "cod_charges": "",
            "applied_weight_amount": "",
            "freight_charges": "",
        },
    }
    data["others"] = {
        "order_type": str(order.payload.get("order_type") or ""),
        "weight": weight(order),
        "dimensions": _dimensions(order),
        "company_name": str(order.payload.get("company_name") or ""),
        "reseller_name": str(order.payload.get("reseller_name") or ""),
    }
    data["extra_info"] = {
        "order_metadata": {},
        "is_insurance_opt": order.payload.get("is_insurance_opt"),
    }
    return data
