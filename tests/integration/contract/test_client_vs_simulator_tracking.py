"""Tracking driven by the simulator clock: `track_awb` walks a shipment through its story.

After the pickup request the simulator builds the shipment's scan timeline (scenario forced
through the control API). The test steps the clock to each scan's arrival, tracks through the
client and maps the numeric `shipment_status` (scheme A, fact sheet §8A) with
`from_shipment_status_code`: the normalised statuses must follow the scenario and end where it
ends. The orders API (scheme B) must agree at the end, which catches mixing the two schemes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from fulfil.domain.shipment_status import ShipmentStatus, from_shipment_status_code
from fulfil.shiprocket import ShiprocketClient, TrackingState

Control = Any
Shipped = Any
Ship = Callable[..., Shipped]

S = ShipmentStatus
_WIRE_TIME = "%Y-%m-%d %H:%M:%S"

JOURNEYS: dict[str, list[ShipmentStatus]] = {
    "happy": [S.PICKUP_SCHEDULED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED],
    "ndr": [
        S.PICKUP_SCHEDULED,
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERY_FAILED,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ],
    "rto": [
        S.PICKUP_SCHEDULED,
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERY_FAILED,
        S.OUT_FOR_DELIVERY,
        S.DELIVERY_FAILED,
        S.RTO_INITIATED,
        S.RTO_IN_TRANSIT,
        S.RTO_DELIVERED,
    ],
    "lost": [S.PICKUP_SCHEDULED, S.PICKED_UP, S.IN_TRANSIT, S.LOST],
}


def _arrivals(control: Control, awb: str) -> list[datetime]:
    """When each scan of the shipment becomes visible (future ones included), in order."""
    timeline = control.call("GET", f"shipments/{awb}/timeline")
    times = {datetime.strptime(s["visible_at"], _WIRE_TIME) for s in timeline["scans"]}
    return sorted(times)


def _advance_to(control: Control, when: datetime) -> None:
    now = datetime.strptime(control.call("GET", "clock")["now_ist"], _WIRE_TIME)
    if when > now:
        control.advance(seconds=(when - now).total_seconds())


def _walk(client: ShiprocketClient, control: Control, awb: str) -> list[ShipmentStatus]:
    """Track at every scan arrival; the normalised statuses seen, repeats collapsed."""
    seen: list[ShipmentStatus] = []
    for when in _arrivals(control, awb):
        _advance_to(control, when)
        result = client.track_awb(awb)
        assert result.state is TrackingState.FOUND
        assert result.status is from_shipment_status_code(result.shipment_status_code)
        assert result.status is not ShipmentStatus.UNKNOWN
        if not seen or seen[-1] is not result.status:
            seen.append(result.status)
    return seen


@pytest.mark.parametrize("scenario", list(JOURNEYS))
def test_tracking_follows_the_forced_scenario(
    scenario: str, client: ShiprocketClient, control: Control, ship: Ship
) -> None:
    shipped = ship(f"CT-TRK-{scenario}", scenario=scenario)
    assert client.track_awb(shipped.awb).state is TrackingState.NO_ACTIVITY

    journey = _walk(client, control, shipped.awb)

    assert journey == JOURNEYS[scenario]
    final = client.track_awb(shipped.awb)
    latest = final.latest_activity
    assert latest is not None and latest.shipment_status is journey[-1]
    (order,) = client.find_orders_by_channel_order_id(f"CT-TRK-{scenario}")
    assert order.shipment_status is journey[-1]  # scheme B agrees with scheme A


def test_plain_clock_advance_reaches_the_end(
    client: ShiprocketClient, control: Control, ship: Ship
) -> None:
    """No peeking at the timeline: a few big steps of the clock land on delivered / RTO."""
    happy = ship("CT-TRK-BIG-1", scenario="happy")
    rto = ship("CT-TRK-BIG-2", scenario="rto")
    statuses: list[tuple[ShipmentStatus, ShipmentStatus]] = []
    for _ in range(10):  # 30 simulated days, past the 10-day token life more than once
        control.advance(days=3)
        both = client.track_awbs([happy.awb, rto.awb])
        statuses.append((both[happy.awb].status, both[rto.awb].status))

    assert statuses[-1] == (S.DELIVERED, S.RTO_DELIVERED)
    assert S.RTO_DELIVERED not in {h for h, _ in statuses}
    assert control.calls("auth.login") >= 3  # expired tokens were replaced on the way
