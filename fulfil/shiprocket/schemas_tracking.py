"""Tracking answers (§7), mapped to our vocabulary.

Tracking has three honest outcomes and only one is "data": Shiprocket answers an unknown AWB in
bulk with `{}` (`NO_DATA`) and a shipment without scans with `track_status: 0` plus an apology
(`NO_ACTIVITY`). Neither is an error: a fresh AWB has no scans for hours.
Activities keep Shiprocket's order, newest first.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from fulfil.domain.shipment_status import (
    ShipmentStatus,
    from_label,
    from_shipment_status_code,
)
from fulfil.shiprocket.schemas_common import (
    IstDateTime,
    LooseInt,
    LooseStr,
    WireModel,
)


class TrackingState(StrEnum):
    FOUND = "found"
    NO_ACTIVITY = "no_activity"  # the shipment exists, no scan yet (track_status 0)
    NO_DATA = "no_data"  # Shiprocket knows nothing about this AWB ({} in bulk)


class TrackingActivity(WireModel):
    """One scan. `status` is the courier's raw code; `sr_status` the shipment-scheme code."""

    date: IstDateTime = None
    status: LooseStr = None
    activity: LooseStr = None
    location: LooseStr = None
    sr_status: LooseInt = Field(None, alias="sr-status")
    sr_status_label: LooseStr = Field(None, alias="sr-status-label")

    @property
    def shipment_status(self) -> ShipmentStatus:
        status = from_shipment_status_code(self.sr_status)
        return status if status is not ShipmentStatus.UNKNOWN else from_label(self.sr_status_label)


class ShipmentTrack(WireModel):
    """One entry of `shipment_track` (a shipment's current summary)."""

    id: LooseInt = None
    awb_code: LooseStr = None
    courier_company_id: LooseInt = None
    shipment_id: LooseInt = None
    sr_order_id: LooseInt = Field(None, alias="order_id")
    pickup_date: IstDateTime = None
    delivered_date: IstDateTime = None
    current_status: LooseStr = None
    courier_name: LooseStr = None
    edd: IstDateTime = None
    origin: LooseStr = None
    destination: LooseStr = None
    delivered_to: LooseStr = None
    pod: LooseStr = None
    pod_status: LooseStr = None


class TrackingResult(WireModel):
    """What we know about one AWB; `status` is already in our vocabulary."""

    awb: str | None = None
    state: TrackingState
    status: ShipmentStatus = ShipmentStatus.UNKNOWN
    shipment_status_code: int | None = None
    tracks: list[ShipmentTrack] = Field(default_factory=list)
    activities: list[TrackingActivity] = Field(default_factory=list)
    track_url: str | None = None
    etd: IstDateTime = None
    message: str | None = None

    @property
    def latest_activity(self) -> TrackingActivity | None:
        return self.activities[0] if self.activities else None

    @property
    def has_data(self) -> bool:
        return self.state is TrackingState.FOUND
