"""`fulfil demo`: the embedded default, end to end, with no credentials and no network.

Starts a local DynamoDB (moto server on loopback) and the Shiprocket simulator (loopback), creates
the tables, seeds orders the way the storefront writes them, and runs the pipeline's flows against
them, printing a readable summary of each step. Jira and WhatsApp go to local files (no
credentials are configured), so nothing leaves the machine.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fulfil.commands.plan import build_plan, render_text
from fulfil.local.dynamodb import local_dynamodb
from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.store.dynamo import init_tables, make_client
from fulfil.store.source import SourceReader
from fulfil.store.writer import write_seed

DEMO_ENV = {
    # never load real Jira/WhatsApp blocks from a configured server: the customers are fake
    "FULFIL_USE_BLOCKS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "SHIPROCKET_REQUESTS_PER_MINUTE": "0",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
CREDENTIAL_ENV = ("JIRA_BASE_URL", "JIRA_API_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID")


def run_demo(*, orders: int = 24, seed: int = 7, workdir: str = "var/demo") -> int:
    from fulfil.simulator.config import SimulatorConfig
    from fulfil.simulator.server import SandboxServer

    base = Path(workdir).resolve()
    base.mkdir(parents=True, exist_ok=True)
    for var in CREDENTIAL_ENV:  # the demo never talks to a real Jira or WhatsApp
        os.environ.pop(var, None)
    os.environ.update(DEMO_ENV)
    os.environ.setdefault("PREFECT_HOME", str(base / "prefect"))
    os.environ["FULFIL_OUTBOX_DIR"] = str(base / "outbox")
    os.environ["FULFIL_DUCKDB_PATH"] = str(base / "fulfilment.duckdb")
    with ExitStack() as stack:
        endpoint = stack.enter_context(local_dynamodb())
        # The simulated clock starts two weeks back so that, once advanced, scans land "now".
        start = datetime.now(UTC) - timedelta(days=14)
        sandbox = stack.enter_context(SandboxServer(SimulatorConfig(seed=seed, start_time=start)))
        os.environ["SHIPROCKET_BASE_URL"] = sandbox.base_url
        os.environ["SHIPROCKET_EMAIL"] = "api@example.test"
        os.environ["SHIPROCKET_PASSWORD"] = "sandbox-password"
        print(
            f"[1/6] local DynamoDB (moto) at {endpoint}; Shiprocket simulator at {sandbox.base_url}"
        )
        settings = load_settings()
        client = make_client(settings)
        created = init_tables(settings, client)
        counts = write_seed(client, settings.tables, generate(orders, seed=seed))
        print(
            f"[2/6] created {len(created)} tables; seeded "
            + ", ".join(f"{n} {t}" for t, n in counts.items())
        )
        report = build_plan(SourceReader(client, settings.tables), settings)
        print("[3/6] " + render_text(report).replace("\n", "\n      "))
        from flows.fulfil_paid_orders import fulfil_paid_orders

        result = fulfil_paid_orders()
        print(
            "[4/6] flow fulfil-paid-orders: "
            + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items() if v)
        )
        live = [o for o in sandbox.runtime.store.iter_orders() if not o.cancelled]
        print(f"      Shiprocket (simulator) now holds {len(live)} live orders")
        _tracking_step(sandbox)
        print(f"      messages and tickets (local sinks) are in {base / 'outbox'}")
        from fulfil.analytics.run import (
            describe_report,
            describe_snapshot,
            run_report,
            run_snapshot,
        )

        snapshot, _ = run_snapshot(settings, client=client)
        report_result = run_report(settings)
        print("[6/6] " + describe_snapshot(snapshot).replace("\n", "\n      "))
        print("      " + describe_report(report_result).replace("\n", "\n      "))
    return 0


def _tracking_step(sandbox: Any) -> None:
    """Force one NDR and one RTO, let 13 simulated days pass, sync tracking, show the result."""
    import httpx

    from flows.sync_tracking import sync_tracking
    from fulfil.tracking.service import render_timeline

    awbs = sorted(sh.awb for sh in sandbox.runtime.store.awbs.values() if sh.awb)
    with httpx.Client() as http:
        if len(awbs) >= 2:
            for awb, scenario in ((awbs[0], "ndr"), (awbs[1], "rto")):
                http.post(
                    f"{sandbox.control_url}/scenario", json={"scenario": scenario, "awb": awb}
                ).raise_for_status()
        http.post(f"{sandbox.control_url}/clock/advance", json={"days": 13}).raise_for_status()
    report = sync_tracking()
    counts = report.counts()
    print(
        "[5/6] flow sync-tracking: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items() if v)
    )
    settings = load_settings()
    statuses: dict[str, int] = {}
    client = make_client(settings)
    for page in client.get_paginator("scan").paginate(TableName=settings.tables.fulfilment):
        for item in page["Items"]:
            status = item.get("trackingStatus", {}).get("S")
            if status:
                statuses[status] = statuses.get(status, 0) + 1
    exceptions = [r for r in report.table() if r["kind"] in ("exception", "stuck")]
    for row in exceptions[:6]:
        print(f"      {row['kind']}: {row['awb']} {row['what']} ({row['severity']})")
    if statuses:
        print(
            "      shipment statuses now: "
            + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        )
    if awbs:
        print(f"      the NDR shipment's timeline (`fulfil track --awb {awbs[0]}`):")
        print("        " + render_timeline(settings, awbs[0]).replace("\n", "\n        "))
