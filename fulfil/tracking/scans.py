"""Scans in our words, read from polling answers and webhook bodies (pure: no I/O).

A scan is identified by (AWB, scan time, normalised status, and a short digest of the courier's
raw code, activity text and location): the same scan reported twice, by two polls or by a poll
and the webhook, gets the same `event_key` and is stored once; a different scan at the same
minute (a back-dated correction with other text) is a different event.

Shiprocket's scan times are naive IST strings; the wire models make them aware, and keys use
UTC milliseconds so they sort by time.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fulfil.domain.shipment_status import (
    ShipmentStatus,
    from_label,
    from_order_status_code,
    from_shipment_status_code,
)
from fulfil.shiprocket.schemas_common import IstDateTime, LooseInt, LooseStr, WireModel
from fulfil.shiprocket.schemas_tracking import TrackingActivity, TrackingResult, TrackingState
from fulfil.timestamps import iso

Source = Literal["poll", "webhook"]


utc_iso = iso  # the project's timestamp format, under the name the tracking modules use


class Scan(BaseModel):
    """One courier scan, normalised; `raw_status` keeps the courier's own code."""

    model_config = ConfigDict(frozen=True)

    status: ShipmentStatus
    at: datetime
    raw_status: str | None = None
    sr_status: int | None = None
    sr_label: str | None = None
    activity: str | None = None
    location: str | None = None
    source: Source = "poll"

    @property
    def event_key(self) -> str:
        """`<scanAt>#<status>#<8 hex of raw code + activity + location>` (sort key of events)."""
        raw = f"{self.raw_status or ''}|{self.activity or ''}|{self.location or ''}"
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
        return f"{utc_iso(self.at)}#{self.status.value}#{digest}"

    @property
    def event_id(self) -> str:
        """A 10-hex digest of the event key: the compact form kept in a shipment's seen set."""
        return hashlib.sha256(self.event_key.encode("utf-8")).hexdigest()[:10]


def scan_from_activity(activity: TrackingActivity, source: Source = "poll") -> Scan | None:
    """A wire activity as a scan; None when it has no readable date (it cannot be keyed)."""
    if activity.date is None:
        return None
    return Scan(
        status=activity.shipment_status,
        at=activity.date,
        raw_status=activity.status,
        sr_status=activity.sr_status,
        sr_label=activity.sr_status_label,
        activity=activity.activity,
        location=activity.location,
        source=source,
    )


class ReadScans(BaseModel):
    """Scans read from one answer, oldest first, plus what could not be used."""

    scans: list[Scan] = Field(default_factory=list)
    undated: int = 0
    eta: datetime | None = None
    tracking_url: str | None = None
    courier_name: str | None = None


def scans_from_result(result: TrackingResult) -> ReadScans:
    """Scans of a polling answer; `NO_DATA` / `NO_ACTIVITY` give none (they are not errors)."""
    if result.state is not TrackingState.FOUND:
        return ReadScans()
    scans: list[Scan] = []
    undated = 0
    for activity in result.activities:
        scan = scan_from_activity(activity)
        if scan is None:
            undated += 1
        else:
            scans.append(scan)
    track = result.tracks[0] if result.tracks else None
    if not scans and result.status is not ShipmentStatus.UNKNOWN and track is not None:
        # Data without activities: use the summary only when it carries its own date.
        when = track.delivered_date if result.status is ShipmentStatus.DELIVERED else None
        when = when or (track.pickup_date if result.status is ShipmentStatus.PICKED_UP else None)
        if when is not None:
            scans.append(Scan(status=result.status, at=when, sr_status=result.shipment_status_code))
    return ReadScans(
        scans=sorted(scans, key=lambda s: (s.at, s.event_key)),
        undated=undated,
        eta=result.etd or (track.edd if track else None),
        tracking_url=result.track_url,
        courier_name=track.courier_name if track else None,
    )


class WebhookBody(WireModel):
    """Shiprocket's tracking webhook (fact sheet §10); scans are oldest first."""

    awb: LooseStr = None
    courier_name: LooseStr = None
    current_status: LooseStr = None
    current_status_id: LooseInt = None  # order-status scheme (B), inferred from the sample
    shipment_status: LooseStr = None
    shipment_status_id: LooseInt = None  # shipment-status scheme (A)
    current_timestamp: IstDateTime = None
    order_id: LooseStr = None
    sr_order_id: LooseInt = None
    etd: IstDateTime = None
    is_return: LooseInt = None
    scans: list[TrackingActivity] = Field(default_factory=list)


def webhook_status(body: WebhookBody) -> ShipmentStatus:
    """The body's current status: scheme A id, then the label, then the scheme B id."""
    status = from_shipment_status_code(body.shipment_status_id)
    if status is ShipmentStatus.UNKNOWN:
        status = from_label(body.shipment_status or body.current_status)
    if status is ShipmentStatus.UNKNOWN:
        status = from_order_status_code(body.current_status_id)
    return status


def scans_from_webhook(body: WebhookBody) -> ReadScans:
    """Scans of one webhook body; with no `scans`, the current status at `current_timestamp`."""
    scans: list[Scan] = []
    undated = 0
    for activity in body.scans:
        scan = scan_from_activity(activity, "webhook")
        if scan is None:
            undated += 1
        else:
            scans.append(scan)
    if not scans and body.current_timestamp is not None:
        scans.append(
            Scan(
                status=webhook_status(body),
                at=body.current_timestamp,
                sr_status=body.shipment_status_id,
                sr_label=body.shipment_status or body.current_status,
                activity=body.current_status,
                source="webhook",
            )
        )
    return ReadScans(
        scans=sorted(scans, key=lambda s: (s.at, s.event_key)),
        undated=undated,
        eta=body.etd,
        courier_name=body.courier_name,
    )
