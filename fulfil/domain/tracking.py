"""The forward-only tracking state machine, and the pure rules tracking applies to shipments.

Why a rank and not just "the latest scan wins": courier feeds arrive late, repeated and out of
order (a back-dated scan shows up a day later; polling and the webhook report the same scan
twice). If the newest *arrival* decided the status, a late "in transit" would move a delivered
parcel back. So every status has a rank along its branch, and a shipment only moves to a higher
rank, along a legal move of `LEGAL_MOVES`. Within one rank (out for delivery and a failed
attempt alternate while the courier re-attempts) the scan with the later scan time wins.

That makes the stored position the maximum of all scans seen by (rank, scan time, name), with
terminal states absorbing: whatever order scans arrive in, and however often, a shipment ends
in the same status as if they had arrived in order. (The one exception is contradictory data,
two different terminal outcomes for one AWB: the first one seen stays, and the second is
reported as `terminal`.)

`unknown` (a code we cannot map) never changes anything; callers report it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fulfil.domain.notifications import NotificationKind
from fulfil.domain.shipment_status import ShipmentStatus, is_terminal

S = ShipmentStatus

__all__ = [
    "FORWARD_MOVING",
    "LEGAL_MOVES",
    "PRE_PICKUP",
    "RANK",
    "RTO_BRANCH",
    "ActiveShipment",
    "Move",
    "StuckFinding",
    "StuckRule",
    "StuckThresholds",
    "Transition",
    "apply",
    "find_stuck",
    "find_unshipped_paid",
    "fold",
    "notification_for",
    "order_status_for",
    "parse_status",
    "rank",
    "should_retire",
]

PRE_PICKUP: frozenset[ShipmentStatus] = frozenset({S.NEW, S.AWB_ASSIGNED, S.PICKUP_SCHEDULED})
FORWARD_MOVING: frozenset[ShipmentStatus] = frozenset(
    {S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERY_FAILED}
)
RTO_BRANCH: frozenset[ShipmentStatus] = frozenset(
    {S.RTO_INITIATED, S.RTO_IN_TRANSIT, S.RTO_DELIVERED}
)
_TERMINAL_RANK = 9

RANK: Mapping[ShipmentStatus, int] = MappingProxyType(
    {
        S.NEW: 0,
        S.AWB_ASSIGNED: 1,
        S.PICKUP_SCHEDULED: 2,
        S.PICKED_UP: 3,
        S.IN_TRANSIT: 4,
        # Re-attempts alternate between these two: same rank, the later scan wins.
        S.OUT_FOR_DELIVERY: 5,
        S.DELIVERY_FAILED: 5,
        S.RTO_INITIATED: 6,
        S.RTO_IN_TRANSIT: 7,
        S.DELIVERED: _TERMINAL_RANK,
        S.RTO_DELIVERED: _TERMINAL_RANK,
        S.CANCELLED: _TERMINAL_RANK,
        S.LOST: _TERMINAL_RANK,
        S.DAMAGED: _TERMINAL_RANK,
    }
)


def rank(status: ShipmentStatus) -> int:
    """Position along the branch; -1 for `unknown` (it never moves anything)."""
    return RANK.get(status, -1)


def _targets(current: ShipmentStatus) -> frozenset[ShipmentStatus]:
    """Where a shipment may go from `current` (same-rank moves are gated by scan time)."""
    if current is S.UNKNOWN or is_terminal(current):
        return frozenset()
    out = {
        s
        for s in RANK
        if s is not current and (rank(s) > rank(current) or rank(s) == rank(current))
    }
    if current in RTO_BRANCH:
        # Goods on their way back are never "delivered" to the customer, nor cancellable.
        out -= {S.DELIVERED, S.CANCELLED}
    if current in FORWARD_MOVING:
        # Shiprocket cancels only before pickup; a later "cancelled" is contradictory data.
        out.discard(S.CANCELLED)
    return frozenset(out)


# The table of legal moves: current status -> statuses it may move to. Skipping states is legal
# (polling can miss scans), and the RTO branch is reachable from every non-terminal forward state
# (normally from in-transit ones; a shipment first seen late, e.g. a legacy row, may already be
# returning). Terminal states have no moves.
LEGAL_MOVES: Mapping[ShipmentStatus, frozenset[ShipmentStatus]] = MappingProxyType(
    {status: _targets(status) for status in ShipmentStatus}
)


class Move(StrEnum):
    """Why `apply` did (or did not) change the position."""

    ADVANCED = "advanced"  # a higher rank along a legal move
    LATERAL = "lateral"  # same rank, newer scan (a re-attempt after a failed delivery)
    REFRESHED = "refreshed"  # same status, newer scan time: status unchanged, time moves on
    REPEAT = "repeat"  # the same status again, no newer
    STALE = "stale"  # a lower rank, or a same-rank scan older than the current one
    TERMINAL = "terminal"  # the shipment already reached a terminal state
    ILLEGAL = "illegal"  # a higher rank the table forbids (delivered during RTO, ...)
    UNKNOWN = "unknown"  # an unmapped code: never changes anything, reported


REPORTABLE_MOVES = frozenset({Move.ILLEGAL, Move.UNKNOWN})


@dataclass(frozen=True)
class Transition:
    """The outcome of one scan: the position after it, and whether the status changed."""

    new_status: ShipmentStatus
    new_at: datetime | None
    changed: bool
    reason: Move

    @property
    def reportable(self) -> bool:
        return self.reason in REPORTABLE_MOVES


def parse_status(value: Any) -> ShipmentStatus:
    """A stored `trackingStatus` (absent on legacy rows: `new`; garbage: `new`)."""
    try:
        status = ShipmentStatus(str(value)) if value else S.NEW
    except ValueError:
        return S.NEW
    return S.NEW if status is S.UNKNOWN else status


def _later(a: datetime | None, b: datetime | None) -> bool:
    """True when `a` is strictly later than `b` (a known time beats an unknown one)."""
    if a is None:
        return False
    return b is None or a > b


def apply(
    current: ShipmentStatus,
    incoming: ShipmentStatus,
    *,
    current_at: datetime | None = None,
    incoming_at: datetime | None = None,
) -> Transition:
    """Apply one scan (`incoming`, scanned at `incoming_at`) to the stored position."""
    stay = Transition(current, current_at, False, Move.STALE)
    if incoming is S.UNKNOWN:
        return Transition(current, current_at, False, Move.UNKNOWN)
    if is_terminal(current):
        reason = Move.REPEAT if incoming is current else Move.TERMINAL
        return Transition(current, current_at, False, reason)
    if incoming is current:
        if _later(incoming_at, current_at):
            return Transition(current, incoming_at, False, Move.REFRESHED)
        return Transition(current, current_at, False, Move.REPEAT)
    if rank(incoming) < rank(current):
        return stay
    if incoming not in LEGAL_MOVES[current]:
        return Transition(current, current_at, False, Move.ILLEGAL)
    if rank(incoming) == rank(current):
        newer = _later(incoming_at, current_at) or (
            incoming_at is not None and incoming_at == current_at and incoming > current
        )
        return Transition(incoming, incoming_at, True, Move.LATERAL) if newer else stay
    return Transition(incoming, incoming_at, True, Move.ADVANCED)


def fold(
    current: ShipmentStatus,
    current_at: datetime | None,
    scans: Iterable[tuple[ShipmentStatus, datetime | None]],
) -> list[Transition]:
    """Apply scans in the order given; one transition per scan (the last is the final state)."""
    out: list[Transition] = []
    status, at = current, current_at
    for incoming, incoming_at in scans:
        step = apply(status, incoming, current_at=at, incoming_at=incoming_at)
        status, at = step.new_status, step.new_at
        out.append(step)
    return out


def notification_for(old: ShipmentStatus, new: ShipmentStatus) -> NotificationKind | None:
    """The one customer notice a net change deserves (None: nothing worth a message)."""
    if new is old:
        return None
    if new in (S.PICKED_UP, S.IN_TRANSIT) and old in PRE_PICKUP:
        return NotificationKind.SHIPPED
    if new is S.OUT_FOR_DELIVERY:
        return NotificationKind.OUT_FOR_DELIVERY
    if new is S.DELIVERY_FAILED:
        return NotificationKind.DELIVERY_FAILED
    if new is S.DELIVERED:
        return NotificationKind.DELIVERED
    if new in RTO_BRANCH and old not in RTO_BRANCH:
        return NotificationKind.RTO_INITIATED
    return None


def order_status_for(statuses: Sequence[ShipmentStatus | None]) -> str | None:
    """The storefront order status its shipments imply (None: nothing to move yet).

    Cancelled shipments are not live: an order is `delivered` when every live shipment is,
    `cancelled` when none is live, `shipped` once any live shipment has been picked up.
    """
    if not statuses:
        return None
    resolved = [s or S.NEW for s in statuses]
    live = [s for s in resolved if s is not S.CANCELLED]
    if not live:
        return "cancelled"
    if all(s is S.DELIVERED for s in live):
        return "delivered"
    if any(rank(s) >= rank(S.PICKED_UP) for s in live):
        return "shipped"
    return None


# -- stuck and retirement rules ------------------------------------------------------------


class StuckRule(StrEnum):
    IN_TRANSIT_SILENT = "in_transit_no_scan"
    PICKUP_NOT_DONE = "pickup_not_done"
    PAID_WITHOUT_SHIPMENT = "paid_no_shipment"


class StuckThresholds(BaseModel):
    """Hours after which each rule fires (per rule, configurable)."""

    model_config = ConfigDict(frozen=True)

    in_transit_hours: float = Field(72, gt=0)
    pickup_hours: float = Field(48, gt=0)
    paid_hours: float = Field(24, gt=0)

    def hours(self, rule: StuckRule) -> float:
        return {
            StuckRule.IN_TRANSIT_SILENT: self.in_transit_hours,
            StuckRule.PICKUP_NOT_DONE: self.pickup_hours,
            StuckRule.PAID_WITHOUT_SHIPMENT: self.paid_hours,
        }[rule]


@dataclass(frozen=True)
class ActiveShipment:
    """What the stuck rules need to know about one active shipment."""

    order_id: str
    shipment_key: str
    awb: str | None
    status: ShipmentStatus
    last_scan_at: datetime | None  # newest scan (or when tracking started, before any scan)
    pickup_due_at: datetime | None  # when pickup was scheduled for


@dataclass(frozen=True)
class StuckFinding:
    rule: StuckRule
    order_id: str
    shipment_key: str | None
    awb: str | None
    since: datetime
    hours: float  # how long it has been stuck


_SILENT_STATES = FORWARD_MOVING | {S.RTO_INITIATED, S.RTO_IN_TRANSIT}


def find_stuck(
    shipments: Iterable[ActiveShipment], now: datetime, thresholds: StuckThresholds
) -> list[StuckFinding]:
    """Shipments moving without a scan for too long, or not picked up long after scheduling."""
    out: list[StuckFinding] = []
    for s in shipments:
        if s.status in _SILENT_STATES:
            rule, since = StuckRule.IN_TRANSIT_SILENT, s.last_scan_at
        elif s.status in PRE_PICKUP:
            rule, since = StuckRule.PICKUP_NOT_DONE, s.pickup_due_at or s.last_scan_at
        else:
            continue
        if since is None:
            continue
        age = (now - since) / timedelta(hours=1)
        if age > thresholds.hours(rule):
            out.append(StuckFinding(rule, s.order_id, s.shipment_key, s.awb, since, age))
    return out


def should_retire(last_update: datetime | None, now: datetime, retire_after_days: int) -> bool:
    """A shipment with no update for `retire_after_days` leaves tracking for good."""
    return last_update is not None and now - last_update > timedelta(days=retire_after_days)


def find_unshipped_paid(
    orders: Iterable[Mapping[str, Any]],
    now: datetime,
    hours: float,
    parked: Collection[str] = (),
) -> list[StuckFinding]:
    """Orders that should have a shipment by now: paid (or COD), still confirmed/processing.

    The storefront writes no payment time, so the order's `createdAt` is the clock. Orders in
    `parked` (the sweep parked them, or one of their shipments, and escalated that with its
    reason) are left to that ticket: one ticket per problem.
    """
    out: list[StuckFinding] = []
    for order in orders:
        if order.get("status") not in ("confirmed", "processing"):
            continue
        if str(order.get("orderId")) in parked:
            continue
        payable = order.get("paymentStatus") == "paid" or order.get("paymentMethod") == "cod"
        created = _parse_time(order.get("createdAt"))
        if not payable or created is None:
            continue
        age = (now - created) / timedelta(hours=1)
        if age > hours:
            out.append(
                StuckFinding(
                    StuckRule.PAID_WITHOUT_SHIPMENT, str(order["orderId"]), None, None, created, age
                )
            )
    return out


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
