"""Sharing one Shiprocket account budget between workers: Prefect's global rate limit.

The client already paces itself per process (`SHIPROCKET_REQUESTS_PER_MINUTE`). With several
workers, each process's pacing is not enough, so when `FULFIL_SHIPROCKET_GLOBAL_LIMIT` names a
Prefect global concurrency limit (with slot decay), every request first takes a slot from it,
strictly: a missing limit is an error, not a silent free-for-all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fulfil.settings import Settings


def global_rate_limit_hook(settings: Settings) -> Callable[[], Awaitable[None]] | None:
    name = settings.shiprocket_global_limit
    if not name:
        return None

    async def take_slot() -> None:
        from prefect.concurrency.asyncio import rate_limit

        await rate_limit(name, occupy=1, strict=True)

    return take_slot
