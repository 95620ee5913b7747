"""Thin Prefect tasks for the sweep: each wraps one plain function of `fulfil.sweep.service`.

Tasks are batch-sized (never one task run per order: the server absorbs ~35 task runs/s), retry
only on infrastructure errors (DynamoDB or network trouble), never on programming errors, and
never cache (every run must look at the store afresh).
"""

from __future__ import annotations

from typing import Any

import httpx
from botocore.exceptions import BotoCoreError, ClientError
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from fulfil.settings import load_settings
from fulfil.sweep.service import SweepParameters, due_work, intake, ship_batch
from fulfil.sweep.summary import BatchSummary, IntakeSummary

RETRYABLE = (BotoCoreError, ClientError, httpx.TransportError, ConnectionError, TimeoutError)


def infrastructure_failure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a task only when it failed on DynamoDB or the network, not on a bug."""
    try:
        state.result()
    except RETRYABLE:
        return True
    except Exception:
        return False
    return False


BACKOFF = exponential_backoff(backoff_factor=5)


@task(
    name="intake-orders",
    task_run_name="intake-orders",
    retries=2,
    retry_delay_seconds=BACKOFF,
    retry_jitter_factor=0.5,
    retry_condition_fn=infrastructure_failure,
    cache_policy=NO_CACHE,
)
def intake_orders(params: SweepParameters, flow_run_url: str | None = None) -> IntakeSummary:
    """Plan newly confirmed orders (or the named ones); record shipments or park orders."""
    report = intake(load_settings(), params, flow_run_url=flow_run_url)
    return IntakeSummary.from_report(report)


@task(
    name="find-due-work",
    task_run_name="find-due-work",
    retries=2,
    retry_delay_seconds=BACKOFF,
    retry_jitter_factor=0.5,
    retry_condition_fn=infrastructure_failure,
    cache_policy=NO_CACHE,
)
def find_due_work(params: SweepParameters, fresh: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fresh intake work first, then everything due on the due index."""
    return due_work(load_settings(), params, fresh)


@task(
    name="ship-batch",
    task_run_name="ship-batch-{label}",  # e.g. ship-batch-003-of-012
    retries=2,
    retry_delay_seconds=BACKOFF,
    retry_jitter_factor=0.5,
    retry_condition_fn=infrastructure_failure,
    cache_policy=NO_CACHE,
)
def ship_batch_task(
    keys: list[tuple[str, str]],
    params: SweepParameters,
    owner: str,
    flow_run_url: str | None = None,
    label: str = "1-of-1",
) -> BatchSummary:
    """Claim and ship one batch of shipments (async, bounded concurrency inside).

    `label` only names the task run (`ship-batch-003-of-012`): a template filled from the
    parameters is far cheaper than `with_options` per batch, which re-inspects the task.
    """
    from fulfil.sweep.ratelimit import global_rate_limit_hook

    settings = load_settings()
    report, calls = ship_batch(
        settings,
        [(str(k[0]), str(k[1])) for k in keys],  # lists after a round trip through JSON
        owner=owner,
        max_concurrency=params.max_concurrency,
        flow_run_url=flow_run_url,
        before_request=global_rate_limit_hook(settings),
    )
    return BatchSummary.from_report(report, calls)
