"""The sweep's plain-Python entry points, shared by the Prefect tasks, the CLI and the tests.

Each function builds its own DynamoDB and HTTP clients: tasks may run in other threads or
processes, and boto3 clients and httpx clients are cheap to make but not to share across loops.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import httpx
from pydantic import BaseModel, Field, field_validator

from fulfil.settings import Settings
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.shiprocket.client_core import build_async_http_client
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.shiprocket.ratelimit import process_rate_limiter
from fulfil.store.coalesce import CoalescingClient, shared_coalescing_client
from fulfil.store.dynamo import DynamoDBClient, make_client
from fulfil.store.fulfilment import FulfilmentStore, iso
from fulfil.store.source import SourceReader
from fulfil.store.storefront import StorefrontWriter
from fulfil.store.tokens import DynamoTokenStore
from fulfil.sweep.batch import BatchReport, run_batch
from fulfil.sweep.context import EscalationRecorder, MemoryRecorder, SweepContext, utc_now
from fulfil.sweep.intake import IntakeReport, run_intake


class SweepParameters(BaseModel):
    """What an operator may ask of a sweep (validated before any work starts)."""

    order_ids: list[str] | None = Field(None, max_length=500)
    limit: int | None = Field(None, ge=1, le=1_000_000)
    dry_run: bool = False
    batch_size: int = Field(50, ge=1, le=500)
    max_concurrency: int = Field(8, ge=1, le=64)

    @field_validator("order_ids")
    @classmethod
    def _clean_ids(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [v.strip() for v in value if v and v.strip()]
        if any(len(v) > 100 for v in cleaned):
            raise ValueError("an order id is longer than 100 characters")
        return cleaned or None


RecorderFactory = Callable[[DynamoDBClient, Settings], EscalationRecorder]


def default_recorder(client: DynamoDBClient, settings: Settings) -> EscalationRecorder:
    """The outbox-backed recorder (escalations and outcomes stored for `deliver-outbound`)."""
    from fulfil.sweep.recorder import OutboxRecorder

    recorder: EscalationRecorder = OutboxRecorder(client, settings)
    return recorder


@dataclass
class Stores:
    client: DynamoDBClient
    reader: SourceReader
    fulfilment: FulfilmentStore
    storefront: StorefrontWriter


def open_stores(settings: Settings, client: DynamoDBClient | None = None) -> Stores:
    """The sweep's stores over one client; concurrent writes are coalesced when enabled.

    Without a client given, every caller in the process shares one coalescing client, so the
    writes of all batch threads join the same groups.
    """
    # (a coalescing client has the boto3 client's methods: typed as the client it stands for)
    if client is None and settings.write_coalescing:
        key = (
            settings.region,
            settings.dynamodb_max_attempts,
            os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL"),
            os.environ.get("AWS_ACCESS_KEY_ID"),
        )
        client = cast(DynamoDBClient, shared_coalescing_client(key, lambda: make_client(settings)))
    elif client is None:
        client = make_client(settings)
    elif settings.write_coalescing and not isinstance(client, CoalescingClient):
        client = cast(DynamoDBClient, CoalescingClient(client))
    return Stores(
        client=client,
        reader=SourceReader(client, settings.tables),
        fulfilment=FulfilmentStore(client, settings.tables, shards=settings.queue_shards),
        storefront=StorefrontWriter(client, settings.tables),
    )


def intake(
    settings: Settings,
    params: SweepParameters,
    *,
    now: datetime | None = None,
    client: DynamoDBClient | None = None,
    recorder: RecorderFactory = default_recorder,
    flow_run_url: str | None = None,
) -> IntakeReport:
    stores = open_stores(settings, client)
    rec: EscalationRecorder = (
        MemoryRecorder() if params.dry_run else recorder(stores.client, settings)
    )
    return run_intake(
        reader=stores.reader,
        store=stores.fulfilment,
        storefront=stores.storefront,
        recorder=rec,
        settings=settings,
        now=now or utc_now(),
        order_ids=params.order_ids,
        limit=params.limit,
        dry_run=params.dry_run,
        flow_run_url=flow_run_url,
    )


def due_work(
    settings: Settings,
    params: SweepParameters,
    fresh: Sequence[tuple[str, str]],
    *,
    now: datetime | None = None,
    client: DynamoDBClient | None = None,
) -> list[tuple[str, str]]:
    """Fresh intake work first, then everything due on DueIndex (or only the named orders)."""
    stores = open_stores(settings, client)
    now = now or utc_now()
    keys: dict[tuple[str, str], None] = dict.fromkeys(fresh)
    if params.order_ids:
        for oid in params.order_ids:
            for item in stores.fulfilment.for_order(oid):
                if item.get("dueAt") and item["dueAt"] <= iso(now):
                    keys[(item["orderId"], item["shipmentKey"])] = None
    else:
        for item in stores.fulfilment.iter_due(now, limit=params.limit):
            keys[(item["orderId"], item["shipmentKey"])] = None
    work = list(keys)
    return work[: params.limit] if params.limit else work


def new_owner() -> str:
    return f"sweep-{uuid.uuid4().hex[:12]}"


def shiprocket_client(
    settings: Settings,
    dynamo: DynamoDBClient,
    http: httpx.AsyncClient,
    *,
    config: ShiprocketConfig | None = None,
    credentials: ShiprocketCredentials | None = None,
    before_request: Callable[[], Any] | None = None,
) -> AsyncShiprocketClient:
    config = config or ShiprocketConfig()
    return AsyncShiprocketClient(
        http,
        credentials=credentials or config.credentials(),
        config=config,
        token_store=DynamoTokenStore(dynamo, settings.tables),
        before_request=before_request,
        # one budget per process, shared by every batch thread (each has its own event loop)
        rate_limiter=process_rate_limiter(config.requests_per_minute, config.burst),
    )


async def ship_batch_async(
    settings: Settings,
    keys: list[tuple[str, str]],
    *,
    owner: str,
    max_concurrency: int = 8,
    client: DynamoDBClient | None = None,
    http: httpx.AsyncClient | None = None,
    config: ShiprocketConfig | None = None,
    credentials: ShiprocketCredentials | None = None,
    recorder: RecorderFactory = default_recorder,
    clock: Callable[[], datetime] = utc_now,
    flow_run_url: str | None = None,
    before_request: Callable[[], Any] | None = None,
) -> tuple[BatchReport, int]:
    """Claim and ship one batch; returns the report and the Shiprocket calls made."""
    stores = open_stores(settings, client)
    config = config or ShiprocketConfig()
    # DynamoDB calls run in threads (boto3 is sync): give them as many threads as the batch has
    # chains in flight, not asyncio's default of cpu + 4, or the store becomes the bottleneck.
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=max(8, 2 * max_concurrency))
    loop.set_default_executor(executor)
    own_http = http is None
    http = http or build_async_http_client(config)
    try:
        ctx = SweepContext(
            settings=settings,
            store=stores.fulfilment,
            storefront=stores.storefront,
            recorder=recorder(stores.client, settings),
            owner=owner,
            clock=clock,
            flow_run_url=flow_run_url,
            client=shiprocket_client(
                settings,
                stores.client,
                http,
                config=config,
                credentials=credentials,
                before_request=before_request,
            ),
        )
        report = await run_batch(ctx, keys, max_concurrency=max_concurrency)
        return report, ctx.shiprocket_calls
    finally:
        if own_http:
            await http.aclose()
        executor.shutdown(wait=False)


def ship_batch(
    settings: Settings, keys: list[tuple[str, str]], **kwargs: Any
) -> tuple[BatchReport, int]:
    """Synchronous wrapper (one event loop per call: safe from Prefect's worker threads)."""
    return asyncio.run(ship_batch_async(settings, keys, **kwargs))


def run_sweep(
    settings: Settings,
    params: SweepParameters,
    *,
    workers: int = 4,
    owner: str | None = None,
    **batch_kwargs: Any,
) -> tuple[IntakeReport, list[tuple[BatchReport, int]]]:
    """A whole sweep without Prefect (the same steps the flow runs, batches in threads)."""
    report = intake(settings, params)
    if params.dry_run:
        return report, []
    keys = due_work(settings, params, report.work)
    owner = owner or new_owner()
    batches = [keys[i : i + params.batch_size] for i in range(0, len(keys), params.batch_size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(
            pool.map(
                lambda batch: ship_batch(
                    settings,
                    batch,
                    owner=owner,
                    max_concurrency=params.max_concurrency,
                    **batch_kwargs,
                ),
                batches,
            )
        )
    return report, results
