"""The `deliver-outbound` flow under the Prefect test harness, on moto and the local sinks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.deliver_outbound import ARTIFACT_KEY, deliver_outbound
from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.domain.notifications import NotificationKind, build_notification
from fulfil.outbound.report import Outcome
from fulfil.store.outbox import OutboxKind, OutboxStore
from fulfil.store.outcomes import OutcomeLog

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow]

CREATED_AT = "2026-02-28T09:00:00.000Z"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_deliver_outbound_flow_delivers_to_the_local_sinks_and_publishes_its_counts(
    dynamo: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FULFIL_OUTBOX_DIR", str(tmp_path))
    for var in ("JIRA_BASE_URL", "JIRA_API_TOKEN", "WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"):
        monkeypatch.delenv(var, raising=False)
    now = datetime.now(UTC)
    store = OutboxStore(dynamo, settings.tables)
    dynamo.put_item(
        TableName=settings.tables.orders,
        Item={"orderId": {"S": "ord-1"}, "createdAt": {"S": CREATED_AT}},
    )
    for order_id, mobile in (("ord-1", "+919876543210"), ("ord-2", None)):
        notice = build_notification(
            NotificationKind.DELIVERED,
            order_id=order_id,
            shipment_key="01",
            recipient_e164=mobile,
            context={"customer_name": "Asha Rao"},
        )
        store.record_notification(notice, now)
    esc = Escalation(
        category=Category.DELIVERY,
        severity=Severity.HIGH,
        stage="create_shipment",
        reason_code="courier_500",
        order_id="ord-1",
        summary="Shipment creation failed",
        occurred_at=now,
    )
    store.record_escalation(esc, "ord-1-01-a3", now, CREATED_AT)
    outcomes = OutcomeLog(dynamo, settings.tables)
    for i in range(6):
        outcomes.record_outcome("shipment_error", f"ord-{i}", now - timedelta(seconds=i))

    preview = deliver_outbound(dry_run=True, return_state=True)
    assert preview.is_completed()
    dry = preview.result()
    assert dry.notifications.count(Outcome.DUE) == 2 and dry.alerts.recorded == 0

    state = deliver_outbound(limit=10, return_state=True)

    assert state.is_completed()
    report = state.result()
    assert report.alerts.fired == ["shipment_error_burst"]
    assert report.count(OutboxKind.ESCALATION, Outcome.CREATED) == 2  # the failure + the alert
    assert report.count(OutboxKind.NOTIFICATION, Outcome.SENT) == 1
    assert report.count(OutboxKind.NOTIFICATION, Outcome.SKIPPED) == 1
    tickets = _jsonl(tmp_path / "jira-issues.jsonl")
    assert sorted(t["priority"]["name"] for t in tickets) == ["High", "Highest"]
    messages = _jsonl(tmp_path / "whatsapp-messages.jsonl")
    assert [m["order_id"] for m in messages] == ["ord-1"]
    order = dynamo.get_item(
        TableName=settings.tables.orders,
        Key={"orderId": {"S": "ord-1"}, "createdAt": {"S": CREATED_AT}},
    )["Item"]
    assert order["jiraTicketKey"]["S"].startswith("LOCAL-")
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY])),
        )
    assert any(a.type == "table" and "created" in str(a.data) for a in artifacts)
