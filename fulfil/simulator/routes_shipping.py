"""Pickup, label and manifest endpoints (fact sheet §5, §6).

Requesting a pickup is what starts a shipment's tracking story: the scan timeline is built here,
from the scenario forced through the control API or drawn from the seeded mix.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fulfil.simulator import couriers
from fulfil.simulator.routes_auth import authenticate
from fulfil.simulator.routes_courier import next_pickup_slot
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.scenarios import build_timeline, pick_scenario
from fulfil.simulator.state import Pickup, Shipment
from fulfil.simulator.validation import is_blank
from fulfil.simulator.views_orders import destination
from fulfil.simulator.wire import (
    INVALID_DATA,
    REQUIRED_MISSING,
    ShiprocketError,
    as_id_list,
    fail,
    fmt,
    invalid,
    php_date,
    read_object,
)

NOT_ARRAY = {"shipment_id": ["The shipment id must be an array."]}


def file_url(request: Request, kind: str, ids: list[int]) -> str:
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:12]
    return f"{request.base_url}__sim/files/{kind}_{digest}.pdf"


def start_timeline(rt: Runtime, shipment: Shipment, start: datetime) -> None:
    """Build the shipment's scans from its forced or seeded scenario, starting at `start`."""
    assert shipment.awb is not None and shipment.courier is not None
    order = rt.store.order_for_shipment(shipment)
    override = rt.store.overrides_by_awb.get(shipment.awb) or rt.store.overrides_by_channel_id.get(
        order.channel_order_id
    )
    scenario = override.scenario if override else None
    scenario = scenario or pick_scenario(rt.config.scenario_mix, rt.store.seed, shipment.awb)
    dest = destination(order)
    days = couriers.transit_days(
        rt.store.seed, shipment.courier, rt.config.pickup_postcode, dest["pincode"] or "000000"
    )
    shipment.scenario = scenario
    shipment.timeline_start = start
    shipment.scans = build_timeline(
        scenario,
        start=start,
        rng=random.Random(f"timeline|{rt.store.seed}|{shipment.awb}"),
        origin=rt.config.pickup_city,
        destination=dest["city"] or "Destination",
        transit_days=days,
    )
    shipment.etd = start + timedelta(days=days + 1)


def _pickup_date(body: dict[str, Any], now: datetime) -> datetime | None:
    raw = body.get("pickup_date")
    if is_blank(raw):
        return None
    value = raw[0] if isinstance(raw, list) else raw
    try:
        day = datetime.strptime(str(value), "%Y-%m-%d")
    except ValueError:
        message = "The pickup date.0 does not match the format Y-m-d."
        raise invalid({"pickup_date.0": [message]}) from None
    when = now.replace(year=day.year, month=day.month, day=day.day, hour=10, minute=0, second=0)
    if when.date() < now.date():
        raise invalid(
            {"pickup_date.0": ["The pickup date.0 must be a date after or equal to today."]}
        )
    while when.weekday() == 6:  # Sunday moves to the next working day
        when += timedelta(days=1)
    return max(when, now)


def _pickup_body(shipment: Shipment, pickup: Pickup) -> dict[str, Any]:
    assert shipment.courier is not None
    others = {"awb": shipment.awb, "courier": shipment.courier.name, "shipment_id": shipment.id}
    return {
        "pickup_status": 1,
        "response": {
            "pickup_scheduled_date": fmt(pickup.scheduled_date),
            "pickup_token_number": pickup.token_number,
            "status": 3,
            "others": json.dumps(others),
            "pickup_generated_date": php_date(pickup.generated_at),
            "data": f"Pickup is confirmed by {shipment.courier.name} For AWB :- {shipment.awb}",
        },
    }


