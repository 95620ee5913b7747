"""`FulfilmentSettingsBlock`: the pipeline's knobs, editable in the Prefect UI.

The settings themselves stay where they are (`fulfil.settings.Settings`, `FULFIL_*`; the tracking
thresholds, `FULFIL_TRACKING_*`; the Shiprocket budget, `SHIPROCKET_REQUESTS_PER_MINUTE`). This
block only stores values for some of them and names the variable each one feeds (`ENV_VARS`), so
every worker gets the same tables, pickup defaults, courier policy and thresholds from one place.

A field left empty means "not set here": the code default (or the worker's own environment)
applies. `fulfil setup` fills only the fields whose variable is set when it runs, so a block never
pins an old default after the code's default changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from prefect.blocks.core import Block
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, model_validator

from fulfil.domain.couriers import CourierPolicy
from fulfil.settings import Settings
from fulfil.tracking.config import TrackingSettings

__all__ = ["ENV_VARS", "FulfilmentSettingsBlock"]

# field -> the environment variable the existing config classes read.
ENV_VARS: dict[str, str] = {
    "table_prefix": "FULFIL_TABLE_PREFIX",
    "region": "FULFIL_REGION",
    "default_pickup_location": "FULFIL_DEFAULT_PICKUP_LOCATION",
    "default_pickup_pincode": "FULFIL_DEFAULT_PICKUP_PINCODE",
    "shiprocket_channel_id": "FULFIL_SHIPROCKET_CHANNEL_ID",
    "default_weight_kg": "FULFIL_DEFAULT_WEIGHT_KG",
    "default_length_cm": "FULFIL_DEFAULT_LENGTH_CM",
    "default_breadth_cm": "FULFIL_DEFAULT_BREADTH_CM",
    "default_height_cm": "FULFIL_DEFAULT_HEIGHT_CM",
    "courier_policy": "FULFIL_COURIER_POLICY",
    "shiprocket_global_limit": "FULFIL_SHIPROCKET_GLOBAL_LIMIT",
    "shiprocket_requests_per_minute": "SHIPROCKET_REQUESTS_PER_MINUTE",
    "queue_shards": "FULFIL_QUEUE_SHARDS",
    "lease_seconds": "FULFIL_LEASE_SECONDS",
    "retry_base_seconds": "FULFIL_RETRY_BASE_SECONDS",
    "retry_max_seconds": "FULFIL_RETRY_MAX_SECONDS",
    "max_attempts": "FULFIL_MAX_ATTEMPTS",
    "stuck_in_transit_hours": "FULFIL_TRACKING_STUCK_IN_TRANSIT_HOURS",
    "stuck_pickup_hours": "FULFIL_TRACKING_STUCK_PICKUP_HOURS",
    "paid_no_shipment_hours": "FULFIL_TRACKING_PAID_NO_SHIPMENT_HOURS",
    "duckdb_path": "FULFIL_DUCKDB_PATH",
    "outbox_dir": "FULFIL_OUTBOX_DIR",
}
# Which config class owns each field's bounds (the Shiprocket pacing is checked on the field).
_OWNERS: dict[str, type[BaseModel]] = {
    **{f: Settings for f in ENV_VARS if f in Settings.model_fields},
    **{f: TrackingSettings for f in ENV_VARS if f in TrackingSettings.model_fields},
}


class FulfilmentSettingsBlock(Block):
    """Tables, region, pickup defaults, courier policy and thresholds shared by every worker."""

    _block_type_name: ClassVar[str] = "Fulfil Settings"
    _block_type_slug: ClassVar[str] = "fulfil-settings"
    _description: ClassVar[str] = (
        "Settings of the fulfilment flows. Empty fields fall back to the code default or the "
        "worker's environment."
    )

    table_prefix: str | None = Field(None, description="Prefix of every table (table-tennis-).")
    region: str | None = Field(None, description="AWS region of the tables (ap-south-1).")
    default_pickup_location: str | None = Field(
        None, description="Shiprocket pickup nickname when a seller has none (Default Pickup)."
    )
    default_pickup_pincode: str | None = Field(
        None, pattern=r"^[1-9]\d{5}$", description="PIN of that pickup (400001)."
    )
    shiprocket_channel_id: int | None = Field(None, description="Shiprocket channel id.")
    default_weight_kg: Decimal | None = Field(None, description="Per unit, when unknown (0.5).")
    default_length_cm: Decimal | None = Field(None, description="Box length when unknown (10).")
    default_breadth_cm: Decimal | None = Field(None, description="Box breadth when unknown (5).")
    default_height_cm: Decimal | None = Field(None, description="Box height when unknown (5).")
    courier_policy: CourierPolicy | None = Field(
        None, description="cheapest, fastest, best_rated or recommended (cheapest)."
    )
    shiprocket_global_limit: str | None = Field(
        None, description="Prefect global rate limit every Shiprocket call takes a slot from."
    )
    shiprocket_requests_per_minute: int | None = Field(
        None, ge=0, description="Per-process pacing of Shiprocket calls (120; 0 = off)."
    )
    queue_shards: int | None = Field(None, description="Shards of the due/active indexes (1).")
    lease_seconds: int | None = Field(None, description="How long a claim holds (300).")
    retry_base_seconds: int | None = Field(None, description="First retry delay (60).")
    retry_max_seconds: int | None = Field(None, description="Retry delay cap (21600).")
    max_attempts: int | None = Field(None, description="Transient failures before parking (8).")
    stuck_in_transit_hours: float | None = Field(None, description="No scan for this long (72).")
    stuck_pickup_hours: float | None = Field(None, description="Pickup not done after (48).")
    paid_no_shipment_hours: float | None = Field(None, description="Paid, no shipment (24).")
    duckdb_path: str | None = Field(None, description="Analysts' DuckDB file on the worker.")
    outbox_dir: str | None = Field(None, description="Local sink directory (no credentials).")

    @model_validator(mode="after")
    def _valid_as_settings(self) -> FulfilmentSettingsBlock:
        # The bounds live in the config classes: check each value against its field there, so a
        # bad value fails here, at save time, rather than at the start of a flow run on a worker.
        for name, value in self.values().items():
            owner = _OWNERS.get(name)
            if owner is not None:
                info = owner.model_fields[name]
                adapter: TypeAdapter[Any] = TypeAdapter(Annotated[info.annotation, info])  # type: ignore[arg-type]
                try:
                    adapter.validate_python(value)
                except ValidationError as exc:
                    raise ValueError(f"{name}: {exc.errors()[0]['msg']}") from None
        return self

    def values(self) -> dict[str, Any]:
        """The fields that are set."""
        return {name: getattr(self, name) for name in ENV_VARS if getattr(self, name) is not None}

    def to_env(self) -> dict[str, str]:
        """The set fields as the environment variables the config classes read."""
        return {ENV_VARS[name]: str(value) for name, value in self.values().items()}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FulfilmentSettingsBlock:
        """A block holding exactly the variables that are set (and not empty) in `environ`."""
        fields = {name: environ[var] for name, var in ENV_VARS.items() if environ.get(var)}
        block: FulfilmentSettingsBlock = cls.model_validate(fields)
        return block
