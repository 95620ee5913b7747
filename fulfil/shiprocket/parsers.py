"""Pure response parsers, one per operation: `(status_code, headers, body)` in, model or error out.

`body` is the decoded JSON (or the text start of a non-JSON answer, or None when empty). Each
parser knows its operation's ways of failing inside a 200 and its idempotent "errors" (a
manifest that already exists is success for us). Error classification shared by all lives in
`classify`; everything here is plain functions so the golden-sample tests need no HTTP at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fulfil.domain.shipment_status import (
    ShipmentStatus,
    from_label,
    from_shipment_status_code,
)
from fulfil.shiprocket.classify import (
    Headers,
    classify_http_error,
    embedded_status,
    error_message,
    unreadable,
)
from fulfil.shiprocket.errors import (
    AwbAlreadyAssigned,
    AwbAssignmentRefused,
    NotServiceable,
    ShiprocketBusinessError,
)
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.schemas import (
    AwbAssignment,
    CancelResult,
    CourierOption,
    CreatedOrder,
    LabelResult,
    LoginResponse,
    ManifestResult,
    OrderSummary,
    PickupResult,
    ServiceabilityResult,
    ShipmentTrack,
    TrackingActivity,
    TrackingResult,
    TrackingState,
)
from fulfil.shiprocket.schemas_common import loose_int

M = TypeVar("M", bound=BaseModel)


def _success_body(
    operation: Operation, status_code: int, headers: Headers, body: Any, rid: str | None
) -> dict[str, Any]:
    """The body of a real success, or raise the error the status (outer or inner) names."""
    if not 200 <= status_code < 300:
        raise classify_http_error(operation, status_code, headers, body, correlation_id=rid)
    inner = embedded_status(body)
    if inner is not None:
        raise classify_http_error(operation, inner, headers, body, correlation_id=rid)
    if not isinstance(body, dict):
        raise unreadable(operation, status_code, "expected a JSON object", correlation_id=rid)
    return body


def _validate(
    model: type[M], data: Any, operation: Operation, status_code: int, rid: str | None
) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise unreadable(operation, status_code, exc, correlation_id=rid) from None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _valid_items(model: type[M], items: Any) -> list[M]:
    """Rows that validate; one odd row (a courier without a name) must not hide the others."""
    if not isinstance(items, list):
        return []
    rows: list[M] = []
    for item in items:
        try:
            rows.append(model.model_validate(item))
        except ValidationError:
            continue
    return rows


def parse_login(
    status_code: int, headers: Headers, body: Any, *, correlation_id: str | None = None
) -> LoginResponse:
    op = Operation.LOGIN
    data = _success_body(op, status_code, headers, body, correlation_id)
    return _validate(LoginResponse, data, op, status_code, correlation_id)


def parse_serviceability(
    status_code: int,
    headers: Headers,
    body: Any,
    *,
    correlation_id: str | None = None,
    route: str | None = None,
) -> ServiceabilityResult:
    """Couriers for the route; none at all (empty list or no `data`) is `NotServiceable`."""
    op = Operation.CHECK_SERVICEABILITY
    if 200 <= status_code < 300 and embedded_status(body) == 404:
        # Our queries never send `order_id`, so a 404 inside a 200 cannot mean "no such order":
        # it is one of the unconfirmed shapes of "no courier serves this route" (fact sheet §4).
        message = body.get("message") if isinstance(body, dict) else None
        raise NotServiceable(
            str(message or f"no courier serves {route or 'this route'}"),
            operation=op,
            status_code=404,
            correlation_id=correlation_id,
        )
    data = _success_body(op, status_code, headers, body, correlation_id)
    inner = _obj(data.get("data"))
    couriers = _valid_items(CourierOption, inner.get("available_courier_companies"))
    if not couriers:
        message = data.get("message") if isinstance(data.get("message"), str) else None
        raise NotServiceable(
            message or f"no courier serves {route or 'this route'}",
            operation=op,
            status_code=status_code,
            correlation_id=correlation_id,
        )
    return ServiceabilityResult(
        couriers=couriers,
        recommended_courier_company_id=inner.get("recommended_courier_company_id"),
        shiprocket_recommended_courier_id=inner.get("shiprocket_recommended_courier_id"),
    )


def parse_create_order(
    status_code: int, headers: Headers, body: Any, *, correlation_id: str | None = None
) -> CreatedOrder:
    """The created order, or the existing one for a duplicate `order_id` (maybe CANCELED)."""
    op = Operation.CREATE_ADHOC_ORDER
    data = _success_body(op, status_code, headers, body, correlation_id)
    return _validate(CreatedOrder, data, op, status_code, correlation_id)


def parse_assign_awb(
    status_code: int, headers: Headers, body: Any, *, correlation_id: str | None = None
) -> AwbAssignment:
    """An AWB, or `AwbAssignmentRefused` for a 400 or a 200 with `awb_assign_status` != 1."""
    op = Operation.ASSIGN_AWB
    effective = embedded_status(body) if 200 <= status_code < 300 else status_code
    if effective == 400:
        raise _awb_refusal(error_message(body, 400), status_code, correlation_id)
    data = _success_body(op, status_code, headers, body, correlation_id)
    response = _obj(data.get("response"))
    inner = _obj(response.get("data"))
    flag = loose_int(data.get("awb_assign_status"))
    if flag is None and not inner.get("awb_code"):
        # No verdict at all on a write: it may have worked, so say so rather than "refused".
        raise unreadable(op, status_code, "no awb_assign_status", correlation_id=correlation_id)
    if flag is not None and flag != 1:
        reason = inner.get("awb_assign_error") or data.get("message") or response.get("message")
        text = error_message({"message": reason}, status_code)
        if text == f"HTTP {status_code}":
            text = "AWB not assigned (awb_assign_status is not 1)"
        raise _awb_refusal(text, status_code, correlation_id)
    return _validate(AwbAssignment, inner, op, status_code, correlation_id)


def _awb_refusal(message: str, status_code: int, rid: str | None) -> AwbAssignmentRefused:
    error_class = (
        AwbAlreadyAssigned if "already assigned" in message.lower() else AwbAssignmentRefused
    )
    return error_class(
        message, operation=Operation.ASSIGN_AWB, status_code=status_code, correlation_id=rid
    )


def parse_generate_pickup(
    status_code: int, headers: Headers, body: Any, *, correlation_id: str | None = None
) -> PickupResult:
    op = Operation.GENERATE_PICKUP
    data = _success_body(op, status_code, headers, body, correlation_id)
    response = data.get("response") if isinstance(data.get("response"), dict) else None
    flag = loose_int(data.get("pickup_status"))
    if flag is None or (flag == 1 and response is None):
        raise unreadable(
            op, status_code, "no pickup_status/response", correlation_id=correlation_id
        )
    if flag != 1:
        reason = data.get("message") or _obj(response).get("data")
        text = error_message({"message": reason}, status_code)
        raise ShiprocketBusinessError(
            text if reason else "pickup not generated (pickup_status is not 1)",
            operation=op,
            status_code=status_code,
            correlation_id=correlation_id,
        )
    return _validate(PickupResult, response, op, status_code, correlation_id)


def parse_generate_label(
    status_code: int, headers: Headers, body: Any, *, correlation_id: str | None = None
) -> LabelResult:
    """A label URL; `label_created: 0` (no valid shipment ids) is a business error."""
    op = Operation.GENERATE_LABEL
    data = _success_body(op, status_code, headers, body, correlation_id)
    if loose_int(data.get("label_created")) != 1 or not data.get("label_url"):
        reason = data.get("response") if isinstance(data.get("response"), str) else None
        raise ShiprocketBusinessError(
            reason or error_message(data, status_code),
            operation=op,
            status_code=status_code,
            correlation_id=correlation_id,
        )
    return _validate(LabelResult, data, op, status_code, correlation_id)


def parse_generate_manifest(
    status_code: int, headers: Headers, body: Any, *, correlation_id: str | None = None
) -> ManifestResult:
    """A manifest URL; "already generated" (400) is success for us, an empty URL is not."""
    op = Operation.GENERATE_MANIFEST
    if status_code == 400:
        message = error_message(body, status_code)
        if "already generated" in message.lower() and isinstance(body, dict):
            ids = body.get("already_manifested_shipment_ids")
            return ManifestResult(
                already_generated=True,
                already_manifested_shipment_ids=[
                    n for n in (loose_int(i) for i in _as_list(ids)) if n is not None
                ],
                message=message,
            )
    data = _success_body(op, status_code, headers, body, correlation_id)
    result = _validate(ManifestResult, data, op, status_code, correlation_id)
    if not result.manifest_url:
        raise ShiprocketBusinessError(
            "manifest not generated (empty manifest_url; shipments need an AWB and a pickup)",
            operation=op,
            status_code=status_code,
            correlation_id=correlation_id,
        )
    return result


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_track_awb(
    status_code: int,
    headers: Headers,
    body: Any,
    *,
    correlation_id: str | None = None,
    awb: str | None = None,
) -> TrackingResult:
    op = Operation.TRACK_AWB
    data = _success_body(op, status_code, headers, body, correlation_id)
    if "tracking_data" not in data and awb is not None and isinstance(data.get(awb), dict):
        data = data[awb]
    return tracking_result(awb, data)


def parse_track_awbs(
    status_code: int,
    headers: Headers,
    body: Any,
    *,
    awbs: Sequence[str],
    correlation_id: str | None = None,
) -> dict[str, TrackingResult]:
    """One result per requested AWB, in request order; unknown AWBs come back `NO_DATA`."""
    op = Operation.TRACK_AWBS
    if isinstance(body, list) and 200 <= status_code < 300:
        body = _merge_entries(body)
    data = _success_body(op, status_code, headers, body, correlation_id)
    return {awb: tracking_result(awb, data.get(awb)) for awb in awbs}


def _merge_entries(items: Iterable[Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in items:
        if isinstance(item, dict):
            merged.update(item)
    return merged


def tracking_result(awb: str | None, entry: Any) -> TrackingResult:
    """Read one `{"tracking_data": {...}}` entry (or `{}`) into a `TrackingResult`."""
    tracking = entry.get("tracking_data") if isinstance(entry, dict) else None
    if not isinstance(tracking, dict) or not tracking:
        return TrackingResult(awb=awb, state=TrackingState.NO_DATA)
    tracks = _valid_items(ShipmentTrack, tracking.get("shipment_track"))
    activities = _valid_items(TrackingActivity, tracking.get("shipment_track_activities"))
    code = loose_int(tracking.get("shipment_status"))
    error = tracking.get("error") if isinstance(tracking.get("error"), str) else None
    if loose_int(tracking.get("track_status")) != 1 and not activities:
        return TrackingResult(
            awb=awb, state=TrackingState.NO_ACTIVITY, shipment_status_code=code, message=error
        )
    return TrackingResult(
        awb=awb,
        state=TrackingState.FOUND,
        status=_tracking_status(code, tracks, activities),
        shipment_status_code=code,
        tracks=tracks,
        activities=activities,
        track_url=tracking.get("track_url") if isinstance(tracking.get("track_url"), str) else None,
        etd=tracking.get("etd"),
        message=error,
    )


def _tracking_status(
    code: int | None, tracks: list[ShipmentTrack], activities: list[TrackingActivity]
) -> ShipmentStatus:
    """The numeric code first (documented), then `current_status`, then the newest scan."""
    status = from_shipment_status_code(code)
    if status is ShipmentStatus.UNKNOWN and tracks:
        status = from_label(tracks[0].current_status)
    if status is ShipmentStatus.UNKNOWN and activities:
        status = activities[0].shipment_status
    return status


def parse_find_orders(
    status_code: int,
    headers: Headers,
    body: Any,
    *,
    channel_order_id: str,
    correlation_id: str | None = None,
) -> list[OrderSummary]:
    """Orders whose `channel_order_id` equals ours exactly (the filter may be looser).

    A row we cannot read fails the call: it could be the very order we are reconciling.
    """
    op = Operation.FIND_ORDERS
    data = _success_body(op, status_code, headers, body, correlation_id)
    rows = data.get("data")
    if rows is None or rows == {}:
        return []
    if not isinstance(rows, list):
        raise unreadable(op, status_code, "`data` is not a list", correlation_id=correlation_id)
    orders = [_validate(OrderSummary, row, op, status_code, correlation_id) for row in rows]
    wanted = str(channel_order_id).strip()
    return [o for o in orders if (o.channel_order_id or "").strip() == wanted]


def parse_cancel(
    operation: Operation,
    status_code: int,
    headers: Headers,
    body: Any,
    *,
    correlation_id: str | None = None,
) -> CancelResult:
    """204 (or 200/202) is accepted; a message, if any, is informational."""
    if 200 <= status_code < 300 and body is None:
        return CancelResult(status_code=status_code)
    data = _success_body(operation, status_code, headers, body, correlation_id)
    message = data.get("message")
    return CancelResult(
        status_code=status_code, message=message if isinstance(message, str) else None
    )
