"""DynamoDB items to analytics rows: which attributes are read, and what each column holds.

Pure mapping (no I/O): every function takes deserialised items and returns flat rows of text
values (or None); `schema.py` casts them to their column types on load. This is where the
privacy rules live:

- personal values (customer ids, phones, emails, names, street lines, recipients) leave only as
  keyed pseudonyms (`Pseudonymiser.token`), never in clear;
- geography keeps the city, the state and the PIN's first three digits (the full PIN narrows an
  address to a few streets);
- free text we keep (vendor errors, escalation summaries) goes through `scrub_text`, and free text
  that may quote an address (the shipment `plan`, escalation `detail`, notification `params`) is
  not read at all: each table's attribute list is the projection the scan asks for.

Value normalisation (timestamps, numbers, PIN prefixes) lives in `values.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from fulfil.analytics.pseudonymise import PiiKind, Pseudonymiser, scrub_text
from fulfil.analytics.values import (
    digits,
    flag,
    integer,
    number,
    pin3,
    text,
    timestamp,
)
from fulfil.domain.contact import state_for_pincode

__all__ = [
    "Row",
    "customer_row",
    "event_row",
    "fulfilment_row",
    "index_by",
    "order_rows",
    "outbox_row",
    "payment_row",
    "shipment_row",
    "timestamp",
]

Row = dict[str, str | None]


def _names(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


ORDER_ATTRS = _names(
    "orderId createdAt customerId status paymentMethod paymentStatus totalAmount "
    "shippingAddressId orderItems awb shipmentStatus shipmentCreatedAt shippedAt deliveredAt eta "
    "jiraTicketKey fulfilmentUpdatedAt"
)
ADDRESS_ATTRS = _names("addressId Address address City city Pincode pincode State state")
PRODUCT_ATTRS = _names("productId sellerId name brand category")
CUSTOMER_ATTRS = _names("customerId email phone phoneNumber name firstName lastName")
PAYMENT_ATTRS = _names(
    "paymentId orderId customerId status method amount currency createdAt updatedAt"
)
SHIPMENT_ATTRS = _names(
    "shipmentId orderId shiprocketOrderId srShipmentId trackingNumber courierName courierId "
    "status shippingCost paymentMethod codAmount pickupScheduledAt createdAt updatedAt ok error"
)
FULFILMENT_ATTRS = _names(
    "orderId shipmentKey shipmentId orderCreatedAt status sellerId paymentMethod pickupLocation "
    "destinationCity destinationState destinationPincode declaredValue codAmount weightKg "
    "channelVersion channelOrderId srOrderId srShipmentId courierId courierName shippingCost awb "
    "awbAssignedAt pickupScheduledAt documentsDone attempts nextAttemptAt uncertain lastErrorCode "
    "lastErrorMessage rejections versionHistory trackingStatus trackingUpdatedAt lastEventAt eta "
    "pickedUpAt deliveredAt ndrCount rtoInitiatedAt rtoDeliveredAt retiredAt createdAt shippedAt "
    "updatedAt changeDay"
)
EVENT_ATTRS = _names(
    "awb eventKey orderId shipmentKey status rawStatus srStatus srStatusLabel activity location "
    "scanAt source recordedAt updatedAt"
)
OUTBOX_ATTRS = _names(
    "outboxId kind notificationKind orderId shipmentKey recipient state attempts nextAttemptAt "
    "lastError providerMessageId createdAt sentAt updatedAt category severity stage reasonCode "
    "orderCreatedAt scope summary vendorMessage fingerprint ticketKey action deliveredAt occurredAt"
)


@lru_cache(maxsize=4096)
def _state_of_pin(pin: str) -> str | None:
    return state_for_pincode(pin) if len(pin) == 6 else None


def _first(item: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = item.get(name)
        if value is not None and value != "":
            return value
    return None


# -- source tables ---------------------------------------------------------------------------
def order_rows(
    order: Mapping[str, Any],
    addresses: Mapping[str, Mapping[str, Any]],
    products: Mapping[str, Mapping[str, Any]],
    pseudo: Pseudonymiser,
) -> tuple[Row, list[Row]]:
    """The order's row (with destination geography from its address) and its line rows."""
    order_id = text(order.get("orderId"))
    address_id = text(order.get("shippingAddressId"))
    address = addresses.get(address_id or "", {})
    pin = digits(_first(address, "Pincode", "pincode"))
    items = order.get("orderItems")
    lines: list[Row] = []
    units = 0
    for n, line in enumerate(items if isinstance(items, list) else [], start=1):
        if not isinstance(line, Mapping):
            continue
        product = products.get(str(line.get("productId")), {})
        quantity = integer(line.get("quantity"))
        price = number(line.get("price"))
        units += int(quantity or 0)
        amount = None
        if quantity is not None and price is not None:
            amount = str(Decimal(price) * int(quantity))
        lines.append(
            {
                "order_id": order_id,
                "line_no": str(n),
                "product_id": text(line.get("productId")),
                "product_name": text(_first(line, "name") or product.get("name")),
                "brand": text(product.get("brand")),
                "category": text(product.get("category")),
                "seller_id": text(product.get("sellerId")),
                "quantity": quantity,
                "unit_price": price,
                "line_amount": amount,
            }
        )
    row: Row = {
        "order_id": order_id,
        "created_at": timestamp(order.get("createdAt")),
        "customer_key": pseudo.token(PiiKind.CUSTOMER, order.get("customerId")),
        "status": text(order.get("status")),
        "payment_method": text(order.get("paymentMethod")),
        "payment_status": text(order.get("paymentStatus")),
        "total_amount": number(order.get("totalAmount")),
        "line_count": str(len(lines)),
        "unit_count": str(units),
        "ship_address_key": pseudo.token(PiiKind.ADDRESS, address_id),
        "ship_street_key": pseudo.token(PiiKind.STREET, _first(address, "Address", "address")),
        "ship_city": text(_first(address, "City", "city")),
        "ship_state": text(_first(address, "State", "state")) or _state_of_pin(pin),
        "ship_pin3": pin3(pin),
        "awb": text(order.get("awb")),
        "shipment_status": text(order.get("shipmentStatus")),
        "shipment_created_at": timestamp(order.get("shipmentCreatedAt")),
        "shipped_at": timestamp(order.get("shippedAt")),
        "delivered_at": timestamp(order.get("deliveredAt")),
        "eta": timestamp(order.get("eta"), end_of_day=True),
        "jira_ticket_key": text(order.get("jiraTicketKey")),
        "fulfilment_updated_at": timestamp(order.get("fulfilmentUpdatedAt")),
    }
    return row, lines


