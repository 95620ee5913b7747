"""Request builders against golden request bodies, and the limits they enforce."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from fulfil.shiprocket import builders
from fulfil.shiprocket.config import ShiprocketCredentials
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.schemas import AdhocOrderItem, AdhocOrderRequest, ServiceabilityQuery

Sample = Callable[[str], Any]


def golden_order() -> AdhocOrderRequest:
    return AdhocOrderRequest(
        order_id="TT-2024-0001",
        order_date="2024-06-28 11:11",
        pickup_location="Default Pickup",
        channel_id=3422553,
        billing_customer_name="Asha",
        billing_last_name="K",
        billing_address="12 MG Road, Indiranagar",
        billing_city="Bengaluru",
        billing_pincode="560038",
        billing_state="Karnataka",
        billing_country="India",
        billing_email="asha@example.in",
        billing_phone="9876543210",
        shipping_is_billing=True,
        order_items=[
            AdhocOrderItem(
                name="Butterfly Timo Boll ALC",
                sku="BTB-ALC",
                units=1,
                selling_price=Decimal("1299.00"),
                tax=Decimal("18"),
                hsn=95069100,
            ),
            AdhocOrderItem(
                name="Tenergy 05 rubber",
                sku="TEN-05",
                units=2,
                selling_price=Decimal("2450.50"),
                discount=Decimal("100"),
                tax=Decimal("18"),
            ),
        ],
        payment_method="Prepaid",
        shipping_charges=Decimal("0"),
        sub_total=Decimal("6000.50"),
        length=Decimal("30"),
        breadth=Decimal("20"),
        height=Decimal("5.5"),
        weight=Decimal("0.75"),
        is_insurance_opt=False,
    )


def test_create_adhoc_order_matches_golden_body(sample: Sample) -> None:
    spec = builders.build_create_adhoc_order(golden_order())
    assert (spec.method, spec.path, spec.operation) == (
        "POST",
        "orders/create/adhoc",
        Operation.CREATE_ADHOC_ORDER,
    )
    assert spec.json == sample("create_order_request")
    # Money goes out as JSON numbers, never as strings or floats-with-noise.
    assert isinstance(spec.json["sub_total"], float)
    assert isinstance(spec.json["order_items"][0]["selling_price"], int)


def test_login_body_is_hidden_from_repr(sample: Sample) -> None:
    creds = ShiprocketCredentials(
        email="api-user@example.in", password=SecretStr("pw-s3cret-DO-NOT-LEAK")
    )
    spec = builders.build_login(creds)
    assert spec.json == sample("login_request")
    assert not spec.authenticated
    assert "pw-s3cret" not in repr(spec)
    assert "pw-s3cret" not in repr(creds)


def test_serviceability_params() -> None:
    query = ServiceabilityQuery(
        pickup_postcode="400001",
        delivery_postcode=560038,
        weight_kg=Decimal("0.50"),
        cod=True,
        length_cm=Decimal("10"),
        breadth_cm=Decimal("5"),
        height_cm=Decimal("5"),
        declared_value=Decimal("1299.00"),
    )
    spec = builders.build_check_serviceability(query)
    assert (spec.method, spec.path) == ("GET", "courier/serviceability/")
    assert spec.params == {
        "pickup_postcode": "400001",
        "delivery_postcode": "560038",
        "weight": "0.5",
        "cod": "1",
        "length": "10",
        "breadth": "5",
        "height": "5",
        "declared_value": "1299",
    }


def test_assign_awb(sample: Sample) -> None:
    assert builders.build_assign_awb(16090281, 142).json == sample("assign_awb_request")
    assert builders.build_assign_awb(16090281).json == {"shipment_id": 16090281}


def test_pickup_sends_arrays(sample: Sample) -> None:
    spec = builders.build_generate_pickup(16090281, date(2021, 12, 11))
    assert spec.path == "courier/generate/pickup"
    assert spec.json == sample("pickup_request")
    assert builders.build_generate_pickup(5).json == {"shipment_id": [5]}


def test_label_and_manifest_send_shipment_id_arrays(sample: Sample) -> None:
    label = builders.build_generate_label([16090281, 16090282, 16090281])
    assert (label.path, label.json) == ("courier/generate/label", sample("label_request"))
    manifest = builders.build_generate_manifest((16090281,))
    assert (manifest.path, manifest.json) == ("manifests/generate", {"shipment_id": [16090281]})


def test_tracking_requests(sample: Sample) -> None:
    assert builders.build_track_awb(" 141123221084922 ").path == "courier/track/awb/141123221084922"
    bulk = builders.build_track_awbs(sample("track_awbs_request")["awbs"])
    assert (bulk.method, bulk.path) == ("POST", "courier/track/awbs")
    assert bulk.json == sample("track_awbs_request")


def test_bulk_tracking_caps_at_fifty() -> None:
    fifty = [f"AWB{i:04d}" for i in range(50)]
    assert len(builders.build_track_awbs(fifty).json["awbs"]) == 50
    with pytest.raises(ValueError, match="at most 50"):
        builders.build_track_awbs([*fifty, "AWB9999"])
    # Duplicates do not count twice.
    assert len(builders.build_track_awbs(fifty + fifty[:5]).json["awbs"]) == 50


@pytest.mark.parametrize("awbs", [[], [""], ["a/b"], "141123221084922"])
def test_bad_awb_lists_fail_fast(awbs: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        builders.build_track_awbs(awbs)


def test_find_orders_filters_by_channel_order_id() -> None:
    spec = builders.build_find_orders_by_channel_order_id("TT-2024-0001")
    assert (spec.method, spec.path) == ("GET", "orders")
    assert spec.params == {
        "filter_by": "channel_order_id",
        "filter": "TT-2024-0001",
        "per_page": "50",
    }
    with pytest.raises(ValueError):
        builders.build_find_orders_by_channel_order_id("  ")


def test_cancel_requests(sample: Sample) -> None:
    orders = builders.build_cancel_orders([16161616, 16161617])
    assert (orders.path, orders.json) == ("orders/cancel", sample("cancel_orders_request"))
    awbs = builders.build_cancel_shipments_by_awbs(["321055706540"])
    assert (awbs.path, awbs.json) == ("orders/cancel/shipment/awbs", sample("cancel_awbs_request"))


@pytest.mark.parametrize("bad", [0, -3, True, "12"])
def test_ids_must_be_positive_ints(bad: Any) -> None:
    with pytest.raises(ValueError):
        builders.build_assign_awb(bad)
    with pytest.raises(ValueError):
        builders.build_cancel_orders([bad])
