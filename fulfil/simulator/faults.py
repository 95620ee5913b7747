"""Fault decisions and the account-wide rate limiter (pure state machines, no I/O).

The middleware asks `FaultInjector.draw(operation)` once per Shiprocket call: a forced fault
queued through the control API wins (deterministic tests), otherwise one seeded random draw
against the configured probabilities. `RateLimiter` keeps admitted call times in a rolling
60-second window on the clock's monotonic time, so `advance` can step past a window.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass

from fulfil.simulator.config import FAULT_KINDS, FaultConfig, FaultKind

WINDOW_SECONDS = 60.0


@dataclass
class ForcedFault:
    kind: FaultKind
    operation: str | None
    remaining: int


class FaultInjector:
    def __init__(self, config: FaultConfig, seed: int) -> None:
        self.configure(config, seed)
        self._forced: list[ForcedFault] = []

    def configure(self, config: FaultConfig, seed: int) -> None:
        self._config = config
        self._rng = random.Random(f"faults|{config.seed if config.seed is not None else seed}")

    def force(self, kind: FaultKind, operation: str | None, count: int) -> None:
        self._forced.append(ForcedFault(kind, operation, count))

    def clear_forced(self) -> None:
        self._forced.clear()

    @property
    def forced(self) -> list[ForcedFault]:
        return list(self._forced)

    def draw(self, operation: str) -> FaultKind | None:
        for item in self._forced:
            if item.operation in (None, operation):
                item.remaining -= 1
                if item.remaining <= 0:
                    self._forced.remove(item)
                return item.kind
        allowed = self._config.operations
        if allowed is not None and operation not in allowed:
            return None
        if not any(self._config.probability(kind) for kind in FAULT_KINDS):
            return None
        roll = self._rng.random()
        cumulative = 0.0
        for kind in FAULT_KINDS:
            cumulative += self._config.probability(kind)
            if roll < cumulative:
                return kind
        return None


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


class RateLimiter:
    def __init__(self) -> None:
        self._calls: deque[float] = deque()

    def reset(self) -> None:
        self._calls.clear()

    def check(self, now: float, limit: int) -> RateDecision:
        """Admit and record the call if the window has room; rejected calls are not recorded."""
        while self._calls and self._calls[0] <= now - WINDOW_SECONDS:
            self._calls.popleft()
        if len(self._calls) >= limit:
            wait = self._calls[0] + WINDOW_SECONDS - now
            return RateDecision(False, limit, 0, max(1, math.ceil(wait)))
        self._calls.append(now)
        return RateDecision(True, limit, limit - len(self._calls), 0)
