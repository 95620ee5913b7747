"""The simulated courier catalogue and rate quotes.

Four couriers with different price, speed, rating and COD capability, so a client's courier
policy (cheapest / fastest / best rated / recommended) has real choices to make. Quotes are pure
functions of (seed, route, courier, weight): the same route always gets the same rates and ETDs,
and nearby routes differ a little, like real rate cards.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Courier:
    id: int
    name: str
    is_surface: bool
    base_rate: float  # INR per 0.5 kg slab in zone d
    cod: bool
    rating: float
    transit_days: int  # zone d
    awb_prefix: str
    awb_length: int


COURIERS: tuple[Courier, ...] = (
    Courier(10, "Delhivery Surface", True, 38.0, True, 4.1, 4, "1904", 14),
    Courier(142, "Amazon Surface", True, 35.0, True, 3.9, 5, "3210", 12),
    Courier(51, "Xpressbees Surface", True, 33.0, True, 3.7, 5, "1411", 15),
    Courier(6, "Blue Dart Air", False, 72.0, False, 4.6, 2, "7730", 11),
)
COURIERS_BY_ID: dict[int, Courier] = {c.id: c for c in COURIERS}

_METRO_PREFIXES = frozenset({"110", "400", "560", "600", "700", "500"})
_SPECIAL_PREFIXES = ("18", "19", "74", "78", "79")
# zone -> (rate multiplier, transit day delta)
_ZONES: dict[str, tuple[float, int]] = {
    "z_a": (0.6, -2),
    "z_b": (0.8, -1),
    "z_c": (0.95, 0),
    "z_d": (1.0, 0),
    "z_e": (1.6, 3),
}
COD_CHARGE = 35.0


def zone_for(pickup: str, delivery: str) -> str:
    """Shiprocket-style zone: a local, b regional, c metro-metro, d rest of India, e special."""
    if delivery.startswith(_SPECIAL_PREFIXES):
        return "z_e"
    if pickup[:3] == delivery[:3]:
        return "z_a"
    if pickup[:2] == delivery[:2]:
        return "z_b"
    if pickup[:3] in _METRO_PREFIXES and delivery[:3] in _METRO_PREFIXES:
        return "z_c"
    return "z_d"


def is_serviceable(delivery: str, blocked_prefixes: list[str]) -> bool:
    valid = len(delivery) == 6 and delivery.isdigit() and delivery[0] != "0"
    return valid and not any(delivery.startswith(p) for p in blocked_prefixes)


def charge_weight(weight: float, length: float, breadth: float, height: float) -> float:
    """Billable weight: max(dead, volumetric l*b*h/5000), rounded up to a 0.5 kg slab."""
    volumetric = length * breadth * height / 5000.0
    billable = max(weight, volumetric, 0.5)
    return math.ceil(billable * 2) / 2


def available(cod: bool) -> list[Courier]:
    """Couriers that can carry the shipment; COD orders drop the prepaid-only couriers."""
    return [c for c in COURIERS if c.cod or not cod]


def _route_rng(seed: int, pickup: str, delivery: str, courier_id: int) -> random.Random:
    return random.Random(f"{seed}|{pickup}|{delivery}|{courier_id}")


def transit_days(seed: int, courier: Courier, pickup: str, delivery: str) -> int:
    _, delta = _ZONES[zone_for(pickup, delivery)]
    jitter = _route_rng(seed, pickup, delivery, courier.id).randint(0, 1)
    return max(1, courier.transit_days + delta + jitter)


def quote(
    courier: Courier,
    *,
    seed: int,
    pickup: str,
    delivery: str,
    weight: float,
    cod: bool,
    now: datetime,
    row_id: int,
) -> dict[str, Any]:
    """One `available_courier_companies[]` entry, with every field the fact sheet lists."""
    zone = zone_for(pickup, delivery)
    multiplier, _ = _ZONES[zone]
    rng = _route_rng(seed, pickup, delivery, courier.id)
    route_factor = 0.9 + 0.2 * rng.random()
    slabs = max(1, math.ceil(weight * 2))
    freight = round(courier.base_rate * multiplier * route_factor * slabs, 2)
    cod_charges = COD_CHARGE if cod else 0.0
    days = transit_days(seed, courier, pickup, delivery)
    etd = now + timedelta(days=days)
    rating = round(min(5.0, courier.rating + (rng.random() - 0.5) * 0.2), 1)
    return {
        "id": row_id,
        "courier_company_id": courier.id,
        "courier_name": courier.name,
        "courier_type": "0",
        "rate": round(freight + cod_charges, 2),
        "freight_charge": freight,
        "cod_charges": cod_charges,
        "cod_multiplier": 1.8 if courier.cod else 0,
        "coverage_charges": 0,
        "rto_charges": freight,
        "other_charges": 0,
        "etd": etd.strftime("%b %d, %Y"),
        "etd_hours": days * 24,
        "estimated_delivery_days": str(days),
        "cutoff_time": "14:00",
        "is_surface": courier.is_surface,
        "mode": 0 if courier.is_surface else 1,
        "min_weight": 0.5,
        "charge_weight": weight,
        "cod": 1 if courier.cod else 0,
        "rating": rating,
        "pickup_performance": round(rating - 0.1, 1),
        "delivery_performance": rating,
        "rto_performance": round(rating + 0.1, 1),
        "tracking_performance": rating,
        "zone": zone,
        "city": "",
        "state": "",
        "postcode": delivery,
        "blocked": 0,
        "odablock": False,
        "is_hyperlocal": False,
        "is_international": 0,
        "realtime_tracking": "Real Time",
        "pod_available": "Instant",
        "call_before_delivery": "Available",
        "suppression_dates": None,
        "seconds_left_for_pickup": 0,
        "ship_type": 1,
        "weight_cases": 0,
    }


def recommended(quotes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Shiprocket's "recommended" pick: best rating per rupee (ties by courier id)."""
    if not quotes:
        return None
    return max(quotes, key=lambda q: (q["rating"] / q["rate"], -q["courier_company_id"]))
