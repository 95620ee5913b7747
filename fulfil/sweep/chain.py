"""The resumable Shiprocket chain for one planned shipment.

Each step's result is saved (under the shipment's lease) before the next step runs, so a crash
or a kill at any point leaves a state the next sweep continues from. Two guards make a repeated
step harmless: the lease itself records the intent to create (a shipment claimed more than once
with no Shiprocket order recorded, or saved as `uncertain` after a timeout, is looked up by channel
order id before anything is created again); and
Shiprocket's own dedupe on the channel order id answers a repeated create with the existing order.
A duplicate answer with a *cancelled* order is never assigned against: the shipment moves to a
versioned channel id (`-v2`, ...) and the reason is kept in `versionHistory`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum

from fulfil.domain.couriers import CourierQuote, choose_courier
from fulfil.domain.escalation_rules import ShipmentFailure, escalation_for_failure
from fulfil.domain.fulfilment import ShipmentProgress, ShipmentState, Step, next_step, retry_delay
from fulfil.domain.shipment_status import ShipmentStatus, from_order_status_code
from fulfil.shiprocket import errors as sr
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.store.fulfilment import LeaseLost
from fulfil.sweep.context import SweepContext
from fulfil.sweep.requests import adhoc_order_request

MAX_CHANNEL_VERSIONS = 5


class Outcome(StrEnum):
    READY = "ready_for_documents"  # AWB and pickup done; labels/manifest are batched
    SHIPPED = "shipped"
    RETRYING = "retrying"
    PARKED = "parked"
    LEASE_LOST = "lease_lost"


@dataclass
class ChainResult:
    state: ShipmentState
    outcome: Outcome
    resumed: bool
    steps: list[str] = field(default_factory=list)
    error_code: str | None = None
    message: str | None = None


def failure_code(exc: sr.ShiprocketError) -> str:
    """Our reason code for a permanent Shiprocket refusal."""
    if isinstance(exc, sr.NotServiceable):
        return "not_serviceable"
    if isinstance(exc, sr.AwbAssignmentRefused):
        return "awb_refused"
    if isinstance(exc, sr.ShiprocketValidationError):
        return "validation"
    if isinstance(exc, sr.ShiprocketAuthError):
        return "auth"
    if isinstance(exc, sr.ShiprocketNotFound):
        return "not_found"
    return "business_refusal"


def vendor_text(exc: sr.ShiprocketError) -> str:
    """Shiprocket's full message, field errors included (never secrets: errors hold none)."""
    text = exc.message
    if exc.field_errors:
        text += " | " + "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.field_errors.items())
    if exc.correlation_id:
        text += f" (request {exc.correlation_id})"
    return text


def _is_cancelled(status: str | None, status_code: int | None) -> bool:
    if status_code is not None and from_order_status_code(status_code) is ShipmentStatus.CANCELLED:
        return True
    return bool(status) and "CANCEL" in str(status).upper()


