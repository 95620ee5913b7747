"""`fulfil plan`: what a sweep would do now, reading only.

The JSON form is a public interface (documented in the README); it carries no customer PII:
destinations are reduced to city, state and PIN, phones to their last four digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from fulfil.domain.contact import mask_phone
from fulfil.domain.planning import (
    Decision,
    DecisionKind,
    PlannedShipment,
    PlanningDefaults,
    plan_order,
)
from fulfil.settings import Settings
from fulfil.store.source import SourceReader

CANDIDATE_STATUS = "confirmed"


def planning_defaults(settings: Settings) -> PlanningDefaults:
    return PlanningDefaults(
        pickup_location=settings.default_pickup_location,
        pickup_pincode=settings.default_pickup_pincode,
        weight_kg=settings.default_weight_kg,
        length_cm=settings.default_length_cm,
        breadth_cm=settings.default_breadth_cm,
        height_cm=settings.default_height_cm,
    )


class PlanReport(BaseModel):
    generated_at: datetime
    decisions: list[Decision]
    reads: dict[str, int]

    def of_kind(self, kind: DecisionKind) -> list[Decision]:
        return [d for d in self.decisions if d.kind is kind]

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat(),
            "summary": {
                "shippable_orders": len(self.of_kind(DecisionKind.SHIP)),
                "planned_shipments": sum(len(d.shipments) for d in self.of_kind(DecisionKind.SHIP)),
                "parked_orders": len(self.of_kind(DecisionKind.PARK)),
                "skipped_orders": len(self.of_kind(DecisionKind.SKIP)),
            },
            "shippable": [
                {"order_id": d.order_id, "shipments": [shipment_json(s) for s in d.shipments]}
                for d in self.of_kind(DecisionKind.SHIP)
            ],
            "parked": [
                {
                    "order_id": d.order_id,
                    "reasons": [
                        {"field": r.field, "code": r.code.value, "message": r.message}
                        for r in d.rejections
                    ],
                }
                for d in self.of_kind(DecisionKind.PARK)
            ],
            "skipped": [
                {"order_id": d.order_id, "reason": d.skip_reason.value if d.skip_reason else None}
                for d in self.of_kind(DecisionKind.SKIP)
            ],
            "reads": self.reads,
        }


def shipment_json(s: PlannedShipment) -> dict[str, Any]:
    return {
        "index": s.index,
        "shipment_id": s.shipment_id,
        "channel_order_id": s.channel_order_id(),
        "pickup_location": s.pickup_location,
        "seller_id": s.seller_id,
        "payment_method": s.payment_method,
        "cod_amount": str(s.cod_amount),
        "declared_value": str(s.declared_value),
        "sub_total": str(s.sub_total),
        "weight_kg": str(s.weight_kg),
        "dimensions_cm": [str(s.length_cm), str(s.breadth_cm), str(s.height_cm)],
        "items": [
            {"product_id": i.product_id, "units": i.units, "unit_price": str(i.unit_price)}
            for i in s.items
        ],
        "destination": {
            "city": s.destination.city,
            "state": s.destination.state,
            "pincode": s.destination.pincode,
            "phone": mask_phone(s.destination.phone_e164),
        },
    }


def build_plan(
    reader: SourceReader,
    settings: Settings,
    *,
    order_ids: Sequence[str] | None = None,
    limit: int | None = None,
) -> PlanReport:
    """Plan the candidate orders (or the named ones), without writing anything."""
    if order_ids:
        orders = reader.get_orders(order_ids)
    else:
        orders = list(reader.iter_orders_by_status(CANDIDATE_STATUS, limit=limit))
    defaults = planning_defaults(settings)
    decisions = [plan_order(b, defaults) for b in reader.load_bundles(orders)]
    return PlanReport(
        generated_at=datetime.now(UTC),
        decisions=decisions,
        reads={"calls": reader.stats.calls, "items": reader.stats.items},
    )


def render_text(report: PlanReport) -> str:
    data = report.to_json()
    s = data["summary"]
    lines = [
        f"Plan at {data['generated_at']}: {s['shippable_orders']} orders to ship "
        f"({s['planned_shipments']} shipments), {s['parked_orders']} parked, "
        f"{s['skipped_orders']} skipped; {data['reads']['calls']} DynamoDB calls.",
    ]
    for d in data["shippable"][:20]:
        parts = ", ".join(
            f"#{x['index']} {x['payment_method']} from {x['pickup_location']} to "
            f"{x['destination']['city']} {x['destination']['pincode']} ({x['weight_kg']} kg)"
            for x in d["shipments"]
        )
        lines.append(f"  ship   {d['order_id']}: {parts}")
    for d in data["parked"]:
        reasons = "; ".join(f"{r['code']} at {r['field']}" for r in d["reasons"])
        lines.append(f"  park   {d['order_id']}: {reasons}")
    for d in data["skipped"][:20]:
        lines.append(f"  skip   {d['order_id']}: {d['reason']}")
    return "\n".join(lines)
