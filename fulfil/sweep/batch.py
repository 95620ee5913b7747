"""One batch of due shipments: claim, run each chain concurrently, then documents in bulk.

Labels and manifests accept many shipment ids per call, so they are generated once per batch
rather than once per shipment: the happy path costs create + serviceability (cached per route) +
AWB + pickup per shipment, plus two calls per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from fulfil.domain.fulfilment import ShipmentProgress, ShipmentState, retry_delay
from fulfil.shiprocket import errors as sr
from fulfil.store.fulfilment import LeaseLost, state_from_item
from fulfil.sweep.chain import ChainResult, Outcome, ShipmentChain, vendor_text
from fulfil.sweep.context import SweepContext
from fulfil.sweep.writeback import complete_shipment, finish_orders


@dataclass
class BatchReport:
    claimed: int = 0
    not_claimed: int = 0
    results: list[ChainResult] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)


async def run_batch(
    ctx: SweepContext, keys: list[tuple[str, str]], *, max_concurrency: int = 8
) -> BatchReport:
    report = BatchReport()
    now = ctx.clock()
    until = now + timedelta(seconds=ctx.settings.lease_seconds)
    taken = await asyncio.gather(
        *(
            asyncio.to_thread(ctx.store.take_lease, oid, key, ctx.owner, now, until)
            for oid, key in keys
        )
    )
    mine = [k for k, ok in zip(keys, taken, strict=True) if ok]
    report.not_claimed = len(keys) - len(mine)
    items = await asyncio.to_thread(ctx.store.load_many, mine)
    states: list[ShipmentState] = [state_from_item(item) for item in items]
    report.claimed = len(states)
    chain = ShipmentChain(ctx)
    gate = asyncio.Semaphore(max_concurrency)

    async def one(state: ShipmentState) -> ChainResult:
        async with gate:
            return await chain.run(state)

    report.results = list(await asyncio.gather(*(one(s) for s in states)))
    ready = [r for r in report.results if r.outcome is Outcome.READY]
    if ready:
        await _documents(ctx, ready)
        await _complete(ctx, ready)
    return report


async def _documents(ctx: SweepContext, ready: list[ChainResult]) -> None:
    """Label and manifest for every ready shipment in one call each (bulk endpoints)."""
    assert ctx.client is not None
    todo = [r for r in ready if not r.state.documents_done]
    ids = [r.state.sr_shipment_id for r in todo if r.state.sr_shipment_id is not None]
    if not ids:
        return
    try:
        ctx.shiprocket_calls += 2
        label = await ctx.client.generate_label(ids)
        manifest = await ctx.client.generate_manifest(ids)
    except sr.ShiprocketTransientError as exc:
        for r in todo:  # the chain is otherwise done: the next sweep only retries documents
            r.outcome, r.error_code, r.message = Outcome.RETRYING, "transient", str(exc)
            await _reschedule_documents(ctx, r.state, exc)
        return
    except sr.ShiprocketPermanentError as exc:
        # The parcel is booked and picked up either way; documents can be printed from the
        # panel. Note it (low severity) and do not hold the shipment back.
        for r in todo:
            r.state.last_error_code = "documents_failed"
            r.state.last_error_message = vendor_text(exc)[:2000]
            r.state.documents_done = True
        return
    not_created = {str(x) for x in label.not_created}
    for r in todo:
        if str(r.state.sr_shipment_id) in not_created:
            r.state.last_error_code = "documents_failed"
            r.state.last_error_message = "label not created by Shiprocket"
        r.state.label_url = label.label_url
        r.state.manifest_url = manifest.manifest_url or None
        r.state.documents_done = True


async def _reschedule_documents(
    ctx: SweepContext, state: ShipmentState, exc: sr.ShiprocketTransientError
) -> None:
    state.attempts += 1
    state.status = ShipmentProgress.RETRYING
    state.next_attempt_at = ctx.clock() + retry_delay(
        state.attempts,
        base_seconds=ctx.settings.retry_base_seconds,
        max_seconds=ctx.settings.retry_max_seconds,
    )
    state.last_error_code = type(exc).__name__
    state.last_error_message = str(exc)[:2000]
    with contextlib.suppress(LeaseLost):
        await asyncio.to_thread(
            ctx.store.save,
            state,
            ctx.owner,
            ctx.clock(),
            due_at=state.next_attempt_at,
            release=True,
        )


async def _complete(ctx: SweepContext, ready: list[ChainResult]) -> None:
    """Write back every ready shipment at once (their writes coalesce), then finish orders."""

    async def one(r: ChainResult) -> None:
        try:
            await asyncio.to_thread(complete_shipment, ctx, r.state)
            r.outcome = Outcome.SHIPPED
        except LeaseLost:
            r.outcome = Outcome.LEASE_LOST

    todo = [r for r in ready if r.outcome is Outcome.READY]
    await asyncio.gather(*(one(r) for r in todo))
    shipped = [r.state for r in todo if r.outcome is Outcome.SHIPPED]
    await asyncio.to_thread(finish_orders, ctx, shipped)
