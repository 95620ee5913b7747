"""Shipment planning rules: what ships, how it splits, what parks and why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fulfil.domain.bundle import OrderBundle
from fulfil.domain.planning import DecisionKind, PlanningDefaults, SkipReason, plan_order
from fulfil.domain.rejections import ReasonCode

DEFAULTS = PlanningDefaults(pickup_location="Default Pickup", pickup_pincode="400001")


def bundle(
    order: dict[str, Any] | None = None,
    address: dict[str, Any] | None = None,
    customer: dict[str, Any] | None = None,
    products: dict[str, Any] | None = None,
    seller_addresses: dict[str, Any] | None = None,
    no_address: bool = False,
) -> OrderBundle:
    o: dict[str, Any] = {
        "orderId": "o-1",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "customerId": "c-1",
        "status": "confirmed",
        "totalAmount": Decimal("2598"),
        "paymentMethod": "razorpay",
        "paymentStatus": "paid",
        "shippingAddressId": "a-1",
        "orderItems": [
            {"productId": "p-1", "name": "Blade", "quantity": Decimal(1), "price": Decimal("2499")}
        ],
    }
    o.update(order or {})
    a: dict[str, Any] = {
        "addressId": "a-1",
        "ownerId": "c-1",
        "Address": "12 MG Road",
        "City": "Pune",
        "Pincode": "411 001",
        "ReceiversName": "Asha Rao",
        "ReceiversNumber": "+91 98765 43210",
    }
    a.update(address or {})
    c: dict[str, Any] = {
        "customerId": "c-1",
        "email": "asha@mail.in",
        "name": "Asha Rao",
        "phone": "9123456780",
    }
    c.update(customer or {})
    return OrderBundle(
        order=o,
        address=None if no_address else a,
        customer=c,
        products=products or {},
        seller_addresses=seller_addresses or {},
    )


def test_prepaid_paid_order_ships_with_state_from_pin() -> None:
    d = plan_order(bundle(), DEFAULTS)
    assert d.kind is DecisionKind.SHIP
    [s] = d.shipments
    assert s.payment_method == "Prepaid" and s.cod_amount == 0
    assert s.destination.state == "Maharashtra" and s.destination.pincode == "411001"
    assert s.destination.phone_e164 == "+919876543210"
    assert s.pickup_location == "Default Pickup"
    assert s.channel_order_id() == "o-1-1" and s.channel_order_id(2) == "o-1-1-v2"
    assert s.shipment_id == "shp-o-1-01"
    # 99 of shipping on top of the items rides on the first shipment
    assert (s.items_value, s.adjustment, s.sub_total) == (Decimal(2499), Decimal(99), Decimal(2598))


def test_cod_confirmed_with_payment_pending_ships_cod_collecting_the_total() -> None:
    d = plan_order(bundle({"paymentMethod": "cod", "paymentStatus": "pending"}), DEFAULTS)
    assert d.kind is DecisionKind.SHIP
    assert d.shipments[0].payment_method == "COD"
    assert d.shipments[0].cod_amount == Decimal("2598.00")


def test_cod_already_paid_ships_prepaid() -> None:
    d = plan_order(bundle({"paymentMethod": "cod", "paymentStatus": "paid"}), DEFAULTS)
    assert d.shipments[0].payment_method == "Prepaid"


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        ({"status": "pending", "paymentStatus": "pending"}, SkipReason.NOT_READY),
        ({"status": "confirmed", "paymentStatus": "pending"}, SkipReason.NOT_READY),
        ({"status": "cancelled"}, SkipReason.CANCELLED),
        ({"status": "shipped"}, SkipReason.ALREADY_FULFILLED),
        ({"awb": "14112345678901", "shipmentId": "old"}, SkipReason.LEGACY_SHIPMENT),
    ],
)
def test_orders_that_are_not_ours_to_ship_now(order: dict[str, Any], reason: SkipReason) -> None:
    d = plan_order(bundle(order), DEFAULTS)
    assert (d.kind, d.skip_reason) == (DecisionKind.SKIP, reason)


def test_dry_run_leftover_awb_null_does_not_block() -> None:
    assert plan_order(bundle({"awb": None}), DEFAULTS).kind is DecisionKind.SHIP


def test_receiver_phone_invalid_falls_back_to_customer_phone() -> None:
    d = plan_order(bundle(address={"ReceiversNumber": "022 2345 6789"}), DEFAULTS)
    assert d.shipments[0].destination.phone_e164 == "+919123456780"


def test_no_usable_phone_parks_naming_the_field() -> None:
    d = plan_order(
        bundle(address={"ReceiversNumber": "2223334444"}, customer={"phone": "12345"}), DEFAULTS
    )
    assert d.kind is DecisionKind.PARK
    assert [(r.field, r.code) for r in d.rejections] == [
        ("address.receiverPhone", ReasonCode.INVALID_PHONE)
    ]


def test_missing_phone_everywhere_is_missing_phone() -> None:
    d = plan_order(bundle(address={"ReceiversNumber": ""}, customer={"phone": None}), DEFAULTS)
    assert d.rejections[0].code is ReasonCode.MISSING_PHONE


@pytest.mark.parametrize(
    ("pincode", "code"),
    [
        ("", ReasonCode.MISSING_PINCODE),
        ("40001", ReasonCode.INVALID_PINCODE),
        ("999999", ReasonCode.UNKNOWN_PINCODE),
    ],
)
def test_bad_pin_parks(pincode: str, code: ReasonCode) -> None:
    d = plan_order(bundle(address={"Pincode": pincode}), DEFAULTS)
    assert d.kind is DecisionKind.PARK and d.rejections[0].code is code


def test_several_problems_are_reported_together() -> None:
    d = plan_order(
        bundle(
            address={"Pincode": "", "City": "", "ReceiversNumber": "1"}, customer={"phone": None}
        ),
        DEFAULTS,
    )
    assert {r.code for r in d.rejections} == {
        ReasonCode.MISSING_PINCODE,
        ReasonCode.MISSING_CITY,
        ReasonCode.INVALID_PHONE,
    }


def test_empty_items_parks_with_no_items() -> None:
    d = plan_order(bundle({"orderItems": []}), DEFAULTS)
    assert d.kind is DecisionKind.PARK and d.rejections[0].code is ReasonCode.NO_ITEMS


def test_missing_address_record_parks() -> None:
    d = plan_order(bundle(no_address=True), DEFAULTS)
    assert d.rejections[0].code is ReasonCode.ADDRESS_NOT_FOUND


def test_name_falls_back_to_customer_name() -> None:
    d = plan_order(bundle(address={"ReceiversName": ""}), DEFAULTS)
    assert d.shipments[0].destination.name == "Asha Rao"


def test_explicit_state_on_old_records_is_kept() -> None:
    d = plan_order(
        bundle(address={"Pincode": None, "pincode": "110001", "state": "Delhi NCT"}), DEFAULTS
    )
    assert d.shipments[0].destination.state == "Delhi NCT"


def test_multi_seller_cart_splits_per_pickup_with_package_sizes() -> None:
    products = {
        "p-1": {
            "productId": "p-1",
            "sellerId": "s-1",
            "addressId": "pk-1",
            "weight": Decimal("0.3"),
            "length": 30,
            "breadth": 20,
            "height": 4,
        },
        "p-2": {"productId": "p-2", "sellerId": "s-2", "addressId": "pk-2"},
        "p-3": {
            "productId": "p-3",
            "sellerId": "s-1",
            "addressId": "pk-1",
            "weight": Decimal("0.2"),
            "length": 20,
            "breadth": 25,
            "height": 3,
        },
    }
    seller_addresses = {
        "pk-1": {
            "addressId": "pk-1",
            "Address": "Unit 1",
            "City": "Mumbai",
            "Pincode": "400001",
            "pickupLocation": "Sharma-Mumbai",
        },
        "pk-2": {"addressId": "pk-2", "Address": "Unit 2", "City": "Delhi", "Pincode": "110001"},
    }
    items = [
        {"productId": "p-1", "quantity": 2, "price": 1000},
        {"productId": "p-2", "quantity": 1, "price": 500},
        {"productId": "p-3", "quantity": 1, "price": 100},
    ]
    d = plan_order(
        bundle(
            {
                "orderItems": items,
                "totalAmount": Decimal(2600),
                "paymentMethod": "cod",
                "paymentStatus": "pending",
            },
            products=products,
            seller_addresses=seller_addresses,
        ),
        DEFAULTS,
    )
    assert d.kind is DecisionKind.SHIP
    first, second = d.shipments
    assert (first.pickup_location, first.seller_id, first.pickup_pincode) == (
        "Sharma-Mumbai",
        "s-1",
        "400001",
    )
    assert (second.pickup_location, second.seller_id) == ("addr-pk-2", "s-2")
    assert [i.product_id for i in first.items] == ["p-1", "p-3"]
    assert first.weight_kg == Decimal("0.800")  # 0.3 x 2 + 0.2
    assert (first.length_cm, first.breadth_cm, first.height_cm) == (30, 25, 11)
    assert second.weight_kg == Decimal("0.500")  # default per unit
    assert (first.cod_amount, second.cod_amount) == (Decimal("2100.00"), Decimal("500.00"))
    assert [s.index for s in d.shipments] == [1, 2]


def test_discount_larger_than_the_first_shipment_parks_as_invalid_amount() -> None:
    products = {
        "p-1": {"productId": "p-1", "sellerId": "s-1"},
        "p-2": {"productId": "p-2", "sellerId": "s-2", "addressId": "pk-2"},
    }
    items = [
        {"productId": "p-1", "quantity": 1, "price": 100},
        {"productId": "p-2", "quantity": 1, "price": 2000},
    ]
    d = plan_order(
        bundle(
            {"orderItems": items, "totalAmount": Decimal(500)},
            products=products,
            seller_addresses={"pk-2": {"addressId": "pk-2"}},
        ),
        DEFAULTS,
    )
    assert d.kind is DecisionKind.PARK
    assert [(r.field, r.code) for r in d.rejections] == [("totalAmount", ReasonCode.INVALID_AMOUNT)]


def test_discount_reduces_the_first_shipment() -> None:
    d = plan_order(bundle({"totalAmount": Decimal(2400)}), DEFAULTS)
    assert d.shipments[0].sub_total == Decimal("2400.00")
    assert d.shipments[0].declared_value == Decimal("2499")
