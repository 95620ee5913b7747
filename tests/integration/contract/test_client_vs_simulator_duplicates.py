"""The cancelled-duplicate trap (fact sheet §2): create dedupes on the channel `order_id`.

Live behaviour ([JYT]): re-posting an existing id is HTTP 200 with the *existing* order, even a
cancelled one, and the new payload is ignored; assigning an AWB to that order is refused. The
docs hint at a 422 instead. The client must surface both so the caller can re-create under a
suffixed id; the simulator's `duplicate_policy` produces each variant.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fulfil.domain.shipment_status import ShipmentStatus, from_order_status_code
from fulfil.shiprocket import AdhocOrderRequest, ShiprocketClient
from fulfil.shiprocket import errors as e

Control = Any
NewOrder = Callable[..., AdhocOrderRequest]


def test_recreating_a_cancelled_order_returns_it_cancelled(
    client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    original = client.create_adhoc_order(new_order("CT-DUP-1"))
    client.cancel_orders([original.sr_order_id])

    again = client.create_adhoc_order(new_order("CT-DUP-1", sub_total=Decimal("999")))

    assert again.sr_order_id == original.sr_order_id
    assert again.shipment_id == original.shipment_id
    assert again.status_code == 5 and again.status == "CANCELED"
    assert from_order_status_code(again.status_code) is ShipmentStatus.CANCELLED
    assert again.shipment_status is ShipmentStatus.CANCELLED
    assert again.awb_code is None  # "" on the wire
    count = control.count("CT-DUP-1")
    assert (count["total"], count["live"], count["cancelled"]) == (1, 0, 1)

    assert again.shipment_id is not None
    with pytest.raises(e.AwbAssignmentRefused, match="cancelled") as info:
        client.assign_awb(again.shipment_id)
    assert isinstance(info.value, e.ShiprocketPermanentError)
    assert not isinstance(info.value, e.AwbAlreadyAssigned)


def test_recreating_a_live_order_returns_it_with_its_awb(
    client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    original = client.create_adhoc_order(new_order("CT-DUP-2"))
    assert original.shipment_id is not None
    awb = client.assign_awb(original.shipment_id).awb_code

    again = client.create_adhoc_order(new_order("CT-DUP-2"))

    assert again.sr_order_id == original.sr_order_id
    assert again.awb_code == awb
    assert again.shipment_status is ShipmentStatus.AWB_ASSIGNED
    assert control.count("CT-DUP-2")["total"] == 1


def test_a_suffixed_id_escapes_the_trap(
    client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    original = client.create_adhoc_order(new_order("CT-DUP-3"))
    client.cancel_orders([original.sr_order_id])

    fresh = client.create_adhoc_order(new_order("CT-DUP-3-2"))

    assert fresh.sr_order_id != original.sr_order_id
    assert fresh.shipment_status is ShipmentStatus.NEW
    assert fresh.shipment_id is not None
    assert client.assign_awb(fresh.shipment_id).awb_code
    assert control.count("CT-DUP-3")["related_live"] == 1


@pytest.mark.parametrize(
    ("policy", "cancel_first"),
    [("reject_cancelled", True), ("reject_all", False)],
)
def test_duplicate_rejected_with_422_variant(
    policy: str,
    cancel_first: bool,
    client: ShiprocketClient,
    control: Control,
    new_order: NewOrder,
) -> None:
    """The documented variant: a 422 on `order_id`, a permanent validation error."""
    control.patch_config(duplicate_policy=policy)
    original = client.create_adhoc_order(new_order("CT-DUP-4"))
    if cancel_first:
        client.cancel_orders([original.sr_order_id])

    with pytest.raises(e.ShiprocketValidationError) as info:
        client.create_adhoc_order(new_order("CT-DUP-4"))

    assert info.value.status_code == 422
    assert "order_id" in info.value.field_errors
    assert control.count("CT-DUP-4")["total"] == 1
