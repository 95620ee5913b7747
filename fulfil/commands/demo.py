"""`fulfil demo`: the embedded default, end to end, with no credentials and no network.

Starts a local DynamoDB (moto server on loopback) and the Shiprocket simulator (loopback), creates
the tables, seeds orders the way the storefront writes them, and runs the pipeline's flows against
them, printing a readable summary of each step. Jira and WhatsApp go to local files (no
credentials are configured), so nothing leaves the machine.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from fulfil.commands.plan import build_plan, render_text
from fulfil.local.dynamodb import local_dynamodb
from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.store.dynamo import init_tables, make_client
from fulfil.store.source import SourceReader
from fulfil.store.writer import write_seed

DEMO_ENV = {
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
        sandbox = stack.enter_context(SandboxServer(SimulatorConfig(seed=seed)))
        os.environ["SHIPROCKET_BASE_URL"] = sandbox.base_url
        os.environ["SHIPROCKET_EMAIL"] = "api@example.test"
        os.environ["SHIPROCKET_PASSWORD"] = "sandbox-password"
        print(f"[1/4] local DynamoDB (moto) at {endpoint}; Shiprocket simulator at "
              f"{sandbox.base_url}")
        settings = load_settings()
        client = make_client(settings)
        created = init_tables(settings, client)
        counts = write_seed(client, settings.tables, generate(orders, seed=seed))
        print(f"[2/4] created {len(created)} tables; seeded "
              + ", ".join(f"{n} {t}" for t, n in counts.items()))
        report = build_plan(SourceReader(client, settings.tables), settings)
        print("[3/4] " + render_text(report).replace("\n", "\n      "))
        from flows.fulfil_paid_orders import fulfil_paid_orders

        result = fulfil_paid_orders()
        print("[4/4] flow fulfil-paid-orders: "
              + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items() if v))
        live = [o for o in sandbox.runtime.store.iter_orders() if not o.cancelled]
        print(f"      Shiprocket (simulator) now holds {len(live)} live orders; "
              f"messages and tickets are in {base / 'outbox'}")
    return 0
