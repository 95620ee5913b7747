"""`python -m fulfil.simulator`: run the Shiprocket simulator on a loopback port.

Examples:
    python -m fulfil.simulator --port 8765 --seed 7
    python -m fulfil.simulator --config sim.json --fault drop_after_apply=0.1 --rate-limit 60
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fulfil.simulator.config import FAULT_KINDS, SimulatorConfig
from fulfil.simulator.server import run_sandbox


def build_config(args: argparse.Namespace) -> SimulatorConfig:
    data: dict[str, Any] = {}
    if args.config:
        data = json.loads(Path(args.config).read_text())
    patch: dict[str, Any] = {}
    if args.seed is not None:
        patch["seed"] = args.seed
    if args.clock_speed is not None:
        patch["clock_speed"] = args.clock_speed
    if args.strict_pickups:
        patch["strict_pickups"] = True
    if args.rate_limit is not None:
        patch["rate_limit"] = {"calls_per_minute": args.rate_limit}
    if args.latency_ms is not None:
        patch["latency"] = {"fixed_ms": args.latency_ms}
    if args.timeout_fault_seconds is not None:
        patch["timeout_fault_seconds"] = args.timeout_fault_seconds
    faults: dict[str, float] = {}
    for item in args.fault:
        kind, _, probability = item.partition("=")
        if kind not in FAULT_KINDS:
            raise SystemExit(f"unknown fault kind {kind!r}; choose from {', '.join(FAULT_KINDS)}")
        faults[kind] = float(probability or 0)
    if faults:
        patch["faults"] = faults
    return SimulatorConfig.model_validate(data).merged(patch)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fulfil.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--config", help="JSON file with SimulatorConfig fields")
    parser.add_argument("--clock-speed", type=float, help="simulated seconds per wall second")
    parser.add_argument("--strict-pickups", action="store_true")
    parser.add_argument("--rate-limit", type=int, help="calls per rolling minute")
    parser.add_argument("--latency-ms", type=float)
    parser.add_argument("--timeout-fault-seconds", type=float)
    parser.add_argument(
        "--fault", action="append", default=[], metavar="KIND=P", help="fault probability"
    )
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    run_sandbox(args.host, args.port, build_config(args), log_level=args.log_level)


if __name__ == "__main__":
    main()