def payment_row(item: Mapping[str, Any], pseudo: Pseudonymiser) -> Row:
    return {
        "payment_id": text(item.get("paymentId")),
        "order_id": text(item.get("orderId")),
        "customer_key": pseudo.token(PiiKind.CUSTOMER, item.get("customerId")),
        "status": text(item.get("status")),
        "method": text(item.get("method")),
        "amount": number(item.get("amount")),
        "currency": text(item.get("currency")),
        "created_at": timestamp(item.get("createdAt")),
        "updated_at": timestamp(item.get("updatedAt")),
    }


def customer_row(item: Mapping[str, Any], pseudo: Pseudonymiser) -> Row:
    phone = _first(item, "phone", "phoneNumber")
    name = _first(item, "name") or " ".join(
        str(p) for p in (item.get("firstName"), item.get("lastName")) if p
    )
    return {
        "customer_key": pseudo.token(PiiKind.CUSTOMER, item.get("customerId")),
        "email_key": pseudo.token(PiiKind.EMAIL, item.get("email")),
        "phone_key": pseudo.token(PiiKind.PHONE, phone),
        "name_key": pseudo.token(PiiKind.NAME, name),
        "has_phone": "true" if phone else "false",
    }


def shipment_row(item: Mapping[str, Any]) -> Row:
    return {
        "shipment_id": text(item.get("shipmentId")),
        "order_id": text(item.get("orderId")),
        "sr_order_id": text(item.get("shiprocketOrderId")),
        "sr_shipment_id": text(item.get("srShipmentId")),
        "awb": text(item.get("trackingNumber")),
        "courier_name": text(item.get("courierName")),
        "courier_id": text(item.get("courierId")),
        "status": text(item.get("status")),
        "shipping_cost": number(item.get("shippingCost")),
        "payment_method": text(item.get("paymentMethod")),
        "cod_amount": number(item.get("codAmount")),
        "pickup_scheduled_at": timestamp(item.get("pickupScheduledAt")),
        "created_at": timestamp(item.get("createdAt")),
        "updated_at": timestamp(item.get("updatedAt")),
        "ok": flag(item.get("ok")),
        "error": scrub_text(item.get("error")),
    }


# -- the project's tables --------------------------------------------------------------------
_FULFILMENT_PLAIN = {
    "shipment_id": "shipmentId",
    "status": "status",
    "seller_id": "sellerId",
    "payment_method": "paymentMethod",
    "pickup_location": "pickupLocation",
    "destination_city": "destinationCity",
    "destination_state": "destinationState",
    "channel_order_id": "channelOrderId",
    "sr_order_id": "srOrderId",
    "sr_shipment_id": "srShipmentId",
    "courier_id": "courierId",
    "courier_name": "courierName",
    "awb": "awb",
    "last_error_code": "lastErrorCode",
    "tracking_status": "trackingStatus",
    "change_day": "changeDay",
}
_FULFILMENT_TIMES = {
    "order_created_at": "orderCreatedAt",
    "awb_assigned_at": "awbAssignedAt",
    "pickup_scheduled_at": "pickupScheduledAt",
    "next_attempt_at": "nextAttemptAt",
    "tracking_updated_at": "trackingUpdatedAt",
    "last_event_at": "lastEventAt",
    "picked_up_at": "pickedUpAt",
    "delivered_at": "deliveredAt",
    "rto_initiated_at": "rtoInitiatedAt",
    "rto_delivered_at": "rtoDeliveredAt",
    "retired_at": "retiredAt",
    "created_at": "createdAt",
    "shipped_at": "shippedAt",
    "updated_at": "updatedAt",
}


