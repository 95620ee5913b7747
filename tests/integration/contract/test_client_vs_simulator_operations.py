"""Every client operation against the simulator: it is understood, answered and parsed.

Happy paths first, then the answers the fact sheet documents as "errors inside a 200" or as
benign refusals (no courier for a PIN, manifest already generated, unknown AWB in bulk).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fulfil.domain.shipment_status import ShipmentStatus, from_order_status_code
from fulfil.shiprocket import (
    AdhocOrderRequest,
    ShiprocketClient,
    TrackingState,
)
from fulfil.shiprocket import errors as e

Control = Any  # conftest helper classes are not importable (no test packages)
Shipped = Any
NewOrder = Callable[..., AdhocOrderRequest]
Ship = Callable[..., Shipped]

PICKUP_PIN = 110020
DELIVERY_PIN = 560001
NON_SERVICEABLE_PIN = 744101


def test_login_returns_a_usable_token(client: ShiprocketClient, control: Control) -> None:
    token = client.login()

    assert token.token.get_secret_value().count(".") == 2  # a JWT
    assert token.expires_at > token.obtained_at
    client.find_orders_by_channel_order_id("NOTHING-YET")  # the implicit token is the same
    assert control.calls("auth.login") == 1


def test_serviceability_lists_couriers_and_a_recommendation(client: ShiprocketClient) -> None:
    result = client.check_serviceability(
        pickup_postcode=PICKUP_PIN,
        delivery_postcode=DELIVERY_PIN,
        weight_kg=Decimal("0.8"),
        cod=True,
    )

    assert len(result.couriers) >= 2
    assert result.recommended is not None
    assert all(c.courier_company_id > 0 and c.courier_name for c in result.couriers)
    assert all(c.rate is not None and c.rate > 0 for c in result.couriers)
    assert all(c.supports_cod for c in result.couriers)


def test_non_serviceable_pin_empty_list_style(client: ShiprocketClient) -> None:
    with pytest.raises(e.NotServiceable, match=str(NON_SERVICEABLE_PIN)):
        client.check_serviceability(
            pickup_postcode=PICKUP_PIN,
            delivery_postcode=NON_SERVICEABLE_PIN,
            weight_kg=Decimal("0.8"),
            cod=False,
        )


def test_non_serviceable_pin_status_404_style(client: ShiprocketClient, control: Control) -> None:
    control.patch_config(unserviceable_style="status_404")

    with pytest.raises(e.NotServiceable):
        client.check_serviceability(
            pickup_postcode=PICKUP_PIN,
            delivery_postcode=NON_SERVICEABLE_PIN,
            weight_kg=Decimal("0.8"),
            cod=False,
        )


def test_non_serviceable_pin_status_404_style_is_at_least_permanent(
    client: ShiprocketClient, control: Control
) -> None:
    """Whatever the shape of "not serviceable", it is permanent: never retried, never a crash."""
    control.patch_config(unserviceable_style="status_404")

    with pytest.raises(e.ShiprocketPermanentError) as info:
        client.check_serviceability(
            pickup_postcode=PICKUP_PIN,
            delivery_postcode=NON_SERVICEABLE_PIN,
            weight_kg=Decimal("0.8"),
            cod=False,
        )
    assert info.value.status_code == 404


def test_create_adhoc_order(
    client: ShiprocketClient, new_order: NewOrder, control: Control
) -> None:
    created = client.create_adhoc_order(new_order("CT-CREATE-1"))

    assert created.sr_order_id > 0 and created.shipment_id
    assert created.status_code == 1 and created.status == "NEW"
    assert created.shipment_status is ShipmentStatus.NEW
    assert created.awb_code is None and created.courier_company_id is None
    assert created.channel_order_id == "CT-CREATE-1"
    assert control.count("CT-CREATE-1")["live"] == 1


def test_assign_awb_default_courier(client: ShiprocketClient, new_order: NewOrder) -> None:
    created = client.create_adhoc_order(new_order("CT-AWB-1"))
    assert created.shipment_id is not None
    options = client.check_serviceability(
        pickup_postcode=PICKUP_PIN,
        delivery_postcode=DELIVERY_PIN,
        weight_kg=Decimal("0.8"),
        cod=False,
    )

    assignment = client.assign_awb(created.shipment_id)

    assert assignment.awb_code
    assert assignment.shipment_id == created.shipment_id
    assert assignment.sr_order_id == created.sr_order_id
    assert options.recommended is not None
    assert assignment.courier_company_id == options.recommended.courier_company_id
    assert assignment.assigned_at is not None and assignment.assigned_at.tzinfo is not None


def test_assign_awb_with_a_chosen_courier(client: ShiprocketClient, new_order: NewOrder) -> None:
    created = client.create_adhoc_order(new_order("CT-AWB-2"))
    assert created.shipment_id is not None
    options = client.check_serviceability(
        pickup_postcode=PICKUP_PIN,
        delivery_postcode=DELIVERY_PIN,
        weight_kg=Decimal("0.8"),
        cod=False,
    )
    assert options.recommended is not None
    other = next(
        c
        for c in options.couriers
        if c.courier_company_id != options.recommended.courier_company_id
    )

    assignment = client.assign_awb(created.shipment_id, courier_id=other.courier_company_id)

    assert assignment.courier_company_id == other.courier_company_id
    assert assignment.courier_name == other.courier_name


def test_assign_awb_refusals(client: ShiprocketClient, new_order: NewOrder) -> None:
    created = client.create_adhoc_order(new_order("CT-AWB-3"))
    assert created.shipment_id is not None

    with pytest.raises(e.AwbAssignmentRefused, match="not serviceable"):
        client.assign_awb(created.shipment_id, courier_id=999_999)
    client.assign_awb(created.shipment_id)
    with pytest.raises(e.AwbAlreadyAssigned):
        client.assign_awb(created.shipment_id)


def test_pickup_label_and_manifest(client: ShiprocketClient, ship: Ship) -> None:
    shipped = ship("CT-DOCS-1", pickup=False)

    pickup = client.generate_pickup(shipped.shipment_id)
    label = client.generate_label([shipped.shipment_id])
    manifest = client.generate_manifest([shipped.shipment_id])
    again = client.generate_manifest([shipped.shipment_id])

    assert pickup.status == 3 and pickup.pickup_token_number
    assert pickup.pickup_scheduled_date is not None
    assert shipped.awb in (pickup.message or "")
    assert label.label_url.endswith(".pdf") and label.not_created == []
    assert manifest.manifest_url and not manifest.already_generated
    assert again.already_generated
    assert again.already_manifested_shipment_ids == [shipped.shipment_id]


def test_pickup_label_manifest_before_their_preconditions(
    client: ShiprocketClient, new_order: NewOrder, ship: Ship
) -> None:
    created = client.create_adhoc_order(new_order("CT-EARLY-1"))
    assert created.shipment_id is not None
    with pytest.raises(e.ShiprocketBusinessError, match="AWB"):
        client.generate_pickup(created.shipment_id)
    with pytest.raises(e.ShiprocketBusinessError, match="No valid shipment ids"):
        client.generate_label([created.shipment_id])
    no_pickup = ship("CT-EARLY-2", pickup=False)
    with pytest.raises(e.ShiprocketBusinessError, match="empty manifest_url"):
        client.generate_manifest([no_pickup.shipment_id])


def test_track_one_awb_before_any_scan(client: ShiprocketClient, ship: Ship) -> None:
    shipped = ship("CT-TRACK-1")

    result = client.track_awb(shipped.awb)

    assert result.state is TrackingState.NO_ACTIVITY
    assert result.message and "no activities" in result.message


def test_track_one_awb_after_scans(client: ShiprocketClient, ship: Ship, control: Control) -> None:
    shipped = ship("CT-TRACK-2", scenario="happy")
    control.advance(days=1)

    result = client.track_awb(shipped.awb)

    assert result.state is TrackingState.FOUND
    assert result.status is not ShipmentStatus.UNKNOWN
    assert result.tracks and result.tracks[0].awb_code == shipped.awb
    assert result.latest_activity is not None
    dates = [a.date for a in result.activities if a.date is not None]
    assert len(dates) == len(result.activities) >= 2
    assert dates == sorted(dates, reverse=True)  # newest first, as documented


def test_bulk_tracking_found_no_activity_and_no_data(
    client: ShiprocketClient, ship: Ship, control: Control
) -> None:
    moving = ship("CT-BULK-1", scenario="happy")
    control.advance(days=1)
    fresh = ship("CT-BULK-2")  # picked up later: no scan yet

    results = client.track_awbs([moving.awb, fresh.awb, "UNKNOWN123456"])

    assert list(results) == [moving.awb, fresh.awb, "UNKNOWN123456"]
    assert results[moving.awb].state is TrackingState.FOUND
    assert results[fresh.awb].state is TrackingState.NO_ACTIVITY
    assert results["UNKNOWN123456"].state is TrackingState.NO_DATA


def test_bulk_tracking_caps_at_50_before_sending(
    client: ShiprocketClient, control: Control
) -> None:
    awbs = [f"AWB{n:09d}" for n in range(51)]

    with pytest.raises(ValueError, match="50"):
        client.track_awbs(awbs)
    assert control.stats()["total_calls"] == 0

    results = client.track_awbs(awbs[:50])
    assert len(results) == 50
    assert {r.state for r in results.values()} == {TrackingState.NO_DATA}


def test_find_orders_by_channel_order_id(
    client: ShiprocketClient, new_order: NewOrder, ship: Ship
) -> None:
    shipped = ship("CT-FIND-1")
    client.create_adhoc_order(new_order("CT-FIND-10"))  # a prefix match must not leak in

    found = client.find_orders_by_channel_order_id("CT-FIND-1")
    missing = client.find_orders_by_channel_order_id("CT-NEVER")

    assert [o.sr_order_id for o in found] == [shipped.order.sr_order_id]
    order = found[0]
    assert order.channel_order_id == "CT-FIND-1"
    assert order.shipments and order.shipments[0].shipment_id == shipped.shipment_id
    assert order.shipments[0].awb == shipped.awb
    assert order.shipment_status is from_order_status_code(order.status_code)
    assert order.shipment_status is ShipmentStatus.PICKUP_SCHEDULED
    assert missing == []


def test_cancel_orders(client: ShiprocketClient, new_order: NewOrder, control: Control) -> None:
    created = client.create_adhoc_order(new_order("CT-CANCEL-1"))

    result = client.cancel_orders([created.sr_order_id])

    assert result.status_code == 204
    assert control.count("CT-CANCEL-1")["cancelled"] == 1
    (order,) = client.find_orders_by_channel_order_id("CT-CANCEL-1")
    assert order.status_code == 5 and order.shipment_status is ShipmentStatus.CANCELLED


def test_cancel_unknown_order_is_a_server_error(client: ShiprocketClient) -> None:
    # [PM]: a bad id -> 500 "Trying to get property of non-object"; nothing was cancelled.
    with pytest.raises(e.ShiprocketServerError, match="non-object"):
        client.cancel_orders([123])


def test_cancel_shipments_by_awbs(client: ShiprocketClient, ship: Ship) -> None:
    shipped = ship("CT-CANCEL-AWB", pickup=False)

    result = client.cancel_shipments_by_awbs([shipped.awb])

    assert 200 <= result.status_code < 300
    assert client.track_awbs([shipped.awb])[shipped.awb].state is TrackingState.NO_DATA
    reassigned = client.assign_awb(shipped.shipment_id)  # the order itself stays live
    assert reassigned.awb_code != shipped.awb


def test_serviceability_with_every_optional_parameter(client: ShiprocketClient) -> None:
    result = client.check_serviceability(
        pickup_postcode="110020",
        delivery_postcode="560001",
        weight_kg=Decimal("0.50"),
        cod=False,
        length_cm=Decimal("30"),
        breadth_cm=Decimal("20.5"),
        height_cm=Decimal("5"),
        declared_value=Decimal("4200.00"),
        mode="Surface",
    )

    assert result.couriers


@pytest.mark.parametrize(
    ("requested", "expected"),
    [(date(2025, 1, 8), date(2025, 1, 8)), (date(2025, 1, 12), date(2025, 1, 13))],
    ids=["wednesday", "sunday-moves-to-monday"],
)
def test_pickup_on_a_future_date(
    requested: date, expected: date, client: ShiprocketClient, ship: Ship
) -> None:
    shipped = ship(f"CT-PICKUP-{requested:%d}", pickup=False)

    pickup = client.generate_pickup(shipped.shipment_id, pickup_date=requested)

    assert pickup.pickup_scheduled_date is not None
    assert pickup.pickup_scheduled_date.date() == expected


def test_separate_shipping_address_is_what_gets_routed(
    client: ShiprocketClient, new_order: NewOrder
) -> None:
    """Billing in Bengaluru, shipping to the Andamans: the courier search uses shipping."""
    request = new_order(
        "CT-SHIP-TO-1",
        shipping_is_billing=False,
        shipping_customer_name="Ravi",
        shipping_address="1 Aberdeen Bazaar",
        shipping_city="Port Blair",
        shipping_pincode=NON_SERVICEABLE_PIN,
        shipping_state="Andaman and Nicobar Islands",
        shipping_country="India",
        shipping_phone=9876500000,
    )
    created = client.create_adhoc_order(request)
    assert created.shipment_id is not None

    with pytest.raises(e.AwbAssignmentRefused, match="No courier serviceable") as info:
        client.assign_awb(created.shipment_id)
    assert info.value.status_code == 200  # refused inside a 200 (awb_assign_status 0)


def test_cod_order_round_trip(client: ShiprocketClient, new_order: NewOrder) -> None:
    created = client.create_adhoc_order(new_order("CT-COD-1", payment_method="COD"))
    assert created.shipment_id is not None

    assignment = client.assign_awb(created.shipment_id)
    (order,) = client.find_orders_by_channel_order_id("CT-COD-1")

    assert assignment.awb_code
    assert (order.payment_method or "").lower() == "cod"
    assert order.total == Decimal("4200")


def test_cancel_by_awb_is_accepted_but_not_applied_after_pickup(
    client: ShiprocketClient, ship: Ship, control: Control
) -> None:
    """2xx means "in progress" ([PM]); a parcel already picked up keeps its AWB: verify."""
    shipped = ship("CT-CANCEL-LATE", scenario="happy")
    control.advance(days=1)

    result = client.cancel_shipments_by_awbs([shipped.awb])

    assert 200 <= result.status_code < 300
    assert client.track_awb(shipped.awb).state is TrackingState.FOUND
    with pytest.raises(e.ShiprocketBusinessError, match="picked up"):
        client.cancel_orders([shipped.order.sr_order_id])
