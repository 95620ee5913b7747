"""Golden responses and error bodies through the pure parsers (no HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.shiprocket import errors as e
from fulfil.shiprocket import parsers as p
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.schemas import TrackingState
from fulfil.shiprocket.schemas_common import IST

Sample = Callable[[str], Any]
NO_HEADERS: dict[str, str] = {}


# -- login -------------------------------------------------------------------------------------


def test_login_token_is_secret(sample: Sample) -> None:
    login = p.parse_login(200, NO_HEADERS, sample("login_200"))
    assert login.token.get_secret_value().startswith("eyJ")
    assert login.company_id == 25149
    assert "fake-login-token" not in repr(login)


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, "login_400_invalid"), (401, "unauthenticated_401"), (403, None)],
)
def test_login_refusals_are_auth_errors(sample: Sample, status: int, body: str | None) -> None:
    payload = sample(body) if body else "<html>Request blocked</html>"
    with pytest.raises(e.ShiprocketAuthError) as info:
        p.parse_login(status, NO_HEADERS, payload)
    assert info.value.operation == "login"
    assert info.value.status_code == status


# -- create order ------------------------------------------------------------------------------


def test_create_order_200(sample: Sample) -> None:
    order = p.parse_create_order(200, NO_HEADERS, sample("create_order_200"), correlation_id="r")
    assert (order.sr_order_id, order.shipment_id) == (16161616, 15151515)
    assert (order.status, order.status_code, order.awb_code) == ("NEW", 1, None)
    assert order.shipment_status is ShipmentStatus.NEW


def test_create_order_newer_fields_and_blank_strings(sample: Sample) -> None:
    order = p.parse_create_order(200, NO_HEADERS, sample("create_order_200_newer"))
    assert order.channel_order_id == "TT-2024-0001"
    assert order.awb_code is None
    assert order.courier_company_id is None
    assert order.new_channel is False


def test_duplicate_create_returns_the_cancelled_order_not_an_error(sample: Sample) -> None:
    order = p.parse_create_order(200, NO_HEADERS, sample("create_order_200_duplicate_canceled"))
    assert (order.sr_order_id, order.status, order.status_code) == (1499133560, "CANCELED", 5)
    assert order.shipment_status is ShipmentStatus.CANCELLED


def test_create_order_422_field_bag(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketValidationError) as info:
        p.parse_create_order(422, NO_HEADERS, sample("create_order_422"), correlation_id="rid")
    err = info.value
    assert err.message == "Oops! Invalid Data."
    assert err.field_errors == {"order_id": ["The order id field is required."]}
    assert (err.status_code, err.correlation_id, err.operation) == (
        422,
        "rid",
        "create_adhoc_order",
    )


def test_create_order_400_business_refusal(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketBusinessError, match="Given channel id does not exist"):
        p.parse_create_order(400, NO_HEADERS, sample("create_order_400_channel"))


@pytest.mark.parametrize("body", [{"unexpected": 1}, "<html>oops</html>", None, []])
def test_unreadable_create_answer_is_uncertain(body: Any) -> None:
    with pytest.raises(e.ShiprocketUncertainError):
        p.parse_create_order(200, NO_HEADERS, body)


def test_unreadable_answer_does_not_quote_values() -> None:
    with pytest.raises(e.ShiprocketUncertainError) as info:
        p.parse_create_order(200, NO_HEADERS, {"order_id": "phone 9876543210"})
    assert "9876543210" not in str(info.value)
    assert "order_id" in str(info.value)


# -- assign AWB --------------------------------------------------------------------------------


def test_assign_awb_200(sample: Sample) -> None:
    awb = p.parse_assign_awb(200, NO_HEADERS, sample("assign_awb_200"))
    assert (awb.awb_code, awb.courier_company_id, awb.courier_name) == (
        "321055706540", 142, "Amazon Surface",
    )  # fmt: skip
    assert awb.applied_weight == Decimal("0.5")
    assert awb.pickup_scheduled_date == datetime(2022, 11, 25, 14, 0, tzinfo=IST)
    assert awb.assigned_at is not None
    assert awb.assigned_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert (awb.shipment_id, awb.sr_order_id) == (16090281, 281248157)


@pytest.mark.parametrize(
    ("status", "name", "cls", "text"),
    [
        (400, "assign_awb_400_reassign", e.AwbAssignmentRefused, "Cannot reassign"),
        (400, "assign_awb_400_international", e.AwbAssignmentRefused, "international"),
        (
            400,
            "assign_awb_400_message_list",
            e.AwbAssignmentRefused,
            "Delivery pincode is empty; Customer phone is empty",
        ),
        (200, "assign_awb_200_refused", e.AwbAssignmentRefused, "not serviceable"),
        (200, "assign_awb_200_cancelled", e.AwbAssignmentRefused, "cancelled state"),
        (200, "assign_awb_200_already_assigned", e.AwbAlreadyAssigned, "already assigned"),
    ],
)
def test_assign_awb_refusals(
    sample: Sample, status: int, name: str, cls: type[e.ShiprocketError], text: str
) -> None:
    with pytest.raises(cls, match=text) as info:
        p.parse_assign_awb(status, NO_HEADERS, sample(name))
    assert info.value.status_code == status
    assert isinstance(info.value, e.ShiprocketPermanentError)


def test_assign_awb_refusal_as_a_bare_list_body() -> None:
    with pytest.raises(e.AwbAssignmentRefused, match="Delivery pincode is empty"):
        p.parse_assign_awb(400, NO_HEADERS, ["Delivery pincode is empty"])


def test_assign_awb_zero_without_reason_still_refuses() -> None:
    with pytest.raises(e.AwbAssignmentRefused, match="awb_assign_status"):
        p.parse_assign_awb(200, NO_HEADERS, {"awb_assign_status": 0})


def test_assign_awb_without_a_verdict() -> None:
    with pytest.raises(e.ShiprocketUncertainError):
        p.parse_assign_awb(200, NO_HEADERS, {"response": {"data": {}}})
    awb = p.parse_assign_awb(200, NO_HEADERS, {"response": {"data": {"awb_code": "A1"}}})
    assert awb.awb_code == "A1"


def test_assign_awb_422(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketValidationError) as info:
        p.parse_assign_awb(422, NO_HEADERS, sample("assign_awb_422"))
    assert info.value.field_errors == {"shipment_id": ["The shipment id field is required."]}


# -- serviceability ----------------------------------------------------------------------------


def test_serviceability_200(sample: Sample) -> None:
    result = p.parse_serviceability(200, NO_HEADERS, sample("serviceability_200"))
    assert [c.courier_company_id for c in result.couriers] == [51, 142]
    xb = result.couriers[0]
    assert (xb.courier_name, xb.rate, xb.freight_charge, xb.cod_charges) == (
        "Xpressbees Surface", Decimal("84.5"), Decimal("84.5"), Decimal("0"),
    )  # fmt: skip
    assert (xb.etd, xb.etd_hours, xb.estimated_delivery_days) == ("Jul 01, 2024", 72, 3)
    assert (xb.rating, xb.cod, xb.supports_cod) == (4.2, True, True)
    assert result.couriers[1].rate == Decimal("102.00")
    assert result.couriers[1].supports_cod is False
    assert result.recommended_courier_company_id == 142
    assert result.recommended is result.couriers[1]


def test_serviceability_skips_an_unreadable_row(sample: Sample) -> None:
    body = sample("serviceability_200")
    body["data"]["available_courier_companies"].append({"courier_company_id": "x"})
    assert len(p.parse_serviceability(200, NO_HEADERS, body).couriers) == 2


def test_serviceability_422(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketValidationError) as info:
        p.parse_serviceability(422, NO_HEADERS, sample("serviceability_422"))
    assert set(info.value.field_errors) == {"weight", "cod", "order_id"}


def test_serviceability_404_inside_a_200(sample: Sample) -> None:
    # We never send `order_id`, so a 404 in a 200 is read as "no courier serves the route".
    with pytest.raises(e.NotServiceable, match="Order does not exist!") as info:
        p.parse_serviceability(200, NO_HEADERS, sample("serviceability_200_order_not_found"))
    assert info.value.status_code == 404


def test_empty_courier_list_is_not_serviceable(sample: Sample) -> None:
    with pytest.raises(e.NotServiceable, match="400001 -> 110001"):
        p.parse_serviceability(
            200, NO_HEADERS, sample("serviceability_200_empty"), route="400001 -> 110001"
        )


# -- pickup, manifest, label -------------------------------------------------------------------


def test_pickup_200(sample: Sample) -> None:
    pickup = p.parse_generate_pickup(200, NO_HEADERS, sample("pickup_200"))
    assert pickup.pickup_token_number == "Reference No: 194_BIGFOOT 1966840_11122021"
    assert pickup.status == 3
    assert pickup.pickup_scheduled_date == datetime(2021, 12, 10, 12, 39, 54, tzinfo=IST)
    assert pickup.message is not None and pickup.message.startswith("Pickup is confirmed")
    assert pickup.pickup_generated_at is not None


def test_pickup_400_and_pickup_status_zero(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketBusinessError, match="Invalid shipment id"):
        p.parse_generate_pickup(400, NO_HEADERS, sample("pickup_400_invalid"))
    with pytest.raises(e.ShiprocketBusinessError, match="pickup not generated"):
        p.parse_generate_pickup(200, NO_HEADERS, {"pickup_status": 0})
    with pytest.raises(e.ShiprocketBusinessError, match="Already in Pickup Queue"):
        p.parse_generate_pickup(
            200, NO_HEADERS, {"pickup_status": 0, "message": "Already in Pickup Queue"}
        )


@pytest.mark.parametrize("body", [{"response": {"data": "?"}}, {"pickup_status": 1}])
def test_pickup_without_a_verdict_is_uncertain(body: dict[str, Any]) -> None:
    with pytest.raises(e.ShiprocketUncertainError):
        p.parse_generate_pickup(200, NO_HEADERS, body)


def test_manifest_200(sample: Sample) -> None:
    manifest = p.parse_generate_manifest(200, NO_HEADERS, sample("manifest_200"))
    assert manifest.manifest_url is not None and manifest.manifest_url.endswith(".pdf")
    assert manifest.already_generated is False


def test_manifest_already_generated_is_success(sample: Sample) -> None:
    manifest = p.parse_generate_manifest(400, NO_HEADERS, sample("manifest_400_already"))
    assert manifest.already_generated is True
    assert manifest.already_manifested_shipment_ids == [16090281]
    assert manifest.manifest_url is None


def test_manifest_empty_url_is_a_failure(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketBusinessError, match="empty manifest_url"):
        p.parse_generate_manifest(200, NO_HEADERS, sample("manifest_200_empty_url"))


def test_manifest_other_400_is_still_an_error() -> None:
    with pytest.raises(e.ShiprocketBusinessError, match="Invalid shipment"):
        p.parse_generate_manifest(
            400, NO_HEADERS, {"message": "Invalid shipment", "status_code": 400}
        )


def test_label_200(sample: Sample) -> None:
    label = p.parse_generate_label(200, NO_HEADERS, sample("label_200"))
    assert label.label_url.endswith("label-0001.pdf")
    assert label.message == "Label has been created and uploaded successfully!"
    assert label.not_created == []


def test_label_not_created(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketBusinessError, match="No valid shipment ids to print label"):
        p.parse_generate_label(200, NO_HEADERS, sample("label_200_not_created"))


def test_label_422_without_message(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketValidationError) as info:
        p.parse_generate_label(422, NO_HEADERS, sample("label_422"))
    assert info.value.message == "HTTP 422"
    assert info.value.field_errors == {"shipment_id": ["The shipment id must be an array."]}


# -- tracking ----------------------------------------------------------------------------------


def test_track_awb_delivered(sample: Sample) -> None:
    result = p.parse_track_awb(
        200, NO_HEADERS, sample("track_awb_200_delivered"), awb="141123221084922"
    )
    assert result.state is TrackingState.FOUND
    assert (result.status, result.shipment_status_code) == (ShipmentStatus.DELIVERED, 7)
    assert result.tracks[0].current_status == "Delivered"
    assert result.tracks[0].sr_order_id == 237157589
    latest = result.latest_activity
    assert latest is not None
    assert (latest.status, latest.sr_status, latest.sr_status_label) == ("DLVD", 7, "DELIVERED")
    assert latest.date == datetime(2022, 7, 19, 11, 37, tzinfo=IST)
    assert [a.shipment_status for a in result.activities] == [
        ShipmentStatus.DELIVERED,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.UNKNOWN,  # sr-status "NA" and no label
        ShipmentStatus.PICKED_UP,
    ]
    assert result.track_url == "https://shiprocket.co//tracking/141123221084922"
    assert result.etd == datetime(2022, 7, 20, 19, 28, tzinfo=IST)


def test_track_awb_falls_back_to_current_status_label(sample: Sample) -> None:
    body = sample("track_awb_200_delivered")
    body["tracking_data"]["shipment_status"] = "NA"
    body["tracking_data"]["shipment_track"][0]["current_status"] = "RTO DELIVERED"
    assert p.parse_track_awb(200, NO_HEADERS, body).status is ShipmentStatus.RTO_DELIVERED


def test_track_awb_without_activities_is_not_an_error(sample: Sample) -> None:
    result = p.parse_track_awb(200, NO_HEADERS, sample("track_awb_200_no_activity"), awb="X1")
    assert result.state is TrackingState.NO_ACTIVITY
    assert result.status is ShipmentStatus.UNKNOWN
    assert result.message is not None and "no activities" in result.message


def test_track_404(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketNotFound):
        p.parse_track_awb(404, NO_HEADERS, sample("track_404"))


def test_track_awbs_mixed(sample: Sample) -> None:
    awbs = sample("track_awbs_request")["awbs"] + ["NOT-IN-ANSWER"]
    results = p.parse_track_awbs(200, NO_HEADERS, sample("track_awbs_200"), awbs=awbs)
    assert list(results) == awbs
    found, no_activity, empty, missing = results.values()
    assert (found.state, found.status) == (TrackingState.FOUND, ShipmentStatus.PICKED_UP)
    assert no_activity.state is TrackingState.NO_ACTIVITY
    assert empty.state is TrackingState.NO_DATA
    assert missing.state is TrackingState.NO_DATA
    assert empty.awb == "000000000000"


def test_track_awbs_tolerates_a_list_shaped_answer(sample: Sample) -> None:
    body = [{k: v} for k, v in sample("track_awbs_200").items()]
    results = p.parse_track_awbs(200, NO_HEADERS, body, awbs=["141123221084922", "000000000000"])
    assert results["141123221084922"].state is TrackingState.FOUND
    assert results["000000000000"].state is TrackingState.NO_DATA


# -- orders and cancel -------------------------------------------------------------------------


def test_find_orders_keeps_exact_matches_only(sample: Sample) -> None:
    orders = p.parse_find_orders(
        200, NO_HEADERS, sample("orders_by_channel_order_id_200"), channel_order_id="TT-2024-0001"
    )
    assert [o.sr_order_id for o in orders] == [281248157]
    order = orders[0]
    assert (order.status, order.status_code, order.total) == (
        "READY TO SHIP",
        3,
        Decimal("1299.00"),
    )
    assert order.shipment_status is ShipmentStatus.AWB_ASSIGNED
    shipment = order.shipments[0]
    assert (shipment.shipment_id, shipment.awb, shipment.courier) == (
        16090281, "321055706540", "Amazon Surface",
    )  # fmt: skip


def test_find_orders_empty(sample: Sample) -> None:
    assert (
        p.parse_find_orders(200, NO_HEADERS, sample("orders_empty_200"), channel_order_id="x") == []
    )


def test_find_orders_unreadable_row_fails_loudly() -> None:
    with pytest.raises(e.ShiprocketUnexpectedResponse):
        p.parse_find_orders(200, NO_HEADERS, {"data": [{"no_id": 1}]}, channel_order_id="x")


def test_cancel_204_with_and_without_body(sample: Sample) -> None:
    assert p.parse_cancel(Operation.CANCEL_ORDERS, 204, NO_HEADERS, None).status_code == 204
    result = p.parse_cancel(Operation.CANCEL_SHIPMENTS, 204, NO_HEADERS, sample("cancel_awbs_204"))
    assert result.message is not None and "in progress" in result.message


def test_cancel_errors(sample: Sample) -> None:
    with pytest.raises(e.ShiprocketValidationError) as info:
        p.parse_cancel(Operation.CANCEL_ORDERS, 422, NO_HEADERS, sample("cancel_orders_422"))
    assert info.value.field_errors == {"ids": ["The ids field is required."]}
    with pytest.raises(e.ShiprocketServerError, match="non-object"):
        p.parse_cancel(Operation.CANCEL_ORDERS, 500, NO_HEADERS, sample("cancel_orders_500"))


def test_assign_awb_numeric_awb_code_and_missing_awb(sample: Sample) -> None:
    body = sample("assign_awb_200")
    body["response"]["data"]["awb_code"] = 321055706540
    assert p.parse_assign_awb(200, NO_HEADERS, body).awb_code == "321055706540"
    body["response"]["data"]["awb_code"] = ""
    with pytest.raises(e.ShiprocketUncertainError):  # status 1 but no AWB: look before retrying
        p.parse_assign_awb(200, NO_HEADERS, body)
