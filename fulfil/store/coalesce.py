"""Group commit for DynamoDB writes: many threads' single writes, sent as one transaction.

Why: a sweep keeps dozens of shipment chains in flight, and each step of each chain ends in one
small conditional write. Sent one by one, those writes cost a round trip and a request's worth of
CPU each (signing, JSON, HTTP) on both sides; a local DynamoDB saturates at a few hundred of them
a second. `TransactWriteItems` takes up to 100 writes in one request, so while one flush is in
flight the writes that arrive meanwhile queue up and leave together in the next one.

Semantics are exactly those of the single calls, which is what lets every store use this
client unchanged:
- a thread calling `put_item`/`update_item` blocks until *its* write is applied (or refused), so
  "each step recorded before the next" still holds per caller;
- a write alone in the queue is sent as the plain single call (no transaction, no extra cost);
- if a transaction is cancelled (a condition failed, a conflict) or rejected as a whole (e.g. two
  writes to one item), nothing of it was applied, and every write in it is sent again on its
  own: each caller then sees exactly the answer (or the `ConditionalCheckFailedException`) its
  single call gives;
- other errors (network, throttling after botocore's retries) reach every caller of that
  transaction, as they would have reached each single call. botocore fills in the
  transaction's `ClientRequestToken`, so its own retries of one transaction apply it once.

Writes that ask for values back (`ReturnValues` other than NONE) and every other operation go
straight to the wrapped client. Cost note: a transactional write consumes two write units per
item on real DynamoDB; `FULFIL_WRITE_COALESCING=false` turns this off.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit per TransactWriteItems
# Request parameters a single write may carry that a transaction's action does not accept.
_NOT_IN_TRANSACTIONS = (
    "ReturnValues",
    "ReturnConsumedCapacity",
    "ReturnItemCollectionMetrics",
)
_FALL_BACK_ON = ("TransactionCanceledException", "ValidationException")


def _wants_answer(request: dict[str, Any]) -> bool:
    """A write that asks for values or metrics back cannot be answered from a transaction."""
    return any(request.get(k, "NONE") != "NONE" for k in _NOT_IN_TRANSACTIONS)


@dataclass
class _Write:
    kind: str  # "Put" or "Update": the transaction action and the single call's name
    request: dict[str, Any]
    done: bool = False
    lead: bool = False  # this write's thread is to flush the next group
    result: Any = None
    error: BaseException | None = None
    wake: threading.Event = field(default_factory=threading.Event)


@dataclass
class CoalescingStats:
    """What the coalescer did (for benchmarks and tests)."""

    writes: int = 0
    transactions: int = 0
    transacted_writes: int = 0
    singles: int = 0
    fallbacks: int = 0
    largest: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class CoalescingClient:
    """Wraps a boto3 DynamoDB client; `put_item`/`update_item` from many threads are coalesced.

    `max_flushes` bounds the transactions in flight at once (a little parallelism keeps the
    server busy while the next group forms).
    """

    def __init__(
        self,
        client: Any,
        *,
        max_items: int = MAX_TRANSACTION_ITEMS,
        max_flushes: int = 1,
    ) -> None:
        if not 1 <= max_items <= MAX_TRANSACTION_ITEMS:
            raise ValueError(f"max_items must be 1-{MAX_TRANSACTION_ITEMS}")
        self._client = client
        self._max_items = max_items
        self._max_flushes = max(1, max_flushes)
        self._queue: deque[_Write] = deque()
        self._flushing = 0  # flush slots taken (threads flushing, or handed a slot to flush)
        self._lock = threading.Lock()
        self.stats = CoalescingStats()

    def __getattr__(self, name: str) -> Any:
        # every other operation (query, get_item, batch_*, transact_*) goes straight through
        return getattr(self._client, name)

    def put_item(self, **request: Any) -> Any:
        if _wants_answer(request):
            return self._client.put_item(**request)
        return self._write("Put", request)

    def update_item(self, **request: Any) -> Any:
        if _wants_answer(request):
            return self._client.update_item(**request)
        return self._write("Update", request)

    def _write_for_test(self, kind: str, request: dict[str, Any]) -> _Write:
        """A queued write not yet flushed (tests drive `_flush` with it directly)."""
        return _Write(kind, request)

    # -- the group commit ---------------------------------------------------------------------
    def _write(self, kind: str, request: dict[str, Any]) -> Any:
        """Queue the write and wait for it; flush groups while this thread holds a flush slot.

        Each write has its own event, so a finished flush wakes exactly its writers and (when
        more are queued) one successor to flush next: no herd of waiters woken per flush.
        """
        write = _Write(kind, request)
        with self._lock:
            self.stats.writes += 1
            self._queue.append(write)
            if self._flushing < self._max_flushes:
                self._flushing += 1
                write.lead = True
        while True:
            if write.lead:
                self._serve(write)
            if write.done:
                break
            write.wake.wait()
            write.wake.clear()
        if write.error is not None:
            raise write.error
        return write.result

    def _serve(self, leader: _Write) -> None:
        """Flush one group (the oldest writes), then hand the flush slot on or give it back."""
        with self._lock:
            leader.lead = False  # under the lock: no other flusher can pick it meanwhile
            n = min(self._max_items, len(self._queue))
            group = [self._queue.popleft() for _ in range(n)]
        if group:
            self._flush(group)
            for w in group:
                w.wake.set()
        with self._lock:
            successor = next((w for w in self._queue if not w.lead), None)
            if successor is None:
                self._flushing -= 1
            else:
                successor.lead = True
                successor.wake.set()

    def _flush(self, group: list[_Write]) -> None:
        """Apply a group; never raises (each write keeps its own result or error)."""
        if len(group) == 1:
            self._single(group[0])
            return
        actions = [
            {w.kind: {k: v for k, v in w.request.items() if k not in _NOT_IN_TRANSACTIONS}}
            for w in group
        ]
        try:
            self._client.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _FALL_BACK_ON:
                # nothing was applied: each write on its own gives each caller its true answer
                with self.stats._lock:
                    self.stats.fallbacks += 1
                for w in group:
                    self._single(w)
                return
            self._fail(group, exc)
            return
        except BaseException as exc:  # network trouble etc.: as each single call would see it
            self._fail(group, exc)
            return
        with self.stats._lock:
            self.stats.transactions += 1
            self.stats.transacted_writes += len(group)
            self.stats.largest = max(self.stats.largest, len(group))
        for w in group:
            w.result, w.done = {}, True

    def _single(self, write: _Write) -> None:
        with self.stats._lock:
            self.stats.singles += 1
        call = self._client.put_item if write.kind == "Put" else self._client.update_item
        try:
            write.result = call(**write.request)
        except BaseException as exc:
            write.error = exc
        write.done = True

    @staticmethod
    def _fail(group: list[_Write], exc: BaseException) -> None:
        for w in group:
            w.error, w.done = exc, True


_SHARED: dict[tuple[Any, ...], CoalescingClient] = {}
_SHARED_LOCK = threading.Lock()


def shared_coalescing_client(key: tuple[Any, ...], make: Any) -> CoalescingClient:
    """One coalescer per process and endpoint: every batch thread's writes join the same groups.

    `make()` builds the boto3 client on first use (boto3 clients are thread-safe; sessions are
    not, which is why the client, not a session, is what is shared).
    """
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = CoalescingClient(make())
        return _SHARED[key]
