"""Orders: create (validation, channels, pickups, the dedupe trap), list, show and cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Payload = Callable[..., dict[str, Any]]


def test_create_returns_documented_shape(sim: Any) -> None:
    body = sim.create("TT-1")
    assert body["status"] == "NEW"
    assert body["status_code"] == 1
    assert body["awb_code"] is None
    assert body["courier_company_id"] is None
    assert body["courier_name"] is None
    assert body["onboarding_completed_now"] == 0
    assert body["channel_order_id"] == "TT-1"
    assert isinstance(body["order_id"], int)
    assert isinstance(body["shipment_id"], int)
    assert body["order_id"] != body["shipment_id"]


def test_ids_are_deterministic_per_seed(make_sim: Callable[..., Any]) -> None:
    ids = []
    for _ in range(2):
        sim = make_sim(seed=42)
        sim.login()
        ids.append(sim.create("TT-1")["order_id"])
    assert ids[0] == ids[1]


def test_create_validation_gives_laravel_bag(sim: Any, payload: Payload) -> None:
    body = payload("TT-2", billing_phone="98765-43210", weight=0, order_items=[{"name": "x"}])
    del body["billing_city"]
    response = sim.api("POST", "orders/create/adhoc", json=body)
    assert response.status_code == 422
    data = response.json()
    assert data["message"] == "Oops! Invalid Data."
    assert data["status_code"] == 422
    errors = data["errors"]
    assert errors["billing_city"] == ["The billing city field is required."]
    assert errors["billing_phone"] == ["The billing phone must be an integer."]
    assert errors["weight"] == ["The weight must be greater than 0."]
    assert errors["order_items.0.sku"] == ["The order items.0.sku field is required."]
    assert errors["order_items.0.units"] == ["The order items.0.units field is required."]


def test_create_empty_body_lists_required_fields(sim: Any) -> None:
    response = sim.api("POST", "orders/create/adhoc", json={})
    errors = response.json()["errors"]
    assert errors["order_id"] == ["The order id field is required."]
    for field in ("order_date", "pickup_location", "billing_email", "sub_total", "length"):
        assert field in errors


def test_shipping_fields_required_when_not_billing(sim: Any, payload: Payload) -> None:
    response = sim.api(
        "POST", "orders/create/adhoc", json=payload("TT-3", shipping_is_billing=False)
    )
    assert response.status_code == 422
    assert response.json()["errors"]["shipping_city"] == [
        "The shipping city field is required when shipping is billing is 0."
    ]


def test_order_id_longer_than_50_is_rejected(sim: Any, payload: Payload) -> None:
    response = sim.api("POST", "orders/create/adhoc", json=payload("X" * 51))
    assert response.json()["errors"]["order_id"] == [
        "The order id may not be greater than 50 characters."
    ]


def test_numeric_strings_pass_like_php(sim: Any, payload: Payload) -> None:
    body = payload("TT-4", billing_pincode="560001", billing_phone="9876543210", weight="0.5")
    response = sim.api("POST", "orders/create/adhoc", json=body)
    assert response.status_code == 200


def test_unknown_channel_id_gives_400(sim: Any, payload: Payload) -> None:
    response = sim.api("POST", "orders/create/adhoc", json=payload("TT-5", channel_id=999))
    assert response.status_code == 400
    assert response.json() == {"message": "Given channel id does not exist", "status_code": 400}


def test_configured_channel_id_is_accepted(make_sim: Callable[..., Any], payload: Payload) -> None:
    sim = make_sim(channel_ids=[999])
    sim.login()
    response = sim.api("POST", "orders/create/adhoc", json=payload("TT-5", channel_id=999))
    assert response.status_code == 200


def test_any_pickup_nickname_is_accepted_by_default(sim: Any, payload: Payload) -> None:
    body = payload("TT-6", pickup_location="Somewhere")
    assert sim.api("POST", "orders/create/adhoc", json=body).status_code == 200


def test_strict_pickups_reject_unknown_nickname(
    make_sim: Callable[..., Any], payload: Payload
) -> None:
    sim = make_sim(strict_pickups=True, pickup_locations=["Primary", "Warehouse-2"])
    sim.login()
    response = sim.api("POST", "orders/create/adhoc", json=payload("TT-6", pickup_location="Nope"))
    assert response.status_code == 422
    body = response.json()
    assert body["message"].startswith("Wrong Pickup location entered")
    assert [p["pickup_location"] for p in body["data"]["data"]] == ["Primary", "Warehouse-2"]
    ok = sim.api("POST", "orders/create/adhoc", json=payload("TT-6", pickup_location="Warehouse-2"))
    assert ok.status_code == 200


def test_duplicate_returns_existing_and_ignores_new_payload(sim: Any, payload: Payload) -> None:
    first = sim.create("TT-7")
    again = sim.api("POST", "orders/create/adhoc", json=payload("TT-7", sub_total=1))
    assert again.status_code == 200
    body = again.json()
    assert (body["order_id"], body["shipment_id"]) == (first["order_id"], first["shipment_id"])
    assert body["status_code"] == 1
    show = sim.api("GET", f"orders/show/{first['order_id']}").json()["data"]
    assert show["total"] == 4200
    count = sim.ctl("GET", "orders/count", params={"channel_order_id": "TT-7"}).json()
    assert (count["total"], count["live"]) == (1, 1)


def test_duplicate_of_assigned_order_reports_awb(sim: Any) -> None:
    first = sim.create("TT-8")
    awb = sim.assign(first["shipment_id"])["response"]["data"]["awb_code"]
    body = sim.create("TT-8")
    assert body["awb_code"] == awb
    assert body["status_code"] == 3


def test_duplicate_of_cancelled_order_is_the_cancelled_trap(sim: Any) -> None:
    first = sim.create("TT-9")
    sim.assign(first["shipment_id"])
    assert sim.api("POST", "orders/cancel", json={"ids": [first["order_id"]]}).status_code == 204
    body = sim.create("TT-9")
    assert body["order_id"] == first["order_id"]
    assert body["status"] == "CANCELED"
    assert body["status_code"] == 5
    assert body["awb_code"] == ""
    count = sim.ctl("GET", "orders/count", params={"channel_order_id": "TT-9"}).json()
    assert (count["total"], count["live"], count["cancelled"]) == (1, 0, 1)


@pytest.mark.parametrize(
    ("policy", "cancel_first", "expected"),
    [
        ("reject_all", False, 422),
        ("reject_cancelled", True, 422),
        ("reject_cancelled", False, 200),
    ],
)
def test_duplicate_policies(
    make_sim: Callable[..., Any], payload: Payload, policy: str, cancel_first: bool, expected: int
) -> None:
    sim = make_sim(duplicate_policy=policy)
    sim.login()
    first = sim.create("TT-10")
    if cancel_first:
        sim.api("POST", "orders/cancel", json={"ids": [first["order_id"]]})
    response = sim.api("POST", "orders/create/adhoc", json=payload("TT-10"))
    assert response.status_code == expected
    if expected == 422:
        assert response.json()["errors"] == {"order_id": ["The order id has already been taken."]}


def test_create_new_policy_makes_detectable_duplicates(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(duplicate_policy="create_new")
    sim.login()
    first, second = sim.create("TT-11"), sim.create("TT-11")
    assert first["order_id"] != second["order_id"]
    count = sim.ctl("GET", "orders/count", params={"channel_order_id": "TT-11"}).json()
    assert (count["total"], count["live"]) == (2, 2)
    assert count["order_ids"] == [first["order_id"], second["order_id"]]


def test_same_order_id_in_other_channel_is_a_new_order(
    make_sim: Callable[..., Any], payload: Payload
) -> None:
    sim = make_sim(channel_ids=[555])
    sim.login()
    first = sim.create("TT-12")
    other = sim.api("POST", "orders/create/adhoc", json=payload("TT-12", channel_id=555)).json()
    assert other["order_id"] != first["order_id"]


def test_list_filters_by_channel_order_id_exactly(sim: Any) -> None:
    sim.create("TT-20")
    sim.create("TT-200")
    body = sim.api("GET", "orders", params={"filter_by": "channel_order_id", "filter": "TT-20"})
    data = body.json()["data"]
    assert [o["channel_order_id"] for o in data] == ["TT-20"]
    row = data[0]
    assert {"id", "channel_order_id", "status", "status_code", "shipments"} <= set(row)
    assert row["shipments"][0]["awb"] == ""
    assert body.json()["meta"]["pagination"]["total"] == 1


def test_list_search_matches_substring_and_awb(sim: Any) -> None:
    sim.create("TT-20")
    created = sim.create("TT-200")
    awb = sim.assign(created["shipment_id"])["response"]["data"]["awb_code"]
    by_id = sim.api("GET", "orders", params={"search": "TT-20"}).json()["data"]
    assert {o["channel_order_id"] for o in by_id} == {"TT-20", "TT-200"}
    by_awb = sim.api("GET", "orders", params={"search": awb}).json()["data"]
    assert [o["channel_order_id"] for o in by_awb] == ["TT-200"]
    assert by_awb[0]["shipments"][0]["awb"] == awb


def test_list_paginates_newest_first(sim: Any) -> None:
    for i in range(5):
        sim.create(f"TT-P{i}")
    page = sim.api("GET", "orders", params={"per_page": 2, "page": 2}).json()
    assert [o["channel_order_id"] for o in page["data"]] == ["TT-P2", "TT-P1"]
    pagination = page["meta"]["pagination"]
    assert pagination["total"] == 5
    assert pagination["count"] == 2
    assert pagination["total_pages"] == 3
    assert pagination["current_page"] == 2
    assert "page=3" in pagination["links"]["next"]


def test_list_filter_by_status(sim: Any) -> None:
    created = sim.create("TT-S1")
    sim.create("TT-S2")
    sim.api("POST", "orders/cancel", json={"ids": [created["order_id"]]})
    data = sim.api("GET", "orders", params={"filter_by": "status", "filter": "5"}).json()["data"]
    assert [o["channel_order_id"] for o in data] == ["TT-S1"]
    assert data[0]["status"] == "CANCELED"


def test_show_returns_detail_and_unknown_gives_400(sim: Any) -> None:
    created = sim.create("TT-30")
    data = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert data["id"] == created["order_id"]
    assert data["channel_order_id"] == "TT-30"
    assert data["shipments"]["id"] == created["shipment_id"]
    assert "awb_data" in data
    missing = sim.api("GET", "orders/show/123")
    assert missing.status_code == 400
    assert missing.json() == {"message": "Order ID not found", "status_code": 400}


def test_cancel_errors(sim: Any) -> None:
    missing = sim.api("POST", "orders/cancel", json={})
    assert missing.status_code == 422
    assert missing.json() == {
        "message": "Required field missing",
        "errors": {"ids": ["The ids field is required."]},
    }
    bad = sim.api("POST", "orders/cancel", json={"ids": [1]})
    assert bad.status_code == 500
    assert bad.json()["message"] == "Trying to get property of non-object"


def test_cancel_is_204_and_cancels_shipment(sim: Any) -> None:
    created = sim.create("TT-31")
    response = sim.api("POST", "orders/cancel", json={"ids": [created["order_id"]]})
    assert response.status_code == 204
    assert response.content == b""
    data = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert (data["status"], data["status_code"]) == ("CANCELED", 5)
    assert data["shipments"]["status_code"] == 8
    again = sim.api("POST", "orders/cancel", json={"ids": [created["order_id"]]})
    assert again.status_code == 204


def test_cancel_after_pickup_scan_is_refused(sim: Any) -> None:
    created, _ = sim.ship("TT-32", "happy")
    sim.advance(days=2)
    response = sim.api("POST", "orders/cancel", json={"ids": [created["order_id"]]})
    assert response.status_code == 400
    assert "picked up" in response.json()["message"]


def test_cancel_shipment_by_awb_releases_awb(sim: Any) -> None:
    created = sim.create("TT-33")
    awb = sim.assign(created["shipment_id"])["response"]["data"]["awb_code"]
    response = sim.api("POST", "orders/cancel/shipment/awbs", json={"awbs": [awb, "unknown"]})
    assert response.status_code == 204
    data = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert data["status_code"] == 1
    assert data["shipments"]["awb"] == ""
    new_awb = sim.assign(created["shipment_id"])["response"]["data"]["awb_code"]
    assert new_awb != awb
    missing = sim.api("POST", "orders/cancel/shipment/awbs", json={})
    assert missing.status_code == 422
