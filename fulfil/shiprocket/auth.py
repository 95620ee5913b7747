"""Bearer-token cache: log in rarely, share the token, re-login once when it is refused.

Shiprocket tokens are JWTs valid for 10 days and there is no refresh flow, only a new login.
Logins are worth avoiding (they are rate limited like everything else and the WAF has refused
them from some networks), so a token is cached in a `TokenStore` the lead can back with DynamoDB
to share it across flow runs. We treat a token as expired 12 h early so a long run never starts
with a token that dies half-way, and we keep a lock so that N concurrent calls that find no
token trigger one login, not N.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, SecretStr

logger = logging.getLogger(__name__)

TOKEN_VALIDITY = timedelta(days=10)
EXPIRY_MARGIN = timedelta(hours=12)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default wall clock (aware, UTC)."""
    return datetime.now(UTC)


class CachedToken(BaseModel):
    """A bearer token and its lifetime; `repr` and `str` never show the token."""

    model_config = ConfigDict(frozen=True)

    token: SecretStr
    obtained_at: datetime
    expires_at: datetime

    @classmethod
    def issued(
        cls, token: str | SecretStr, now: datetime, validity: timedelta = TOKEN_VALIDITY
    ) -> CachedToken:
        """A token obtained at `now`, valid for Shiprocket's documented 10 days."""
        secret = token if isinstance(token, SecretStr) else SecretStr(token)
        return cls(token=secret, obtained_at=now, expires_at=now + validity)

    def is_usable(self, now: datetime, margin: timedelta = EXPIRY_MARGIN) -> bool:
        """True while `now` is more than `margin` before expiry."""
        return now < self.expires_at - margin

    def same_as(self, other: CachedToken | None) -> bool:
        return other is not None and (
            self.token.get_secret_value() == other.token.get_secret_value()
        )


@runtime_checkable
class TokenStore(Protocol):
    """Where a token outlives one client; implementations must tolerate concurrent use."""

    def load(self) -> CachedToken | None: ...

    def save(self, token: CachedToken) -> None: ...


class InMemoryTokenStore:
    """A process-local store (tests, single runs)."""

    def __init__(self, token: CachedToken | None = None) -> None:
        self._token = token
        self._lock = threading.Lock()
        self.saves = 0

    def load(self) -> CachedToken | None:
        with self._lock:
            return self._token

    def save(self, token: CachedToken) -> None:
        with self._lock:
            self._token = token
            self.saves += 1


def _safe_load(store: TokenStore) -> CachedToken | None:
    """The store is a cache: if it fails, log in instead of failing the call."""
    try:
        return store.load()
    except Exception as exc:  # any backend (DynamoDB, ...) error
        logger.warning("token store load failed (%s); logging in instead", type(exc).__name__)
        return None


def _safe_save(store: TokenStore, token: CachedToken) -> None:
    try:
        store.save(token)
    except Exception as exc:  # the token still works for this client
        logger.warning("token store save failed (%s); token kept in memory", type(exc).__name__)


def pick_token(
    current: CachedToken | None,
    stored: CachedToken | None,
    *,
    now: datetime,
    rejected: CachedToken | None = None,
    margin: timedelta = EXPIRY_MARGIN,
) -> CachedToken | None:
    """The best usable token we already have, or None when a login is needed.

    A token Shiprocket just refused (`rejected`) is never picked again, even if a shared store
    still holds it and its clock says it is fresh.
    """
    for candidate in (current, stored):
        if candidate is None or candidate.same_as(rejected):
            continue
        if candidate.is_usable(now, margin):
            return candidate
    return None


class _TokenCache:
    """State and decisions shared by the sync and async managers (no locking here)."""

    def __init__(
        self, store: TokenStore, *, clock: Clock = utc_now, margin: timedelta = EXPIRY_MARGIN
    ) -> None:
        self._store = store
        self._clock = clock
        self._margin = margin
        self._current: CachedToken | None = None

    @property
    def current(self) -> CachedToken | None:
        return self._current

    def _fresh_current(self) -> CachedToken | None:
        token = self._current
        return token if token is not None and token.is_usable(self._clock(), self._margin) else None

    def _find(self, rejected: CachedToken | None) -> CachedToken | None:
        """Memory first, then the shared store (read only when memory has nothing usable)."""
        now = self._clock()
        found = pick_token(self._current, None, now=now, rejected=rejected, margin=self._margin)
        if found is None:
            stored = _safe_load(self._store)
            found = pick_token(None, stored, now=now, rejected=rejected, margin=self._margin)
        if found is not None:
            self._current = found
        return found

    def _adopt(self, token: CachedToken) -> CachedToken:
        _safe_save(self._store, token)
        self._current = token
        return token


class TokenManager(_TokenCache):
    """Thread-safe token cache for the sync client; `login` is the client's raw login call."""

    def __init__(
        self, store: TokenStore, *, clock: Clock = utc_now, margin: timedelta = EXPIRY_MARGIN
    ) -> None:
        super().__init__(store, clock=clock, margin=margin)
        self._lock = threading.Lock()

    def get(self, login: Callable[[], CachedToken]) -> CachedToken:
        """A usable token, logging in only when neither memory nor the store has one."""
        return self._fresh_current() or self._obtain(login, rejected=None)

    def refresh(
        self, rejected: CachedToken | None, login: Callable[[], CachedToken]
    ) -> CachedToken:
        """After a 401: a different usable token (another caller may have re-logged in)."""
        return self._obtain(login, rejected=rejected)

    def login_now(self, login: Callable[[], CachedToken]) -> CachedToken:
        """Log in unconditionally and share the result."""
        with self._lock:
            return self._adopt(login())

    def _obtain(
        self, login: Callable[[], CachedToken], *, rejected: CachedToken | None
    ) -> CachedToken:
        with self._lock:
            return self._find(rejected) or self._adopt(login())


class AsyncTokenManager(_TokenCache):
    """The same cache for the async client; one `asyncio.Lock` serialises logins.

    The store is sync by contract (e.g. one DynamoDB GetItem), called at most once per login.
    """

    def __init__(
        self, store: TokenStore, *, clock: Clock = utc_now, margin: timedelta = EXPIRY_MARGIN
    ) -> None:
        super().__init__(store, clock=clock, margin=margin)
        self._lock = asyncio.Lock()

    async def get(self, login: Callable[[], Awaitable[CachedToken]]) -> CachedToken:
        return self._fresh_current() or await self._obtain(login, rejected=None)

    async def refresh(
        self, rejected: CachedToken | None, login: Callable[[], Awaitable[CachedToken]]
    ) -> CachedToken:
        return await self._obtain(login, rejected=rejected)

    async def login_now(self, login: Callable[[], Awaitable[CachedToken]]) -> CachedToken:
        async with self._lock:
            return self._adopt(await login())

    async def _obtain(
        self, login: Callable[[], Awaitable[CachedToken]], *, rejected: CachedToken | None
    ) -> CachedToken:
        async with self._lock:
            return self._find(rejected) or self._adopt(await login())
