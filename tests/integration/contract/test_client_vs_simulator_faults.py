"""Each simulator fault kind lands on the right client error class, operation by operation.

The rule under test (`fulfil.shiprocket.errors`): a lost answer to a *write* is
`ShiprocketUncertainError` (reconcile before retrying, because Shiprocket has no idempotency
key), to a *read* it is plain transient. Faults are forced through `/__sim/faults/force` so each
test hits exactly one call; the reconciliation tests then check, through the client, whether
the write really happened.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fulfil.shiprocket import AdhocOrderRequest, CreatedOrder, ShiprocketClient
from fulfil.shiprocket import errors as e

Control = Any
Shipped = Any
NewOrder = Callable[..., AdhocOrderRequest]
Ship = Callable[..., Shipped]

UNCERTAIN = e.ShiprocketUncertainError
SERVER = e.ShiprocketServerError
CONNECTION = e.ShiprocketConnectionError
LIMITED = e.ShiprocketRateLimited


def _invoke(
    client: ShiprocketClient, call: str, shipped: Shipped, fresh: CreatedOrder, new_order: NewOrder
) -> object:
    sid, awb = shipped.shipment_id, shipped.awb
    fresh_sid = fresh.shipment_id or 0
    calls: dict[str, Callable[[], object]] = {
        "serviceability": lambda: client.check_serviceability(
            pickup_postcode=110020, delivery_postcode=560001, weight_kg=Decimal("1"), cod=False
        ),
        "create": lambda: client.create_adhoc_order(new_order("CT-FAULT-NEW")),
        "assign": lambda: client.assign_awb(fresh_sid),
        "pickup": lambda: client.generate_pickup(sid),
        "label": lambda: client.generate_label([sid]),
        "manifest": lambda: client.generate_manifest([sid]),
        "track": lambda: client.track_awb(awb),
        "track_bulk": lambda: client.track_awbs([awb]),
        "find": lambda: client.find_orders_by_channel_order_id("CT-FAULT-BASE"),
        "cancel": lambda: client.cancel_orders([shipped.order.sr_order_id]),
        "cancel_awbs": lambda: client.cancel_shipments_by_awbs([awb]),
    }
    return calls[call]()


# (fault kind, simulator operation, client call, expected error class)
CASES = [
    ("http_500", "orders.create", "create", SERVER),
    ("http_500", "courier.assign_awb", "assign", SERVER),
    ("http_500", "courier.track_awb", "track", SERVER),
    ("http_502", "orders.create", "create", UNCERTAIN),
    ("http_502", "courier.assign_awb", "assign", UNCERTAIN),
    ("http_502", "orders.cancel", "cancel", UNCERTAIN),
    ("http_502", "courier.track_awbs", "track_bulk", SERVER),
    ("http_502", "orders.list", "find", SERVER),
    ("http_502", "courier.generate_label", "label", SERVER),
    ("http_503", "orders.create", "create", SERVER),
    ("http_503", "courier.serviceability", "serviceability", SERVER),
    ("http_503", "courier.generate_pickup", "pickup", SERVER),
    ("http_429", "orders.create", "create", LIMITED),
    ("http_429", "courier.track_awbs", "track_bulk", LIMITED),
    ("timeout", "orders.create", "create", UNCERTAIN),
    ("timeout", "courier.generate_pickup", "pickup", UNCERTAIN),
    ("timeout", "orders.cancel", "cancel", UNCERTAIN),
    ("timeout", "courier.track_awb", "track", CONNECTION),
    ("timeout", "orders.list", "find", CONNECTION),
    ("drop_after_apply", "orders.create", "create", UNCERTAIN),
    ("drop_after_apply", "courier.assign_awb", "assign", UNCERTAIN),
    ("drop_after_apply", "courier.generate_pickup", "pickup", UNCERTAIN),
    ("drop_after_apply", "orders.cancel_shipments", "cancel_awbs", UNCERTAIN),
    ("drop_after_apply", "courier.serviceability", "serviceability", CONNECTION),
    ("drop_after_apply", "courier.track_awbs", "track_bulk", CONNECTION),
    ("drop_after_apply", "manifests.generate", "manifest", CONNECTION),
]


@pytest.mark.parametrize(("kind", "sim_operation", "call", "expected"), CASES)
def test_fault_maps_to_error_class(
    kind: str,
    sim_operation: str,
    call: str,
    expected: type[e.ShiprocketError],
    client: ShiprocketClient,
    control: Control,
    ship: Ship,
    new_order: NewOrder,
) -> None:
    # What the calls need: a shipment with an AWB (picked up for the manifest) and a fresh one.
    shipped = ship("CT-FAULT-BASE", pickup=call == "manifest")
    fresh = client.create_adhoc_order(new_order("CT-FAULT-FRESH"))
    control.force_fault(kind, sim_operation)

    with pytest.raises(expected) as info:
        _invoke(client, call, shipped, fresh, new_order)

    err = info.value
    assert type(err) is expected
    assert isinstance(err, e.ShiprocketTransientError)
    assert err.correlation_id  # ties the failure to one X-Request-Id
    assert control.stats()["faults"][sim_operation] == {kind: 1}
    if kind == "http_429":
        assert isinstance(err, LIMITED) and err.retry_after == 30
    if kind.startswith("http_"):
        assert err.status_code == int(kind.removeprefix("http_"))


def test_drop_after_apply_on_create_then_reconcile(
    client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    control.force_fault("drop_after_apply", "orders.create")

    with pytest.raises(e.ShiprocketUncertainError):
        client.create_adhoc_order(new_order("CT-DROP-1"))

    found = client.find_orders_by_channel_order_id("CT-DROP-1")
    assert len(found) == 1  # applied: the reconciliation read sees it
    again = client.create_adhoc_order(new_order("CT-DROP-1"))
    assert again.sr_order_id == found[0].sr_order_id  # a blind retry would dedupe, too
    assert control.count("CT-DROP-1")["total"] == 1


@pytest.mark.parametrize("kind", ["timeout", "http_502"])
def test_uncertain_create_that_was_not_applied(
    kind: str, client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    control.force_fault(kind, "orders.create")

    with pytest.raises(e.ShiprocketUncertainError):
        client.create_adhoc_order(new_order("CT-LOST-1"))

    assert client.find_orders_by_channel_order_id("CT-LOST-1") == []
    created = client.create_adhoc_order(new_order("CT-LOST-1"))
    assert created.status_code == 1
    assert control.count("CT-LOST-1")["total"] == 1


def test_drop_after_apply_on_assign_then_reconcile(
    client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    created = client.create_adhoc_order(new_order("CT-DROP-AWB"))
    assert created.shipment_id is not None
    control.force_fault("drop_after_apply", "courier.assign_awb")

    with pytest.raises(e.ShiprocketUncertainError):
        client.assign_awb(created.shipment_id)

    (order,) = client.find_orders_by_channel_order_id("CT-DROP-AWB")
    assert order.shipments[0].awb  # the AWB was assigned (and billed)
    with pytest.raises(e.AwbAlreadyAssigned):
        client.assign_awb(created.shipment_id)


def test_drop_on_manifest_is_safe_to_retry(
    client: ShiprocketClient, control: Control, ship: Ship
) -> None:
    shipped = ship("CT-DROP-MAN")
    control.force_fault("drop_after_apply", "manifests.generate")

    with pytest.raises(e.ShiprocketConnectionError):
        client.generate_manifest([shipped.shipment_id])

    retry = client.generate_manifest([shipped.shipment_id])
    assert retry.already_generated


def test_fault_on_login(client: ShiprocketClient, control: Control) -> None:
    control.force_fault("http_503", "auth.login")

    with pytest.raises(e.ShiprocketServerError) as info:
        client.find_orders_by_channel_order_id("CT-ANY")
    assert info.value.operation == "login"

    assert client.find_orders_by_channel_order_id("CT-ANY") == []
    assert control.calls("auth.login") == 2


def test_configured_fault_probabilities(client: ShiprocketClient, control: Control) -> None:
    """Faults from the config (not forced): certainty on one operation, none on the others."""
    control.patch_config(faults={"http_503": 1.0, "operations": ["courier.track_awb"]})

    for _ in range(3):
        with pytest.raises(e.ShiprocketServerError):
            client.track_awb("AWB000000001")
    assert client.find_orders_by_channel_order_id("CT-ANY") == []

    control.patch_config(faults={"http_503": 0.0})
    assert client.track_awb("AWB000000001").has_data is False
    assert control.stats()["faults"] == {"courier.track_awb": {"http_503": 3}}


def test_429_without_retry_after(client: ShiprocketClient, control: Control) -> None:
    control.patch_config(retry_after_seconds=0)
    control.force_fault("http_429", "orders.list")

    with pytest.raises(e.ShiprocketRateLimited) as info:
        client.find_orders_by_channel_order_id("CT-ANY")
    assert info.value.retry_after is None
