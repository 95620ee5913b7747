"""Pure parts of the simulator: clock, faults, rate limiter, tokens, couriers, config, ops."""

from __future__ import annotations

from datetime import datetime

import pytest

from fulfil.simulator import couriers, tokens
from fulfil.simulator.clock import SimClock
from fulfil.simulator.config import IST, FaultConfig, SimulatorConfig
from fulfil.simulator.faults import FaultInjector, RateLimiter
from fulfil.simulator.operations import OPERATIONS, operation_for

START = datetime(2025, 1, 6, 9, 0, tzinfo=IST)


class FakeWall:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_clock_advances_manually_and_with_speed() -> None:
    wall = FakeWall()
    clock = SimClock(START, wall=wall)
    wall.t += 50
    assert clock.now() == START
    clock.advance(60)
    assert (clock.now() - START).total_seconds() == 60
    clock.set_speed(2.0)
    wall.t += 10
    assert (clock.now() - START).total_seconds() == 80
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_clock_monotonic_includes_advances_and_never_goes_back() -> None:
    wall = FakeWall()
    clock = SimClock(START, wall=wall)
    before = clock.monotonic()
    clock.advance(30)
    clock.set_speed(1.0)
    assert clock.monotonic() == before + 30


def test_rate_limiter_rolling_window() -> None:
    limiter = RateLimiter()
    assert [limiter.check(t, 2).allowed for t in (0.0, 1.0, 2.0)] == [True, True, False]
    denied = limiter.check(30.0, 2)
    assert denied.retry_after == 30
    assert limiter.check(60.5, 2).allowed


def test_fault_injector_forced_then_random() -> None:
    injector = FaultInjector(FaultConfig(http_502=1.0, operations=["orders.list"]), seed=1)
    injector.force("timeout", "orders.create", 2)
    assert injector.draw("orders.list") == "http_502"
    assert injector.draw("orders.create") == "timeout"
    assert injector.draw("orders.create") == "timeout"
    assert injector.draw("orders.create") is None
    assert injector.forced == []


def test_fault_injector_probabilities_are_seeded() -> None:
    def draws(seed: int) -> list[str | None]:
        injector = FaultInjector(FaultConfig(http_500=0.3, drop_after_apply=0.3), seed=seed)
        return [injector.draw("orders.create") for _ in range(50)]

    assert draws(4) == draws(4)
    assert {"http_500", "drop_after_apply", None} == set(draws(4))


def test_tokens_roundtrip_and_reject_tampering() -> None:
    secret = tokens.secret_for(1, 0)
    token = tokens.encode({"jti": "abc", "exp": 5}, secret)
    assert tokens.decode(token, secret) == {"jti": "abc", "exp": 5}
    header, payload, signature = token.split(".")
    assert tokens.decode(f"{header}.{payload}x.{signature}", secret) is None
    assert tokens.decode(token, tokens.secret_for(1, 1)) is None
    assert tokens.decode("garbage", secret) is None


def test_courier_zones_weights_and_quotes() -> None:
    assert couriers.zone_for("110020", "110045") == "z_a"
    assert couriers.zone_for("110020", "112001") == "z_b"
    assert couriers.zone_for("110020", "560001") == "z_c"
    assert couriers.zone_for("110020", "302001") == "z_d"
    assert couriers.zone_for("110020", "781001") == "z_e"
    assert couriers.charge_weight(0.3, 10, 10, 10) == 0.5
    assert couriers.charge_weight(0.3, 40, 30, 10) == 2.5
    assert not couriers.is_serviceable("744101", ["744"])
    assert not couriers.is_serviceable("12345", [])
    courier = couriers.COURIERS[0]

    def make() -> dict[str, object]:
        return couriers.quote(
            courier, seed=1, pickup="110020", delivery="560001", weight=1.0, cod=True,
            now=START, row_id=1,
        )  # fmt: skip

    quote = make()
    assert quote == make()
    assert isinstance(quote["freight_charge"], float)
    assert quote["rate"] == round(quote["freight_charge"] + couriers.COD_CHARGE, 2)


def test_config_merge_and_public_dump() -> None:
    config = SimulatorConfig()
    merged = config.merged({"latency": {"fixed_ms": 5}, "api_password": "***"})
    assert merged.latency.fixed_ms == 5
    assert merged.api_password == "sandbox-password"
    assert config.public_dump()["api_password"] == "***"
    assert merged.merged({"scenario_mix": {"rto": 1.0}}).scenario_mix == {"rto": 1.0}


def test_operation_names() -> None:
    assert operation_for("POST", "/v1/external/orders/create/adhoc") == "orders.create"
    assert operation_for("GET", "/v1/external/courier/track/awb/123") == "courier.track_awb"
    assert operation_for("GET", "/v1/external/courier/serviceability/") == "courier.serviceability"
    assert operation_for("GET", "/v1/external/nope") == "unknown"
    assert operation_for("GET", "/__sim/stats") is None
    assert len(set(OPERATIONS)) == len(OPERATIONS)
