"""Item -> row mapping: geography kept, personal data pseudonymised or dropped, times normalised."""

from __future__ import annotations

import json
from decimal import Decimal

from fulfil.analytics.pseudonymise import PiiKind, Pseudonymiser
from fulfil.analytics.rows import (
    customer_row,
    event_row,
    fulfilment_row,
    order_rows,
    outbox_row,
    timestamp,
)

P = Pseudonymiser.from_env("unit-test-key-0123456789")

ADDRESS = {
    "addressId": "addr-1",
    "Address": "12, MG Road",
    "City": "Mumbai",
    "Pincode": "400 001",
    "ReceiversName": "Diya Iyer",
    "ReceiversNumber": "+91 98765 43210",
}
ORDER = {
    "orderId": "o-1",
    "createdAt": "2026-03-01T10:00:00.123Z",
    "customerId": "cust-1",
    "status": "confirmed",
    "totalAmount": Decimal("2598"),
    "paymentMethod": "cod",
    "shippingAddressId": "addr-1",
    "orderItems": [
        {
            "productId": "prod-003",
            "name": "Tenergy 05",
            "quantity": Decimal(2),
            "price": Decimal("1299"),
        },
        "junk",
    ],
}
PRODUCTS = {"prod-003": {"productId": "prod-003", "brand": "Butterfly", "category": "rubbers",
                         "sellerId": "seller-2"}}  # fmt: skip


def test_order_row_keeps_geography_and_hashes_the_rest() -> None:
    row, lines = order_rows(ORDER, {"addr-1": ADDRESS}, PRODUCTS, P)
    assert (row["ship_city"], row["ship_state"], row["ship_pin3"]) == (
        "Mumbai",
        "Maharashtra",  # from the PIN: checkout stores no state
        "400",
    )
    assert row["customer_key"] == P.token(PiiKind.CUSTOMER, "cust-1")
    assert row["ship_street_key"] == P.token(PiiKind.STREET, "12, mg road")
    assert row["created_at"] == "2026-03-01T10:00:00.123000+00:00"
    assert (row["line_count"], row["unit_count"], row["total_amount"]) == ("1", "2", "2598")
    text = json.dumps([row, *lines])
    for secret in ("MG Road", "Diya", "98765", "cust-1", "addr-1"):
        assert secret not in text
    assert lines == [
        {
            "order_id": "o-1",
            "line_no": "1",
            "product_id": "prod-003",
            "product_name": "Tenergy 05",
            "brand": "Butterfly",
            "category": "rubbers",
            "seller_id": "seller-2",
            "quantity": "2",
            "unit_price": "1299",
            "line_amount": "2598",
        }
    ]


def test_an_order_without_its_address_still_maps() -> None:
    row, _ = order_rows({**ORDER, "shippingAddressId": "gone"}, {}, PRODUCTS, P)
    assert row["ship_city"] is None and row["ship_pin3"] is None and row["order_id"] == "o-1"


def test_customers_get_joinable_keys_only() -> None:
    a = customer_row({"customerId": "c", "email": "Diya@Mail.in", "phone": "09876543210"}, P)
    b = customer_row(
        {"customerId": "c", "email": "diya@mail.in", "phoneNumber": "98765-43210",
         "firstName": "Diya", "lastName": "Iyer"}, P)  # fmt: skip
    assert a["email_key"] == b["email_key"] and a["phone_key"] == b["phone_key"]
    assert a["phone_key"] == P.token(PiiKind.PHONE, "+919876543210")
    assert b["name_key"] == P.token(PiiKind.NAME, "diya iyer")
    assert "Diya" not in json.dumps([a, b])


def test_fulfilment_row_drops_the_plan_and_scrubs_messages() -> None:
    row = fulfilment_row(
        {
            "orderId": "o-1",
            "shipmentKey": "00",
            "status": "needs_attention",
            "plan": json.dumps({"street": "12, MG Road"}),
            "destinationPincode": "560001",
            "lastErrorMessage": "phone 9876543210 invalid for diya@mail.in",
            "rejections": json.dumps(
                [{"field": "address.pincode", "code": "missing_pincode", "message": "12 MG Rd"}]
            ),
            "versionHistory": ["v1 cancelled at Shiprocket"],
            "eta": "2026-03-05",
            "documentsDone": True,
            "attempts": Decimal(3),
        }
    )
    assert "plan" not in row and "MG" not in json.dumps(row)
    assert row["destination_pin3"] == "560"
    assert row["last_error_message"] == "phone <phone> invalid for <email>"
    assert row["rejection_codes"] == "address.pincode:missing_pincode"
    assert row["version_history"] == "v1 cancelled at Shiprocket"
    assert row["eta"] == "2026-03-05T23:59:59+05:30"  # a bare ETA date: end of that day, IST
    assert (row["documents_done"], row["attempts"]) == ("true", "3")


def test_outbox_items_split_by_kind_without_recipient_or_params() -> None:
    kind, row = outbox_row(
        {
            "outboxId": "ntf#shipped:abc",
            "kind": "notification",
            "notificationKind": "shipped",
            "recipient": "+919876543210",
            "params": json.dumps({"name": "Diya"}),
            "state": "sent",
        },
        P,
    ) or ("", {})
    assert kind == "notifications"
    assert row["recipient_key"] == P.token(PiiKind.PHONE, "9876543210")
    assert "Diya" not in json.dumps(row) and "9876543210" not in json.dumps(row)
    esc = outbox_row(
        {"outboxId": "esc#f#1", "kind": "escalation", "summary": "call 9876543210",
         "detail": "12, MG Road", "severity": "high"}, P)  # fmt: skip
    assert esc is not None and esc[0] == "escalations"
    assert esc[1]["summary"] == "call <phone>" and "MG Road" not in json.dumps(esc[1])
    assert outbox_row({"outboxId": "x", "kind": "other"}, P) is None


def test_timestamps_are_normalised() -> None:
    assert timestamp("2026-03-01T10:00:00Z") == "2026-03-01T10:00:00+00:00"
    assert timestamp("2026-03-01 18:00:00") == "2026-03-01T18:00:00+05:30"  # naive = IST
    assert timestamp(Decimal(1772359200)) == "2026-03-01T10:00:00+00:00"  # epoch seconds
    assert timestamp("not a time") is None and timestamp("") is None


def test_event_rows_scrub_activity() -> None:
    row = event_row({"awb": "A1", "eventKey": "k", "activity": "Call 9876543210", "status": "ndr"})
    assert row["activity"] == "Call <phone>"
