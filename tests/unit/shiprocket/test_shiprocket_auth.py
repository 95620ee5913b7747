"""Token cache: freshness margin, store sharing, one login under concurrency."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest

from fulfil.shiprocket.auth import (
    AsyncTokenManager,
    CachedToken,
    InMemoryTokenStore,
    TokenManager,
    TokenStore,
    pick_token,
)

T0 = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def token(name: str, at: datetime = T0) -> CachedToken:
    return CachedToken.issued(name, at)


def test_ten_day_validity_treated_as_expired_twelve_hours_early() -> None:
    t = token("abc")
    assert t.expires_at == T0 + timedelta(days=10)
    assert t.is_usable(T0 + timedelta(days=9, hours=11, minutes=59))
    assert not t.is_usable(T0 + timedelta(days=9, hours=12))


def test_token_never_prints() -> None:
    t = token("super-secret-jwt")
    assert "super-secret-jwt" not in repr(t)
    assert "super-secret-jwt" not in str(t)
    assert "super-secret-jwt" not in t.model_dump_json()


def test_in_memory_store_satisfies_the_protocol() -> None:
    store = InMemoryTokenStore()
    assert isinstance(store, TokenStore)
    assert store.load() is None
    store.save(token("a"))
    assert store.load() == token("a")


def test_pick_token_skips_rejected_and_stale() -> None:
    now = T0 + timedelta(days=1)
    stale = token("stale", T0 - timedelta(days=10))
    assert pick_token(token("a"), token("b"), now=now) == token("a")
    assert pick_token(token("a"), token("b"), now=now, rejected=token("a")) == token("b")
    assert pick_token(stale, token("a"), now=now, rejected=token("a")) is None
    assert pick_token(None, None, now=now) is None


def test_manager_uses_memory_then_store_then_login() -> None:
    clock = Clock()
    store = InMemoryTokenStore(token("shared"))
    manager = TokenManager(store, clock=clock)
    logins: list[str] = []

    def login() -> CachedToken:
        logins.append("x")
        return token(f"fresh-{len(logins)}", clock.now)

    assert manager.get(login) == token("shared")  # from the store, no login
    assert logins == []
    clock.now = T0 + timedelta(days=9, hours=13)  # inside the 12 h margin
    got = manager.get(login)
    assert got.token.get_secret_value() == "fresh-1"
    assert store.load() == got
    assert manager.get(login) == got
    assert len(logins) == 1


def test_refresh_does_not_reuse_the_rejected_token_from_the_store() -> None:
    store = InMemoryTokenStore(token("revoked"))
    manager = TokenManager(store, clock=Clock())
    rejected = manager.get(lambda: pytest.fail("no login expected"))
    new = manager.refresh(rejected, lambda: token("new"))
    assert new.token.get_secret_value() == "new"
    # A second caller holding the old token picks up the new one without logging in again.
    assert manager.refresh(rejected, lambda: pytest.fail("second login")) == new


def test_threads_share_one_login() -> None:
    manager = TokenManager(InMemoryTokenStore(), clock=Clock())
    started = threading.Event()
    count = 0

    def slow_login() -> CachedToken:
        nonlocal count
        count += 1
        started.wait(0.05)
        return token("t")

    threads = [threading.Thread(target=manager.get, args=(slow_login,)) for _ in range(8)]
    for t in threads:
        t.start()
    started.set()
    for t in threads:
        t.join()
    assert count == 1


def test_async_concurrent_callers_trigger_one_login() -> None:
    manager = AsyncTokenManager(InMemoryTokenStore(), clock=Clock())
    count = 0

    async def login() -> CachedToken:
        nonlocal count
        count += 1
        await asyncio.sleep(0)  # let the others pile up on the lock
        return token("t")

    async def run() -> list[CachedToken]:
        return await asyncio.gather(*(manager.get(login) for _ in range(10)))

    tokens = asyncio.run(run())
    assert count == 1
    assert all(t == token("t") for t in tokens)


class BrokenStore:
    def load(self) -> CachedToken | None:
        raise RuntimeError("dynamodb down")

    def save(self, token: CachedToken) -> None:
        raise RuntimeError("dynamodb down")


def test_a_failing_store_does_not_fail_the_call(caplog: pytest.LogCaptureFixture) -> None:
    manager = TokenManager(BrokenStore(), clock=Clock())
    assert manager.get(lambda: token("t")) == token("t")
    assert manager.get(lambda: pytest.fail("token should be cached in memory")) == token("t")
    assert "token store load failed (RuntimeError)" in caplog.text
    assert "token store save failed (RuntimeError)" in caplog.text
