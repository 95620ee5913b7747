"""Courier endpoints: serviceability and AWB assignment (fact sheet §3, §4).

Assignment refusals come in the mixed shapes seen live: missing contact data is an HTTP 400
with a *list* of messages, "no courier" and "already assigned" are HTTP 200 with
`awb_assign_status: 0`, and a cancelled shipment is a 400 naming the "cancelled state".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fulfil.simulator import couriers
from fulfil.simulator.routes_auth import authenticate
from fulfil.simulator.rules import validate_serviceability
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.state import Order, Shipment
from fulfil.simulator.validation import as_float, int_text, is_blank, is_integer
from fulfil.simulator.views_orders import destination, is_cod, weight
from fulfil.simulator.wire import REQUIRED_MISSING, fail, fmt, invalid, php_date, read_object

CANNOT_REASSIGN = "Oops! Cannot reassign courier for this shipment."
REASSIGN_WINDOW = timedelta(hours=24)


def quotes_for(
    rt: Runtime, pickup: str, delivery: str, weight_kg: float, cod: bool
) -> list[dict[str, Any]]:
    """Serviceable courier quotes for a route, cheapest row ids first (deterministic)."""
    if not couriers.is_serviceable(delivery, rt.config.non_serviceable_pin_prefixes):
        return []
    now = rt.now()
    return [
        couriers.quote(
            c,
            seed=rt.store.seed,
            pickup=pickup,
            delivery=delivery,
            weight=weight_kg,
            cod=cod,
            now=now,
            row_id=700_000 + c.id * 37 + index,
        )
        for index, c in enumerate(couriers.available(cod))
    ]


def serviceability_body(quotes: list[dict[str, Any]]) -> dict[str, Any]:
    best = couriers.recommended(quotes)
    best_id = best["courier_company_id"] if best else None
    return {
        "company_auto_shipment_insurance_setting": False,
        "covid_zones": {"delivery_zone": None, "pickup_zone": None},
        "currency": "INR",
        "data": {
            "available_courier_companies": quotes,
            "blocked_courier_companies": [],
            "child_courier_id": None,
            "is_recommendation_enabled": 1,
            "promise_recommended_courier_company_id": None,
            "recommendation_advance_rule": None,
            "recommended_by": {"id": 6, "title": "Best in Price and Rating"},
            "recommended_courier_company_id": best_id,
            "shiprocket_recommended_courier_id": best_id,
        },
        "dg_courier": 0,
        "eligible_for_insurance": 0,
        "insurace_opted_at_order_creation": False,
        "is_allow_templatized_pricing": True,
        "is_latlong": 0,
        "label_generate_type": 0,
        "seller_address": [],
        "status": 200,
        "user_insurance_manadatory": False,
    }


def next_pickup_slot(now: datetime) -> datetime:
    """Today 14:00 before the cut-off, else the next non-Sunday at 10:00."""
    if now.hour < 14 and now.weekday() != 6:
        return now.replace(hour=14, minute=0, second=0, microsecond=0)
    day = now + timedelta(days=1)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day.replace(hour=10, minute=0, second=0, microsecond=0)


def router(rt: Runtime) -> APIRouter:
    api = APIRouter()

    @api.get("/courier/serviceability/")
    @api.get("/courier/serviceability")
    async def serviceability(request: Request) -> JSONResponse:
        authenticate(rt, request)
        params = dict(request.query_params)
        bag = validate_serviceability(params)
        if bag:
            raise invalid(bag.errors, REQUIRED_MISSING)
        pickup = int_text(params["pickup_postcode"])
        delivery = int_text(params["delivery_postcode"])
        if not is_blank(params.get("order_id")):
            order = rt.store.orders.get(int(params["order_id"]))
            if order is None:
                return JSONResponse({"status": 404, "message": "Order does not exist!"})
            cod, weight_kg = is_cod(order), weight(order)
        else:
            cod, weight_kg = params["cod"].strip() == "1", as_float(params["weight"])
        quotes = quotes_for(rt, pickup, delivery, weight_kg, cod)
        if not quotes and rt.config.unserviceable_style == "status_404":
            return JSONResponse(
                {"status": 404, "message": "No courier serviceable for the given pincodes."}
            )
        return JSONResponse(serviceability_body(quotes))

    @api.post("/courier/assign/awb")
    async def assign_awb(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        raw_id: Any = body.get("shipment_id")
        if is_blank(raw_id):
            raise invalid({"shipment_id": ["The shipment id field is required."]}, REQUIRED_MISSING)
        if not is_integer(raw_id):
            raise invalid({"shipment_id": ["The shipment id must be an integer."]})
        async with rt.store.lock:
            shipment = rt.store.shipments.get(int(float(raw_id)))
            if shipment is None:
                raise fail(400, "Invalid shipment id")
            order = rt.store.order_for_shipment(shipment)
            return JSONResponse(_assign(rt, order, shipment, body))

    return api


def _refusal(shipment: Shipment, order: Order, message: str) -> dict[str, Any]:
    return {
        "awb_assign_status": 0,
        "response": {
            "data": {
                "awb_assign_error": message,
                "shipment_id": shipment.id,
                "order_id": order.id,
                "courier_company_id": None,
            }
        },
    }


def _assign(rt: Runtime, order: Order, shipment: Shipment, body: dict[str, Any]) -> dict[str, Any]:
    now = rt.now()
    if order.cancelled:
        raise fail(400, "Cannot assign AWB as the shipment is in cancelled state.")
    reassign = str(body.get("status", "")).lower() == "reassign"
    if shipment.awb and not reassign:
        return _refusal(shipment, order, "AWB is already assigned")
    if reassign and (
        shipment.awb is None
        or shipment.pickup is not None
        or (shipment.reassigned_at is not None and now - shipment.reassigned_at < REASSIGN_WINDOW)
    ):
        raise fail(400, CANNOT_REASSIGN)
    dest = destination(order)
    problems = []
    if not dest["pincode"]:
        problems.append("Delivery pincode is empty")
    if not dest["phone"]:
        problems.append("Customer phone is empty")
    if problems:
        raise fail(400, problems)
    quotes = quotes_for(
        rt, rt.config.pickup_postcode, dest["pincode"], weight(order), is_cod(order)
    )
    if reassign and shipment.courier is not None:
        current = shipment.courier.id
        quotes = [q for q in quotes if q["courier_company_id"] != current]
    if not quotes:
        return _refusal(shipment, order, "No courier serviceable for this shipment's pincode.")
    chosen = couriers.recommended(quotes)
    if not is_blank(body.get("courier_id")):
        wanted = [q for q in quotes if str(q["courier_company_id"]) == str(body["courier_id"])]
        if not wanted:
            return _refusal(
                shipment, order, "Selected courier is not serviceable for this shipment."
            )
        chosen = wanted[0]
    assert chosen is not None
    courier = couriers.COURIERS_BY_ID[chosen["courier_company_id"]]
    if reassign and shipment.awb:
        shipment.released_awbs.append(shipment.awb)
        rt.store.awbs.pop(shipment.awb, None)
        shipment.reassigned_at = now
    awb = rt.store.new_awb(courier)
    rt.store.awbs[awb] = shipment
    shipment.awb, shipment.courier, shipment.assigned_at = awb, courier, now
    shipment.pre_scan_status = 1
    shipment.applied_weight = couriers.charge_weight(weight(order), *_dims(order))
    return {"awb_assign_status": 1, "response": {"data": _assigned(rt, order, shipment)}}


def _dims(order: Order) -> tuple[float, float, float]:
    p = order.payload
    return (as_float(p["length"]), as_float(p["breadth"]), as_float(p["height"]))


def _assigned(rt: Runtime, order: Order, shipment: Shipment) -> dict[str, Any]:
    now = rt.now()
    assert shipment.courier is not None
    config = rt.config
    pickup_name = str(order.payload.get("pickup_location", ""))
    return {
        "courier_company_id": shipment.courier.id,
        "awb_code": shipment.awb,
        "cod": 1 if is_cod(order) else 0,
        "order_id": order.id,
        "shipment_id": shipment.id,
        "awb_code_status": 1,
        "assigned_date_time": php_date(now),
        "applied_weight": shipment.applied_weight,
        "company_id": config.company_id,
        "courier_name": shipment.courier.name,
        "child_courier_name": None,
        "pickup_scheduled_date": fmt(next_pickup_slot(now)),
        "routing_code": "",
        "rto_routing_code": "",
        "invoice_no": f"Retail{order.id % 100000:05d}",
        "transporter_id": "",
        "transporter_name": "",
        "shipped_by": {
            "shipper_company_name": "Sandbox Seller",
            "shipper_address_1": f"{pickup_name} warehouse",
            "shipper_address_2": "",
            "shipper_city": config.pickup_city,
            "shipper_state": "",
            "shipper_country": "India",
            "shipper_postcode": config.pickup_postcode,
            "shipper_first_mile_activated": 0,
            "shipper_phone": "",
            "lat": "",
            "long": "",
            "shipper_email": "",
            "rto_company_name": "Sandbox Seller",
            "rto_address_1": f"{pickup_name} warehouse",
            "rto_address_2": "",
            "rto_city": config.pickup_city,
            "rto_state": "",
            "rto_country": "India",
            "rto_postcode": config.pickup_postcode,
            "rto_phone": "",
            "rto_email": "",
        },
    }
