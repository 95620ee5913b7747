"""Property tests: malformed records either parse or fail with a reason code, never crash."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fulfil.domain.bundle import OrderBundle
from fulfil.domain.planning import DecisionKind, PlanningDefaults, plan_order
from fulfil.domain.records import Address, Customer, parse_order
from fulfil.domain.rejections import ReasonCode, RecordError

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.integers(2001, 6000).map(lambda n: "é" * n),  # huge strings
    st.sampled_from(
        [
            "",
            " ",
            "400 001",
            "+91 98765 43210",
            "1e400",
            "NaN",
            "-0",
            "३४५६७८",
            "Ünïcödé 🏓",
            "0009",
            "2026-11-01T10:00:00Z",
            "razorpay",
            "cod",
            "paid",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda c: st.one_of(
        st.lists(c, max_size=4), st.dictionaries(st.text(max_size=8), c, max_size=4)
    ),
    max_leaves=6,
)
ORDER_KEYS = [
    "orderId",
    "createdAt",
    "customerId",
    "status",
    "totalAmount",
    "paymentMethod",
    "paymentStatus",
    "shippingAddressId",
    "orderItems",
    "awb",
    "shipmentId",
]
ITEM_KEYS = ["productId", "name", "quantity", "price"]
ADDRESS_KEYS = [
    "addressId",
    "Address",
    "City",
    "Pincode",
    "ReceiversName",
    "ReceiversNumber",
    "address",
    "city",
    "pincode",
    "state",
    "receiverPhone",
]

items = st.lists(st.dictionaries(st.sampled_from(ITEM_KEYS), values, max_size=4), max_size=3)
orders = st.dictionaries(st.sampled_from(ORDER_KEYS), values | items, max_size=len(ORDER_KEYS))
addresses = st.dictionaries(st.sampled_from(ADDRESS_KEYS), values, max_size=len(ADDRESS_KEYS))

VALID: dict[str, Any] = {
    "orderId": "o",
    "createdAt": "2026-11-01T10:00:00Z",
    "customerId": "c",
    "status": "confirmed",
    "totalAmount": Decimal(100),
    "paymentMethod": "cod",
    "paymentStatus": "pending",
    "shippingAddressId": "a",
    "orderItems": [{"productId": "p", "quantity": 1, "price": 100}],
}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(orders)
def test_any_order_map_parses_or_names_reasons(raw: dict[str, Any]) -> None:
    try:
        parse_order(raw)
    except RecordError as exc:
        assert exc.rejections
        assert all(isinstance(r.code, ReasonCode) and r.field and r.message for r in exc.rejections)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(ORDER_KEYS), values, max_size=4))
def test_corrupting_fields_of_a_valid_order_never_crashes(patch: dict[str, Any]) -> None:
    try:
        parse_order({**VALID, **patch})
    except RecordError as exc:
        assert exc.rejections


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_non_map_records_are_unreadable_or_parsed(raw: Any) -> None:
    try:
        parse_order(raw)
    except RecordError as exc:
        assert exc.rejections


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    orders,
    addresses,
    st.dictionaries(
        st.sampled_from(["customerId", "name", "phone", "phoneNumber", "email"]), values
    ),
)
def test_planning_never_raises_on_junk(
    order: dict[str, Any], address: dict[str, Any], customer: dict[str, Any]
) -> None:
    decision = plan_order(
        OrderBundle(order={**VALID, **order}, address=address, customer=customer),
        PlanningDefaults(),
    )
    if decision.kind is DecisionKind.PARK:
        assert decision.rejections
    if decision.kind is DecisionKind.SHIP:
        assert all(s.destination.phone_e164.startswith("+91") for s in decision.shipments)


@settings(max_examples=100)
@given(addresses)
def test_address_and_customer_models_fail_only_with_validation_errors(raw: dict[str, Any]) -> None:
    from pydantic import ValidationError

    for model in (Address, Customer):
        try:
            parsed = model.from_item({"addressId": "a", "customerId": "c", **raw})
        except ValidationError as exc:
            assert exc.errors()  # a specific, field-level reason
        else:
            assert getattr(parsed, "address_id", None) or getattr(parsed, "customer_id", None)
