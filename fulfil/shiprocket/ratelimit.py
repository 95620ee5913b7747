"""Client-side pacing and the retry-delay arithmetic the caller's retry policy uses.

Shiprocket publishes no numeric limit (old responses carried `X-RateLimit-Limit: 180`), so we
pace ourselves below it with a token bucket: `burst` calls back to back, then one every
`60 / requests_per_minute` seconds. In any 60 s window that allows at most
`requests_per_minute + burst` calls. The bucket hands out *reservations* (a delay per caller)
so nobody holds a lock while sleeping. Clocks and sleeps are injected so tests never wait.

This module decides *when* a call may go; whether to retry a failed one belongs to the caller,
which can use `backoff_delay` and `parse_retry_after`.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class TokenBucket:
    """Pure bucket state: `reserve(now)` returns how long the caller must wait first."""

    def __init__(self, rate_per_second: float, capacity: int, now: float) -> None:
        if rate_per_second <= 0 or capacity < 1:
            raise ValueError("rate_per_second must be > 0 and capacity >= 1")
        self.rate = rate_per_second
        self.capacity = capacity
        self._tokens = float(capacity)
        self._updated = now

    def reserve(self, now: float) -> float:
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.capacity), self._tokens + elapsed * self.rate)
        self._updated = max(self._updated, now)
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


class RateLimiter:
    """Thread-safe pacing for the sync client; `acquire()` blocks and returns the wait."""

    def __init__(
        self,
        requests_per_minute: int,
        *,
        burst: int = 5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._bucket = TokenBucket(requests_per_minute / 60.0, burst, clock())
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()

    def acquire(self) -> float:
        with self._lock:
            delay = self._bucket.reserve(self._clock())
        if delay > 0:
            self._sleep(delay)
        return delay


class AsyncRateLimiter:
    """The same pacing for the async client; `await acquire()` sleeps without blocking."""

    def __init__(
        self,
        requests_per_minute: int,
        *,
        burst: int = 5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._bucket = TokenBucket(requests_per_minute / 60.0, burst, clock())
        self._clock = clock
        self._sleep = sleep

    async def acquire(self) -> float:
        # No await between reading the clock and reserving, so no lock is needed.
        delay = self._bucket.reserve(self._clock())
        if delay > 0:
            await self._sleep(delay)
        return delay


def backoff_delay(
    attempt: int,
    retry_after: float | None = None,
    *,
    base: float = 1.0,
    cap: float = 60.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before retry number `attempt` (0-based), with full jitter.

    Full jitter is `uniform(0, min(cap, base * 2**attempt))`; it spreads callers that failed
    together. A server `retry_after` is a floor: we never come back earlier than asked.
    """
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    ceiling = min(cap, base * (2.0 ** min(attempt, 62)))
    delay = rng() * ceiling
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now or datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())


class SharedAsyncRateLimiter(AsyncRateLimiter):
    """An async limiter several event loops (threads) can share: the account budget is per
    process, while Prefect runs each batch task in its own thread with its own loop."""

    def __init__(self, requests_per_minute: int, *, burst: int = 5) -> None:
        super().__init__(requests_per_minute, burst=burst)
        self._lock = threading.Lock()

    async def acquire(self) -> float:
        with self._lock:
            delay = self._bucket.reserve(self._clock())
        if delay > 0:
            await asyncio.sleep(delay)
        return delay


_PROCESS_LIMITERS: dict[tuple[int, int], SharedAsyncRateLimiter] = {}
_PROCESS_LOCK = threading.Lock()


def process_rate_limiter(requests_per_minute: int, burst: int) -> SharedAsyncRateLimiter | None:
    """One limiter per (rate, burst) for the whole process; None when pacing is off (0)."""
    if requests_per_minute <= 0:
        return None
    with _PROCESS_LOCK:
        key = (requests_per_minute, burst)
        if key not in _PROCESS_LIMITERS:
            _PROCESS_LIMITERS[key] = SharedAsyncRateLimiter(requests_per_minute, burst=burst)
        return _PROCESS_LIMITERS[key]
