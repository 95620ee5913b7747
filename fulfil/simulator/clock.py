"""The simulator's controllable clock.

Tokens expire, scans become visible and pickups fall due on simulated time, so tests can jump a
week ahead instantly (`advance`). `clock_speed` > 0 also lets simulated time flow with the wall
clock, which suits a sandbox left running for a manual session.

The rate limiter needs a *monotonic* time that still honours `advance` (so a test can step past
a rolling minute) and that keeps flowing for a real client waiting out a `Retry-After`: that is
`monotonic()`, wall monotonic time plus everything advanced so far.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta


class SimClock:
    """Simulated time: a start instant plus manual advances plus optional scaled wall time."""

    def __init__(
        self,
        start: datetime,
        *,
        speed: float = 0.0,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self.reset(start, speed=speed)

    def reset(self, start: datetime, *, speed: float = 0.0) -> None:
        self._start = start
        self._speed = speed
        self._advanced = 0.0
        self._mono_offset = 0.0
        self._wall_origin = self._wall()

    def set_speed(self, speed: float) -> None:
        """Change the speed without a jump: fold elapsed scaled time into the start."""
        self._start = self.now()
        self._advanced = 0.0
        self._wall_origin = self._wall()
        self._speed = speed

    def now(self) -> datetime:
        elapsed = (self._wall() - self._wall_origin) * self._speed
        return self._start + timedelta(seconds=self._advanced + elapsed)

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        self._advanced += seconds
        self._mono_offset += seconds
        return self.now()

    def monotonic(self) -> float:
        return self._wall() + self._mono_offset
