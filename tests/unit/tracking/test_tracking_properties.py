"""Property: any shuffle and duplication of a real scan sequence ends where the ordered one does.

Real sequences come from the simulator's scenario builder (happy, noisy, ndr, rto, lost), turned
into wire activities and read back the way polling reads them, so the property covers the real
mapping too. Scans are then delivered in random order, with repeats, in random batches, through
`compute` (the seen-set path the sync uses) as well as straight through `fold`.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from fulfil.domain.shipment_status import ShipmentStatus, is_terminal
from fulfil.domain.tracking import fold, rank
from fulfil.shiprocket.schemas_tracking import TrackingActivity
from fulfil.simulator.config import SCENARIOS
from fulfil.simulator.scenarios import build_timeline
from fulfil.simulator.views_tracking import activity
from fulfil.tracking.progress import ShipmentView, compute
from fulfil.tracking.scans import ReadScans, Scan, scan_from_activity, utc_iso

START = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def real_scans(scenario: str, seed: int, days: int) -> list[Scan]:
    timeline = build_timeline(
        scenario,  # type: ignore[arg-type]
        start=START,
        rng=random.Random(f"timeline|{seed}"),
        origin="New Delhi",
        destination="Pune",
        transit_days=days,
    )
    scans = []
    for raw in timeline:
        scan = scan_from_activity(TrackingActivity.model_validate(activity(raw)))
        assert scan is not None
        scans.append(scan)
    return scans


def view_of(status: ShipmentStatus, at: datetime | None, seen: frozenset[str]) -> ShipmentView:
    return ShipmentView(
        order_id="o-1",
        shipment_key="01",
        shipment_id="shp-o-1-01",
        awb="AWB1",
        order_created_at=None,
        stored_status=status.value,
        stored_at=utc_iso(at) if at else None,
        status=status,
        status_at=at,
        last_scan_at=None,
        seen=seen,
        ndr_count=0,
        courier_name=None,
        tracking_url=None,
        eta=None,
        picked_up_at=None,
        delivered_at=None,
        pickup_due_at=None,
    )


def final_in_order(scans: list[Scan]) -> ShipmentStatus:
    ordered = sorted(scans, key=lambda s: (s.at, s.event_key))
    steps = fold(ShipmentStatus.PICKUP_SCHEDULED, START, [(s.status, s.at) for s in ordered])
    return steps[-1].new_status


deliveries = st.fixed_dictionaries(
    {
        "scenario": st.sampled_from(SCENARIOS),
        "seed": st.integers(0, 10_000),
        "days": st.integers(1, 6),
        "shuffle": st.randoms(use_true_random=False),
        "extra": st.lists(st.integers(0, 200), max_size=30),
        "cuts": st.lists(st.integers(0, 300), max_size=6),
    }
)


@settings(max_examples=150, deadline=None)
@given(deliveries)
def test_any_shuffle_with_repeats_ends_like_the_ordered_sequence(case: dict) -> None:
    scans = real_scans(case["scenario"], case["seed"], case["days"])
    expected = final_in_order(scans)
    arrival = scans + [scans[i % len(scans)] for i in case["extra"]]
    case["shuffle"].shuffle(arrival)

    # straight through the machine, one scan at a time
    status, at = ShipmentStatus.PICKUP_SCHEDULED, START
    for scan in arrival:
        step = fold(status, at, [(scan.status, scan.at)])[-1]
        assert rank(step.new_status) >= rank(status), "a stored status regressed"
        if is_terminal(status):
            assert step.new_status is status
        status, at = step.new_status, step.new_at
    assert status is expected

    # through `compute` in random batches, as syncs and webhooks deliver them
    cuts = sorted({c % (len(arrival) + 1) for c in case["cuts"]} | {0, len(arrival)})
    view = view_of(ShipmentStatus.PICKUP_SCHEDULED, START, frozenset())
    for lo, hi in itertools.pairwise(cuts):
        prog = compute(view, ReadScans(scans=arrival[lo:hi]))
        assert rank(prog.final_status) >= rank(view.status)
        view = view_of(
            prog.final_status,
            prog.final_at,
            view.seen | {s.event_id for s in prog.new_scans},
        )
    assert view.status is expected


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SCENARIOS), st.integers(0, 1000))
def test_each_scenario_ends_in_its_outcome(scenario: str, seed: int) -> None:
    outcome = {
        "happy": ShipmentStatus.DELIVERED,
        "noisy": ShipmentStatus.DELIVERED,
        "ndr": ShipmentStatus.DELIVERED,
        "rto": ShipmentStatus.RTO_DELIVERED,
        "lost": ShipmentStatus.LOST,
    }[scenario]
    assert final_in_order(real_scans(scenario, seed, 3)) is outcome


def test_noisy_feed_has_repeats_and_unknown_codes() -> None:
    scans = real_scans("noisy", 3, 3)
    keys = [s.event_key for s in scans]
    assert len(set(keys)) < len(keys)  # the exact repeat collapses to one event
    assert any(s.status is ShipmentStatus.UNKNOWN for s in scans)
    prog = compute(
        view_of(ShipmentStatus.PICKUP_SCHEDULED, START, frozenset()), ReadScans(scans=scans)
    )
    assert len(prog.new_scans) == len(set(keys))
    assert any(f.kind == "unknown_code" for f in prog.findings)
