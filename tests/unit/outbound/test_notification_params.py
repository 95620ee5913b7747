"""Template parameters: right order, customer-safe wording, no internal text, ever."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from fulfil.domain.notifications import (
    TEMPLATES,
    Notification,
    NotificationContext,
    NotificationKind,
    TemplateDataError,
    build_notification,
    build_template_params,
    format_inr,
    notification_dedupe_key,
    render_message,
)

ORDER_ID = "3f9a1c0d-7e2b-4a65-9c1d-000000000001"
FULL_CONTEXT: dict[str, Any] = {
    "order_id": ORDER_ID,
    "customer_name": "Asha Verma",
    "total_amount": Decimal("12499.5"),
    "courier_name": "Delhivery Surface",
    "awb": "141123221084922",
    "tracking_url": "https://shiprocket.co/tracking/141123221084922",
    "failure_reason": "customer_unavailable",
    "payment_method": "razorpay",
    "seller_name": "Ravi Sports",
    "items": [
        {"name": "Butterfly Tenergy 05", "quantity": 2},
        {"name": "Nittaku 3-star", "quantity": 1},
    ],
}
INTERNAL = "Traceback (most recent call last): KeyError 'awb' at shiprocket.py:88 token=abc123"


def test_every_template_declares_as_many_placeholders_as_parameters() -> None:
    for spec in TEMPLATES.values():
        placeholders = sorted(int(n) for n in re.findall(r"\{\{(\d+)\}\}", spec.body))
        assert placeholders == list(range(1, len(spec.params) + 1)), spec.name
        assert spec.language == "en"


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_params_follow_template_order_and_are_clean(kind: NotificationKind) -> None:
    params = build_template_params(kind, FULL_CONTEXT)
    assert list(params) == list(TEMPLATES[kind].params)
    for value in params.values():
        assert value and "\n" not in value and "\t" not in value and "     " not in value


def test_shipped_carries_courier_awb_and_tracking_url() -> None:
    params = build_template_params(NotificationKind.SHIPPED, FULL_CONTEXT)
    assert params == {
        "customer_name": "Asha",
        "order_ref": "#3F9A1C0D",
        "courier_name": "Delhivery Surface",
        "awb": "141123221084922",
        "tracking_url": "https://shiprocket.co/tracking/141123221084922",
    }


def test_shipped_without_a_usable_tracking_url_falls_back_to_the_public_page() -> None:
    ctx = FULL_CONTEXT | {"tracking_url": "internal://not a url"}
    params = build_template_params(NotificationKind.SHIPPED, ctx)
    assert params["tracking_url"] == "https://shiprocket.co/tracking/141123221084922"


def test_order_confirmed_formats_rupees_the_indian_way() -> None:
    params = build_template_params(NotificationKind.ORDER_CONFIRMED, FULL_CONTEXT)
    assert params["total_amount"] == "₹12,499.50"
    assert format_inr(Decimal("1234567.005")) == "₹12,34,567.01"
    assert format_inr(Decimal("999")) == "₹999.00"


@pytest.mark.parametrize(
    ("reason", "expected_phrase"),
    [
        ("customer_unavailable", "next working day"),
        ("Customer Not Available", "next working day"),
        ("incomplete address", "full address and a landmark"),
        ("refused", "arrange another attempt"),
        (None, "reply to this message"),
        ("Consignee Says Some Internal Courier Code 7781", "reply to this message"),
    ],
)
def test_delivery_failed_tells_the_customer_what_they_can_do(
    reason: str | None, expected_phrase: str
) -> None:
    params = build_template_params(
        NotificationKind.DELIVERY_FAILED, FULL_CONTEXT | {"failure_reason": reason}
    )
    assert expected_phrase in params["next_step"]
    assert "7781" not in params["next_step"]


@pytest.mark.parametrize(
    ("method", "phrase"),
    [("cod", "nothing is due"), ("razorpay", "refund"), (None, "contact you")],
)
def test_rto_next_step_depends_on_payment_method(method: str | None, phrase: str) -> None:
    params = build_template_params(
        NotificationKind.RTO_INITIATED, FULL_CONTEXT | {"payment_method": method}
    )
    assert phrase in params["next_step"]


def test_seller_notice_lists_their_items() -> None:
    params = build_template_params(NotificationKind.SELLER_NEW_ORDER, FULL_CONTEXT)
    assert params == {
        "seller_name": "Ravi",
        "order_ref": "#3F9A1C0D",
        "items": "2 x Butterfly Tenergy 05, 1 x Nittaku 3-star",
    }


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_internal_error_text_in_the_context_never_reaches_a_message(
    kind: NotificationKind,
) -> None:
    poisoned = FULL_CONTEXT | {
        "error": INTERNAL,
        "vendor_message": INTERNAL,
        "detail": INTERNAL,
        "failure_reason": INTERNAL,
        "last_error": INTERNAL,
    }
    params = build_template_params(kind, poisoned)
    text = render_message(kind, params)
    for fragment in ("Traceback", "KeyError", "shiprocket.py", "abc123"):
        assert fragment not in text


@given(st.text(min_size=1, max_size=200))
def test_no_free_text_reason_ever_leaks(reason: str) -> None:
    params = build_template_params(
        NotificationKind.DELIVERY_FAILED,
        {"order_id": ORDER_ID, "customer_name": "Asha", "failure_reason": reason},
    )
    from fulfil.domain import notifications as module

    allowed = {module._NEXT_STEP_DEFAULT, *module._NEXT_STEPS.values()}
    assert params["next_step"] in allowed


def test_whatsapp_forbidden_whitespace_is_flattened() -> None:
    params = build_template_params(
        NotificationKind.DELIVERED, {"order_id": ORDER_ID, "customer_name": "\tAsha\n"}
    )
    assert params["customer_name"] == "Asha"


def test_missing_name_becomes_a_greeting_but_missing_awb_is_an_error() -> None:
    params = build_template_params(NotificationKind.DELIVERED, {"order_id": ORDER_ID})
    assert params["customer_name"] == "there"
    with pytest.raises(TemplateDataError, match="awb"):
        build_template_params(NotificationKind.SHIPPED, {"order_id": ORDER_ID})
    with pytest.raises(TemplateDataError, match="order_ref"):
        build_template_params(NotificationKind.DELIVERED, {})
    with pytest.raises(TemplateDataError, match="items"):
        build_template_params(NotificationKind.SELLER_NEW_ORDER, {"order_id": ORDER_ID})


def test_render_message_fills_the_body() -> None:
    params = build_template_params(NotificationKind.DELIVERED, FULL_CONTEXT)
    assert render_message(NotificationKind.DELIVERED, params) == (
        "Hi Asha, your order #3F9A1C0D has been delivered. Thank you for shopping with us."
    )


def test_dedupe_key_is_deterministic_per_order_shipment_and_kind() -> None:
    key = notification_dedupe_key(ORDER_ID, "shp-1", NotificationKind.SHIPPED)
    assert key == notification_dedupe_key(ORDER_ID, "shp-1", NotificationKind.SHIPPED)
    assert key.startswith("shipped:")
    others = {
        notification_dedupe_key(ORDER_ID, "shp-2", NotificationKind.SHIPPED),
        notification_dedupe_key(ORDER_ID, "shp-1", NotificationKind.DELIVERED),
        notification_dedupe_key("other", "shp-1", NotificationKind.SHIPPED),
    }
    assert key not in others and len(others) == 3


def test_build_notification_drops_numbers_that_are_not_valid_mobiles() -> None:
    def build(phone: str | None) -> Notification:
        return build_notification(
            NotificationKind.DELIVERED,
            order_id=ORDER_ID,
            shipment_key="shp-1",
            recipient_e164=phone,
            context={"customer_name": "Asha"},
        )

    good = build("+919876543210")
    assert good.recipient_e164 == "+919876543210"
    assert good.params["order_ref"] == "#3F9A1C0D"
    assert good.dedupe_key == notification_dedupe_key(ORDER_ID, "shp-1", NotificationKind.DELIVERED)
    assert build("9876543210").recipient_e164 is None  # not E.164
    assert build("+912212345678").recipient_e164 is None  # Mumbai landline
    assert build(None).recipient_e164 is None


def test_notification_model_rejects_non_e164_recipients() -> None:
    with pytest.raises(ValidationError):
        Notification(
            kind=NotificationKind.DELIVERED,
            order_id="o",
            recipient_e164="98765 43210",
            params={},
            dedupe_key="k",
        )


def test_context_is_a_whitelist() -> None:
    ctx = NotificationContext.model_validate({"customer_name": "A", "stack": INTERNAL})
    assert "stack" not in ctx.model_dump()
