"""The live parts of one simulator instance, shared by the middleware and every route.

`Runtime` bundles config, clock, store, fault injector, rate limiter and call stats, and knows
how to reset them together (the control API's `reset`) or to take a new config without losing
state (`PATCH /__sim/config`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fulfil.simulator.clock import SimClock
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.faults import FaultInjector, RateLimiter
from fulfil.simulator.state import Store
from fulfil.simulator.tokens import secret_for


class Stats:
    """Per-operation counters: calls received, HTTP statuses answered, faults, 429s."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.statuses: dict[str, dict[str, int]] = {}
        self.faults: dict[str, dict[str, int]] = {}
        self.rate_limited: dict[str, int] = {}

    def record_call(self, operation: str) -> None:
        self.calls[operation] = self.calls.get(operation, 0) + 1

    def record_status(self, operation: str, status: int) -> None:
        bucket = self.statuses.setdefault(operation, {})
        bucket[str(status)] = bucket.get(str(status), 0) + 1

    def record_fault(self, operation: str, kind: str) -> None:
        bucket = self.faults.setdefault(operation, {})
        bucket[kind] = bucket.get(kind, 0) + 1

    def record_rate_limited(self, operation: str) -> None:
        self.rate_limited[operation] = self.rate_limited.get(operation, 0) + 1

    def dump(self) -> dict[str, Any]:
        return {
            "total_calls": sum(self.calls.values()),
            "calls": dict(sorted(self.calls.items())),
            "statuses": {k: dict(sorted(v.items())) for k, v in sorted(self.statuses.items())},
            "faults": {k: dict(sorted(v.items())) for k, v in sorted(self.faults.items())},
            "rate_limited": dict(sorted(self.rate_limited.items())),
        }


class Runtime:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.clock = SimClock(config.start_time, speed=config.clock_speed)
        self.epoch = 0
        self.store = Store(config.seed)
        self.faults = FaultInjector(config.faults, config.seed)
        self.limiter = RateLimiter()
        self.stats = Stats()

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def token_secret(self) -> bytes:
        return secret_for(self.store.seed, self.epoch)

    def reset(self, config: SimulatorConfig | None = None) -> None:
        """Back to a fresh account: no orders, no tokens, clock at start, counters at zero."""
        if config is not None:
            self.config = config
        self.clock.reset(self.config.start_time, speed=self.config.clock_speed)
        self.epoch += 1
        self.store = Store(self.config.seed)
        self.faults = FaultInjector(self.config.faults, self.config.seed)
        self.limiter.reset()
        self.stats = Stats()

    def apply_config(self, config: SimulatorConfig) -> None:
        """Take a new config live; orders, tokens and the clock's current time are kept."""
        old = self.config
        self.config = config
        if config.clock_speed != old.clock_speed:
            self.clock.set_speed(config.clock_speed)
        if config.faults != old.faults or config.seed != old.seed:
            self.faults.configure(config.faults, config.seed)
        if config.rate_limit != old.rate_limit:
            self.limiter.reset()
