"""Pure Jira payloads, ADF shape, response parsing and error classification."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.jira import adf
from fulfil.jira.builders import (
    build_comment,
    build_create_issue,
    build_fingerprint_search,
    fingerprint_jql,
    fingerprint_label,
    issue_labels,
    issue_summary,
)
from fulfil.jira.errors import (
    JiraAuthError,
    JiraBadRequestError,
    JiraGoneError,
    JiraNotFoundError,
    JiraPermanentError,
    JiraRateLimitError,
    JiraTransientError,
)
from fulfil.jira.parsers import parse_created_issue, parse_error, parse_retry_after, parse_search
from fulfil.redaction import clear_registered_secrets, register_secret

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
SITE = "https://acme.atlassian.net"


def make(**overrides: object) -> Escalation:
    base: dict[str, object] = {
        "category": Category.DELIVERY,
        "severity": Severity.HIGH,
        "stage": "create_shipment",
        "reason_code": "courier_422",
        "order_id": "ord-1042",
        "summary": "Shipment creation failed for order ord-1042",
        "detail": "Shiprocket rejected the order.\nPincode 400001 is not serviceable.",
        "vendor_message": '{"message":"Pincode not serviceable","status_code":422}',
        "flow_run_url": "https://prefect.example/runs/flow-run/abc",
        "occurred_at": T0,
        "extra": {"courier": "Delhivery"},
    }
    return Escalation.model_validate(base | overrides)


def walk(node: Any) -> list[dict[str, Any]]:
    nodes = [node] if isinstance(node, dict) else []
    for child in node.get("content", []) if isinstance(node, dict) else []:
        nodes += walk(child)
    return nodes


def test_create_issue_payload_has_the_documented_shape() -> None:
    esc = make()
    body = build_create_issue(esc, "OPS", "Bug").model_dump(mode="json")
    fields = body["fields"]
    assert fields["project"] == {"key": "OPS"}
    assert fields["issuetype"] == {"name": "Bug"}
    assert fields["priority"] == {"name": "High"}
    assert fields["summary"] == "[delivery] Shipment creation failed for order ord-1042"
    assert fields["labels"] == [
        "fulfilment",
        "category-delivery",
        "severity-high",
        "stage-create_shipment",
        esc.fingerprint_label,
    ]
    description = fields["description"]
    assert description["type"] == "doc" and description["version"] == 1


def test_description_is_valid_adf_with_code_block_and_link() -> None:
    description = build_create_issue(make(), "OPS", "Bug").fields.description
    nodes = walk(description)
    texts = [n for n in nodes if n["type"] == "text"]
    assert all(n["text"] for n in texts), "ADF rejects empty text nodes"
    code = [n for n in nodes if n["type"] == "codeBlock"]
    assert len(code) == 1
    assert code[0]["content"][0]["text"].startswith('{"message":"Pincode')
    assert "marks" not in code[0]["content"][0]
    links = [n for n in texts if any(m["type"] == "link" for m in n.get("marks", []))]
    assert links[0]["marks"][0]["attrs"]["href"] == "https://prefect.example/runs/flow-run/abc"
    joined = " ".join(n["text"] for n in texts)
    for needle in ("ord-1042", "create_shipment", "courier_422", "Pincode 400001", "Delhivery"):
        assert needle in joined


def test_scope_replaces_order_and_non_http_flow_run_is_plain_text() -> None:
    esc = make(order_id=None, scope="seller:s-9", flow_run_url="local run 7", vendor_message=None)
    nodes = walk(build_create_issue(esc, "OPS", "Bug").fields.description)
    joined = " ".join(n["text"] for n in nodes if n["type"] == "text")
    assert "Scope: " in joined and "seller:s-9" in joined and "local run 7" in joined
    assert not [n for n in nodes if n["type"] == "codeBlock"]


def test_summary_is_one_line_and_at_most_255_characters() -> None:
    summary = issue_summary(make(summary="line one\nline two " + "x" * 400))
    assert "\n" not in summary and len(summary) == 255 and summary.endswith("…")


def test_labels_contain_no_spaces() -> None:
    labels = issue_labels(make(stage="create shipment / assign"))
    assert all(" " not in label for label in labels)


def test_registered_secrets_never_reach_a_ticket() -> None:
    register_secret("tok-SECRET-123456")
    try:
        esc = make(
            vendor_message="echo: Authorization: Bearer tok-SECRET-123456",
            detail="retry with tok-SECRET-123456",
        )
        rendered = str(build_create_issue(esc, "OPS", "Bug").model_dump())
        rendered += str(build_comment(esc).model_dump())
        assert "tok-SECRET-123456" not in rendered
        assert "***" in rendered
    finally:
        clear_registered_secrets()


def test_comment_body_is_adf_and_says_it_recurred() -> None:
    body = build_comment(make()).model_dump(mode="json")["body"]
    assert body["type"] == "doc" and body["version"] == 1
    first = body["content"][0]["content"]
    assert first[0]["text"] == "Seen again: "


def test_search_uses_jql_with_fingerprint_label_and_two_results() -> None:
    esc = make()
    body = build_fingerprint_search("OPS", esc.fingerprint).model_dump(mode="json")
    assert body == {
        "jql": f'project = OPS AND labels = "{esc.fingerprint_label}" '
        "AND statusCategory != Done ORDER BY created DESC",
        "fields": ["summary", "status", "labels", "created"],
        "maxResults": 2,
    }
    assert fingerprint_jql("OPS", esc.fingerprint_label) == body["jql"]


@pytest.mark.parametrize("bad", ['abc" OR project = X', "fp-XYZ", "0123456789abcdef0"])
def test_fingerprint_label_rejects_anything_but_16_hex(bad: str) -> None:
    with pytest.raises(ValueError):
        fingerprint_label(bad)


def test_adf_rejects_empty_text_and_drops_empty_strings() -> None:
    with pytest.raises(ValueError):
        adf.text("")
    assert adf.paragraph("", "a")["content"] == [{"type": "text", "text": "a"}]
    assert adf.code_block("")["content"] == []


def test_parse_created_issue_builds_browse_url() -> None:
    ref = parse_created_issue(
        {"id": "10000", "key": "OPS-24", "self": f"{SITE}/rest/api/3/issue/10000"}, SITE + "/"
    )
    assert (ref.key, ref.id, ref.url) == ("OPS-24", "10000", f"{SITE}/browse/OPS-24")


def test_parse_search_page_reads_cursor_fields_and_done_status() -> None:
    page = parse_search(
        {
            "issues": [
                {
                    "id": "1",
                    "key": "OPS-1",
                    "fields": {
                        "summary": "s",
                        "labels": ["fp-0123456789abcdef"],
                        "status": {"name": "Done", "statusCategory": {"key": "done"}},
                    },
                },
                {"id": "2", "key": "OPS-2", "fields": {"status": {"name": "To Do"}}},
            ],
            "isLast": False,
            "nextPageToken": "tok-page-2",
        },
        SITE,
    )
    assert [i.ref.key for i in page.issues] == ["OPS-1", "OPS-2"]
    assert [i.done for i in page.issues] == [True, False]
    assert page.is_last is False and page.next_page_token == "tok-page-2"


def test_parse_search_without_is_last_infers_it_from_the_token() -> None:
    assert parse_search({"issues": []}, SITE).is_last is True


@pytest.mark.parametrize(
    ("status", "headers", "cls"),
    [
        (429, {"Retry-After": "7"}, JiraRateLimitError),
        (503, {"Retry-After": "3"}, JiraRateLimitError),
        (503, {}, JiraTransientError),
        (500, {}, JiraTransientError),
        (400, {}, JiraBadRequestError),
        (401, {}, JiraAuthError),
        (403, {}, JiraAuthError),
        (404, {}, JiraNotFoundError),
        (410, {}, JiraGoneError),
        (409, {}, JiraPermanentError),
    ],
)
def test_error_classification(status: int, headers: dict[str, str], cls: type) -> None:
    error = parse_error(status, {"errorMessages": ["x"]}, headers)
    assert type(error) is cls
    assert error.retryable is issubclass(cls, JiraTransientError)


def test_400_keeps_jira_messages_and_field_errors() -> None:
    error = parse_error(
        400,
        {"errorMessages": [], "errors": {"priority": "Priority name 'Highest' is not valid"}},
        {},
        what="create issue",
    )
    assert error.field_errors == {"priority": "Priority name 'Highest' is not valid"}
    assert "priority: Priority name" in str(error)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": "12"}) == 12.0
    assert parse_retry_after({"retry-after": "Sun, 01 Mar 2026 10:00:30 GMT"}, now) == 30.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None
