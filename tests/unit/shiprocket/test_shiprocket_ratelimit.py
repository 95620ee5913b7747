"""Pacing with a fake clock, the jittered backoff, and Retry-After parsing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from fulfil.shiprocket.ratelimit import (
    AsyncRateLimiter,
    RateLimiter,
    TokenBucket,
    backoff_delay,
    parse_retry_after,
)


class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def test_bucket_allows_a_burst_then_paces() -> None:
    bucket = TokenBucket(rate_per_second=1.0, capacity=3, now=0.0)
    assert [bucket.reserve(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.reserve(0.0) == pytest.approx(1.0)
    assert bucket.reserve(0.0) == pytest.approx(2.0)  # reservations queue up


def test_bucket_refills_but_not_beyond_capacity() -> None:
    bucket = TokenBucket(rate_per_second=2.0, capacity=2, now=0.0)
    bucket.reserve(0.0)
    bucket.reserve(0.0)
    assert bucket.reserve(100.0) == 0.0
    assert bucket.reserve(100.0) == 0.0
    assert bucket.reserve(100.0) == pytest.approx(0.5)


def test_bucket_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate_per_second=0, capacity=1, now=0.0)


def test_sync_limiter_keeps_to_requests_per_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, burst=1, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(11):
        limiter.acquire()
    assert clock.now - start == pytest.approx(10.0)  # 1/s after the first
    assert len(clock.sleeps) == 10


def test_sync_limiter_does_not_sleep_within_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(120, burst=5, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(5)] == [0.0] * 5
    assert clock.sleeps == []


def test_async_limiter_paces_concurrent_callers() -> None:
    clock = FakeClock()
    limiter = AsyncRateLimiter(120, burst=2, clock=clock, sleep=clock.asleep)

    start = clock.now

    async def call() -> float:
        await limiter.acquire()
        return clock.now - start  # when this caller was let through

    async def run() -> list[float]:
        return await asyncio.gather(*(call() for _ in range(4)))

    assert sorted(asyncio.run(run())) == pytest.approx([0.0, 0.0, 0.5, 1.0])


def test_backoff_full_jitter_bounds() -> None:
    assert backoff_delay(0, rng=lambda: 1.0) == 1.0
    assert backoff_delay(3, rng=lambda: 1.0) == 8.0
    assert backoff_delay(3, rng=lambda: 0.5) == 4.0
    assert backoff_delay(3, rng=lambda: 0.0) == 0.0
    assert backoff_delay(20, rng=lambda: 1.0, cap=60.0) == 60.0
    assert backoff_delay(10_000, rng=lambda: 1.0, cap=30.0) == 30.0
    assert backoff_delay(2, base=0.5, rng=lambda: 1.0) == 2.0


def test_backoff_honours_retry_after_as_a_floor() -> None:
    assert backoff_delay(0, retry_after=30.0, rng=lambda: 1.0) == 30.0
    assert backoff_delay(6, retry_after=1.0, rng=lambda: 1.0, cap=60.0) == 60.0
    assert backoff_delay(6, retry_after=1.0, rng=lambda: 0.0) == 1.0


def test_backoff_rejects_negative_attempts() -> None:
    with pytest.raises(ValueError):
        backoff_delay(-1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("12", 12.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("nan", None),
        ("soon", None),
        ("Fri, 28 Jun 2024 10:01:00 GMT", 60.0),
        ("Fri, 28 Jun 2024 09:00:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    now = datetime(2024, 6, 28, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now=now) == expected
