"""Validation rules for create-order and serviceability, as Laravel would phrase them."""

from __future__ import annotations

from typing import Any

import pytest

from fulfil.simulator.rules import validate_create, validate_serviceability
from fulfil.simulator.validation import is_boolean, is_integer, is_numeric

VALID: dict[str, Any] = {
    "order_id": "A-1",
    "order_date": "2025-01-06",
    "pickup_location": "Primary",
    "billing_customer_name": "Asha",
    "billing_address": "12 MG Road",
    "billing_city": "Pune",
    "billing_pincode": 411001,
    "billing_state": "MH",
    "billing_country": "India",
    "billing_email": "a@example.com",
    "billing_phone": 9876543210,
    "shipping_is_billing": 1,
    "order_items": [{"name": "Bat", "sku": "B", "units": 1, "selling_price": "99.5"}],
    "payment_method": "cod",
    "sub_total": 99.5,
    "length": 10,
    "breadth": 10,
    "height": 1,
    "weight": 0.2,
}


def test_valid_payload_has_no_errors() -> None:
    assert validate_create(VALID, require_contact=True).errors == {}


FIELD_CASES: list[tuple[str, Any, str]] = [
    ("order_date", "06/01/2025", "The order date is not a valid date."),
    ("billing_address", "ab", "The billing address must be at least 3 characters."),
    ("billing_city", "x" * 31, "The billing city may not be greater than 30 characters."),
    ("billing_email", "nope", "The billing email must be a valid email address."),
    ("billing_pincode", 41100, "The billing pincode must be 6 digits."),
    ("shipping_is_billing", "yes", "The shipping is billing field must be true or false."),
    ("payment_method", "card", "The selected payment method is invalid."),
    ("height", 0.5, "The height must be greater than 0.5."),
    ("sub_total", "ten", "The sub total must be a number."),
    ("order_items", "Bat", "The order items must be an array."),
    ("order_items", [], "The order items field is required."),
    ("channel_id", "abc", "The channel id must be an integer."),
]


@pytest.mark.parametrize(("field", "value", "message"), FIELD_CASES)
def test_field_rules(field: str, value: Any, message: str) -> None:
    errors = validate_create({**VALID, field: value}, require_contact=True).errors
    assert errors == {field: [message]}


def test_contact_fields_optional_when_not_required() -> None:
    data = {k: v for k, v in VALID.items() if k not in ("billing_phone", "billing_pincode")}
    assert validate_create(data, require_contact=False).errors == {}
    assert set(validate_create(data, require_contact=True).errors) == {
        "billing_phone",
        "billing_pincode",
    }


def test_php_like_type_leniency() -> None:
    assert is_integer("560001") and is_integer(560001.0) and not is_integer(True)
    assert not is_integer("5.5") and not is_integer("98765-43210")
    assert is_numeric("0.5") and is_numeric("1e3") and not is_numeric(False)
    assert is_boolean("1") and is_boolean(0) and not is_boolean("true")


def test_serviceability_rules() -> None:
    ok = {"pickup_postcode": "110020", "delivery_postcode": "560001", "weight": "1", "cod": "0"}
    assert validate_serviceability(ok).errors == {}
    with_order = {"pickup_postcode": "110020", "delivery_postcode": "560001", "order_id": "5"}
    assert validate_serviceability(with_order).errors == {}
    errors = validate_serviceability({"pickup_postcode": "abc", "delivery_postcode": "1"}).errors
    assert errors["pickup_postcode"] == ["The pickup postcode must be an integer."]
    assert set(errors) == {"pickup_postcode", "weight", "cod", "order_id"}
    assert validate_serviceability({**ok, "cod": "2"}).errors == {
        "cod": ["The selected cod is invalid."]
    }
