"""Pure request builders: arguments in, a `RequestSpec` (method, relative path, query, body) out.

No I/O and no auth here: the client adds the base URL, the bearer token and `X-Request-Id`.
Bulk limits that Shiprocket enforces with odd errors (a 500 for a non-array body) are checked
here so they fail fast, in our process, with a ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from fulfil.shiprocket.config import ShiprocketCredentials
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.schemas_courier import ServiceabilityQuery
from fulfil.shiprocket.schemas_orders import AdhocOrderRequest

MAX_TRACK_AWBS = 50
ORDERS_PER_PAGE = 50


@dataclass(frozen=True)
class RequestSpec:
    """One HTTP request to make; `json` is hidden from repr (the login body has a password)."""

    operation: Operation
    method: str
    path: str
    params: Mapping[str, str] | None = None
    json: Any = field(default=None, repr=False)
    authenticated: bool = True


def build_login(credentials: ShiprocketCredentials) -> RequestSpec:
    body = {"email": credentials.email, "password": credentials.password.get_secret_value()}
    return RequestSpec(Operation.LOGIN, "POST", "auth/login", json=body, authenticated=False)


def build_check_serviceability(query: ServiceabilityQuery) -> RequestSpec:
    return RequestSpec(
        Operation.CHECK_SERVICEABILITY,
        "GET",
        "courier/serviceability/",
        params=query.to_params(),
    )


def build_create_adhoc_order(request: AdhocOrderRequest) -> RequestSpec:
    return RequestSpec(
        Operation.CREATE_ADHOC_ORDER, "POST", "orders/create/adhoc", json=request.to_payload()
    )


def build_assign_awb(shipment_id: int, courier_id: int | None = None) -> RequestSpec:
    body: dict[str, int] = {"shipment_id": _positive(shipment_id, "shipment_id")}
    if courier_id is not None:
        body["courier_id"] = _positive(courier_id, "courier_id")
    return RequestSpec(Operation.ASSIGN_AWB, "POST", "courier/assign/awb", json=body)


def build_generate_pickup(shipment_id: int, pickup_date: date | None = None) -> RequestSpec:
    # An array, but "only one shipment_id can be passed at a time".
    body: dict[str, list[Any]] = {"shipment_id": [_positive(shipment_id, "shipment_id")]}
    if pickup_date is not None:
        body["pickup_date"] = [pickup_date.isoformat()]
    return RequestSpec(Operation.GENERATE_PICKUP, "POST", "courier/generate/pickup", json=body)


def build_generate_label(shipment_ids: Iterable[int]) -> RequestSpec:
    body = {"shipment_id": _ids(shipment_ids, "shipment_ids")}
    return RequestSpec(Operation.GENERATE_LABEL, "POST", "courier/generate/label", json=body)


def build_generate_manifest(shipment_ids: Iterable[int]) -> RequestSpec:
    body = {"shipment_id": _ids(shipment_ids, "shipment_ids")}
    return RequestSpec(Operation.GENERATE_MANIFEST, "POST", "manifests/generate", json=body)


def build_track_awb(awb: str) -> RequestSpec:
    code = _awb(awb)
    return RequestSpec(Operation.TRACK_AWB, "GET", f"courier/track/awb/{quote(code, safe='')}")


def build_track_awbs(awbs: Iterable[str]) -> RequestSpec:
    codes = unique_awbs(awbs)
    if len(codes) > MAX_TRACK_AWBS:
        raise ValueError(f"at most {MAX_TRACK_AWBS} AWBs per bulk tracking call, got {len(codes)}")
    return RequestSpec(Operation.TRACK_AWBS, "POST", "courier/track/awbs", json={"awbs": codes})


def build_find_orders_by_channel_order_id(channel_order_id: str) -> RequestSpec:
    value = str(channel_order_id).strip()
    if not value:
        raise ValueError("channel_order_id must not be empty")
    params = {
        "filter_by": "channel_order_id",
        "filter": value,
        "per_page": str(ORDERS_PER_PAGE),
    }
    return RequestSpec(Operation.FIND_ORDERS, "GET", "orders", params=params)


def build_cancel_orders(sr_order_ids: Iterable[int]) -> RequestSpec:
    body = {"ids": _ids(sr_order_ids, "sr_order_ids")}
    return RequestSpec(Operation.CANCEL_ORDERS, "POST", "orders/cancel", json=body)


def build_cancel_shipments_by_awbs(awbs: Iterable[str]) -> RequestSpec:
    body = {"awbs": unique_awbs(awbs)}
    return RequestSpec(Operation.CANCEL_SHIPMENTS, "POST", "orders/cancel/shipment/awbs", json=body)


def unique_awbs(awbs: Iterable[str]) -> list[str]:
    """Validated AWBs, duplicates dropped, order kept; at least one."""
    if isinstance(awbs, str):
        raise TypeError("pass a list of AWBs, not a single string")
    codes = list(dict.fromkeys(_awb(a) for a in awbs))
    if not codes:
        raise ValueError("at least one AWB is required")
    return codes


def _awb(awb: str) -> str:
    code = str(awb).strip()
    if not code or "/" in code:
        raise ValueError(f"invalid AWB {awb!r}")
    return code


def _positive(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _ids(values: Iterable[int], name: str) -> list[int]:
    ids = list(dict.fromkeys(_positive(v, name) for v in values))
    if not ids:
        raise ValueError(f"{name} must not be empty")
    return ids
