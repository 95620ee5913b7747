"""Choosing a courier from Shiprocket's serviceability answer: a configurable, pure policy.

COD shipments need a COD-capable courier; blocked couriers are never chosen. Ties break on the
other criteria and finally on the courier id, so the same answer always picks the same courier.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel


class CourierPolicy(StrEnum):
    CHEAPEST = "cheapest"
    FASTEST = "fastest"
    BEST_RATED = "best_rated"
    RECOMMENDED = "recommended"
    # No serviceability call: the AWB is assigned without a courier id, and Shiprocket picks
    # the account's default courier ("The default courier is selected in case no id is
    # specified"). One call fewer per shipment; the rate is not known in advance (shippingCost
    # stays empty) and an unserviceable route shows up as a refused AWB assignment.
    ACCOUNT_DEFAULT = "account_default"

    @property
    def needs_quotes(self) -> bool:
        return self is not CourierPolicy.ACCOUNT_DEFAULT


class CourierQuote(BaseModel):
    courier_id: int
    name: str
    rate: Decimal | None = None
    etd_hours: int | None = None
    estimated_days: int | None = None
    rating: float | None = None
    cod: bool | None = None
    blocked: bool | None = None


_BIG = Decimal("1e12")


def choose_courier(
    quotes: list[CourierQuote],
    policy: CourierPolicy,
    *,
    cod: bool,
    recommended_id: int | None = None,
) -> CourierQuote | None:
    """The quote the policy prefers, or None when no eligible courier serves the route."""
    eligible = [q for q in quotes if not q.blocked and (not cod or q.cod is not False)]
    if not eligible:
        return None

    def hours(q: CourierQuote) -> int:
        if q.etd_hours is not None:
            return q.etd_hours
        return q.estimated_days * 24 if q.estimated_days is not None else 10**6

    def rate(q: CourierQuote) -> Decimal:
        return q.rate if q.rate is not None else _BIG

    if policy is CourierPolicy.RECOMMENDED and recommended_id is not None:
        for q in eligible:
            if q.courier_id == recommended_id:
                return q
    if policy is CourierPolicy.FASTEST:
        return min(eligible, key=lambda q: (hours(q), rate(q), q.courier_id))
    if policy is CourierPolicy.BEST_RATED:
        return min(eligible, key=lambda q: (-(q.rating or 0.0), rate(q), q.courier_id))
    return min(eligible, key=lambda q: (rate(q), hours(q), q.courier_id))
