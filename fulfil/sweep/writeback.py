"""Recording a completed chain where the storefront and the next flows look for it."""

from __future__ import annotations

from fulfil.domain.fulfilment import ShipmentProgress, ShipmentState
from fulfil.store.fulfilment import iso
from fulfil.sweep.context import SweepContext
from fulfil.sweep.notices import shipped_notice

STOREFRONT_PICKUP_STATUS = "pickup_scheduled"


def complete_shipment(ctx: SweepContext, state: ShipmentState) -> None:
    """Mark the chain done (off DueIndex, onto ActiveIndex), then write the storefront rows."""
    now = ctx.clock()
    state.status = ShipmentProgress.SHIPPED
    state.shipped_at = now
    state.next_attempt_at = None
    ctx.store.save(
        state,
        ctx.owner,
        now,
        done=True,
        active_shard=True,
        extra={"trackingStatus": "pickup_scheduled", "trackingUpdatedAt": iso(now)},
    )
    plan = state.plan
    ctx.storefront.put_shipment_row(
        {
            "shipmentId": state.shipment_id,
            "orderId": state.order_id,
            "shiprocketOrderId": str(state.sr_order_id),
            "srShipmentId": state.sr_shipment_id,
            "trackingNumber": state.awb,
            "courierName": state.courier_name,
            "courierId": state.courier_id,
            "status": STOREFRONT_PICKUP_STATUS,
            "shippingCost": state.shipping_cost,
            "paymentMethod": plan.payment_method if plan else None,
            "codAmount": plan.cod_amount if plan else None,
            "labelUrl": state.label_url,
            "manifestUrl": state.manifest_url,
            "pickupScheduledAt": state.pickup_scheduled_at,
            "channelOrderId": state.channel_order_id,
            "createdAt": iso(state.created_at or now),
            "updatedAt": iso(now),
        }
    )
    if state.shipment_key == "01" and state.order_created_at:
        fields = {
            "shipmentId": state.shipment_id,
            "awb": state.awb,
            "shipmentStatus": STOREFRONT_PICKUP_STATUS,
            "shipmentCreatedAt": iso(now),
        }
        # A single-parcel order is finished with this shipment: one write moves it on too.
        if not (
            is_only_shipment(state)
            and ctx.storefront.advance_order(
                state.order_id, state.order_created_at, "ready_for_shipment", now, fields
            )
        ):
            ctx.storefront.set_order_fields(state.order_id, state.order_created_at, fields, now)
    notice = shipped_notice(state)
    if notice is not None:
        ctx.recorder.notify(notice)
    ctx.recorder.outcome("shipment_ok", state.order_id)


def is_only_shipment(state: ShipmentState) -> bool:
    return state.plan is not None and state.plan.shipment_count == 1


def finish_orders(ctx: SweepContext, states: list[ShipmentState]) -> None:
    """An order split into parcels is ready for shipment once every one of them is booked.

    Single-parcel orders were moved on by `complete_shipment` already; only split orders (and
    plans stored before the parcel count was kept) need their other shipments read.
    """
    now = ctx.clock()
    orders = {
        (s.order_id, s.order_created_at): None
        for s in states
        if s.order_created_at and not is_only_shipment(s)
    }
    for order_id, created_at in orders:
        assert created_at is not None
        items = [i for i in ctx.store.for_order(order_id) if i["shipmentKey"] != "00"]
        if items and all(i.get("status") == ShipmentProgress.SHIPPED.value for i in items):
            ctx.storefront.advance_order(order_id, created_at, "ready_for_shipment", now)
