"""Customer and seller notices: which template, which parameters, and nothing else.

WhatsApp utility templates are approved by Meta with a fixed body and numbered placeholders, so
a notice is fully described by (template, ordered parameter values). The parameter values come
*only* from the whitelisted fields of `NotificationContext`; free text the pipeline holds about a
failure (courier remarks, exception messages, vendor errors) has no field to travel in, and the
one value derived from a failure (what the customer can do after a failed delivery attempt) is
picked from a fixed table of sentences. That is how "a message never carries internal error
text" holds by construction rather than by review.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "TEMPLATES",
    "ItemLine",
    "Notification",
    "NotificationContext",
    "NotificationKind",
    "TemplateDataError",
    "TemplateSpec",
    "build_notification",
    "build_template_params",
    "format_inr",
    "notification_dedupe_key",
    "render_message",
]

E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_INDIAN_MOBILE = re.compile(r"^\+91[6-9]\d{9}$")


class NotificationKind(StrEnum):
    """Every event that sends a message; one approved template each."""

    ORDER_CONFIRMED = "order_confirmed"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    RTO_INITIATED = "rto_initiated"
    SELLER_NEW_ORDER = "seller_new_order"


class TemplateSpec(BaseModel):
    """An approved template: its name, locale, parameter order and (for the record) body."""

    model_config = ConfigDict(frozen=True)

    name: str
    language: str = "en"
    params: tuple[str, ...]
    body: str


def _spec(name: str, params: tuple[str, ...], body: str) -> TemplateSpec:
    return TemplateSpec(name=name, params=params, body=body)


TEMPLATES: Mapping[NotificationKind, TemplateSpec] = MappingProxyType(
    {
        NotificationKind.ORDER_CONFIRMED: _spec(
            "order_confirmed_v1",
            ("customer_name", "order_ref", "total_amount"),
            "Hi {{1}}, thank you for your order {{2}} of {{3}}. We are getting it ready and "
            "will message you when it ships.",
        ),
        NotificationKind.SHIPPED: _spec(
            "order_shipped_v1",
            ("customer_name", "order_ref", "courier_name", "awb", "tracking_url"),
            "Hi {{1}}, your order {{2}} has shipped with {{3}}. Tracking number (AWB): {{4}}. "
            "Track it here: {{5}}",
        ),
        NotificationKind.OUT_FOR_DELIVERY: _spec(
            "order_out_for_delivery_v1",
            ("customer_name", "order_ref", "courier_name", "awb"),
            "Hi {{1}}, your order {{2}} is out for delivery today with {{3}} (AWB {{4}}). "
            "Please keep your phone reachable.",
        ),
        NotificationKind.DELIVERED: _spec(
            "order_delivered_v1",
            ("customer_name", "order_ref"),
            "Hi {{1}}, your order {{2}} has been delivered. Thank you for shopping with us.",
        ),
        NotificationKind.DELIVERY_FAILED: _spec(
            "delivery_attempt_failed_v1",
            ("customer_name", "order_ref", "next_step"),
            "Hi {{1}}, the courier could not deliver your order {{2}} today. {{3}}",
        ),
        NotificationKind.RTO_INITIATED: _spec(
            "order_returning_v1",
            ("customer_name", "order_ref", "next_step"),
            "Hi {{1}}, we could not deliver your order {{2}}, so it is on its way back to us. "
            "{{3}}",
        ),
        NotificationKind.SELLER_NEW_ORDER: _spec(
            "seller_new_order_v1",
            ("seller_name", "order_ref", "items"),
            "Hello {{1}}, you have a new order {{2}}: {{3}}. Please pack these items for "
            "courier pickup.",
        ),
    }
)

# What the customer can do after a failed attempt, by normalised reason. Only these sentences
# (never the courier's own remark) can reach the message.
_NEXT_STEP_DEFAULT = (
    "Please keep your phone reachable; the courier will try again. To change the delivery "
    "address or date, reply to this message."
)
_NEXT_STEPS = {
    "customer_unavailable": "Please keep your phone reachable; the courier will try again on "
    "the next working day.",
    "address_issue": "Please reply to this message with your full address and a landmark so "
    "the courier can find you.",
    "refused": "If you still want this order, reply to this message and we will arrange "
    "another attempt.",
    "cod_not_ready": "Please keep the cash-on-delivery amount ready for the next attempt, or "
    "reply to this message if you need help.",
    "premises_closed": "Please reply to this message with a time when someone can receive the "
    "parcel.",
}
_REASON_ALIASES = {
    "not_available": "customer_unavailable",
    "customer_not_available": "customer_unavailable",
    "unreachable": "customer_unavailable",
    "incomplete_address": "address_issue",
    "wrong_address": "address_issue",
    "address_not_found": "address_issue",
    "customer_refused": "refused",
    "cod_amount_not_ready": "cod_not_ready",
    "office_closed": "premises_closed",
}
_RTO_NEXT_STEP = {
    "cod": "As this was a cash-on-delivery order, nothing is due from you.",
    "prepaid": "Your refund will be started as soon as the parcel reaches us.",
}
_RTO_NEXT_STEP_DEFAULT = "Our team will contact you about the next steps."

_PARAM_LIMIT = 200
_ITEMS_LIMIT = 600
_NAME_LIMIT = 60


class TemplateDataError(ValueError):
    """A template cannot be filled: a required context field is missing (a bug upstream)."""


class ItemLine(BaseModel):
    """One line of a seller's new-order notice."""

    name: str
    quantity: int = Field(ge=1)


