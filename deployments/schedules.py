"""One source of truth for the scheduled deployments: names, schedules, limits, tags, parameters.

`prefect.yaml` (work-pool deployments, `prefect deploy --all`) and `fulfil serve` (one local
process, no work pool) must schedule the same thing, so both are checked against this module:
serve builds its deployments from it, and `tests/unit/ops/test_prefect_yaml.py` compares the YAML
with it field by field. Pure data, no Prefect import: the test and the docs load it cheaply.

Why these collision strategies: every flow except `report` is incremental (it reads what is due
from DynamoDB), so a tick skipped while the previous run is still busy loses nothing; the next
tick picks the work up. `CANCEL_NEW` therefore keeps a slow sweep from growing a queue of runs
that would start back to back and each find nothing left to do. The daily report is the opposite:
skipping it would skip a day, and it never piles up, so it waits (`ENQUEUE`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DEPLOYMENTS",
    "DEPLOYMENT_NAME",
    "SERVE_DEPLOYMENT_NAME",
    "TIMEZONE",
    "WORK_POOL",
    "DeploymentSpec",
    "ScheduleSpec",
    "by_flow_name",
]

TIMEZONE = "Asia/Kolkata"
WORK_POOL = "fulfilment-process"
# `prefect.yaml` deployments are `<flow>/scheduled`; `fulfil serve` registers `<flow>/local`, so a
# developer serving against a shared server never takes over the work-pool deployments.
DEPLOYMENT_NAME = "scheduled"
SERVE_DEPLOYMENT_NAME = "local"


def _anchor(minutes_seconds: str) -> str:
    """An interval anchor: minutes past IST midnight on a fixed day, with an explicit offset
    (a naive anchor would be read as UTC). Offsets keep runs of different flows apart."""
    return f"2026-01-01T00:{minutes_seconds}+05:30"


CollisionStrategy = Literal["CANCEL_NEW", "ENQUEUE"]


@dataclass(frozen=True)
class ScheduleSpec:
    """Exactly one of `interval_seconds` (with an anchor) or `cron`; always in `TIMEZONE`."""

    slug: str
    interval_seconds: int | None = None
    anchor_date: str | None = None
    cron: str | None = None
    timezone: str = TIMEZONE

    def __post_init__(self) -> None:
        if (self.interval_seconds is None) == (self.cron is None):
            raise ValueError(f"schedule {self.slug}: give exactly one of interval or cron")
        if self.interval_seconds is not None and self.anchor_date is None:
            raise ValueError(f"schedule {self.slug}: an interval needs an anchor_date")

    def as_yaml(self) -> dict[str, Any]:
        """The entry as written under `schedules:` in prefect.yaml."""
        entry: dict[str, Any] = {}
        if self.interval_seconds is not None:
            entry["interval"] = self.interval_seconds
            entry["anchor_date"] = self.anchor_date
        else:
            entry["cron"] = self.cron
        entry.update(timezone=self.timezone, slug=self.slug, active=True)
        return entry


@dataclass(frozen=True)
class DeploymentSpec:
    """One flow's deployment: what runs, when, how many at once, with which defaults."""

    flow_name: str
    entrypoint: str  # `flows/<file>.py:<function>`, relative to the project root
    schedule: ScheduleSpec
    tags: tuple[str, ...]
    parameters: dict[str, Any] = field(default_factory=dict)
    collision_strategy: CollisionStrategy = "CANCEL_NEW"
    concurrency_limit: int = 1
    # How long a run may sit in Pending (worker starting it) before its slot is taken back:
    # short, so a worker that died mid-start blocks at most one tick of a 5-minute schedule.
    grace_period_seconds: int = 120

    @property
    def name(self) -> str:
        return DEPLOYMENT_NAME

    @property
    def full_name(self) -> str:
        """`<flow>/<deployment>`, as `prefect deployment run` takes it."""
        return f"{self.flow_name}/{self.name}"

    @property
    def module_and_function(self) -> tuple[str, str]:
        """`("flows.fulfil_paid_orders", "fulfil_paid_orders")` from the entrypoint."""
        path, function = self.entrypoint.split(":")
        return path.removesuffix(".py").replace("/", "."), function

    def concurrency_yaml(self) -> dict[str, Any]:
        return {
            "limit": self.concurrency_limit,
            "collision_strategy": self.collision_strategy,
            "grace_period_seconds": self.grace_period_seconds,
        }


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        flow_name="fulfil-paid-orders",
        entrypoint="flows/fulfil_paid_orders.py:fulfil_paid_orders",
        schedule=ScheduleSpec(
            slug="every-5-minutes", interval_seconds=300, anchor_date=_anchor("00:00")
        ),
        tags=("fulfilment", "sweep", "shiprocket"),
        parameters={
            "dry_run": False,
            "batch_size": 50,
            "max_concurrency": 8,
            "deliver_outbound": True,
        },
    ),
    DeploymentSpec(
        flow_name="sync-tracking",
        entrypoint="flows/sync_tracking.py:sync_tracking",
        schedule=ScheduleSpec(
            slug="every-15-minutes", interval_seconds=900, anchor_date=_anchor("03:45")
        ),
        tags=("fulfilment", "tracking", "shiprocket"),
        parameters={"dry_run": False, "deliver_outbound": True},
    ),
    DeploymentSpec(
        flow_name="deliver-outbound",
        entrypoint="flows/deliver_outbound.py:deliver_outbound",
        schedule=ScheduleSpec(
            slug="every-5-minutes", interval_seconds=300, anchor_date=_anchor("02:30")
        ),
        tags=("fulfilment", "outbound", "jira", "whatsapp"),
        parameters={"dry_run": False},
    ),
    DeploymentSpec(
        flow_name="snapshot",
        entrypoint="flows/snapshot.py:snapshot",
        schedule=ScheduleSpec(slug="hourly", cron="5 * * * *"),
        tags=("fulfilment", "analytics"),
        parameters={"full": False},
        grace_period_seconds=300,
    ),
    DeploymentSpec(
        flow_name="report",
        entrypoint="flows/report.py:report",
        schedule=ScheduleSpec(slug="daily-0730-ist", cron="30 7 * * *"),
        tags=("fulfilment", "analytics", "report"),
        parameters={"days": 30},
        collision_strategy="ENQUEUE",
        grace_period_seconds=300,
    ),
)


def by_flow_name() -> dict[str, DeploymentSpec]:
    return {spec.flow_name: spec for spec in DEPLOYMENTS}