class ShipmentChain:
    """Runs one shipment's remaining steps up to (not including) the batched documents step."""

    def __init__(self, ctx: SweepContext) -> None:
        self.ctx = ctx

    @property
    def client(self) -> AsyncShiprocketClient:
        assert self.ctx.client is not None
        return self.ctx.client

    async def run(self, state: ShipmentState) -> ChainResult:
        resumed = next_step(state) not in (Step.CREATE,) or state.attempts > 0
        result = ChainResult(state=state, outcome=Outcome.READY, resumed=resumed)
        try:
            while (step := next_step(state)) not in (Step.DOCUMENTS, Step.DONE):
                result.steps.append(step.value)
                await self._step(step, state)
        except LeaseLost:
            result.outcome = Outcome.LEASE_LOST
        except sr.ShiprocketTransientError as exc:
            await self._retry(state, exc, result)
        except sr.ShiprocketPermanentError as exc:
            await self._park(state, failure_code(exc), str(exc), vendor_text(exc), result)
        return result

    async def _save(self, state: ShipmentState, **kwargs: object) -> None:
        ctx = self.ctx
        await asyncio.to_thread(ctx.store.save, state, ctx.owner, ctx.clock(), **kwargs)  # type: ignore[arg-type]

    async def _step(self, step: Step, state: ShipmentState) -> None:
        if step is Step.LOOKUP:
            await self._lookup(state)
        elif step is Step.CREATE:
            await self._create(state)
        elif step is Step.CHOOSE_COURIER:
            await self._choose_courier(state)
        elif step is Step.ASSIGN_AWB:
            await self._assign(state)
        elif step is Step.PICKUP:
            await self._pickup(state)

    async def _lookup(self, state: ShipmentState) -> None:
        """After an uncertain create: does Shiprocket already hold our channel order id?"""
        cid = state.current_channel_order_id
        self.ctx.shiprocket_calls += 1
        found = await self.client.find_orders_by_channel_order_id(cid)
        mine = [o for o in found if (o.channel_order_id or cid) == cid]
        live = [o for o in mine if not _is_cancelled(o.status, o.status_code)]
        if live:
            order = live[0]
            state.sr_order_id = order.sr_order_id
            shipment = order.shipments[0] if order.shipments else None
            state.sr_shipment_id = shipment.shipment_id if shipment else None
            if shipment and shipment.awb:
                state.awb = shipment.awb
                state.courier_name = state.courier_name or shipment.courier
            state.channel_order_id = cid
        elif mine:
            self._next_version(state, cid, mine[0].sr_order_id)
        state.uncertain = False
        await self._save(state)

    def _next_version(self, state: ShipmentState, cid: str, sr_order_id: int | None) -> None:
        if state.channel_version >= MAX_CHANNEL_VERSIONS:
            raise sr.ShiprocketBusinessError(
                f"{cid} and {MAX_CHANNEL_VERSIONS - 1} earlier channel ids are cancelled at "
                "Shiprocket",
                operation="create_order",
            )
        state.version_history.append(
            f"{cid}: cancelled at Shiprocket (order {sr_order_id}); "
            f"re-created as version {state.channel_version + 1}"
        )
        state.channel_version += 1
        state.channel_order_id = None
        state.sr_order_id = state.sr_shipment_id = None

    async def _create(self, state: ShipmentState) -> None:
        assert state.plan is not None and state.created_at is not None
        cid = state.current_channel_order_id
        request = adhoc_order_request(
            state.plan,
            channel_order_id=cid,
            order_created_at=state.created_at,
            channel_id=self.ctx.settings.shiprocket_channel_id,
        )
        # No write-ahead save here: the lease taken for this run is it (its claim count tells
        # the next holder that a create may have been sent, so that one looks it up first).
        state.channel_order_id = cid
        self.ctx.shiprocket_calls += 1
        created = await self.client.create_adhoc_order(request)
        if _is_cancelled(created.status, created.status_code):
            self._next_version(state, cid, created.sr_order_id)
            state.uncertain = False
            await self._save(state)
            return
        state.sr_order_id = created.sr_order_id
        state.sr_shipment_id = created.shipment_id
        if created.awb_code:
            state.awb = created.awb_code
            state.courier_id = created.courier_company_id or 0
            state.courier_name = created.courier_name
        state.uncertain = False
        await self._save(state)

    async def _choose_courier(self, state: ShipmentState) -> None:
        plan = state.plan
        assert plan is not None
        settings = self.ctx.settings
        if not settings.courier_policy.needs_quotes:
            state.courier_id, state.courier_name = 0, None  # 0: let Shiprocket choose
            return
        cod = plan.payment_method == "COD"
        pickup_pin = plan.pickup_pincode or settings.default_pickup_pincode
        weight_bucket = (plan.weight_kg * 2).to_integral_value(rounding="ROUND_CEILING") / 2
        key = (pickup_pin, plan.destination.pincode, cod, weight_bucket)
        result = self.ctx.courier_cache.get(key)
        if result is None:
            self.ctx.shiprocket_calls += 1
            result = await self.client.check_serviceability(
                pickup_postcode=pickup_pin,
                delivery_postcode=plan.destination.pincode,
                weight_kg=max(plan.weight_kg, weight_bucket),
                cod=cod,
                length_cm=plan.length_cm,
                breadth_cm=plan.breadth_cm,
                height_cm=plan.height_cm,
                declared_value=plan.declared_value,
            )
            self.ctx.courier_cache[key] = result
        quotes = [
            CourierQuote(
                courier_id=c.courier_company_id,
                name=c.courier_name,
                rate=c.rate,
                etd_hours=c.etd_hours,
                estimated_days=c.estimated_delivery_days,
                rating=c.rating,
                cod=c.cod,
                blocked=c.blocked,
            )
            for c in result.couriers
        ]
        chosen = choose_courier(
            quotes,
            settings.courier_policy,
            cod=cod,
            recommended_id=result.recommended_courier_company_id,
        )
        if chosen is None:
            raise sr.NotServiceable(
                f"no {'COD-capable ' if cod else ''}courier serves {pickup_pin} -> "
                f"{plan.destination.pincode}",
                operation="check_serviceability",
            )
        state.courier_id, state.courier_name = chosen.courier_id, chosen.name
        state.shipping_cost = chosen.rate

    async def _assign(self, state: ShipmentState) -> None:
        assert state.sr_shipment_id is not None
        self.ctx.shiprocket_calls += 1
        try:
            awb = await self.client.assign_awb(state.sr_shipment_id, state.courier_id or None)
        except sr.AwbAlreadyAssigned:
            # Our own earlier call (timed out, or a crash after it) got there: read it back.
            state.uncertain = True
            await self._lookup(state)
            if state.awb is None:
                raise
            return
        state.awb = awb.awb_code
        state.courier_id = awb.courier_company_id or state.courier_id
        state.courier_name = awb.courier_name or state.courier_name
        await self._save(state)

    async def _pickup(self, state: ShipmentState) -> None:
        assert state.sr_shipment_id is not None
        self.ctx.shiprocket_calls += 1
        pickup = await self.client.generate_pickup(state.sr_shipment_id)
        when = pickup.pickup_scheduled_date or self.ctx.clock()
        state.pickup_scheduled_at = when.isoformat()
        state.pickup_token = pickup.pickup_token_number
        await self._save(state)

    async def _retry(
        self, state: ShipmentState, exc: sr.ShiprocketTransientError, result: ChainResult
    ) -> None:
        settings = self.ctx.settings
        state.attempts += 1
        if isinstance(exc, sr.ShiprocketUncertainError) and state.sr_order_id is None:
            state.uncertain = True
        if state.attempts >= settings.max_attempts:
            await self._park(state, "retries_exhausted", str(exc), vendor_text(exc), result)
            return
        delay = retry_delay(
            state.attempts,
            base_seconds=settings.retry_base_seconds,
            max_seconds=settings.retry_max_seconds,
        )
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            delay = max(delay, type(delay)(seconds=float(retry_after)))
        now = self.ctx.clock()
        state.status = ShipmentProgress.RETRYING
        state.next_attempt_at = now + delay
        state.last_error_code = type(exc).__name__
        state.last_error_message = str(exc)[:2000]
        result.outcome, result.error_code, result.message = Outcome.RETRYING, "transient", str(exc)
        try:
            await self._save(state, due_at=state.next_attempt_at, release=True)
        except LeaseLost:
            result.outcome = Outcome.LEASE_LOST
            return
        self.ctx.recorder.outcome("shipment_error", state.order_id)

    async def _park(
        self,
        state: ShipmentState,
        code: str,
        message: str,
        vendor: str | None,
        result: ChainResult,
    ) -> None:
        state.status = ShipmentProgress.NEEDS_ATTENTION
        state.last_error_code = code
        state.last_error_message = (vendor or message)[:2000]
        state.next_attempt_at = None
        result.outcome, result.error_code, result.message = Outcome.PARKED, code, message
        try:
            await self._save(state, release=True)
        except LeaseLost:
            result.outcome = Outcome.LEASE_LOST
            return
        stage = next_step(state).value
        failure = ShipmentFailure(
            order_id=state.order_id,
            shipment_key=state.shipment_key,
            stage=stage,
            code=code,
            message=message,
            vendor_message=vendor,
            attempts=state.attempts,
        )
        escalation = escalation_for_failure(failure, self.ctx.clock(), self.ctx.flow_run_url)
        order_created = state.plan and state.created_at
        self.ctx.recorder.record(
            escalation,
            f"{state.order_id}-{state.shipment_key}-a{state.attempts}",
            state.created_at.isoformat() if order_created and state.created_at else None,
        )
        self.ctx.recorder.outcome("shipment_error", state.order_id)
