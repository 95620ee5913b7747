"""What a delivery pass did: counts per outcome and the failures worth a person's attention."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MAX_FAILURE_LINES", "DeliveryReport", "FailureLine", "Outcome"]

MAX_FAILURE_LINES = 100


class Outcome(StrEnum):
    """What became of one pending item in one pass."""

    SENT = "sent"  # notification accepted
    CREATED = "created"  # escalation opened a ticket
    COMMENTED = "commented"  # escalation commented on the open ticket
    SKIPPED = "skipped"  # no usable mobile number
    FAILED = "failed"  # permanent failure (or retries exhausted), marked with the reason
    RETRY = "retry"  # transient failure, rescheduled with backoff
    DEFERRED = "deferred"  # the same ticket is being created by another run: back shortly
    BUSY = "busy"  # leased by another run (or no longer due)
    LEASE_LOST = "lease_lost"  # our lease expired before we could record the outcome
    DUE = "due"  # dry run: would be attempted


class FailureLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    outbox_id: str
    outcome: Outcome
    attempts: int
    reason: str


class DeliveryReport(BaseModel):
    """Counts per outcome for one kind (or several), plus failure lines (capped)."""

    kind: str
    counts: dict[str, int] = Field(default_factory=dict)
    failures: list[FailureLine] = Field(default_factory=list)
    seen: int = 0
    circuit_open: bool = False  # the provider kept failing: the pass stopped calling it
    time_up: bool = False  # the pass used its time budget: the rest is for the next batch

    def count(self, outcome: Outcome) -> int:
        return self.counts.get(outcome.value, 0)

    @property
    def claimed(self) -> int:
        """Items this pass acted on (everything but busy ones and dry-run previews)."""
        idle = self.count(Outcome.BUSY) + self.count(Outcome.DUE)
        return sum(self.counts.values()) - idle

    def add(self, outcome: Outcome, failure: FailureLine | None = None) -> None:
        self.counts[outcome.value] = self.counts.get(outcome.value, 0) + 1
        if failure is not None and len(self.failures) < MAX_FAILURE_LINES:
            self.failures.append(failure)

    def merged(self, other: DeliveryReport) -> DeliveryReport:
        counts = dict(self.counts)
        for key, value in other.counts.items():
            counts[key] = counts.get(key, 0) + value
        kind = self.kind if self.kind == other.kind else f"{self.kind}+{other.kind}"
        return DeliveryReport(
            kind=kind,
            counts=counts,
            failures=(self.failures + other.failures)[:MAX_FAILURE_LINES],
            seen=self.seen + other.seen,
            circuit_open=self.circuit_open or other.circuit_open,
            time_up=self.time_up or other.time_up,
        )