def fulfilment_row(item: Mapping[str, Any]) -> Row:
    row: Row = {
        "order_id": text(item.get("orderId")),
        "shipment_key": text(item.get("shipmentKey")),
    }
    row.update({col: text(item.get(attr)) for col, attr in _FULFILMENT_PLAIN.items()})
    row.update({col: timestamp(item.get(attr)) for col, attr in _FULFILMENT_TIMES.items()})
    history = item.get("versionHistory")
    row.update(
        {
            "destination_pin3": pin3(item.get("destinationPincode")),
            "declared_value": number(item.get("declaredValue")),
            "cod_amount": number(item.get("codAmount")),
            "weight_kg": number(item.get("weightKg")),
            "shipping_cost": number(item.get("shippingCost")),
            "channel_version": integer(item.get("channelVersion")),
            "attempts": integer(item.get("attempts")),
            "ndr_count": integer(item.get("ndrCount")),
            "documents_done": flag(item.get("documentsDone")),
            "uncertain": flag(item.get("uncertain")),
            "eta": timestamp(item.get("eta"), end_of_day=True),
            "last_error_message": scrub_text(item.get("lastErrorMessage")),
            "rejection_codes": _rejection_codes(item.get("rejections")),
            "version_history": scrub_text("; ".join(map(str, history)))
            if isinstance(history, list | tuple) and history
            else None,
        }
    )
    return row


def _rejection_codes(raw: Any) -> str | None:
    """`field:code` pairs of a parking row's rejections (their messages are not copied)."""
    if not raw:
        return None
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    if not isinstance(parsed, list):
        return None
    pairs = [
        f"{r.get('field')}:{r.get('code')}"
        for r in parsed
        if isinstance(r, Mapping) and r.get("code")
    ]
    return ";".join(pairs) or None


def event_row(item: Mapping[str, Any]) -> Row:
    return {
        "awb": text(item.get("awb")),
        "event_key": text(item.get("eventKey")),
        "order_id": text(item.get("orderId")),
        "shipment_key": text(item.get("shipmentKey")),
        "status": text(item.get("status")),
        "raw_status": text(item.get("rawStatus")),
        "sr_status": text(item.get("srStatus")),
        "sr_status_label": text(item.get("srStatusLabel")),
        "activity": scrub_text(item.get("activity")),
        "location": text(item.get("location")),
        "scan_at": timestamp(item.get("scanAt")),
        "source": text(item.get("source")),
        "recorded_at": timestamp(item.get("recordedAt")),
        "updated_at": timestamp(item.get("updatedAt")),
    }


def outbox_row(item: Mapping[str, Any], pseudo: Pseudonymiser) -> tuple[str, Row] | None:
    """(`notifications` | `escalations`, row), or None for an item of another kind."""
    kind = item.get("kind")
    common: Row = {
        "outbox_id": scrub_text(item.get("outboxId")),
        "order_id": text(item.get("orderId")),
        "state": text(item.get("state")),
        "attempts": integer(item.get("attempts")),
        "created_at": timestamp(item.get("createdAt")),
        "updated_at": timestamp(item.get("updatedAt")),
    }
    if kind == "notification":
        return "notifications", {
            **common,
            "notification_kind": text(item.get("notificationKind")),
            "shipment_key": text(item.get("shipmentKey")),
            "recipient_key": pseudo.token(PiiKind.PHONE, item.get("recipient")),
            "next_attempt_at": timestamp(item.get("nextAttemptAt")),
            "last_error": scrub_text(item.get("lastError")),
            "provider_message_id": text(item.get("providerMessageId")),
            "sent_at": timestamp(item.get("sentAt")),
        }
    if kind == "escalation":
        return "escalations", {
            **common,
            "category": text(item.get("category")),
            "severity": text(item.get("severity")),
            "stage": text(item.get("stage")),
            "reason_code": text(item.get("reasonCode")),
            "order_created_at": timestamp(item.get("orderCreatedAt")),
            "scope": scrub_text(item.get("scope")),
            "summary": scrub_text(item.get("summary")),
            "vendor_message": scrub_text(item.get("vendorMessage")),
            "fingerprint": text(item.get("fingerprint")),
            "ticket_key": text(item.get("ticketKey")),
            "action": text(item.get("action")),
            "occurred_at": timestamp(item.get("occurredAt")),
            "delivered_at": timestamp(item.get("deliveredAt")),
        }
    return None


def index_by(items: Iterable[Mapping[str, Any]], key: str) -> dict[str, Mapping[str, Any]]:
    return {str(i[key]): i for i in items if i.get(key) is not None}
