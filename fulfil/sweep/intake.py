"""Intake: turn newly paid (or COD-confirmed) orders into due shipments, or park them.

Candidates are the orders in `confirmed` (StatusIndex). Each is planned; its shipments are
recorded in the fulfilment table with deterministic keys (a second sweep doing the same is a
no-op), and the order moves to `processing` so it leaves the candidate index: parked orders are
not re-read by every sweep. A person un-parks one by fixing the record and running the sweep with
its order id, which plans it again whatever its status.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from fulfil.commands.plan import planning_defaults
from fulfil.domain.bundle import OrderBundle
from fulfil.domain.escalation_rules import escalation_for_rejections
from fulfil.domain.planning import Decision, DecisionKind, SkipReason, plan_order
from fulfil.domain.records import rejections_from
from fulfil.domain.rejections import Rejection
from fulfil.settings import Settings
from fulfil.store.fulfilment import FulfilmentStore
from fulfil.store.source import SourceReader
from fulfil.store.storefront import StorefrontWriter
from fulfil.sweep.context import EscalationRecorder
from fulfil.sweep.notices import intake_notices
from fulfil.sweep.requests import adhoc_order_request

CANDIDATE_STATUS = "confirmed"
BUNDLE_CHUNK = 100
APPLY_THREADS = 16  # orders of a chunk recorded side by side


@dataclass
class IntakeReport:
    planned: list[tuple[str, str]] = field(default_factory=list)  # (orderId, shipmentKey)
    reopened: list[tuple[str, str]] = field(default_factory=list)
    parked: list[tuple[str, list[Rejection]]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    legacy: list[str] = field(default_factory=list)
    decisions: int = 0

    def merge(self, other: IntakeReport) -> None:
        self.planned += other.planned
        self.reopened += other.reopened
        self.parked += other.parked
        self.skipped += other.skipped
        self.legacy += other.legacy
        self.decisions += other.decisions

    @property
    def work(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys(self.planned + self.reopened))


def _chunks(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_intake(
    *,
    reader: SourceReader,
    store: FulfilmentStore,
    storefront: StorefrontWriter,
    recorder: EscalationRecorder,
    settings: Settings,
    now: datetime,
    order_ids: Sequence[str] | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    flow_run_url: str | None = None,
    parallel: int = APPLY_THREADS,
) -> IntakeReport:
    report = IntakeReport()
    defaults = planning_defaults(settings)
    orders: Iterable[dict[str, Any]]
    if order_ids:
        orders = reader.get_orders(order_ids)
    else:
        orders = reader.iter_orders_by_status(CANDIDATE_STATUS, limit=limit)
    for chunk in _chunks(orders, BUNDLE_CHUNK):
        bundles = reader.load_bundles(chunk)

        def apply_one(bundle: OrderBundle) -> IntakeReport:
            part = IntakeReport(decisions=1)
            _apply(
                plan_order(bundle, defaults),
                str(bundle.order.get("createdAt") or ""),
                part,
                bundle.sellers,
                store=store,
                storefront=storefront,
                recorder=recorder,
                settings=settings,
                now=now,
                dry_run=dry_run,
                explicit=bool(order_ids),
                flow_run_url=flow_run_url,
            )
            return part

        # Orders are independent: their writes go out side by side (and, with write
        # coalescing, leave together); the report keeps the candidates' order.
        with ThreadPoolExecutor(max(1, min(parallel, len(bundles)))) as pool:
            for part in pool.map(apply_one, bundles):
                report.merge(part)
    return report


def _apply(
    decision: Decision,
    created_at: str,
    report: IntakeReport,
    sellers: Mapping[str, Mapping[str, Any]],
    *,
    store: FulfilmentStore,
    storefront: StorefrontWriter,
    recorder: EscalationRecorder,
    settings: Settings,
    now: datetime,
    dry_run: bool,
    explicit: bool,
    flow_run_url: str | None,
) -> None:
    oid = decision.order_id
    if decision.kind is DecisionKind.SHIP:
        try:
            for plan in decision.shipments:
                # Validate the Shiprocket request now: a plan it would refuse parks here.
                adhoc_order_request(
                    plan,
                    channel_order_id=plan.channel_order_id(),
                    order_created_at=now,
                    channel_id=settings.shiprocket_channel_id,
                )
        except ValidationError as exc:
            decision = decision.model_copy(
                update={
                    "kind": DecisionKind.PARK,
                    "shipments": [],
                    "rejections": rejections_from(exc, oid, prefix="shiprocket"),
                }
            )
    if decision.kind is DecisionKind.SHIP:
        for plan in decision.shipments:
            key = (oid, plan.shipment_key)
            if dry_run or store.enqueue(plan, now, created_at):
                report.planned.append(key)
            elif explicit:
                # Already recorded: re-open it if it was parked; either way, look at it now.
                store.reopen(oid, plan.shipment_key, now, plan)
                report.reopened.append(key)
        if not dry_run:
            if explicit:
                store.resolve_park_row(oid, now)
            storefront.advance_order(oid, created_at, "processing", now)
            for notice in intake_notices(decision, sellers):
                recorder.notify(notice)
        return
    if decision.kind is DecisionKind.PARK:
        report.parked.append((oid, decision.rejections))
        if dry_run or not created_at:
            return
        store.park_order(oid, created_at, decision.rejections, now)
        # Recorded every time: the occurrence key makes it idempotent, and a sweep killed
        # between the two writes above must not lose the escalation.
        escalation = escalation_for_rejections(oid, decision.rejections, now, flow_run_url)
        occurrence = f"{oid}-intake" if not explicit else f"{oid}-recheck-{now:%Y%m%dT%H%M}"
        recorder.record(escalation, occurrence, created_at)
        storefront.advance_order(oid, created_at, "processing", now)
        return
    reason = decision.skip_reason.value if decision.skip_reason else "skipped"
    report.skipped.append((oid, reason))
    if decision.skip_reason is SkipReason.LEGACY_SHIPMENT and decision.order is not None:
        report.legacy.append(oid)
        if not dry_run and decision.order.legacy_awb:
            store.record_legacy(oid, created_at, decision.order.legacy_awb.strip(), now)
            storefront.advance_order(oid, created_at, "ready_for_shipment", now)
