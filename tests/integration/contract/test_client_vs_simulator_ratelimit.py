"""Rate limiting on both sides: the simulator's rolling-minute limit and the client's pacing.

Shiprocket publishes a 429 but no numbers (fact sheet §11). The simulator enforces
`rate_limit.calls_per_minute` on its own clock; the client's token bucket must keep a burst under
it. The client limiter gets a fake clock whose sleeps also advance the simulator clock, so a
four-minute burst takes milliseconds and both sides agree on how much time passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fulfil.shiprocket import RateLimiter, ShiprocketClient
from fulfil.shiprocket import errors as e

Control = Any
MakeClient = Callable[..., ShiprocketClient]

SIM_LIMIT = 10


class SharedClock:
    """The client limiter's clock; sleeping moves it and the simulator clock together."""

    def __init__(self, control: Control) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self._control = control

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        self._control.advance(seconds=seconds)


def test_simulator_limit_gives_rate_limited_with_retry_after(
    client: ShiprocketClient, control: Control
) -> None:
    control.patch_config(rate_limit={"calls_per_minute": 5})

    for n in range(4):  # + the login: five calls in the window
        client.find_orders_by_channel_order_id(f"CT-{n}")
    with pytest.raises(e.ShiprocketRateLimited) as info:
        client.find_orders_by_channel_order_id("CT-5")

    err = info.value
    assert err.status_code == 429 and err.operation == "find_orders_by_channel_order_id"
    assert err.retry_after is not None and 1 <= err.retry_after <= 60
    assert "rate limit" in err.message
    assert control.stats()["rate_limited"] == {"orders.list": 1}

    control.advance(seconds=err.retry_after)
    assert client.find_orders_by_channel_order_id("CT-6") == []  # the window moved on


def test_unpaced_burst_is_rate_limited(client: ShiprocketClient, control: Control) -> None:
    control.patch_config(rate_limit={"calls_per_minute": SIM_LIMIT})

    with pytest.raises(e.ShiprocketRateLimited):
        for n in range(2 * SIM_LIMIT):
            client.track_awb(f"AWB{n:09d}")
    assert control.stats()["rate_limited"] == {"courier.track_awb": 1}


def test_client_limiter_keeps_a_burst_under_the_simulator_limit(
    make_client: MakeClient, control: Control
) -> None:
    control.patch_config(rate_limit={"calls_per_minute": SIM_LIMIT})
    clock = SharedClock(control)
    # At most burst + rpm = 3 + 6 = 9 calls in any 60 s window: under the simulator's 10.
    limiter = RateLimiter(6, burst=3, clock=clock, sleep=clock.sleep)
    client = make_client(rate_limiter=limiter)

    results = [client.track_awb(f"AWB{n:09d}") for n in range(25)]

    assert len(results) == 25
    stats = control.stats()
    assert stats["rate_limited"] == {}
    assert stats["calls"] == {"auth.login": 1, "courier.track_awb": 25}
    # 26 calls, 3 free, then one every 10 s: about 230 simulated seconds, no real waiting.
    assert sum(clock.slept) == pytest.approx(230, abs=1)
