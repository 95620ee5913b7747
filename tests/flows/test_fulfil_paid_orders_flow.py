"""The `fulfil-paid-orders` flow under the Prefect test harness: moto, the simulator on loopback,
the local sinks. One run ships the seeded orders, parks the broken ones and delivers the outbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.fulfil_paid_orders import fulfil_paid_orders
from fulfil.seed import generate
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.server import SandboxServer
from fulfil.store.writer import write_seed

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow]


def test_sweep_flow_ships_parks_and_publishes(
    dynamo: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FULFIL_OUTBOX_DIR", str(tmp_path))
    for var in ("JIRA_BASE_URL", "JIRA_API_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(var, raising=False)
    data = generate(14, seed=31, broken_share=0.3)
    write_seed(dynamo, settings.tables, data)
    with SandboxServer(SimulatorConfig(seed=3)) as sandbox:
        monkeypatch.setenv("SHIPROCKET_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("SHIPROCKET_EMAIL", "api@example.test")
        monkeypatch.setenv("SHIPROCKET_PASSWORD", "sandbox-password")
        monkeypatch.setenv("SHIPROCKET_REQUESTS_PER_MINUTE", "0")
        # every batch counts as "long": the run must publish progress, ending at 100 %
        monkeypatch.setattr("flows.fulfil_paid_orders.PROGRESS_EVERY_SECONDS", 0.0)
        dry = fulfil_paid_orders(dry_run=True)
        assert dry["shipped_new"] == 0 and dry["shiprocket_calls"] == 0
        state = fulfil_paid_orders(batch_size=4, return_state=True)
        counts = state.result()
        live = [o for o in sandbox.runtime.store.iter_orders() if not o.cancelled]
    assert state.is_completed()
    shippable = set(data.expected["ship"])
    broken = {
        o
        for k in ("no_items", "missing_pincode", "invalid_pincode", "landline")
        for o in data.expected.get(k, [])
    }
    assert counts["parked_orders"] == len(broken) > 0
    assert counts["shipped_new"] == len(live) >= len(shippable)
    assert {o.channel_order_id.rsplit("-", 1)[0] for o in live} == shippable
    tickets = [json.loads(x) for x in (tmp_path / "jira-issues.jsonl").read_text().splitlines()]
    summaries = " ".join(t.get("summary", "") for t in tickets if t.get("op") == "create")
    assert all(order_id in summaries for order_id in broken)  # one ticket per parked order
    messages = (tmp_path / "whatsapp-messages.jsonl").read_text().splitlines()
    assert len(messages) >= len(shippable)  # confirmations and shipped notices went out

    async def artifacts() -> dict[str, Any]:
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(
                        any_=["sweep-summary", "sweep-shipments", "sweep-progress"]
                    )
                )
            )
        return {a.key: a.data for a in found if a.key}

    import asyncio

    published = asyncio.run(artifacts())
    assert set(published) == {"sweep-summary", "sweep-shipments", "sweep-progress"}
    assert float(published["sweep-progress"]) == 100.0
