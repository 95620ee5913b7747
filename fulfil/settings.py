"""Typed runtime settings for the fulfilment pipeline.

Knobs (table names, pickup defaults, thresholds) live here as pydantic-settings read from
`FULFIL_*` environment variables; credentials do not (they come from Prefect blocks or their
vendor-specific environment variables). Table names default to the source system's names and are
all derived from `FULFIL_TABLE_PREFIX`, so a staging stack is one variable away.

The DynamoDB endpoint is deliberately *not* a setting of ours: boto3 already reads
`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL`, and no endpoint means real AWS.
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cached_property

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from fulfil.domain.couriers import CourierPolicy


class TableNames(BaseModel):
    """Every DynamoDB table the pipeline touches, source tables first."""

    orders: str
    customers: str
    addresses: str
    payments: str
    products: str
    sellers: str
    shipments: str
    fulfilment: str
    events: str
    outbox: str
    control: str

    @classmethod
    def from_prefix(cls, prefix: str) -> TableNames:
        return cls(
            orders=f"{prefix}orders",
            customers=f"{prefix}customers",
            addresses=f"{prefix}addresses",
            payments=f"{prefix}payments",
            products=f"{prefix}products",
            sellers=f"{prefix}sellers",
            shipments=f"{prefix}shipments",
            fulfilment=f"{prefix}fulfilment",
            events=f"{prefix}fulfilment-events",
            outbox=f"{prefix}fulfilment-outbox",
            control=f"{prefix}fulfilment-control",
        )


class Settings(BaseSettings):
    """Pipeline settings; every field can be set as `FULFIL_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="FULFIL_", extra="ignore")

    table_prefix: str = Field("table-tennis-", description="Prefix of every table name.")
    region: str = Field(
        default_factory=lambda: (
            os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-south-1"
        ),
        description="AWS region (read from AWS_REGION; Mumbai by default).",
    )
    dynamodb_max_attempts: int = Field(
        5, ge=1, le=20, description="boto3 standard-mode attempts, first call included."
    )
    write_coalescing: bool = Field(
        True,
        description="Send the sweep's concurrent single writes together as TransactWriteItems "
        "(group commit: far fewer requests; each transactional write costs 2 write units).",
    )

    default_pickup_location: str = Field(
        default_factory=lambda: os.environ.get("SHIPROCKET_PICKUP_LOCATION", "Default Pickup"),
        description="Shiprocket pickup nickname used when a seller has no pickup address.",
    )
    default_pickup_pincode: str = Field(
        "400001", description="PIN of the default pickup location (for serviceability checks)."
    )
    shiprocket_channel_id: int | None = Field(
        default_factory=lambda: _int_or_none(os.environ.get("SHIPROCKET_CHANNEL_ID")),
        description="Shiprocket channel id (the 'Custom' channel when unset).",
    )
    default_weight_kg: Decimal = Field(
        Decimal("0.5"), gt=0, description="Weight per unit when the product has none."
    )
    default_length_cm: Decimal = Field(Decimal("10"), gt=Decimal("0.5"))
    default_breadth_cm: Decimal = Field(Decimal("5"), gt=Decimal("0.5"))
    default_height_cm: Decimal = Field(Decimal("5"), gt=Decimal("0.5"))
    courier_policy: CourierPolicy = Field(CourierPolicy.CHEAPEST)

    shiprocket_global_limit: str | None = Field(
        None,
        description="Name of a Prefect global concurrency limit (with slot decay) that every "
        "Shiprocket request takes a slot from, so several workers share one account budget.",
    )
    queue_shards: int = Field(
        1,
        ge=1,
        le=64,
        description="Shards of the due and active indexes (raise past ~1,000 writes/s).",
    )
    lease_seconds: int = Field(300, ge=5, description="How long a claim on a shipment holds.")
    retry_base_seconds: int = Field(60, ge=1, description="First retry delay; doubles per try.")
    retry_max_seconds: int = Field(6 * 3600, ge=1, description="Cap on the retry delay.")
    max_attempts: int = Field(8, ge=1, description="Transient failures before a shipment parks.")

    duckdb_path: str = Field("var/fulfilment.duckdb", description="Analysts' DuckDB file.")
    outbox_dir: str = Field("var/outbox", description="Where local sinks write (no creds).")

    @cached_property
    def tables(self) -> TableNames:
        return TableNames.from_prefix(self.table_prefix)


def _int_or_none(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    return int(value)


def load_settings() -> Settings:
    """Read settings from the environment (a fresh object each call: tests change env)."""
    return Settings()
