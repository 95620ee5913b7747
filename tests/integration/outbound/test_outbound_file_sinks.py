"""Local sinks (the demo's default) and the factories that choose them without credentials."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.domain.notifications import Notification, NotificationKind, build_notification
from fulfil.jira.client import JiraClient
from fulfil.jira.config import JiraConfig
from fulfil.jira.errors import JiraNotFoundError
from fulfil.jira.sink import EscalationTarget, JiraFileSink, build_escalation_target
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.notifier import (
    CloudApiNotifier,
    DeliveryOutcome,
    FileSinkNotifier,
    Notifier,
    build_notifier,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def clock() -> datetime:
    return T0


def escalation(order_id: str = "ord-1042", **extra: object) -> Escalation:
    return Escalation.model_validate(
        {
            "category": Category.DELIVERY,
            "severity": Severity.HIGH,
            "stage": "create_shipment",
            "reason_code": "courier_422",
            "order_id": order_id,
            "summary": f"Shipment creation failed for {order_id}",
            "vendor_message": "Pincode not serviceable",
            "occurred_at": T0,
        }
        | extra
    )


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jira_sink_creates_numbered_local_tickets_with_jira_fields(tmp_path: Path) -> None:
    sink = JiraFileSink(tmp_path / "jira.jsonl", clock=clock)
    first = sink.create_issue(escalation())
    second = sink.create_issue(escalation("ord-2"))
    assert (first.key, first.id, second.key) == ("LOCAL-1", "1", "LOCAL-2")
    assert first.url.endswith("jira.jsonl#LOCAL-1")
    record = lines(tmp_path / "jira.jsonl")[0]
    assert record["op"] == "create" and record["at"] == T0.isoformat()
    assert record["summary"] == "[delivery] Shipment creation failed for ord-1042"
    assert record["priority"] == {"name": "High"}
    assert record["project"] == {"key": "OPS"}
    assert escalation().fingerprint_label in record["labels"]  # type: ignore[operator]
    assert record["fingerprint"] == escalation().fingerprint_label
    assert record["description"]["type"] == "doc"  # type: ignore[index]
    assert record["escalation"]["order_id"] == "ord-1042"  # type: ignore[index]


def test_jira_sink_numbering_survives_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "jira.jsonl"
    JiraFileSink(path).create_issue(escalation())
    assert JiraFileSink(path).create_issue(escalation("ord-2")).key == "LOCAL-2"


def test_jira_sink_keys_stay_unique_under_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "jira.jsonl"

    def create(i: int) -> str:
        return JiraFileSink(path).create_issue(escalation(f"ord-{i}")).key

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(create, range(40)))
    assert sorted(keys, key=lambda k: int(k.split("-")[1])) == [f"LOCAL-{n}" for n in range(1, 41)]


def test_jira_sink_comments_and_finds_by_fingerprint(tmp_path: Path) -> None:
    sink = JiraFileSink(tmp_path / "jira.jsonl", clock=clock)
    esc = escalation()
    assert sink.find_open_by_fingerprint(esc.fingerprint) is None
    created = sink.create_issue(esc)
    sink.create_issue(escalation("ord-other"))
    found = sink.find_open_by_fingerprint(esc.fingerprint_label)
    assert found == created
    comment = sink.add_comment(created.key, esc)
    assert (comment.id, comment.issue_key) == ("1", "LOCAL-1")
    record = lines(tmp_path / "jira.jsonl")[-1]
    assert record["op"] == "comment" and record["key"] == "LOCAL-1"
    assert record["body"]["type"] == "doc"  # type: ignore[index]
    with pytest.raises(JiraNotFoundError):
        sink.add_comment("LOCAL-99", esc)


def notification(phone: str | None = "+919876543210", shipment: str = "shp-1") -> Notification:
    return build_notification(
        NotificationKind.SHIPPED,
        order_id="3f9a1c0d-0000",
        shipment_key=shipment,
        recipient_e164=phone,
        context={"customer_name": "Asha", "courier_name": "Delhivery", "awb": "1411"},
    )


def test_whatsapp_sink_writes_template_params_and_masked_phone(tmp_path: Path) -> None:
    path = tmp_path / "wa.jsonl"
    result = FileSinkNotifier(path, clock=clock).send(notification())
    assert result.outcome is DeliveryOutcome.SENT and result.provider == "file-sink"
    (record,) = lines(path)
    assert record["to"] == "+91******3210"
    assert record["template"] == "order_shipped_v1" and record["language"] == "en"
    assert record["params"] == {
        "customer_name": "Asha",
        "order_ref": "#3F9A1C0D",
        "courier_name": "Delhivery",
        "awb": "1411",
        "tracking_url": "https://shiprocket.co/tracking/1411",
    }
    assert str(record["text"]).startswith("Hi Asha, your order #3F9A1C0D has shipped")
    assert "9876543210" not in path.read_text(encoding="utf-8")


def test_whatsapp_sink_writes_a_replayed_notification_once(tmp_path: Path) -> None:
    path = tmp_path / "wa.jsonl"
    first = FileSinkNotifier(path).send(notification())
    again = FileSinkNotifier(path).send(notification())
    FileSinkNotifier(path).send(notification(shipment="shp-2"))
    assert first.message_id == again.message_id
    assert len(lines(path)) == 2


def test_whatsapp_sink_skips_without_a_valid_mobile(tmp_path: Path) -> None:
    path = tmp_path / "wa.jsonl"
    result = FileSinkNotifier(path).send(notification(phone=None))
    assert result.outcome is DeliveryOutcome.SKIPPED and not result.retryable
    assert not path.exists()


def test_factories_pick_sinks_without_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in (
        "WHATSAPP_TOKEN",
        "WHATSAPP_PHONE_NUMBER_ID",
        "JIRA_BASE_URL",
        "JIRA_EMAIL",
        "JIRA_API_TOKEN",
    ):
        monkeypatch.delenv(var, raising=False)
    notifier = build_notifier(WhatsAppConfig(), tmp_path)
    target = build_escalation_target(JiraConfig(), tmp_path)
    assert isinstance(notifier, FileSinkNotifier) and isinstance(notifier, Notifier)
    assert notifier.path == tmp_path / "whatsapp-messages.jsonl"
    assert isinstance(target, JiraFileSink) and isinstance(target, EscalationTarget)
    assert isinstance(build_notifier(None, tmp_path), FileSinkNotifier)
    assert isinstance(build_escalation_target(None, tmp_path), JiraFileSink)


def test_factories_pick_real_clients_with_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHATSAPP_TOKEN", "EAAG-env-token-1234")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "1065")
    monkeypatch.setenv("JIRA_BASE_URL", "https://acme.atlassian.net")
    monkeypatch.setenv("JIRA_EMAIL", "bot@example.in")
    monkeypatch.setenv("JIRA_API_TOKEN", "ATATT-env-token-1234")
    wa_config = WhatsAppConfig()
    assert wa_config.api_version == "v21.0"
    assert wa_config.base_url == "https://graph.facebook.com"
    jira_config = JiraConfig()
    assert (jira_config.project_key, jira_config.issue_type) == ("OPS", "Bug")
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert isinstance(build_notifier(wa_config, tmp_path, http), CloudApiNotifier)
    assert isinstance(build_escalation_target(jira_config, tmp_path, http), JiraClient)
    assert "EAAG-env-token-1234" not in repr(wa_config)
    assert "ATATT-env-token-1234" not in repr(jira_config)
