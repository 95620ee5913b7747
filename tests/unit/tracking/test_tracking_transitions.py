"""The legal-moves table, checked over every pair of statuses against an independent spec."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from fulfil.domain.shipment_status import ShipmentStatus, is_terminal
from fulfil.domain.tracking import LEGAL_MOVES, Move, apply, fold, parse_status, rank

S = ShipmentStatus
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

# The spec, written out by hand (not derived from the module under test).
LEVEL = {
    S.NEW: 0,
    S.AWB_ASSIGNED: 1,
    S.PICKUP_SCHEDULED: 2,
    S.PICKED_UP: 3,
    S.IN_TRANSIT: 4,
    S.OUT_FOR_DELIVERY: 5,
    S.DELIVERY_FAILED: 5,
    S.RTO_INITIATED: 6,
    S.RTO_IN_TRANSIT: 7,
    S.DELIVERED: 9,
    S.RTO_DELIVERED: 9,
    S.CANCELLED: 9,
    S.LOST: 9,
    S.DAMAGED: 9,
}
TERMINAL = {S.DELIVERED, S.RTO_DELIVERED, S.CANCELLED, S.LOST, S.DAMAGED}
FORBIDDEN = {
    (S.RTO_INITIATED, S.DELIVERED),
    (S.RTO_IN_TRANSIT, S.DELIVERED),
    (S.RTO_INITIATED, S.CANCELLED),
    (S.RTO_IN_TRANSIT, S.CANCELLED),
    (S.PICKED_UP, S.CANCELLED),
    (S.IN_TRANSIT, S.CANCELLED),
    (S.OUT_FOR_DELIVERY, S.CANCELLED),
    (S.DELIVERY_FAILED, S.CANCELLED),
}
STORED = [s for s in S if s is not S.UNKNOWN]
PAIRS = list(itertools.product(STORED, list(S)))


def expected(current: ShipmentStatus, incoming: ShipmentStatus) -> tuple[ShipmentStatus, Move]:
    """Status after `incoming` is scanned one hour after `current` was."""
    if incoming is S.UNKNOWN:
        return current, Move.UNKNOWN
    if current in TERMINAL:
        return current, Move.REPEAT if incoming is current else Move.TERMINAL
    if incoming is current:
        return current, Move.REFRESHED
    if LEVEL[incoming] < LEVEL[current]:
        return current, Move.STALE
    if (current, incoming) in FORBIDDEN:
        return current, Move.ILLEGAL
    if LEVEL[incoming] == LEVEL[current]:
        return incoming, Move.LATERAL
    return incoming, Move.ADVANCED


def test_terminal_set_matches_the_vocabulary() -> None:
    assert {s for s in S if is_terminal(s)} == TERMINAL
    assert all(rank(s) == LEVEL[s] for s in STORED)


def test_every_pair_follows_the_spec() -> None:
    """All 14 x 15 (stored, incoming) pairs, each scanned an hour after the stored one."""
    wrong = []
    for current, incoming in PAIRS:
        step = apply(current, incoming, current_at=T0, incoming_at=T0 + timedelta(hours=1))
        status, reason = expected(current, incoming)
        legal = incoming in LEGAL_MOVES[current]
        ok = (
            (step.new_status, step.reason) == (status, reason)
            and step.changed == (status is not current)
            and rank(step.new_status) >= rank(current)  # never backwards
            and (current not in TERMINAL or step.new_status is current)  # terminal absorbs
            and legal == (reason in (Move.ADVANCED, Move.LATERAL))
        )
        if not ok:
            wrong.append((current.value, incoming.value, step.new_status.value, step.reason))
    assert wrong == []
    assert len(PAIRS) == 14 * 15


def test_an_older_scan_never_moves_sideways_or_back() -> None:
    for current, incoming in PAIRS:
        step = apply(current, incoming, current_at=T0, incoming_at=T0 - timedelta(hours=1))
        if LEVEL.get(incoming, -1) <= LEVEL[current]:
            assert (step.new_status, step.changed) == (current, False), (current, incoming)


def test_reattempts_alternate_by_scan_time() -> None:
    steps = fold(
        S.IN_TRANSIT,
        T0,
        [
            (S.OUT_FOR_DELIVERY, T0 + timedelta(hours=1)),
            (S.DELIVERY_FAILED, T0 + timedelta(hours=3)),
            (S.OUT_FOR_DELIVERY, T0 + timedelta(hours=25)),
            (S.DELIVERY_FAILED, T0 + timedelta(hours=2)),  # late: older than the current one
        ],
    )
    assert [s.reason for s in steps] == [Move.ADVANCED, Move.LATERAL, Move.LATERAL, Move.STALE]
    assert steps[-1].new_status is S.OUT_FOR_DELIVERY
    assert steps[-1].new_at == T0 + timedelta(hours=25)


def test_repeat_at_a_later_time_refreshes_the_position_only() -> None:
    step = apply(S.IN_TRANSIT, S.IN_TRANSIT, current_at=T0, incoming_at=T0 + timedelta(hours=2))
    assert (step.changed, step.reason, step.new_at) == (
        False,
        Move.REFRESHED,
        T0 + timedelta(hours=2),
    )
    same = apply(S.IN_TRANSIT, S.IN_TRANSIT, current_at=T0, incoming_at=T0)
    assert same.reason is Move.REPEAT and same.new_at == T0


def test_unknown_and_illegal_are_reportable_and_change_nothing() -> None:
    unknown = apply(S.IN_TRANSIT, S.UNKNOWN, current_at=T0, incoming_at=T0)
    illegal = apply(S.RTO_IN_TRANSIT, S.DELIVERED, current_at=T0, incoming_at=T0)
    assert unknown.reportable and illegal.reportable
    assert not unknown.changed and not illegal.changed


def test_stored_status_parsing_defaults_to_new() -> None:
    assert parse_status(None) is S.NEW  # legacy rows carry no trackingStatus
    assert parse_status("garbage") is S.NEW
    assert parse_status("unknown") is S.NEW
    assert parse_status("in_transit") is S.IN_TRANSIT
