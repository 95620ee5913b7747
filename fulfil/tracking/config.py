"""Knobs of the tracking sync and the webhook receiver, read from `FULFIL_TRACKING_*`.

The webhook key is the one secret here: Shiprocket's panel sends it back verbatim in an
`x-api-key` header (there is no signature), so it is a `SecretStr` read from
`FULFIL_WEBHOOK_API_KEY` and never printed. With no key set the receiver refuses every call.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from fulfil.domain.tracking import StuckThresholds

BULK_TRACK_MAX = 50  # Shiprocket: "Maximum of 50 AWB codes is supported at a time"
_REFUSED_WORDS = ("shiprocket", "kartrocket", "sr", "kr")


class TrackingSettings(BaseSettings):
    """Tracking settings; every field can be set as `FULFIL_TRACKING_<FIELD>`."""

    model_config = SettingsConfigDict(
        env_prefix="FULFIL_TRACKING_", extra="ignore", populate_by_name=True
    )

    stuck_in_transit_hours: float = Field(
        72, gt=0, description="Moving, but no new scan for this long: escalate."
    )
    stuck_pickup_hours: float = Field(
        48, gt=0, description="Pickup scheduled this long ago and still not picked up."
    )
    paid_no_shipment_hours: float = Field(
        24, gt=0, description="A paid (or COD) order still without a shipment after this long."
    )
    retire_after_days: int = Field(
        90, ge=1, description="No update for this long: stop tracking the shipment."
    )
    bulk_size: int = Field(
        BULK_TRACK_MAX, ge=1, le=BULK_TRACK_MAX, description="AWBs per bulk tracking call."
    )
    max_concurrency: int = Field(4, ge=1, le=32, description="Bulk calls in flight at once.")
    inbox_batch: int = Field(500, ge=1, le=10_000, description="Webhook events applied per run.")
    paid_scan_limit: int = Field(
        1000, ge=1, description="At most this many old paid orders checked per run."
    )
    webhook_api_key: SecretStr | None = Field(
        None,
        validation_alias="FULFIL_WEBHOOK_API_KEY",
        description="The security token configured in Shiprocket's webhook panel.",
    )
    webhook_max_body_bytes: int = Field(
        64 * 1024, ge=1024, le=1024 * 1024, description="Larger webhook bodies get 413."
    )
    webhook_path: str = Field(
        "/hooks/tracking-events",
        description="Must not contain shiprocket, kartrocket, sr or kr (the panel refuses).",
    )

    def thresholds(self) -> StuckThresholds:
        return StuckThresholds(
            in_transit_hours=self.stuck_in_transit_hours,
            pickup_hours=self.stuck_pickup_hours,
            paid_hours=self.paid_no_shipment_hours,
        )


def path_is_acceptable(path: str) -> bool:
    """True when the URL path avoids every word Shiprocket's panel refuses."""
    lowered = path.lower()
    return path.startswith("/") and not any(word in lowered for word in _REFUSED_WORDS)
