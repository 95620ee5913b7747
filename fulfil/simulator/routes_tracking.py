"""Tracking endpoints: by AWB, by shipment, by channel order id, and the 50-AWB bulk call."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fulfil.simulator.routes_auth import authenticate
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.state import Shipment
from fulfil.simulator.views_tracking import no_activity, tracking_data
from fulfil.simulator.wire import ShiprocketError, invalid, read_object

MAX_BULK_AWBS = 50


def _track(rt: Runtime, shipment: Shipment) -> dict[str, Any]:
    order = rt.store.order_for_shipment(shipment)
    return tracking_data(order, shipment, rt.now(), rt.config.pickup_city)


def router(rt: Runtime) -> APIRouter:
    api = APIRouter()

    @api.get("/courier/track/awb/{awb}")
    async def track_awb(awb: str, request: Request) -> JSONResponse:
        authenticate(rt, request)
        shipment = rt.store.awbs.get(awb)
        return JSONResponse(no_activity() if shipment is None else _track(rt, shipment))

    @api.get("/courier/track/shipment/{shipment_id}")
    async def track_shipment(shipment_id: str, request: Request) -> JSONResponse:
        authenticate(rt, request)
        shipment = rt.store.shipments.get(int(shipment_id)) if shipment_id.isdigit() else None
        return JSONResponse(no_activity() if shipment is None else _track(rt, shipment))

    @api.get("/courier/track")
    async def track_order(request: Request) -> JSONResponse:
        authenticate(rt, request)
        channel_order_id = request.query_params.get("order_id", "")
        if not channel_order_id:
            raise invalid({"order_id": ["The order id field is required."]})
        channel = request.query_params.get("channel_id")
        orders = [
            o
            for o in rt.store.orders_by_channel_id(channel_order_id)
            if not channel or str(o.channel_id) == channel
        ]
        return JSONResponse([_track(rt, o.shipment) for o in orders])

    @api.post("/courier/track/awbs")
    async def track_awbs(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        awbs = body.get("awbs")
        if not isinstance(awbs, list):
            raise ShiprocketError(
                500, {"message": "Invalid argument supplied for foreach()", "status_code": 500}
            )
        if len(awbs) > MAX_BULK_AWBS:
            raise invalid({"awbs": [f"The awbs may not have more than {MAX_BULK_AWBS} items."]})
        out: dict[str, Any] = {}
        for awb in awbs:
            shipment = rt.store.awbs.get(str(awb))
            out[str(awb)] = {} if shipment is None else _track(rt, shipment)
        return JSONResponse(out)

    return api
