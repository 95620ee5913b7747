"""The record models read the tables as they are, and fail only with reason codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fulfil.domain.records import Address, Customer, parse_order
from fulfil.domain.rejections import ReasonCode, RecordError


def order(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "orderId": "o-1",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "customerId": "c-1",
        "status": "confirmed",
        "totalAmount": Decimal("2499"),
        "paymentMethod": "razorpay",
        "paymentStatus": "paid",
        "shippingAddressId": "a-1",
        "orderItems": [
            {"productId": "p-1", "name": "Blade", "quantity": Decimal(1), "price": Decimal("2499")}
        ],
    }
    base.update(overrides)
    return base


def test_numbers_are_decimal_never_float() -> None:
    parsed = parse_order(order(totalAmount=Decimal("1999.90")))
    assert parsed.total_amount == Decimal("1999.90")
    assert isinstance(parsed.items[0].price, Decimal)


def test_float_money_goes_through_text_not_binary() -> None:
    assert parse_order(order(totalAmount=1999.9)).total_amount == Decimal("1999.9")
    with pytest.raises(RecordError) as info:  # binary noise beyond paise is refused, not rounded
        parse_order(order(totalAmount=0.1 + 0.2))
    assert info.value.codes == [ReasonCode.INVALID_AMOUNT]


def test_numbers_as_strings_are_read() -> None:
    parsed = parse_order(
        order(
            totalAmount="2,499.00", orderItems=[{"productId": "p", "quantity": "2", "price": "10"}]
        )
    )
    assert parsed.total_amount == Decimal("2499.00")
    assert parsed.items[0].quantity == 2


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"orderItems": []}, ReasonCode.NO_ITEMS, "orderItems"),
        ({"paymentMethod": "upi"}, ReasonCode.UNKNOWN_PAYMENT_METHOD, "paymentMethod"),
        ({"totalAmount": "abc"}, ReasonCode.INVALID_AMOUNT, "totalAmount"),
        ({"totalAmount": Decimal("-5")}, ReasonCode.INVALID_AMOUNT, "totalAmount"),
        ({"totalAmount": float("nan")}, ReasonCode.INVALID_AMOUNT, "totalAmount"),
        ({"totalAmount": True}, ReasonCode.INVALID_TYPE, "totalAmount"),
        ({"createdAt": "yesterday"}, ReasonCode.INVALID_VALUE, "createdAt"),
        ({"customerId": "x" * 5000}, ReasonCode.TEXT_TOO_LONG, "customerId"),
        (
            {"orderItems": [{"productId": "p", "quantity": Decimal("1.5"), "price": 1}]},
            ReasonCode.INVALID_QUANTITY,
            "orderItems.0.quantity",
        ),
        (
            {"orderItems": [{"productId": "p", "quantity": 0, "price": 1}]},
            ReasonCode.INVALID_QUANTITY,
            "orderItems.0.quantity",
        ),
        (
            {"orderItems": [{"productId": "p", "quantity": 1, "price": "free"}]},
            ReasonCode.INVALID_PRICE,
            "orderItems.0.price",
        ),
        ({"orderItems": "not a list"}, ReasonCode.INVALID_TYPE, "orderItems"),
    ],
)
def test_each_problem_names_order_field_and_code(
    overrides: dict[str, Any], code: ReasonCode, field: str
) -> None:
    with pytest.raises(RecordError) as info:
        parse_order(order(**overrides))
    rejection = info.value.rejections[0]
    assert (rejection.order_id, rejection.field, rejection.code) == ("o-1", field, code)
    assert rejection.message


def test_missing_fields_are_all_listed() -> None:
    with pytest.raises(RecordError) as info:
        parse_order({"orderId": "o-9"})
    fields = {r.field for r in info.value.rejections if r.code is ReasonCode.MISSING_FIELD}
    assert {"createdAt", "customerId", "status", "orderItems"} <= fields


def test_non_map_record_is_unreadable() -> None:
    with pytest.raises(RecordError) as info:
        parse_order(["not", "a", "map"])
    assert info.value.codes == [ReasonCode.UNREADABLE_RECORD]


def test_legacy_awb_null_is_not_a_shipment() -> None:
    assert not parse_order(order(awb=None)).has_legacy_shipment
    assert not parse_order(order(awb="  ")).has_legacy_shipment
    assert parse_order(order(awb="14112345678901", shipmentId="s")).has_legacy_shipment


def test_checkout_pascal_case_address() -> None:
    a = Address.from_item(
        {
            "addressId": "a",
            "ownerId": "c",
            "Address": "12 MG Road",
            "City": "Pune",
            "Pincode": "411 001",
            "isdefault": True,
            "ReceiversName": "Asha",
            "ReceiversNumber": "+91 98765 43210",
        }
    )
    assert (a.street, a.city, a.pincode, a.state, a.receiver_name) == (
        "12 MG Road",
        "Pune",
        "411 001",
        None,
        "Asha",
    )
    assert a.receiver_phone == "+91 98765 43210"


def test_design_doc_camel_case_address() -> None:
    a = Address.from_item(
        {
            "addressId": "a",
            "address": "4 Park St",
            "city": "Kolkata",
            "pincode": Decimal(700001),
            "state": "West Bengal",
            "country": "India",
            "receiverName": "Dev",
            "receiverPhone": "9876543210",
        }
    )
    assert (a.street, a.city, a.state, a.receiver_phone) == (
        "4 Park St",
        "Kolkata",
        "West Bengal",
        "9876543210",
    )
    assert Address.from_item({"addressId": "a", "receiverNumber": "98"}).receiver_phone == "98"


def test_customer_name_and_phone_spellings() -> None:
    c = Customer.from_item(
        {
            "customerId": "c",
            "email": "e@x.in",
            "firstName": "Asha",
            "lastName": "Rao",
            "phoneNumber": "9876543210",
        }
    )
    assert (c.display_name, c.phone) == ("Asha Rao", "9876543210")
    c1 = Customer.from_item({"customerId": "c", "email": "e", "name": "Mononym", "phone": "1"})
    assert c1.display_name == "Mononym"
