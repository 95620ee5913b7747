"""Validation of the adhoc-order request model (so bad records fail here, not as a 422)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from fulfil.shiprocket.schemas import AdhocOrderRequest


def order(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "order_id": "TT-1",
        "order_date": "2024-06-28",
        "pickup_location": "Default Pickup",
        "billing_customer_name": "Asha",
        "billing_address": "12 MG Road",
        "billing_city": "Bengaluru",
        "billing_pincode": 560038,
        "billing_state": "Karnataka",
        "billing_country": "India",
        "billing_email": "asha@example.in",
        "billing_phone": 9876543210,
        "shipping_is_billing": True,
        "order_items": [{"name": "Ball", "sku": "B3", "units": 6, "selling_price": Decimal("50")}],
        "payment_method": "COD",
        "sub_total": Decimal("300"),
        "length": Decimal("10"),
        "breadth": Decimal("5"),
        "height": Decimal("5"),
        "weight": Decimal("0.5"),
    }
    base.update(overrides)
    return base


def test_minimal_order_serialises_without_nones() -> None:
    payload = AdhocOrderRequest(**order()).to_payload()
    assert payload["sub_total"] == 300
    assert payload["order_items"] == [
        {"name": "Ball", "sku": "B3", "units": 6, "selling_price": 50}
    ]
    assert None not in payload.values()
    assert "channel_id" not in payload


def test_order_date_accepts_dates_and_datetimes() -> None:
    assert AdhocOrderRequest(**order(order_date=date(2024, 6, 28))).order_date == "2024-06-28"
    at = datetime(2024, 6, 28, 11, 11, 30)
    assert AdhocOrderRequest(**order(order_date=at)).order_date == "2024-06-28 11:11"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("order_id", "x" * 51),
        ("order_id", ""),
        ("order_date", "28/06/2024"),
        ("billing_city", "C" * 31),
        ("billing_address", "ab"),
        ("billing_pincode", 12345),
        ("billing_phone", 98765),
        ("payment_method", "razorpay"),
        ("sub_total", Decimal("-1")),
        ("sub_total", Decimal("10.005")),
        ("length", Decimal("0.5")),
        ("weight", Decimal("0")),
        ("order_items", []),
        ("order_type", "essentials"),
        ("unknown_field", 1),
    ],
)
def test_invalid_fields_are_rejected(field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        AdhocOrderRequest(**order(**{field: value}))


def test_order_id_of_fifty_chars_is_fine() -> None:
    assert len(AdhocOrderRequest(**order(order_id="x" * 50)).order_id) == 50


def test_shipping_fields_required_when_not_billing() -> None:
    with pytest.raises(ValidationError, match="shipping_address"):
        AdhocOrderRequest(**order(shipping_is_billing=False, shipping_customer_name="Ravi"))
    full = order(
        shipping_is_billing=False,
        shipping_customer_name="Ravi",
        shipping_address="4 Park St",
        shipping_city="Kolkata",
        shipping_pincode="700016",
        shipping_country="India",
        shipping_state="West Bengal",
        shipping_phone="9123456789",
    )
    payload = AdhocOrderRequest(**full).to_payload()
    assert payload["shipping_pincode"] == 700016
    assert payload["shipping_is_billing"] is False


def test_money_is_never_a_string_or_noisy_float() -> None:
    payload = AdhocOrderRequest(
        **order(sub_total=Decimal("0.10"), shipping_charges=Decimal("49.90"))
    ).to_payload()
    assert payload["sub_total"] == 0.1
    assert payload["shipping_charges"] == 49.9
    assert repr(payload["shipping_charges"]) == "49.9"
