"""Fakes and builders for the outbox tests: Jira and WhatsApp behind MockTransports, a clock.

The fakes count what a vendor would have seen (tickets created per fingerprint label, comments
per ticket, messages per recipient) and can be switched "down" (every call fails like an outage).
`atomic` serialises calls to moto: real DynamoDB applies each request atomically, moto's in-process
backend does not promise that across threads, so the concurrency tests would otherwise test moto.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.domain.notifications import Notification, NotificationKind, build_notification
from fulfil.jira.client import SEARCH_PATH, JiraClient
from fulfil.jira.config import JiraConfig
from fulfil.outbound.retry import DeliveryLimits
from fulfil.outbound.wiring import Outbound, OutboundServices, build_services
from fulfil.whatsapp.client import WhatsAppCloudClient
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.notifier import CloudApiNotifier

T0 = datetime(2026, 3, 1, 10, 0, 7, tzinfo=UTC)
SITE = "https://acme.atlassian.net"


class FakeJira:
    """Jira Cloud v3 as far as delivery uses it. `search_sees_new=False` models the eventually
    consistent search: tickets created during the test are never found by search."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.search_sees_new = True
        self.issues: dict[str, dict[str, Any]] = {}
        self.creates: Counter[str] = Counter()  # per fingerprint label
        self.comments: Counter[str] = Counter()  # per issue key
        self.searches = 0
        self.calls = 0
        self.fail_create_with: int | None = None

    def close(self, key: str) -> None:
        self.issues[key]["done"] = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.calls += 1
            if self.down:
                return httpx.Response(503, json={"errorMessages": ["Service Unavailable"]})
            path = request.url.path
            body = json.loads(request.content)
            if path == SEARCH_PATH:
                self.searches += 1
                label = re.search(r'labels = "([^"]+)"', body["jql"])
                found = [
                    {
                        "id": issue["id"],
                        "key": key,
                        "fields": {
                            "labels": issue["labels"],
                            "status": {
                                "name": "Done" if issue["done"] else "Open",
                                "statusCategory": {"key": "done" if issue["done"] else "new"},
                            },
                        },
                    }
                    for key, issue in reversed(self.issues.items())
                    if label
                    and label.group(1) in issue["labels"]
                    and not issue["done"]
                    and (self.search_sees_new or issue["preexisting"])
                ]
                return httpx.Response(200, json={"issues": found[:2], "isLast": True})
            if path == "/rest/api/3/issue":
                if self.fail_create_with is not None:
                    return httpx.Response(
                        self.fail_create_with,
                        json={"errorMessages": [], "errors": {"priority": "not on screen"}},
                    )
                n = len(self.issues) + 1
                key = f"OPS-{n}"
                labels = body["fields"]["labels"]
                self.issues[key] = {
                    "id": str(10000 + n),
                    "labels": labels,
                    "done": False,
                    "preexisting": False,
                    "fields": body["fields"],
                }
                for label in labels:
                    if label.startswith("fp-"):
                        self.creates[label] += 1
                return httpx.Response(201, json={"id": str(10000 + n), "key": key})
            match = re.fullmatch(r"/rest/api/3/issue/([^/]+)/comment", path)
            if match and match.group(1) in self.issues:
                self.comments[match.group(1)] += 1
                return httpx.Response(201, json={"id": str(self.calls)})
            return httpx.Response(404, json={"errorMessages": ["Issue does not exist"]})


class FakeWhatsApp:
    """Graph API `/messages`; when down, every call answers 503 with Meta's code 131000."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down = False
        self.error: tuple[int, int] | None = None  # (http status, Meta code) for every call
        self.sends: Counter[str] = Counter()  # accepted messages per recipient+template+params
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.calls += 1
            if self.down or self.error:
                status, code = self.error or (503, 131000)
                error = {"message": "Something went wrong", "type": "OAuthException", "code": code}
                return httpx.Response(status, json={"error": error})
            body = json.loads(request.content)
            params = [p["text"] for c in body["template"]["components"] for p in c["parameters"]]
            self.sends[f"{body['to']}|{body['template']['name']}|{'|'.join(params)}"] += 1
            return httpx.Response(
                200,
                json={
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                    "messages": [{"id": f"wamid.{self.calls}"}],
                },
            )


class AtomicClient:
    """Proxy that makes every DynamoDB request atomic (one lock around each call)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)

        return call


@pytest.fixture
def fake_jira() -> FakeJira:
    return FakeJira()


@pytest.fixture
def fake_whatsapp() -> FakeWhatsApp:
    return FakeWhatsApp()


@pytest.fixture
def atomic() -> Callable[[Any], Any]:
    return AtomicClient


@pytest.fixture
def make_services(
    settings: Any, fake_jira: FakeJira, fake_whatsapp: FakeWhatsApp
) -> Iterator[Callable[..., OutboundServices]]:
    """`make_services(client, **limits)`: real Jira/WhatsApp clients on the fakes."""
    clients: list[httpx.Client] = []

    def build(client: Any, **limits: Any) -> OutboundServices:
        jira_http = httpx.Client(transport=httpx.MockTransport(fake_jira))
        wa_http = httpx.Client(transport=httpx.MockTransport(fake_whatsapp))
        clients.extend([jira_http, wa_http])
        jira = JiraClient(
            jira_http,
            JiraConfig(base_url=SITE, email="bot@example.in", api_token=SecretStr("jira-token-1")),
        )
        whatsapp = CloudApiNotifier(
            WhatsAppCloudClient(
                wa_http,
                WhatsAppConfig(token=SecretStr("wa-token-123456"), phone_number_id="1065403522"),
            )
        )
        return build_services(
            settings,
            client=client,
            outbound=Outbound(notifier=whatsapp, target=jira),
            limits=DeliveryLimits(**limits),
        )

    yield build
    for http in clients:
        http.close()


def _escalation(
    order_id: str | None = "ord-1",
    *,
    reason: str = "courier_500",
    severity: Severity = Severity.HIGH,
    at: datetime = T0,
    scope: str | None = None,
) -> Escalation:
    return Escalation(
        category=Category.DELIVERY,
        severity=severity,
        stage="create_shipment",
        reason_code=reason,
        order_id=order_id,
        scope=scope,
        summary=f"Shipment creation failed for {order_id or scope}",
        detail="Courier answered 500 three times.",
        vendor_message="HTTP 500 Internal Server Error",
        occurred_at=at,
        extra={"courier": "Delhivery"},
    )


def _notification(order_id: str = "ord-1", mobile: str | None = "+919876543210") -> Notification:
    return build_notification(
        NotificationKind.DELIVERED,
        order_id=order_id,
        shipment_key="01",
        recipient_e164=mobile,
        context={"customer_name": "Asha Rao", "order_ref": f"#{order_id.upper()}"},
    )


@pytest.fixture
def make_escalation() -> Callable[..., Escalation]:
    return _escalation


@pytest.fixture
def make_notification() -> Callable[..., Notification]:
    return _notification


@pytest.fixture
def put_order(settings: Any) -> Callable[[Any, str, str], None]:
    def put(client: Any, order_id: str, created_at: str) -> None:
        client.put_item(
            TableName=settings.tables.orders,
            Item={
                "orderId": {"S": order_id},
                "createdAt": {"S": created_at},
                "status": {"S": "processing"},
            },
        )

    return put
