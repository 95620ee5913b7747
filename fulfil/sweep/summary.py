"""What a sweep run did, in a shape small enough to pass between tasks and show in the UI."""

from __future__ import annotations

from pydantic import BaseModel, Field

from fulfil.sweep.batch import BatchReport
from fulfil.sweep.chain import Outcome
from fulfil.sweep.intake import IntakeReport


class ShipmentRow(BaseModel):
    order_id: str
    shipment_key: str
    outcome: str
    resumed: bool = False
    awb: str | None = None
    courier: str | None = None
    reason: str | None = None
    detail: str | None = None


class BatchSummary(BaseModel):
    claimed: int = 0
    not_claimed: int = 0
    shiprocket_calls: int = 0
    rows: list[ShipmentRow] = Field(default_factory=list)

    @classmethod
    def from_report(cls, report: BatchReport, calls: int) -> BatchSummary:
        return cls(
            claimed=report.claimed,
            not_claimed=report.not_claimed,
            shiprocket_calls=calls,
            rows=[
                ShipmentRow(
                    order_id=r.state.order_id,
                    shipment_key=r.state.shipment_key,
                    outcome=r.outcome.value,
                    resumed=r.resumed,
                    awb=r.state.awb,
                    courier=r.state.courier_name,
                    reason=r.error_code,
                    detail=(r.message or "")[:300] or None,
                )
                for r in report.results
            ],
        )


class IntakeSummary(BaseModel):
    decisions: int = 0
    work: list[tuple[str, str]] = Field(default_factory=list)
    planned: int = 0
    reopened: int = 0
    parked: list[tuple[str, str]] = Field(default_factory=list)  # (order id, reason codes)
    skipped: list[tuple[str, str]] = Field(default_factory=list)

    @classmethod
    def from_report(cls, report: IntakeReport) -> IntakeSummary:
        return cls(
            decisions=report.decisions,
            work=report.work,
            planned=len(report.planned),
            reopened=len(report.reopened),
            parked=[
                (oid, ",".join(sorted({r.code.value for r in rs}))) for oid, rs in report.parked
            ],
            skipped=report.skipped,
        )


class SweepSummary(BaseModel):
    dry_run: bool = False
    intake: IntakeSummary
    due: int = 0
    batches: list[BatchSummary] = Field(default_factory=list)

    @property
    def rows(self) -> list[ShipmentRow]:
        return [row for b in self.batches for row in b.rows]

    def counts(self) -> dict[str, int]:
        rows = self.rows
        shipped = [r for r in rows if r.outcome == Outcome.SHIPPED.value]
        return {
            "orders_considered": self.intake.decisions,
            "shipments_due": self.due,
            "shipped_new": sum(1 for r in shipped if not r.resumed),
            "shipped_resumed": sum(1 for r in shipped if r.resumed),
            "retrying": sum(1 for r in rows if r.outcome == Outcome.RETRYING.value),
            "parked_shipments": sum(1 for r in rows if r.outcome == Outcome.PARKED.value),
            "parked_orders": len(self.intake.parked),
            "skipped_orders": len(self.intake.skipped),
            "claimed_elsewhere": sum(b.not_claimed for b in self.batches),
            "lease_lost": sum(1 for r in rows if r.outcome == Outcome.LEASE_LOST.value),
            "shiprocket_calls": sum(b.shiprocket_calls for b in self.batches),
        }

    def table(self) -> list[dict[str, str]]:
        """Rows for the run's table artifact: every shipment touched, every parked order."""
        out = [
            {
                "order": r.order_id,
                "shipment": r.shipment_key,
                "result": "resumed+shipped" if r.resumed and r.outcome == "shipped" else r.outcome,
                "awb": r.awb or "",
                "courier": r.courier or "",
                "reason": r.reason or "",
                "detail": r.detail or "",
            }
            for r in self.rows
        ]
        out += [
            {
                "order": oid,
                "shipment": "00",
                "result": "parked",
                "awb": "",
                "courier": "",
                "reason": codes,
                "detail": "order cannot be planned",
            }
            for oid, codes in self.intake.parked
        ]
        out += [
            {
                "order": oid,
                "shipment": "",
                "result": "skipped",
                "awb": "",
                "courier": "",
                "reason": reason,
                "detail": "",
            }
            for oid, reason in self.intake.skipped
        ]
        return out
