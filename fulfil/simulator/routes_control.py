"""The control API under `/__sim/`: not Shiprocket, the test harness's remote control.

It resets the account, reads and patches the config, moves the clock, expires tokens, forces
tracking scenarios and faults, and answers the question a fulfilment pipeline must never get
wrong: how many Shiprocket orders exist (and are live) for one channel order id. Control calls
bypass auth, latency, rate limit and faults.

    POST   /__sim/reset                  body {} or {"config": {...full config...}}
    GET    /__sim/config                 password masked as "***"
    PATCH  /__sim/config                 deep merge (scenario_mix is replaced whole)
    PUT    /__sim/config                 replace; unspecified fields take defaults
    GET    /__sim/clock                  {"now", "now_ist", "epoch_seconds"}
    POST   /__sim/clock/advance          {"seconds"|"minutes"|"hours"|"days": N, ...}
    POST   /__sim/tokens/expire          {"expired": n}
    POST   /__sim/scenario               {"scenario", "awb" | "channel_order_id"}
    GET    /__sim/orders                 every order with channel id, status, AWB, courier
    GET    /__sim/orders/count           ?channel_order_id=X -> total/live/cancelled/related
    GET    /__sim/stats                  calls, statuses, faults, rate_limited per operation
    GET    /__sim/faults                 fault config, forced queue, operation names
    POST   /__sim/faults/force           {"kind", "operation": name | null, "count": 1}
    DELETE /__sim/faults/force           clear the forced queue
    GET    /__sim/shipments/{awb}/timeline   all scans, future ones included
    GET    /__sim/files/{name}           the (tiny) PDF behind label and manifest URLs
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from fulfil.simulator.config import FAULT_KINDS, SCENARIOS, FaultKind, ScenarioName, SimulatorConfig
from fulfil.simulator.operations import OPERATIONS
from fulfil.simulator.routes_auth import expire_all
from fulfil.simulator.routes_shipping import start_timeline
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.state import Order, ScenarioOverride
from fulfil.simulator.wire import ShiprocketError, fmt, read_object

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 288 432]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _bad(message: str, **extra: Any) -> ShiprocketError:
    return ShiprocketError(400, {"message": message, **extra})


def _config_from(data: Any, base: SimulatorConfig | None) -> SimulatorConfig:
    if not isinstance(data, dict):
        raise _bad("config must be a JSON object")
    try:
        return base.merged(data) if base is not None else SimulatorConfig.model_validate(data)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ShiprocketError(422, {"message": "invalid config", "errors": errors}) from None


def order_entry(order: Order, rt: Runtime) -> dict[str, Any]:
    s = order.shipment
    now = rt.now()
    return {
        "order_id": order.id,
        "shipment_id": s.id,
        "channel_order_id": order.channel_order_id,
        "channel_id": order.channel_id,
        "status": "CANCELED" if order.cancelled else "LIVE",
        "status_code": order.status_code(now),
        "shipment_status": s.status_code(now),
        "awb": s.awb,
        "released_awbs": list(s.released_awbs),
        "courier_id": s.courier.id if s.courier else None,
        "courier_name": s.courier.name if s.courier else None,
        "scenario": s.scenario,
        "created_at": fmt(order.created_at),
        "cancelled_at": fmt(order.cancelled_at),
    }


def _related(channel_order_id: str, candidate: str) -> bool:
    """`X` relates to `X-2`, `X_retry`, `X/1`: the suffixes clients use to re-create orders."""
    if not candidate.startswith(channel_order_id) or candidate == channel_order_id:
        return False
    return not candidate[len(channel_order_id)].isalnum()


def clock_body(rt: Runtime) -> dict[str, Any]:
    now = rt.now()
    return {"now": now.isoformat(), "now_ist": fmt(now), "epoch_seconds": now.timestamp()}


def router(rt: Runtime) -> APIRouter:
    api = APIRouter()

    @api.post("/reset")
    async def reset(request: Request) -> JSONResponse:
        body = await read_object(request)
        config = _config_from(body["config"], None) if "config" in body else None
        async with rt.store.lock:
            rt.reset(config)
        return JSONResponse({"reset": True, **clock_body(rt)})

    @api.get("/config")
    async def get_config() -> JSONResponse:
        return JSONResponse(rt.config.public_dump())

    @api.patch("/config")
    async def patch_config(request: Request) -> JSONResponse:
        rt.apply_config(_config_from(await read_object(request), rt.config))
        return JSONResponse(rt.config.public_dump())

    @api.put("/config")
    async def put_config(request: Request) -> JSONResponse:
        rt.apply_config(_config_from(await read_object(request), None))
        return JSONResponse(rt.config.public_dump())

    @api.get("/clock")
    async def clock() -> JSONResponse:
        return JSONResponse(clock_body(rt))

    @api.post("/clock/advance")
    async def advance(request: Request) -> JSONResponse:
        body = await read_object(request)
        units = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
        try:
            seconds = sum(float(body.get(k, 0)) * f for k, f in units.items())
        except (TypeError, ValueError):
            raise _bad("seconds/minutes/hours/days must be numbers") from None
        if seconds < 0:
            raise _bad("the clock only moves forward")
        rt.clock.advance(seconds)
        return JSONResponse(clock_body(rt))

    @api.post("/tokens/expire")
    async def expire_tokens() -> JSONResponse:
        return JSONResponse({"expired": expire_all(rt)})

    @api.post("/scenario")
    async def force_scenario(request: Request) -> JSONResponse:
        body = await read_object(request)
        scenario = body.get("scenario")
        if scenario not in SCENARIOS:
            raise _bad("unknown scenario", allowed=list(SCENARIOS))
        name: ScenarioName = scenario
        awb, channel_order_id = body.get("awb"), body.get("channel_order_id")
        if not awb and not channel_order_id:
            raise _bad("give awb or channel_order_id")
        async with rt.store.lock:
            if awb:
                rt.store.overrides_by_awb[str(awb)] = ScenarioOverride(name)
                targets = [rt.store.awbs[str(awb)]] if str(awb) in rt.store.awbs else []
            else:
                rt.store.overrides_by_channel_id[str(channel_order_id)] = ScenarioOverride(name)
                orders = rt.store.orders_by_channel_id(str(channel_order_id))
                targets = [o.shipment for o in orders]
            rebuilt = []
            for shipment in targets:
                start = shipment.timeline_start
                if start is not None and shipment.cancelled_at is None:
                    start_timeline(rt, shipment, start)
                    rebuilt.append(shipment.awb)
        return JSONResponse({"scenario": name, "rebuilt_awbs": rebuilt})

    @api.get("/orders")
    async def dump_orders() -> JSONResponse:
        return JSONResponse({"orders": [order_entry(o, rt) for o in rt.store.iter_orders()]})

    @api.get("/orders/count")
    async def count_orders(channel_order_id: str) -> JSONResponse:
        exact = rt.store.orders_by_channel_id(channel_order_id)
        related = [
            o for o in rt.store.iter_orders() if _related(channel_order_id, o.channel_order_id)
        ]
        return JSONResponse(
            {
                "channel_order_id": channel_order_id,
                "total": len(exact),
                "live": sum(1 for o in exact if not o.cancelled),
                "cancelled": sum(1 for o in exact if o.cancelled),
                "order_ids": [o.id for o in exact],
                "related_total": len(related),
                "related_live": sum(1 for o in related if not o.cancelled),
                "related_channel_order_ids": [o.channel_order_id for o in related],
            }
        )

    @api.get("/stats")
    async def stats() -> JSONResponse:
        return JSONResponse(rt.stats.dump())

    @api.get("/faults")
    async def faults() -> JSONResponse:
        forced = [
            {"kind": f.kind, "operation": f.operation, "remaining": f.remaining}
            for f in rt.faults.forced
        ]
        return JSONResponse(
            {"config": rt.config.faults.model_dump(), "forced": forced, "operations": OPERATIONS}
        )

    @api.post("/faults/force")
    async def force_fault(request: Request) -> JSONResponse:
        body = await read_object(request)
        kind_name = body.get("kind")
        kinds: dict[str, FaultKind] = {k: k for k in FAULT_KINDS}
        if kind_name not in kinds:
            raise _bad("unknown fault kind", allowed=list(FAULT_KINDS))
        kind = kinds[kind_name]
        operation = body.get("operation")
        if operation is not None and operation not in OPERATIONS:
            raise _bad("unknown operation", allowed=list(OPERATIONS))
        count = body.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise _bad("count must be a positive integer")
        rt.faults.force(kind, operation, count)
        return JSONResponse({"forced": kind, "operation": operation, "count": count})

    @api.delete("/faults/force")
    async def clear_faults() -> Response:
        rt.faults.clear_forced()
        return Response(status_code=204)

    @api.get("/shipments/{awb}/timeline")
    async def timeline(awb: str) -> JSONResponse:
        shipment = rt.store.awbs.get(awb)
        if shipment is None:
            raise ShiprocketError(404, {"message": "unknown AWB"})
        now = rt.now()
        scans = [
            {
                "visible_at": fmt(s.visible_at),
                "visible": s.visible_at <= now,
                "date": fmt(s.date),
                "status": s.status,
                "activity": s.activity,
                "sr-status": s.sr_status,
            }
            for s in shipment.scans
        ]
        return JSONResponse({"awb": awb, "scenario": shipment.scenario, "scans": scans})

    @api.get("/files/{name}")
    async def files(name: str) -> Response:
        return Response(MINIMAL_PDF, media_type="application/pdf")

    return api
