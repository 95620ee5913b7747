"""Order endpoints: create (with the channel-order-id dedupe trap), list, show and cancel."""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from fulfil.simulator import views_orders
from fulfil.simulator.routes_auth import authenticate
from fulfil.simulator.rules import validate_create
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.state import Order
from fulfil.simulator.validation import is_blank, is_integer
from fulfil.simulator.wire import (
    REQUIRED_MISSING,
    ShiprocketError,
    as_id_list,
    fail,
    invalid,
    read_object,
)

WRONG_PICKUP = "Wrong Pickup location entered. Please choose one location from data given"
NOT_CANCELLABLE = "Order cannot be cancelled as the shipment is already picked up."


def router(rt: Runtime) -> APIRouter:
    api = APIRouter()

    @api.post("/orders/create/adhoc")
    async def create(request: Request) -> JSONResponse:
        authenticate(rt, request)
        body = await read_object(request)
        config = rt.config
        bag = validate_create(body, require_contact=config.require_contact_fields)
        if bag:
            raise invalid(bag.errors)
        channel_id = config.custom_channel_id
        if not is_blank(body.get("channel_id")):
            channel_id = int(float(body["channel_id"]))
            if channel_id not in {config.custom_channel_id, *config.channel_ids}:
                raise fail(400, "Given channel id does not exist")
        pickup = str(body["pickup_location"])
        if config.strict_pickups and pickup not in config.pickup_locations:
            locations = [{"pickup_location": name} for name in config.pickup_locations]
            raise fail(422, WRONG_PICKUP, data={"data": locations})
        channel_order_id = str(body["order_id"])
        now = rt.now()
        async with rt.store.lock:
            existing = rt.store.find_order(channel_order_id, channel_id)
            policy = config.duplicate_policy
            if existing is not None and policy != "create_new":
                if policy == "reject_all" or (policy == "reject_cancelled" and existing.cancelled):
                    raise invalid({"order_id": ["The order id has already been taken."]})
                return JSONResponse(views_orders.duplicate_response(existing, now))
            order = rt.store.new_order(channel_order_id, channel_id, body, now)
        return JSONResponse(views_orders.create_response(order, now))

    @api.get("/orders")
    async def list_orders(request: Request) -> JSONResponse:
        authenticate(rt, request)
        q = request.query_params
        page = _positive(q.get("page"), 1)
        per_page = min(_positive(q.get("per_page"), 15), 100)
        now = rt.now()
        orders = [o for o in rt.store.orders.values() if _matches(o, dict(q), now)]
        key_status = q.get("sort_by") == "status"
        orders.sort(key=lambda o: (o.status_code(now), o.id) if key_status else (0, o.id))
        if str(q.get("sort", "DESC")).upper() != "ASC":
            orders.reverse()
        total = len(orders)
        chunk = orders[(page - 1) * per_page : page * per_page]
        total_pages = max(1, math.ceil(total / per_page))
        links: dict[str, str] = {}
        if page < total_pages:
            links["next"] = str(request.url.include_query_params(page=page + 1))
        if page > 1:
            links["previous"] = str(request.url.include_query_params(page=page - 1))
        return JSONResponse(
            {
                "data": [views_orders.order_row(o, now, rt.config) for o in chunk],
                "meta": {
                    "pagination": {
                        "total": total,
                        "count": len(chunk),
                        "per_page": per_page,
                        "current_page": page,
                        "total_pages": total_pages,
                        "links": links,
                    }
                },
            }
        )

    @api.get("/orders/show/{order_id}")
    async def show(order_id: str, request: Request) -> JSONResponse:
        authenticate(rt, request)
        order = rt.store.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None:
            raise fail(400, "Order ID not found")
        return JSONResponse({"data": views_orders.order_detail(order, rt.now(), rt.config)})

    @api.post("/orders/cancel")
    async def cancel(request: Request) -> Response:
        authenticate(rt, request)
        body = await read_object(request)
        if is_blank(body.get("ids")):
            raise ShiprocketError(
                422,
                {"message": REQUIRED_MISSING, "errors": {"ids": ["The ids field is required."]}},
            )
        ids = as_id_list(body["ids"], allow_scalar=True) or []
        now = rt.now()
        async with rt.store.lock:
            orders = [rt.store.orders.get(i) for i in ids]
            if not ids or any(o is None for o in orders):
                raise fail(500, "Trying to get property of non-object")
            found = [o for o in orders if o is not None]
            if any(o.shipment.picked_up(now) and not o.cancelled for o in found):
                raise fail(400, NOT_CANCELLABLE)
            for order in found:
                _cancel(order, rt)
        return Response(status_code=204)

    @api.post("/orders/cancel/shipment/awbs")
    async def cancel_shipments(request: Request) -> Response:
        authenticate(rt, request)
        body = await read_object(request)
        awbs = body.get("awbs")
        if is_blank(awbs):
            raise invalid({"awbs": ["The awbs field is required."]}, REQUIRED_MISSING)
        if not isinstance(awbs, list):
            raise invalid({"awbs": ["The awbs must be an array."]}, REQUIRED_MISSING)
        now = rt.now()
        async with rt.store.lock:
            for awb in awbs:
                shipment = rt.store.awbs.get(str(awb))
                if shipment is None or shipment.picked_up(now):
                    continue
                shipment.released_awbs.append(str(awb))
                del rt.store.awbs[str(awb)]
                shipment.awb = None
                shipment.courier = None
                shipment.pickup = None
                shipment.scans = []
                shipment.etd = None
                shipment.timeline_start = None
                shipment.label_url = None
                shipment.manifested_at = None
                shipment.pre_scan_status = None
        return Response(status_code=204)

    return api


def _cancel(order: Order, rt: Runtime) -> None:
    if order.cancelled:
        return
    now = rt.now()
    order.cancelled_at = now
    shipment = order.shipment
    shipment.cancelled_at = now
    shipment.scans = shipment.visible_scans(now)


def _positive(value: str | None, default: int) -> int:
    if value is None or not is_integer(value) or int(value) < 1:
        return default
    return int(value)


def _matches(order: Order, q: dict[str, Any], now: Any) -> bool:
    filter_by = q.get("filter_by")
    wanted = str(q.get("filter", "")).strip()
    if filter_by and wanted:
        if filter_by == "channel_order_id" and order.channel_order_id != wanted:
            return False
        if filter_by == "status":
            codes = {int(c) for c in wanted.split(",") if c.strip().isdigit()}
            if order.status_code(now) not in codes:
                return False
        if filter_by == "payment_method":
            method = "cod" if views_orders.is_cod(order) else "prepaid"
            if method != wanted.lower():
                return False
    search = str(q.get("search", "")).strip()
    if search:
        awbs = {order.shipment.awb, *order.shipment.released_awbs}
        if search not in awbs and search.lower() not in order.channel_order_id.lower():
            return False
    channel = q.get("channel_id")
    if channel and channel.isdigit() and order.channel_id != int(channel):
        return False
    pickup = q.get("pickup_location")
    return not pickup or str(order.payload.get("pickup_location")) == pickup
