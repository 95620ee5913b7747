"""JiraClient against a MockTransport that speaks Jira Cloud v3's documented shapes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.jira.client import SEARCH_PATH, JiraClient
from fulfil.jira.config import JiraConfig
from fulfil.jira.errors import (
    JiraAuthError,
    JiraBadRequestError,
    JiraGoneError,
    JiraNotFoundError,
    JiraRateLimitError,
    JiraTransientError,
)

SITE = "https://acme.atlassian.net"
EMAIL = "ops-bot@example.in"
TOKEN = "ATATT3xFfGF0-jira-token-value"
Handler = Callable[[httpx.Request], httpx.Response]


def config() -> JiraConfig:
    return JiraConfig(base_url=SITE + "/", email=EMAIL, api_token=SecretStr(TOKEN))


def escalation(order_id: str = "ord-1042") -> Escalation:
    return Escalation(
        category=Category.DELIVERY,
        severity=Severity.CRITICAL,
        stage="create_shipment",
        reason_code="courier_500",
        order_id=order_id,
        summary="Shipment creation failed",
        vendor_message="HTTP 500 from courier",
        flow_run_url="https://prefect.example/runs/flow-run/1",
        occurred_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
    )


class FakeJira:
    """Routes like Jira Cloud: create, comment, search/jql; the retired /search answers 410."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.issues: dict[str, dict[str, object]] = {}
        self.search_issues: list[dict[str, object]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/rest/api/3/search":
            return httpx.Response(
                410,
                json={
                    "errorMessages": [
                        "The requested API has been removed. Please migrate to the "
                        "/rest/api/3/search/jql API."
                    ],
                    "errors": {},
                },
            )
        if path == SEARCH_PATH and request.method == "POST":
            return httpx.Response(
                200, json={"issues": self.search_issues, "isLast": True, "nextPageToken": None}
            )
        if path == "/rest/api/3/issue" and request.method == "POST":
            n = len(self.issues) + 1
            key = f"OPS-{n}"
            self.issues[key] = json.loads(request.content)
            return httpx.Response(
                201,
                json={"id": str(10000 + n), "key": key, "self": f"{SITE}/rest/api/3/issue/{n}"},
            )
        if path.startswith("/rest/api/3/issue/") and path.endswith("/comment"):
            key = path.split("/")[5]
            if key not in self.issues:
                return httpx.Response(
                    404,
                    json={
                        "errorMessages": ["Issue does not exist or you do not have permission"],
                        "errors": {},
                    },
                )
            return httpx.Response(
                201,
                json={
                    "id": "20001",
                    "self": f"{SITE}/rest/api/3/issue/{key}/comment/20001",
                    "body": json.loads(request.content)["body"],
                    "created": "2026-03-01T10:00:00.000+0000",
                },
            )
        return httpx.Response(404, json={"errorMessages": ["no route"], "errors": {}})


def client(handler: Handler) -> JiraClient:
    return JiraClient(httpx.Client(transport=httpx.MockTransport(handler)), config())


def answer(status: int, body: object = None, headers: dict[str, str] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    return handler


def test_create_issue_posts_v3_payload_with_basic_auth() -> None:
    fake = FakeJira()
    ref = client(fake).create_issue(escalation())
    assert (ref.key, ref.id, ref.url) == ("OPS-1", "10001", f"{SITE}/browse/OPS-1")
    request = fake.requests[0]
    assert str(request.url) == f"{SITE}/rest/api/3/issue"
    expected = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    fields = fake.issues["OPS-1"]["fields"]
    assert isinstance(fields, dict)
    assert fields["priority"] == {"name": "Highest"}
    assert escalation().fingerprint_label in fields["labels"]
    assert fields["description"]["type"] == "doc"


def test_add_comment_returns_comment_ref() -> None:
    fake = FakeJira()
    jira = client(fake)
    key = jira.create_issue(escalation()).key
    ref = jira.add_comment(key, escalation())
    assert (ref.id, ref.issue_key) == ("20001", "OPS-1")
    body = json.loads(fake.requests[-1].content)["body"]
    assert body["version"] == 1


def test_comment_on_a_missing_issue_is_not_found() -> None:
    with pytest.raises(JiraNotFoundError) as info:
        client(FakeJira()).add_comment("OPS-99", escalation())
    assert not info.value.retryable
    assert "Issue does not exist" in str(info.value)


def test_find_open_by_fingerprint_uses_search_jql_only() -> None:
    fake = FakeJira()
    esc = escalation()
    fake.search_issues = [
        {
            "id": "10007",
            "key": "OPS-7",
            "fields": {
                "summary": "s",
                "labels": [esc.fingerprint_label],
                "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
            },
        },
        {"id": "10003", "key": "OPS-3", "fields": {"status": {"statusCategory": {"key": "new"}}}},
    ]
    ref = client(fake).find_open_by_fingerprint(esc.fingerprint)
    assert ref is not None and ref.key == "OPS-7" and ref.url == f"{SITE}/browse/OPS-7"
    (request,) = fake.requests
    assert request.url.path == "/rest/api/3/search/jql"
    body = json.loads(request.content)
    assert body["maxResults"] == 2
    assert f'labels = "{esc.fingerprint_label}"' in body["jql"]
    assert "statusCategory != Done" in body["jql"]
    assert body["fields"] == ["summary", "status", "labels", "created"]


def test_find_open_returns_none_when_nothing_matches_or_all_done() -> None:
    fake = FakeJira()
    assert client(fake).find_open_by_fingerprint(escalation().fingerprint) is None
    fake.search_issues = [
        {"id": "1", "key": "OPS-1", "fields": {"status": {"statusCategory": {"key": "done"}}}}
    ]
    assert client(fake).find_open_by_fingerprint(escalation().fingerprint_label) is None


def test_the_retired_search_endpoint_answers_410_and_is_a_permanent_error() -> None:
    fake = FakeJira()
    retired = httpx.Client(transport=httpx.MockTransport(fake)).get(
        f"{SITE}/rest/api/3/search", params={"jql": "project = OPS"}
    )
    assert retired.status_code == 410

    def everything_gone(request: httpx.Request) -> httpx.Response:
        # A proxy or an outdated mirror that serves the retired endpoint for every search.
        return fake(httpx.Request("POST", f"{SITE}/rest/api/3/search"))

    with pytest.raises(JiraGoneError) as info:
        client(everything_gone).find_open_by_fingerprint(escalation().fingerprint)
    assert "/rest/api/3/search/jql" in str(info.value)
    assert not info.value.retryable


def test_429_with_retry_after_is_rate_limited() -> None:
    handler = answer(
        429,
        {"errorMessages": ["Rate limit exceeded"]},
        {
            "Retry-After": "7",
            "X-RateLimit-Reset": "2026-03-01T10:01Z",
            "RateLimit-Reason": "jira-burst-based",
        },
    )
    with pytest.raises(JiraRateLimitError) as info:
        client(handler).create_issue(escalation())
    assert info.value.retry_after == 7.0 and info.value.retryable and info.value.status == 429


def test_503_with_retry_after_is_treated_like_a_rate_limit() -> None:
    with pytest.raises(JiraRateLimitError) as info:
        client(answer(503, None, {"Retry-After": "2"})).find_open_by_fingerprint(
            escalation().fingerprint
        )
    assert info.value.retry_after == 2.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(status: int) -> None:
    with pytest.raises(JiraTransientError) as info:
        client(answer(status, {"message": "oops"})).create_issue(escalation())
    assert info.value.retryable and info.value.retry_after is None


def test_400_surfaces_error_messages_and_field_errors() -> None:
    handler = answer(
        400,
        {
            "errorMessages": ["Operation value must be an Atlassian Document"],
            "errors": {"labels": "The label 'a b' contains spaces which is invalid."},
        },
    )
    with pytest.raises(JiraBadRequestError) as info:
        client(handler).create_issue(escalation())
    assert info.value.error_messages == ["Operation value must be an Atlassian Document"]
    assert "labels" in info.value.field_errors
    assert not info.value.retryable


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_permanent(status: int) -> None:
    with pytest.raises(JiraAuthError):
        client(answer(status, {"errorMessages": ["Client must be authenticated"]})).create_issue(
            escalation()
        )


def test_read_timeout_on_create_may_have_filed_the_issue() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(JiraTransientError) as info:
        client(slow).create_issue(escalation())
    assert info.value.may_have_succeeded is True
    with pytest.raises(JiraTransientError) as search_info:
        client(slow).find_open_by_fingerprint(escalation().fingerprint)
    assert search_info.value.may_have_succeeded is False


def test_connect_failures_did_not_file_anything() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no route", request=request)

    with pytest.raises(JiraTransientError) as info:
        client(down).create_issue(escalation())
    assert info.value.may_have_succeeded is False


def test_client_refuses_incomplete_credentials() -> None:
    with pytest.raises(ValueError):
        JiraClient(httpx.Client(), JiraConfig(base_url=SITE, email=EMAIL, api_token=None))


def test_a_dropped_connection_after_sending_a_create_is_ambiguous() -> None:
    def dropped(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    with pytest.raises(JiraTransientError) as info:
        client(dropped).create_issue(escalation())
    assert info.value.may_have_succeeded is True


def test_add_comment_rejects_anything_but_an_issue_key() -> None:
    with pytest.raises(ValueError):
        client(FakeJira()).add_comment("OPS-1/../../project", escalation())
