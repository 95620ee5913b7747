"""The state of one planned shipment's journey through Shiprocket, and the pure rules over it.

A shipment's chain is: Shiprocket order created -> courier chosen -> AWB assigned -> pickup
scheduled -> label and manifest. Each step's result is recorded before the next step starts, so a
sweep that finds a half-done chain continues it (`next_step`) instead of repeating it; after an
*uncertain* failure (the create may have been applied) the next attempt looks the order up by its
channel order id before creating again.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from fulfil.domain.planning import PlannedShipment


class ShipmentProgress(StrEnum):
    """Where a planned shipment stands (stored as `status` on the fulfilment item)."""

    PENDING = "pending"  # due: nothing done yet, or a chain to continue
    RETRYING = "retrying"  # a transient failure; due again at next_attempt_at
    NEEDS_ATTENTION = "needs_attention"  # parked: a person must fix something
    SHIPPED = "shipped"  # the chain is complete: AWB, pickup, documents
    LEGACY = "legacy"  # shipped by the old inline code; recorded for tracking only


class Step(StrEnum):
    LOOKUP = "lookup_order"
    CREATE = "create_order"
    CHOOSE_COURIER = "choose_courier"
    ASSIGN_AWB = "assign_awb"
    PICKUP = "generate_pickup"
    DOCUMENTS = "generate_documents"
    DONE = "done"


class ShipmentState(BaseModel):
    """Everything recorded about one planned shipment (one item of the fulfilment table)."""

    order_id: str
    shipment_key: str
    shipment_id: str
    status: ShipmentProgress = ShipmentProgress.PENDING
    plan: PlannedShipment | None = None
    channel_version: int = 1
    channel_order_id: str | None = None
    sr_order_id: int | None = None
    sr_shipment_id: int | None = None
    courier_id: int | None = None
    courier_name: str | None = None
    shipping_cost: Decimal | None = None
    awb: str | None = None
    pickup_scheduled_at: str | None = None
    pickup_token: str | None = None
    label_url: str | None = None
    manifest_url: str | None = None
    documents_done: bool = False
    attempts: int = 0
    next_attempt_at: datetime | None = None
    uncertain: bool = False
    last_error_code: str | None = None
    last_error_message: str | None = None
    version_history: list[str] = Field(default_factory=list)
    created_at: datetime | None = None
    order_created_at: str | None = None
    shipped_at: datetime | None = None

    @property
    def current_channel_order_id(self) -> str:
        if self.channel_order_id:
            return self.channel_order_id
        assert self.plan is not None, "a shipment without a plan cannot name its channel id"
        return self.plan.channel_order_id(self.channel_version)


def next_step(state: ShipmentState) -> Step:
    """The first step of the chain not yet recorded as done."""
    if state.sr_order_id is None:
        return Step.LOOKUP if state.uncertain else Step.CREATE
    if state.awb is None:
        return Step.ASSIGN_AWB if state.courier_id is not None else Step.CHOOSE_COURIER
    if state.pickup_scheduled_at is None:
        return Step.PICKUP
    if not state.documents_done:
        return Step.DOCUMENTS
    return Step.DONE


def retry_delay(
    attempts: int, *, base_seconds: int, max_seconds: int, rng: random.Random | None = None
) -> timedelta:
    """Exponential backoff with full jitter on the upper half (never less than half the step)."""
    step = min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds)
    jitter = (rng or random).uniform(0.5, 1.0)
    return timedelta(seconds=step * jitter)


def is_due(state: ShipmentState, now: datetime) -> bool:
    if state.status is ShipmentProgress.PENDING:
        return True
    if state.status is ShipmentProgress.RETRYING:
        return state.next_attempt_at is None or state.next_attempt_at <= now
    return False
