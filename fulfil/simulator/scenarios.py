"""Tracking scenarios: the scan timeline a shipment follows once its pickup is requested.

A timeline is built once, up front, from (scenario, pickup instant, per-AWB RNG); scans then
become visible as the simulator clock passes their `visible_at`. Building everything ahead keeps
the simulator deterministic and lets the control API show the future of a shipment.

`date` (what the courier reports) normally equals `visible_at` (when Shiprocket learns of it);
the "noisy" scenario breaks that on purpose with a late-arriving scan dated in the past, plus an
unmapped scan (`sr-status: "NA"`) and an exact repeat, the three kinds of dirt real feeds carry.
Activity lists are ordered by arrival, newest first, so the late scan shows up out of date order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fulfil.simulator.codes import shipment_label
from fulfil.simulator.config import SCENARIOS, ScenarioName

NDR_REASONS: tuple[str, ...] = (
    "Consignee not available",
    "Customer refused to accept / order cancelled",
    "Address incomplete / incorrect",
    "Consignee premises closed",
    "Customer requested future delivery",
)


@dataclass(frozen=True)
class Scan:
    visible_at: datetime
    date: datetime
    status: str  # courier raw code
    activity: str
    location: str
    sr_status: str  # scheme A id as a string, or "NA"
    sr_label: str

    @property
    def sr_code(self) -> int | None:
        return int(self.sr_status) if self.sr_status.isdigit() else None


def pick_scenario(mix: dict[ScenarioName, float], seed: int, awb: str) -> ScenarioName:
    """Deterministic per (seed, AWB): the same AWB always follows the same story."""
    names = [name for name in SCENARIOS if mix.get(name, 0.0) > 0]
    if not names:
        return "happy"
    weights = [mix[name] for name in names]
    choice: ScenarioName = random.Random(f"scenario|{seed}|{awb}").choices(names, weights)[0]
    return choice


class _Builder:
    """Accumulates scans while walking simulated time forward."""

    def __init__(self, rng: random.Random, start: datetime) -> None:
        self.rng = rng
        self.t = start
        self.scans: list[Scan] = []

    def after(self, minutes: int, spread: int = 0) -> datetime:
        self.t = self.t + timedelta(minutes=minutes + self.rng.randint(0, spread))
        return self.t

    def next_day_at(self, hour: int, spread_minutes: int = 60) -> datetime:
        day = (self.t + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
        self.t = day + timedelta(minutes=self.rng.randint(0, spread_minutes))
        return self.t

    def scan(self, status: str, activity: str, location: str, sr: int | None) -> Scan:
        when = self.t.replace(microsecond=0)
        sr_status = str(sr) if sr is not None else "NA"
        label = shipment_label(sr) if sr is not None else "NA"
        item = Scan(when, when, status, activity, location, sr_status, label)
        self.scans.append(item)
        return item


def _first_mile(b: _Builder, origin: str) -> None:
    b.after(20, 20)
    b.scan("X-UCI", "Manifested - Manifest uploaded", origin, 5)
    if b.t.hour < 12:
        b.after(120, 60)
    else:
        b.next_day_at(9)
    b.scan("X-ASP", "Out for Pickup", origin, 19)
    b.after(90, 120)
    b.scan("X-PPOM", "In Transit - Shipment picked up", origin, 42)


def _line_haul(b: _Builder, origin: str, destination: str, days: int, noisy: bool) -> None:
    if noisy:
        b.after(30, 30)
        b.scan("X-PIOM", "Bag scanned at origin hub", f"{origin} Hub", None)
    b.after(180, 120)
    b.scan("X-DWS", "In Transit - Shipment dispatched from origin hub", f"{origin} Hub", 6)
    for day in range(max(1, days - 1)):
        b.after(20 * 60, 180)
        item = b.scan(
            "X-ILL1F", "In Transit - Arrived at transit hub", f"Transit Hub {day + 1}", 18
        )
        if noisy and day == 0:
            b.scans.append(item)  # the courier sent the same scan twice
    b.after(8 * 60, 120)
    b.scan("RAD", "Reached at Destination Hub", f"{destination} Hub", 38)
    if noisy:
        late = b.scans[-2]
        back_dated = late.date + timedelta(minutes=45)
        b.scans.append(
            replace(
                late,
                visible_at=b.t + timedelta(minutes=30),
                date=back_dated,
                activity="In Transit - Connected to destination",
            )
        )


def _attempt(b: _Builder, destination: str, *, delivered: bool, reason: str = "") -> None:
    b.next_day_at(8, 90)
    b.scan("OFD", "Out for Delivery", destination, 17)
    b.after(150, 240)
    if delivered:
        b.scan("DLVD", "Delivered", destination, 7)
    else:
        b.scan("UD", f"Undelivered - {reason}", destination, 21)


def build_timeline(
    scenario: ScenarioName,
    *,
    start: datetime,
    rng: random.Random,
    origin: str,
    destination: str,
    transit_days: int,
) -> list[Scan]:
    """All scans of one shipment, in arrival order, starting shortly after `start`."""
    b = _Builder(rng, start)
    _first_mile(b, origin)
    if scenario == "lost":
        b.after(180, 60)
        b.scan("X-DWS", "In Transit - Shipment dispatched from origin hub", f"{origin} Hub", 6)
        b.after(20 * 60, 120)
        b.scan("X-ILL1F", "In Transit - Arrived at transit hub", "Transit Hub 1", 18)
        b.after(4 * 24 * 60, 24 * 60)
        b.scan("LST", "Shipment Lost", "Transit Hub 1", 12)
        return b.scans
    _line_haul(b, origin, destination, transit_days, noisy=scenario == "noisy")
    if scenario in ("happy", "noisy"):
        _attempt(b, destination, delivered=True)
    elif scenario == "ndr":
        _attempt(b, destination, delivered=False, reason=rng.choice(NDR_REASONS))
        _attempt(b, destination, delivered=True)
    else:  # rto
        for _ in range(2):
            _attempt(b, destination, delivered=False, reason=rng.choice(NDR_REASONS))
        b.next_day_at(10)
        b.scan("RTO", "RTO Initiated", destination, 9)
        b.after(6 * 60, 60)
        b.scan("RTO-IT", "RTO In Transit", f"{destination} Hub", 46)
        b.after(transit_days * 24 * 60, 240)
        b.scan("RTO-DLVD", "RTO Delivered to shipper", origin, 10)
    return b.scans


def visible(scans: Sequence[Scan], now: datetime) -> list[Scan]:
    """Scans Shiprocket knows about at `now`, in arrival order (oldest first)."""
    return [s for s in scans if s.visible_at <= now]


def current_code(scans: Sequence[Scan]) -> int | None:
    """The shipment status a sane server derives: the mapped scan with the latest date."""
    mapped = [(s.date, i, s.sr_code) for i, s in enumerate(scans) if s.sr_code is not None]
    if not mapped:
        return None
    return max(mapped)[2]