class NotificationContext(BaseModel):
    """The only fields a message may draw from. Anything else given is dropped on purpose."""

    model_config = ConfigDict(extra="ignore")

    order_id: str | None = None
    order_ref: str | None = None
    customer_name: str | None = None
    total_amount: Decimal | None = None
    courier_name: str | None = None
    awb: str | None = None
    tracking_url: str | None = None
    failure_reason: str | None = None
    payment_method: str | None = None
    seller_name: str | None = None
    items: list[ItemLine] = Field(default_factory=list)


def _clean(text: str, limit: int = _PARAM_LIMIT) -> str:
    """WhatsApp rejects params with newlines, tabs or 4+ consecutive spaces; cap the length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def format_inr(amount: Decimal) -> str:
    """Rupees with Indian digit grouping: `Decimal("123456.5")` -> `₹1,23,456.50`."""
    value = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, paise = f"{abs(value):.2f}".partition(".")
    head, tail = whole[:-3], whole[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    grouped = ",".join([*groups, tail]) if groups else tail
    return f"{sign}₹{grouped}.{paise}"


def _first_name(name: str | None) -> str:
    words = (name or "").split()
    return _clean(words[0], _NAME_LIMIT) if words else "there"


def _order_ref(ctx: NotificationContext) -> str:
    if ctx.order_ref and ctx.order_ref.strip():
        return _clean(ctx.order_ref, 40)
    if ctx.order_id and ctx.order_id.strip():
        return "#" + re.sub(r"[^A-Za-z0-9]", "", ctx.order_id)[:8].upper()
    raise TemplateDataError("order_ref or order_id is required")


def _required(value: str | None, field: str) -> str:
    if value is None or not value.strip():
        raise TemplateDataError(f"{field} is required for this template")
    return _clean(value)


def _tracking_url(ctx: NotificationContext, awb: str) -> str:
    url = (ctx.tracking_url or "").strip()
    if re.fullmatch(r"https://[^\s]+", url) and len(url) <= _PARAM_LIMIT:
        return url
    return f"https://shiprocket.co/tracking/{awb}"


def _next_step_after_failed_attempt(reason: str | None) -> str:
    key = re.sub(r"[^a-z]+", "_", (reason or "").lower()).strip("_")
    key = _REASON_ALIASES.get(key, key)
    return _NEXT_STEPS.get(key, _NEXT_STEP_DEFAULT)


def _items(ctx: NotificationContext) -> str:
    if not ctx.items:
        raise TemplateDataError("items are required for this template")
    text = ", ".join(f"{i.quantity} x {_clean(i.name, 80)}" for i in ctx.items)
    return _clean(text, _ITEMS_LIMIT)


def _values(kind: NotificationKind, ctx: NotificationContext) -> dict[str, str]:
    base = {"customer_name": _first_name(ctx.customer_name), "order_ref": _order_ref(ctx)}
    if kind is NotificationKind.ORDER_CONFIRMED:
        if ctx.total_amount is None:
            raise TemplateDataError("total_amount is required for this template")
        return {**base, "total_amount": format_inr(ctx.total_amount)}
    if kind is NotificationKind.SHIPPED:
        awb = _required(ctx.awb, "awb")
        courier = _clean(ctx.courier_name or "our courier partner")
        return {
            **base,
            "courier_name": courier,
            "awb": awb,
            "tracking_url": _tracking_url(ctx, awb),
        }
    if kind is NotificationKind.OUT_FOR_DELIVERY:
        courier = _clean(ctx.courier_name or "our courier partner")
        return {**base, "courier_name": courier, "awb": _required(ctx.awb, "awb")}
    if kind is NotificationKind.DELIVERED:
        return base
    if kind is NotificationKind.DELIVERY_FAILED:
        return {**base, "next_step": _next_step_after_failed_attempt(ctx.failure_reason)}
    if kind is NotificationKind.RTO_INITIATED:
        method = (ctx.payment_method or "").strip().lower()
        method = "prepaid" if method in {"razorpay", "prepaid"} else method
        return {**base, "next_step": _RTO_NEXT_STEP.get(method, _RTO_NEXT_STEP_DEFAULT)}
    return {
        "seller_name": _first_name(ctx.seller_name),
        "order_ref": base["order_ref"],
        "items": _items(ctx),
    }


def build_template_params(
    kind: NotificationKind, context: NotificationContext | Mapping[str, Any]
) -> dict[str, str]:
    """The template's parameters, in template order, from whitelisted context fields only.

    Raises `TemplateDataError` when a field the template cannot do without is missing.
    """
    kind = NotificationKind(kind)
    ctx = (
        context
        if isinstance(context, NotificationContext)
        else NotificationContext.model_validate(dict(context))
    )
    values = _values(kind, ctx)
    return {name: values[name] for name in TEMPLATES[kind].params}


def render_message(kind: NotificationKind, params: Mapping[str, str]) -> str:
    """The text the recipient would read (for the local sink and the demo)."""
    spec = TEMPLATES[NotificationKind(kind)]
    text = spec.body
    for index, name in enumerate(spec.params, start=1):
        text = text.replace("{{" + str(index) + "}}", params[name])
    return text


def notification_dedupe_key(order_id: str, shipment_key: str | None, kind: NotificationKind) -> str:
    """Deterministic key for "this notice about this order/shipment was already handled".

    `shipment_key` is the shipment id (or a seller id for seller notices); a kind that may
    legitimately repeat for one shipment (delivery attempts) should carry the attempt in it.
    """
    raw = f"{order_id}|{shipment_key or ''}|{NotificationKind(kind)}"
    return f"{NotificationKind(kind)}:{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:24]}"


class Notification(BaseModel):
    """A notice ready to send: template kind, recipient and filled parameters."""

    model_config = ConfigDict(frozen=True)

    kind: NotificationKind
    order_id: str
    recipient_e164: str | None
    params: dict[str, str]
    dedupe_key: str

    @field_validator("recipient_e164")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is not None and not E164.fullmatch(value):
            raise ValueError("recipient must be an E.164 number such as +919876543210")
        return value


def _usable_recipient(value: str | None) -> str | None:
    if value is None or not E164.fullmatch(value):
        return None
    if value.startswith("+91") and not _INDIAN_MOBILE.fullmatch(value):
        return None
    return value


def build_notification(
    kind: NotificationKind,
    *,
    order_id: str,
    shipment_key: str | None,
    recipient_e164: str | None,
    context: NotificationContext | Mapping[str, Any],
) -> Notification:
    """Fill a template for one recipient.

    A recipient that is not an E.164 number (or not an Indian mobile) becomes `None`: the
    notifier then records the notice as skipped instead of retrying it forever.
    """
    kind = NotificationKind(kind)
    if not isinstance(context, NotificationContext):
        context = NotificationContext.model_validate(dict(context))
    if context.order_id is None and context.order_ref is None:
        context = context.model_copy(update={"order_id": order_id})
    return Notification(
        kind=kind,
        order_id=order_id,
        recipient_e164=_usable_recipient(recipient_e164),
        params=build_template_params(kind, context),
        dedupe_key=notification_dedupe_key(order_id, shipment_key, kind),
    )
