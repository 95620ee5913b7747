"""What one tracking sync did: counts, and one line per change, exception, stuck shipment.

Each chunk (and the inbox and the stuck pass) returns its own report; the run merges them.
`table()` gives the rows of the flow's table artifact, each with the Shiprocket tracking URL
and the command that prints the shipment's timeline.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

__all__ = ["Line", "TrackingReport"]


class Line(BaseModel):
    """One row of the artifact."""

    kind: str  # change, exception, stuck, retired, reported, notice, error
    awb: str | None = None
    order_id: str | None = None
    shipment_key: str | None = None
    what: str = ""  # `old -> new`, the exception kind, the rule, the reported problem
    detail: str = ""
    severity: str | None = None
    at: str | None = None
    tracking_url: str | None = None

    @property
    def timeline_command(self) -> str:
        return f"fulfil track --awb {self.awb}" if self.awb else ""


_COUNTERS = (
    "active",
    "tracked",
    "api_calls",
    "found",
    "no_activity",
    "no_data",
    "scans_new",
    "events_stored",
    "events_repeated",
    "status_changes",
    "conflicts",
    "escalations",
    "notifications",
    "retired",
    "stuck",
    "inbox_applied",
    "inbox_unknown_awb",
    "inbox_invalid",
    "items_read_active",
    "items_read_other",
    "dynamo_calls",
    "failed_chunks",
)


class TrackingReport(BaseModel):
    """Counts and lines; every counter adds up when reports merge."""

    dry_run: bool = False
    active: int = 0
    tracked: int = 0
    api_calls: int = 0
    found: int = 0
    no_activity: int = 0
    no_data: int = 0
    scans_new: int = 0
    events_stored: int = 0
    events_repeated: int = 0
    status_changes: int = 0
    conflicts: int = 0
    escalations: int = 0
    notifications: int = 0
    retired: int = 0
    stuck: int = 0
    inbox_applied: int = 0
    inbox_unknown_awb: int = 0
    inbox_invalid: int = 0
    items_read_active: int = 0
    items_read_other: int = 0
    dynamo_calls: int = 0
    failed_chunks: int = 0
    lines: list[Line] = Field(default_factory=list)

    def merged(self, other: TrackingReport) -> TrackingReport:
        data: dict[str, Any] = {n: getattr(self, n) + getattr(other, n) for n in _COUNTERS}
        data["dry_run"] = self.dry_run or other.dry_run
        data["lines"] = [*self.lines, *other.lines]
        return TrackingReport(**data)

    def add(self, line: Line) -> None:
        self.lines.append(line)

    def of_kind(self, kind: str) -> list[Line]:
        return [line for line in self.lines if line.kind == kind]

    @property
    def items_read(self) -> int:
        return self.items_read_active + self.items_read_other

    @property
    def calls_per_ideal(self) -> float:
        """Bulk calls made / ceil(tracked / 50): 1.0 is one call per full chunk."""
        ideal = math.ceil(self.tracked / 50) if self.tracked else 0
        return self.api_calls / ideal if ideal else 0.0

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _COUNTERS}

    def table(self) -> list[dict[str, Any]]:
        """Artifact rows: changes, exceptions, stuck and reported problems, URL per AWB."""
        order = {"exception": 0, "stuck": 1, "retired": 2, "reported": 3, "error": 4}
        rows = sorted(self.lines, key=lambda line: (order.get(line.kind, 9), line.awb or ""))
        return [
            {
                "kind": line.kind,
                "awb": line.awb or "",
                "order": line.order_id or "",
                "what": line.what,
                "severity": line.severity or "",
                "at": line.at or "",
                "detail": line.detail[:300],
                "tracking_url": line.tracking_url or "",
                "timeline": line.timeline_command,
            }
            for line in rows
            if line.kind != "notice"
        ]

    def summary_markdown(self) -> str:
        """A short markdown summary (counts and the two efficiency figures)."""
        counts = "\n".join(f"| {k} | {v} |" for k, v in self.counts().items())
        ratio = self.items_read / self.active if self.active else 0.0
        return (
            f"## sync-tracking{' (dry run)' if self.dry_run else ''}\n\n"
            f"- bulk calls / ceil(tracked/50): **{self.calls_per_ideal:.2f}**\n"
            f"- items read / active shipments: **{ratio:.3f}**\n\n"
            "Timeline of any shipment: `fulfil track --awb <AWB>`.\n\n"
            f"| counter | value |\n|---|---|\n{counts}\n"
        )
