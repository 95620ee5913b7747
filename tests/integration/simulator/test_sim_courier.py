"""Serviceability, AWB assignment, pickup, label and manifest endpoints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Payload = Callable[..., dict[str, Any]]
ROUTE = {"pickup_postcode": 110020, "delivery_postcode": 560001, "weight": 0.8, "cod": 0}
COURIER_FIELDS = {
    "courier_company_id", "courier_name", "rate", "freight_charge", "cod_charges",
    "cod_multiplier", "coverage_charges", "rto_charges", "etd", "etd_hours",
    "estimated_delivery_days", "cutoff_time", "is_surface", "mode", "min_weight",
    "charge_weight", "cod", "rating", "pickup_performance", "delivery_performance",
    "rto_performance", "tracking_performance", "zone", "city", "state", "postcode", "blocked",
    "odablock", "is_hyperlocal", "realtime_tracking", "pod_available", "suppression_dates", "id",
}  # fmt: skip


def _couriers(response: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = response.json()["data"]["available_courier_companies"]
    return result


def test_serviceability_lists_couriers_with_documented_fields(sim: Any) -> None:
    response = sim.api("GET", "courier/serviceability/", params=ROUTE)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == 200
    assert body["currency"] == "INR"
    couriers = _couriers(response)
    assert len(couriers) == 4
    for courier in couriers:
        assert set(courier) >= COURIER_FIELDS
        assert courier["id"] != courier["courier_company_id"]
    assert len({c["rate"] for c in couriers}) == 4
    ids = {c["courier_company_id"] for c in couriers}
    assert body["data"]["recommended_courier_company_id"] in ids
    again = sim.api("GET", "courier/serviceability/", params=ROUTE)
    assert _couriers(again) == couriers


def test_cod_route_drops_prepaid_only_courier(sim: Any) -> None:
    couriers = _couriers(sim.api("GET", "courier/serviceability/", params={**ROUTE, "cod": 1}))
    assert len(couriers) == 3
    assert all(c["cod"] == 1 and c["cod_charges"] > 0 for c in couriers)


def test_serviceability_validation_bag(sim: Any) -> None:
    response = sim.api("GET", "courier/serviceability/", params={"pickup_postcode": 110020})
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Required field missing"
    assert body["status_code"] == 422
    assert set(body["errors"]) == {"delivery_postcode", "weight", "cod", "order_id"}
    assert body["errors"]["weight"] == [
        "The weight field is required when order id is not present."
    ]


def test_serviceability_unknown_order_id_is_404_inside_200(sim: Any) -> None:
    params = {"pickup_postcode": 110020, "delivery_postcode": 560001, "order_id": 1}
    response = sim.api("GET", "courier/serviceability/", params=params)
    assert response.status_code == 200
    assert response.json() == {"status": 404, "message": "Order does not exist!"}


def test_serviceability_with_known_order_id(sim: Any) -> None:
    created = sim.create("TT-1", payment_method="COD")
    params = {
        "pickup_postcode": 110020,
        "delivery_postcode": 560001,
        "order_id": created["order_id"],
    }
    assert len(_couriers(sim.api("GET", "courier/serviceability/", params=params))) == 3


def test_non_serviceable_pin_gives_empty_list(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(non_serviceable_pin_prefixes=["7911"])
    sim.login()
    params = {**ROUTE, "delivery_postcode": 791101}
    response = sim.api("GET", "courier/serviceability/", params=params)
    assert response.status_code == 200
    assert _couriers(response) == []
    assert response.json()["data"]["recommended_courier_company_id"] is None


def test_unserviceable_style_status_404(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(unserviceable_style="status_404")
    sim.login()
    params = {**ROUTE, "delivery_postcode": 744101}
    assert sim.api("GET", "courier/serviceability/", params=params).json()["status"] == 404


def test_assign_awb_success_shape(sim: Any) -> None:
    created = sim.create("TT-2")
    body = sim.assign(created["shipment_id"], courier_id=10)
    data = body["response"]["data"]
    assert data["courier_company_id"] == 10
    assert data["courier_name"] == "Delhivery Surface"
    assert data["shipment_id"] == created["shipment_id"]
    assert data["order_id"] == created["order_id"]
    assert data["awb_code_status"] == 1
    assert set(data["assigned_date_time"]) == {"date", "timezone_type", "timezone"}
    assert data["awb_code"].isdigit()
    show = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert (show["status"], show["status_code"]) == ("READY TO SHIP", 3)


def test_awbs_are_unique(sim: Any) -> None:
    awbs = set()
    for i in range(20):
        created = sim.create(f"TT-U{i}")
        awbs.add(sim.assign(created["shipment_id"], courier_id=142)["response"]["data"]["awb_code"])
    assert len(awbs) == 20


def test_assign_twice_is_200_with_status_0(sim: Any) -> None:
    created = sim.create("TT-3")
    sim.assign(created["shipment_id"])
    response = sim.api("POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"]})
    assert response.status_code == 200
    body = response.json()
    assert body["awb_assign_status"] == 0
    assert body["response"]["data"]["awb_assign_error"] == "AWB is already assigned"


def test_assign_validation_and_unknown_shipment(sim: Any) -> None:
    missing = sim.api("POST", "courier/assign/awb", json={})
    assert missing.status_code == 422
    assert missing.json() == {
        "message": "Required field missing",
        "errors": {"shipment_id": ["The shipment id field is required."]},
        "status_code": 422,
    }
    unknown = sim.api("POST", "courier/assign/awb", json={"shipment_id": 1})
    assert unknown.status_code == 400


def test_assign_to_non_serviceable_pin_is_200_status_0(sim: Any) -> None:
    created = sim.create("TT-4", billing_pincode=744101)
    response = sim.api("POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"]})
    assert response.status_code == 200
    body = response.json()
    assert body["awb_assign_status"] == 0
    assert "serviceable" in body["response"]["data"]["awb_assign_error"]


def test_assign_with_courier_unable_to_carry_cod(sim: Any) -> None:
    created = sim.create("TT-5", payment_method="COD")
    body = sim.api(
        "POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"], "courier_id": 6}
    ).json()
    assert body["awb_assign_status"] == 0


def test_assign_missing_contact_is_400_message_list(
    make_sim: Callable[..., Any], payload: Payload
) -> None:
    sim = make_sim(require_contact_fields=False)
    sim.login()
    body = payload("TT-6")
    del body["billing_pincode"]
    del body["billing_phone"]
    created = sim.api("POST", "orders/create/adhoc", json=body).json()
    response = sim.api("POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"]})
    assert response.status_code == 400
    assert response.json()["message"] == ["Delivery pincode is empty", "Customer phone is empty"]


def test_assign_on_cancelled_order_mentions_cancelled_state(sim: Any) -> None:
    created = sim.create("TT-7")
    sim.api("POST", "orders/cancel", json={"ids": [created["order_id"]]})
    response = sim.api("POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"]})
    assert response.status_code == 400
    assert "cancelled state" in response.json()["message"]


def test_reassign_once_per_day(sim: Any) -> None:
    created = sim.create("TT-8")
    first = sim.assign(created["shipment_id"], courier_id=10)["response"]["data"]
    second = sim.assign(created["shipment_id"], status="reassign")["response"]["data"]
    assert second["courier_company_id"] != 10
    assert second["awb_code"] != first["awb_code"]
    again = sim.api(
        "POST",
        "courier/assign/awb",
        json={"shipment_id": created["shipment_id"], "status": "reassign"},
    )
    assert again.status_code == 400
    assert again.json()["message"] == "Oops! Cannot reassign courier for this shipment."
    sim.advance(hours=25)
    sim.assign(created["shipment_id"], status="reassign")


def test_pickup_success_shape(sim: Any) -> None:
    created = sim.create("TT-9")
    awb = sim.assign(created["shipment_id"])["response"]["data"]["awb_code"]
    response = sim.api(
        "POST", "courier/generate/pickup", json={"shipment_id": [created["shipment_id"]]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["pickup_status"] == 1
    inner = body["response"]
    assert inner["status"] == 3
    assert inner["pickup_token_number"].startswith("Reference No:")
    assert awb in inner["data"]
    assert isinstance(inner["others"], str)
    show = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert show["status_code"] == 4
    assert show["shipments"]["pickup_scheduled_date"] == inner["pickup_scheduled_date"]


@pytest.mark.parametrize("body", [{"shipment_id": [1]}, {"shipment_id": "abc"}])
def test_pickup_invalid_shipment(sim: Any, body: dict[str, Any]) -> None:
    response = sim.api("POST", "courier/generate/pickup", json=body)
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid shipment id", "status_code": 400}


def test_pickup_needs_awb_and_is_not_repeated(sim: Any) -> None:
    created = sim.create("TT-10")
    ids = {"shipment_id": [created["shipment_id"]]}
    no_awb = sim.api("POST", "courier/generate/pickup", json=ids)
    assert no_awb.status_code == 400
    sim.assign(created["shipment_id"])
    assert sim.api("POST", "courier/generate/pickup", json=ids).status_code == 200
    repeat = sim.api("POST", "courier/generate/pickup", json=ids)
    assert repeat.status_code == 400
    retry = sim.api("POST", "courier/generate/pickup", json={**ids, "status": "retry"})
    assert retry.json()["pickup_status"] == 1


def test_pickup_on_future_date(sim: Any) -> None:
    created = sim.create("TT-11")
    sim.assign(created["shipment_id"])
    body = {"shipment_id": [created["shipment_id"]], "pickup_date": ["2025-01-12"]}  # a Sunday
    response = sim.api("POST", "courier/generate/pickup", json=body)
    assert response.json()["response"]["pickup_scheduled_date"] == "2025-01-13 10:00:00"


def test_label_shapes(sim: Any) -> None:
    created = sim.create("TT-12")
    not_array = sim.api(
        "POST", "courier/generate/label", json={"shipment_id": created["shipment_id"]}
    )
    assert not_array.status_code == 422
    assert not_array.json()["errors"] == {"shipment_id": ["The shipment id must be an array."]}
    none = sim.api("POST", "courier/generate/label", json={"shipment_id": [created["shipment_id"]]})
    assert none.status_code == 200
    assert none.json()["label_created"] == 0
    assert none.json()["response"] == "No valid shipment ids to print label"
    sim.assign(created["shipment_id"])
    ok = sim.api(
        "POST", "courier/generate/label", json={"shipment_id": [created["shipment_id"], 5]}
    )
    body = ok.json()
    assert body["label_created"] == 1
    assert body["label_url"].endswith(".pdf")
    assert body["not_created"] == [5]
    pdf = sim.http.get(body["label_url"])
    assert pdf.content.startswith(b"%PDF")


def test_manifest_generate_and_repeat(sim: Any) -> None:
    created, _ = sim.ship("TT-13")
    ids = {"shipment_id": [created["shipment_id"]]}
    first = sim.api("POST", "manifests/generate", json=ids)
    assert first.status_code == 200
    assert first.json()["status"] == 1
    assert first.json()["manifest_url"]
    repeat = sim.api("POST", "manifests/generate", json=ids)
    assert repeat.status_code == 400
    assert repeat.json() == {
        "message": "Manifest already generated for some shipment_ids",
        "status_code": 400,
        "already_manifested_shipment_ids": [created["shipment_id"]],
    }


def test_manifest_for_invalid_input_has_empty_url(sim: Any) -> None:
    created = sim.create("TT-14")
    response = sim.api("POST", "manifests/generate", json={"shipment_id": [created["shipment_id"]]})
    assert response.json() == {"status": 1, "manifest_url": ""}


def test_manifest_print(sim: Any) -> None:
    created, _ = sim.ship("TT-15")
    sim.api("POST", "manifests/generate", json={"shipment_id": [created["shipment_id"]]})
    ok = sim.api("POST", "manifests/print", json={"order_ids": [created["order_id"]]})
    assert ok.json()["manifest_url"]
    bad = sim.api("POST", "manifests/print", json={"order_ids": "x"})
    assert bad.status_code == 500
    assert bad.json() == {"message": "Invalid argument supplied for foreach()"}
