"""What a batch of scans does to one shipment, computed without I/O.

`ShipmentView` is the part of a fulfilment item tracking reads; `compute` folds the scans not
seen before through the state machine and says what to write (item fields, events), which
exceptions a person should hear about, and which notice the customer gets. The service then
performs the writes; keeping this pure is what lets the machine's guarantees be tested
exhaustively without a database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fulfil.domain.notifications import NotificationKind
from fulfil.domain.shipment_status import ShipmentStatus, is_terminal
from fulfil.domain.tracking import (
    RTO_BRANCH,
    ActiveShipment,
    Move,
    Transition,
    fold,
    notification_for,
    parse_status,
    rank,
)
from fulfil.tracking.scans import ReadScans, Scan, utc_iso

S = ShipmentStatus
_NDR_MOVES = frozenset({Move.ADVANCED, Move.LATERAL, Move.REFRESHED})


def parse_time(value: Any) -> datetime | None:
    """A stored ISO timestamp (ours end in `Z`; the sweep's pickup time has an offset)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@dataclass(frozen=True)
class Contact:
    """Who gets the customer's notices (from the plan; PII, never logged)."""

    name: str | None
    phone_e164: str | None
    payment_method: str | None


@dataclass(frozen=True)
class ShipmentView:
    """The tracking facts of one fulfilment item, as read."""

    order_id: str
    shipment_key: str
    shipment_id: str
    awb: str
    order_created_at: str | None
    stored_status: str | None
    stored_at: str | None
    status: ShipmentStatus
    status_at: datetime | None
    last_scan_at: datetime | None
    seen: frozenset[str]
    ndr_count: int
    courier_name: str | None
    tracking_url: str | None
    eta: str | None
    picked_up_at: str | None
    delivered_at: str | None
    pickup_due_at: datetime | None
    plan_json: str | None = None

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> ShipmentView | None:
        """None for an item without an AWB (nothing to track)."""
        awb = str(item.get("awb") or "").strip()
        if not awb:
            return None
        order_id, key = str(item["orderId"]), str(item["shipmentKey"])
        stored_status = item.get("trackingStatus")
        stored_at = item.get("lastEventAt")
        return cls(
            order_id=order_id,
            shipment_key=key,
            shipment_id=str(item.get("shipmentId") or f"shp-{order_id}-{key}"),
            awb=awb,
            order_created_at=item.get("orderCreatedAt"),
            stored_status=str(stored_status) if stored_status else None,
            stored_at=str(stored_at) if stored_at else None,
            status=parse_status(stored_status),
            status_at=parse_time(stored_at),
            last_scan_at=parse_time(item.get("lastScanAt")),
            seen=frozenset(str(s) for s in item.get("seenEvents") or ()),
            ndr_count=int(item.get("ndrCount") or 0),
            courier_name=item.get("courierName"),
            tracking_url=item.get("trackingUrl"),
            eta=item.get("eta"),
            picked_up_at=item.get("pickedUpAt"),
            delivered_at=item.get("deliveredAt"),
            pickup_due_at=parse_time(item.get("pickupScheduledAt"))
            or parse_time(item.get("shippedAt")),
            plan_json=item.get("plan"),
        )

    def contact(self) -> Contact:
        """The plan's receiver (legacy rows have no plan: no contact)."""
        try:
            plan = json.loads(self.plan_json) if self.plan_json else {}
        except ValueError:
            plan = {}
        dest = plan.get("destination") if isinstance(plan, dict) else None
        dest = dest if isinstance(dest, dict) else {}
        return Contact(
            name=dest.get("name"),
            phone_e164=dest.get("phone_e164"),
            payment_method=plan.get("payment_method") if isinstance(plan, dict) else None,
        )

    def active(
        self, status: ShipmentStatus | None = None, last_scan_at: datetime | None = None
    ) -> ActiveShipment:
        return ActiveShipment(
            order_id=self.order_id,
            shipment_key=self.shipment_key,
            awb=self.awb,
            status=status or self.status,
            last_scan_at=last_scan_at or self.last_scan_at,
            pickup_due_at=self.pickup_due_at,
        )


@dataclass(frozen=True)
class Finding:
    """Something about one scan worth a line in the report (and maybe a ticket)."""

    kind: str  # ndr, rto_initiated, rto_delivered, lost, damaged, cancelled, unknown_code, illegal
    scan: Scan
    detail: str


ESCALATED_KINDS = frozenset({"ndr", "rto_initiated", "rto_delivered", "lost", "damaged"})


@dataclass
class Progress:
    """Everything one batch of scans means for one shipment."""

    view: ShipmentView
    new_scans: list[Scan]
    steps: list[tuple[Scan, Transition]]
    final_status: ShipmentStatus
    final_at: datetime | None
    findings: list[Finding] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    ndr_added: int = 0
    notification: NotificationKind | None = None

    @property
    def changed(self) -> bool:
        return self.final_status is not self.view.status

    @property
    def at_moved(self) -> bool:
        return self.final_at is not None and self.final_at != self.view.status_at

    @property
    def terminal(self) -> bool:
        return is_terminal(self.final_status)

    @property
    def last_scan_at(self) -> datetime | None:
        times = [s.at for s in self.new_scans]
        if self.view.last_scan_at is not None:
            times.append(self.view.last_scan_at)
        return max(times) if times else None

    @property
    def worth_writing(self) -> bool:
        return bool(self.new_scans or self.changed or self.fields)

    @property
    def attempt(self) -> int:
        """Delivery attempt the customer notice is about (failed attempts so far, plus one)."""
        total = self.view.ndr_count + self.ndr_added
        return total if self.final_status is S.DELIVERY_FAILED else total + 1


def _finding(prev: ShipmentStatus, scan: Scan, step: Transition) -> list[Finding]:
    text = scan.activity or scan.sr_label or scan.raw_status or ""
    if scan.status is S.UNKNOWN:
        code = f"raw={scan.raw_status} sr={scan.sr_status} label={scan.sr_label}"
        return [Finding("unknown_code", scan, f"{code}: {text}")]
    if step.reason is Move.ILLEGAL:
        return [Finding("illegal", scan, f"{prev.value} -> {scan.status.value} ignored: {text}")]
    out: list[Finding] = []
    if scan.status is S.DELIVERY_FAILED and step.reason in _NDR_MOVES:
        out.append(Finding("ndr", scan, text))
    if not step.changed:
        return out
    new = step.new_status
    if new in RTO_BRANCH and prev not in RTO_BRANCH:
        out.append(Finding("rto_initiated", scan, text))
    if new is S.RTO_DELIVERED:
        out.append(Finding("rto_delivered", scan, text))
    if new in (S.LOST, S.DAMAGED, S.CANCELLED):
        out.append(Finding(new.value, scan, text))
    return out


def _first_at(
    steps: list[tuple[Scan, Transition]], reached: Callable[[ShipmentStatus], bool]
) -> str | None:
    for scan, step in steps:
        if step.changed and reached(step.new_status):
            return utc_iso(scan.at)
    return None


def compute(view: ShipmentView, read: ReadScans) -> Progress:
    """Fold the unseen scans of `read` into `view`; no I/O."""
    fresh: dict[str, Scan] = {}
    for scan in read.scans:
        if scan.event_id not in view.seen:
            fresh.setdefault(scan.event_id, scan)
    new_scans = sorted(fresh.values(), key=lambda s: (s.at, s.event_key))
    transitions = fold(view.status, view.status_at, [(s.status, s.at) for s in new_scans])
    steps = list(zip(new_scans, transitions, strict=True))
    final = transitions[-1] if transitions else None
    prog = Progress(
        view=view,
        new_scans=new_scans,
        steps=steps,
        final_status=final.new_status if final else view.status,
        final_at=final.new_at if final else view.status_at,
    )
    prev = view.status
    for scan, step in steps:
        found = _finding(prev, scan, step)
        prog.findings.extend(found)
        prog.ndr_added += sum(1 for f in found if f.kind == "ndr")
        prev = step.new_status
    fields = prog.fields
    if read.eta is not None and utc_iso(read.eta) != view.eta:
        fields["eta"] = utc_iso(read.eta)
    if read.tracking_url and read.tracking_url != view.tracking_url:
        fields["trackingUrl"] = read.tracking_url
    if new_scans and prog.last_scan_at != view.last_scan_at and prog.last_scan_at is not None:
        fields["lastScanAt"] = utc_iso(prog.last_scan_at)
    if view.picked_up_at is None:
        picked = _first_at(steps, lambda s: rank(s) >= rank(S.PICKED_UP) and s is not S.CANCELLED)
        if picked:
            fields["pickedUpAt"] = picked
    delivered_at = _first_at(steps, lambda s: s is S.DELIVERED)
    if delivered_at:
        fields["deliveredAt"] = delivered_at
    rto_delivered_at = _first_at(steps, lambda s: s is S.RTO_DELIVERED)
    if rto_delivered_at:
        fields["rtoDeliveredAt"] = rto_delivered_at
    rto_at = _first_at(steps, lambda s: s in RTO_BRANCH)
    if rto_at and view.status not in RTO_BRANCH:
        fields["rtoInitiatedAt"] = rto_at
    if prog.changed:
        prog.notification = notification_for(view.status, prog.final_status)
    return prog


_REASON_WORDS: tuple[tuple[str, str], ...] = (
    ("refus", "refused"),
    ("address", "address_issue"),
    ("closed", "premises_closed"),
    ("cash", "cod_not_ready"),
    ("cod ", "cod_not_ready"),
    ("not available", "customer_unavailable"),
    ("unavailable", "customer_unavailable"),
    ("not reachable", "customer_unavailable"),
)


def ndr_reason(activity: str | None) -> str | None:
    """The courier's NDR remark as one of the notice's fixed reasons (None: the default)."""
    text = (activity or "").lower()
    for word, reason in _REASON_WORDS:
        if word in text:
            return reason
    return None
