"""Bulk DynamoDB reads for the snapshot: parallel Scan/Query without botocore's shape parser.

Why not plain `client.scan`: botocore walks every returned value against the service model
(`JSONParser._parse_shape`), which is ~85 % of the cost of a large read (integrations.md §5).
Why not our own signed HTTP requests: the client already does endpoint resolution, SigV4, retries
(standard mode, throttling) and is what moto's `mock_aws` intercepts in tests.

So the call still goes through the low-level client, and a handler on botocore's
`before-parse.dynamodb.{Scan,Query}` event takes the raw body first: `json.loads` it, deserialises
the items with `fulfil.analytics.attrvalue` (Decimal for N, like `TypeDeserializer`), hands them
back under `FAST_ITEMS` (botocore merges the handler's `customized_response_dict` into the
result), and leaves the parser an empty `{}` to walk. Error responses are left alone, so retries
and `ClientError`s behave exactly as usual. The handler is registered once per client and acts
only inside `FastReader` calls on the same thread (a thread-local switch), so other code using
the same client sees ordinary responses. Should a botocore release stop emitting the event, the
reader falls back to deserialising the parsed `Items` itself: slower, never wrong.

Parallelism: a Scan is split with `Segment`/`TotalSegments` (sized from the table, see
`segments_for`), each segment paginated on its own `LastEvaluatedKey`; all segments of all
tables run in one thread pool (the client is thread-safe).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from fulfil.analytics.attrvalue import deserialize_item
from fulfil.store.dynamo import DynamoDBClient

__all__ = ["FAST_ITEMS", "FastReader", "ReadJob", "ReadStats", "install_fast_parser"]

FAST_ITEMS = "FulfilFastItems"
SEGMENT_BYTES = 256 * 1024 * 1024
MAX_SEGMENTS = 32
_PAGE_KEYS = ("LastEvaluatedKey", "Count", "ScannedCount")
_OPERATIONS = ("Scan", "Query")
_switch = threading.local()


def _skip_shape_parser(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    """botocore `before-parse` handler: decode Items from the raw JSON body, hide them from the
    shape parser. Acts only while a FastReader call is running on this thread."""
    if not getattr(_switch, "on", False) or response_dict.get("status_code", 500) >= 300:
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes | bytearray | str):
        return
    data = json.loads(body)
    customized_response_dict[FAST_ITEMS] = [deserialize_item(i) for i in data.get("Items", ())]
    for key in _PAGE_KEYS:
        if key in data:
            customized_response_dict[key] = data[key]
    response_dict["body"] = b"{}"


def install_fast_parser(client: DynamoDBClient) -> None:
    """Register the handler on this client's events (idempotent: one unique id per operation)."""
    for operation in _OPERATIONS:
        client.meta.events.register(
            f"before-parse.dynamodb.{operation}",
            _skip_shape_parser,
            unique_id=f"fulfil-fastscan-{operation}",
        )


@contextmanager
def _fast_parsing() -> Iterator[None]:
    previous = getattr(_switch, "on", False)
    _switch.on = True
    try:
        yield
    finally:
        _switch.on = previous


@dataclass(frozen=True)
class ReadJob:
    """One paginated read: a Scan segment or a Query, labelled with the table it feeds."""

    label: str
    operation: str  # "scan" or "query"
    request: Mapping[str, Any]


@dataclass
class ReadStats:
    """Calls made and items returned, per label (thread-safe). `parsed_pages` counts pages
    that went through botocore's parser because the fast path did not run (should stay 0)."""

    calls: int = 0
    parsed_pages: int = 0
    items: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, label: str, items: int, *, fast: bool = True) -> None:
        with self._lock:
            self.calls += 1
            self.parsed_pages += 0 if fast else 1
            self.items[label] = self.items.get(label, 0) + items

    @property
    def total_items(self) -> int:
        return sum(self.items.values())


def projection(attributes: Sequence[str]) -> dict[str, Any]:
    """`ProjectionExpression` + names for these attributes (placeholders dodge reserved words)."""
    names = {f"#p{i}": name for i, name in enumerate(attributes)}
    return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}


class FastReader:
    """Runs ReadJobs in parallel through one low-level client, returning deserialised items."""

    def __init__(self, client: DynamoDBClient, *, workers: int = 8) -> None:
        self._client = client
        self._workers = max(1, workers)
        self.stats = ReadStats()
        install_fast_parser(client)

    def segments_for(
        self, table: str, *, segment_bytes: int = SEGMENT_BYTES, limit: int = MAX_SEGMENTS
    ) -> int:
        """How many scan segments `table` deserves: one per `segment_bytes` of its size.

        A segment reads ~1 MB per call, one call after the other, so small tables gain nothing
        from splitting (and pay one extra call per segment); big ones scale with the size.
        `TableSizeBytes` is refreshed by DynamoDB about every six hours, plenty for sizing.
        Without permission to describe the table, four segments.
        """
        try:
            size = int(self._client.describe_table(TableName=table)["Table"]["TableSizeBytes"])
        except (BotoCoreError, ClientError, KeyError, TypeError, ValueError):
            return 4
        return max(1, min(limit, -(-size // segment_bytes)))

    @staticmethod
    def scan_jobs(
        label: str,
        table: str,
        *,
        segments: int,
        attributes: Sequence[str] | None = None,
    ) -> list[ReadJob]:
        """A parallel scan of `table` as `segments` jobs (Segment 0..n-1 of TotalSegments n)."""
        base: dict[str, Any] = {"TableName": table}
        if attributes:
            base.update(projection(attributes))
        if segments <= 1:
            return [ReadJob(label, "scan", base)]
        return [
            ReadJob(label, "scan", {**base, "Segment": s, "TotalSegments": segments})
            for s in range(segments)
        ]

    def run(self, jobs: Sequence[ReadJob]) -> dict[str, list[dict[str, Any]]]:
        """Run every job to its last page; items grouped by label (order within a label is not
        meaningful)."""
        results: dict[str, list[dict[str, Any]]] = {job.label: [] for job in jobs}
        if not jobs:
            return results
        with ThreadPoolExecutor(max_workers=min(self._workers, len(jobs))) as pool:
            for job, items in zip(jobs, pool.map(self._run_one, jobs), strict=True):
                results[job.label].extend(items)
        return results

    def _run_one(self, job: ReadJob) -> list[dict[str, Any]]:
        call = self._client.scan if job.operation == "scan" else self._client.query
        request = dict(job.request)
        items: list[dict[str, Any]] = []
        with _fast_parsing():
            while True:
                page: Mapping[str, Any] = call(**request)
                page_items = page.get(FAST_ITEMS)
                fast = page_items is not None
                if page_items is None:  # the event did not fire: deserialise the parsed items
                    page_items = [deserialize_item(i) for i in page.get("Items", ())]
                items.extend(page_items)
                self.stats.record(job.label, len(page_items), fast=fast)
                last = page.get("LastEvaluatedKey")
                if not last:
                    return items
                request["ExclusiveStartKey"] = last
