"""A faithful, stateful Shiprocket simulator (Shiprocket has no sandbox).

It speaks the wire format of the fact sheet under `/v1/external/...`, keeps orders, AWBs,
pickups and scan timelines on a controllable clock, injects latency, rate limits and faults
(including drops after the write was applied), and exposes a control API under `/__sim/`.

Use it in process with `SimulatorTransport(create_app(config))` / `SimulatorAsyncTransport`, or
over loopback with `SandboxServer` / `run_sandbox` / `python -m fulfil.simulator`.
"""

from __future__ import annotations

from fulfil.simulator.app import create_app, runtime_of
from fulfil.simulator.config import FaultConfig, LatencyConfig, RateLimitConfig, SimulatorConfig
from fulfil.simulator.server import SandboxServer, run_sandbox
from fulfil.simulator.transport import SimulatorAsyncTransport, SimulatorTransport

__all__ = [
    "FaultConfig",
    "LatencyConfig",
    "RateLimitConfig",
    "SandboxServer",
    "SimulatorAsyncTransport",
    "SimulatorConfig",
    "SimulatorTransport",
    "create_app",
    "run_sandbox",
    "runtime_of",
]