def router(rt: Runtime) -> APIRouter:
    api = APIRouter()

    @api.post("/courier/generate/pickup")
    async def generate_pickup(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        if is_blank(body.get("shipment_id")):
            raise invalid({"shipment_id": ["The shipment id field is required."]}, REQUIRED_MISSING)
        ids = as_id_list(body["shipment_id"], allow_scalar=True) or []
        if len(ids) != 1:
            raise fail(400, "Invalid shipment id" if not ids else "Only one shipment_id allowed")
        now = rt.now()
        async with rt.store.lock:
            shipment = rt.store.shipments.get(ids[0])
            if shipment is None or shipment.cancelled_at is not None:
                raise fail(400, "Invalid shipment id")
            if shipment.awb is None:
                raise fail(400, "AWB is not assigned for this shipment. Please assign AWB first.")
            if shipment.pickup is not None:
                if str(body.get("status", "")).lower() == "retry":
                    return JSONResponse(_pickup_body(shipment, shipment.pickup))
                raise fail(400, "Already in Pickup Queue.")
            scheduled = _pickup_date(body, now) or next_pickup_slot(now)
            token = rt.store.new_pickup_token(now)
            shipment.pickup = Pickup(scheduled_date=scheduled, generated_at=now, token_number=token)
            shipment.pre_scan_status = 3
            start_timeline(rt, shipment, max(now, scheduled - timedelta(hours=4)))
            return JSONResponse(_pickup_body(shipment, shipment.pickup))

    @api.post("/courier/generate/label")
    async def generate_label(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        if is_blank(body.get("shipment_id")):
            raise invalid({"shipment_id": ["The shipment id field is required."]})
        ids = as_id_list(body["shipment_id"])
        if ids is None:
            raise invalid(NOT_ARRAY)
        async with rt.store.lock:
            ok = [i for i in ids if _labelable(rt.store.shipments.get(i))]
            not_created = [i for i in ids if i not in ok]
            if not ok:
                return JSONResponse(
                    {
                        "label_created": 0,
                        "label_url": "",
                        "response": "No valid shipment ids to print label",
                        "not_created": not_created,
                    }
                )
            url = file_url(request, "label", ok)
            for shipment_id in ok:
                shipment = rt.store.shipments[shipment_id]
                shipment.label_url = url
                if shipment.pre_scan_status == 1:
                    shipment.pre_scan_status = 2
        return JSONResponse(
            {
                "label_created": 1,
                "label_url": url,
                "response": "Label has been created and uploaded successfully!",
                "not_created": not_created,
            }
        )

    @api.post("/manifests/generate")
    async def generate_manifest(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        if is_blank(body.get("shipment_id")):
            raise invalid({"shipment_id": ["The shipment id field is required."]})
        ids = as_id_list(body["shipment_id"])
        if ids is None:
            raise invalid(NOT_ARRAY, INVALID_DATA)
        now = rt.now()
        async with rt.store.lock:
            shipments = [rt.store.shipments.get(i) for i in ids]
            already = [s.id for s in shipments if s is not None and s.manifested_at is not None]
            if already:
                raise fail(
                    400,
                    "Manifest already generated for some shipment_ids",
                    already_manifested_shipment_ids=already,
                )
            ready = [s for s in shipments if s is not None and _manifestable(s)]
            if not ready:
                return JSONResponse({"status": 1, "manifest_url": ""})
            for shipment in ready:
                shipment.manifested_at = now
                if shipment.pre_scan_status in (1, 2, 3):
                    shipment.pre_scan_status = 5
        return JSONResponse(
            {"status": 1, "manifest_url": file_url(request, "manifest", [s.id for s in ready])}
        )

    @api.post("/manifests/print")
    async def print_manifest(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        ids = as_id_list(body.get("order_ids"))
        if ids is None:
            raise ShiprocketError(500, {"message": "Invalid argument supplied for foreach()"})
        orders = [rt.store.orders.get(i) for i in ids]
        done = [o.id for o in orders if o is not None and o.shipment.manifested_at is not None]
        return JSONResponse({"manifest_url": file_url(request, "manifest", done) if done else ""})

    return api


def _labelable(shipment: Shipment | None) -> bool:
    return shipment is not None and shipment.awb is not None and shipment.cancelled_at is None


def _manifestable(shipment: Shipment) -> bool:
    return (
        shipment.awb is not None and shipment.pickup is not None and shipment.cancelled_at is None
    )
