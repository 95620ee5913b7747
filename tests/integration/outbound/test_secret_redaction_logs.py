"""Credentials never reach captured logs, even through client error paths at DEBUG level."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from fulfil.domain.escalation import Category, Escalation, Severity
from fulfil.jira.client import JiraClient
from fulfil.jira.config import JiraConfig
from fulfil.jira.errors import JiraAuthError
from fulfil.redaction import clear_registered_secrets, install_redaction, uninstall_redaction
from fulfil.whatsapp.client import WhatsAppCloudClient
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.errors import WhatsAppAuthError

JIRA_EMAIL = "ops-bot@example.in"
JIRA_TOKEN = "ATATT3xFfGF0-redaction-jira-token"
WA_TOKEN = "EAAGm0PX4ZCpsBA-redaction-wa-token"
JIRA_BASIC = base64.b64encode(f"{JIRA_EMAIL}:{JIRA_TOKEN}".encode()).decode()
SECRETS = (JIRA_TOKEN, WA_TOKEN, JIRA_BASIC)
PHONE = "+919876543210"


@pytest.fixture
def redaction() -> Iterator[io.StringIO]:
    """Install the filter (plus a plain stream handler, like a deployment's console)."""
    clear_registered_secrets()
    stream = io.StringIO()
    console = logging.StreamHandler(stream)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(console)
    yield stream
    root.removeHandler(console)
    uninstall_redaction()
    clear_registered_secrets()


def echoing_401(request: httpx.Request) -> httpx.Response:
    """A vendor that (badly) echoes the credentials it received in its error body."""
    auth = request.headers.get("Authorization", "")
    if request.url.host == "graph.facebook.com":
        return httpx.Response(
            401,
            json={
                "error": {
                    "message": f"Invalid OAuth access token - Cannot parse access token {auth}",
                    "type": "OAuthException",
                    "code": 190,
                    "error_data": {"details": f"token {auth.removeprefix('Bearer ')}"},
                    "fbtrace_id": "Atrace",
                }
            },
        )
    return httpx.Response(
        401, json={"errorMessages": [f"Client must be authenticated (got {auth})"], "errors": {}}
    )


def test_no_secret_appears_in_captured_logs(
    caplog: pytest.LogCaptureFixture, redaction: io.StringIO
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "fulfil"):
        caplog.set_level(logging.DEBUG, logger=name)
    http = httpx.Client(transport=httpx.MockTransport(echoing_401))
    jira = JiraClient(
        http,
        JiraConfig(
            base_url="https://acme.atlassian.net",
            email=JIRA_EMAIL,
            api_token=SecretStr(JIRA_TOKEN),
        ),
    )
    whatsapp = WhatsAppCloudClient(
        http, WhatsAppConfig(token=SecretStr(WA_TOKEN), phone_number_id="1065")
    )
    install_redaction()
    log = logging.getLogger("fulfil.tests.redaction")
    esc = Escalation(
        category=Category.API,
        severity=Severity.HIGH,
        stage="notify",
        reason_code="auth",
        scope="jira",
        summary="auth failed",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
    )

    with pytest.raises(JiraAuthError) as jira_error:
        jira.create_issue(esc)
    log.exception("jira call failed: %s", jira_error.value, exc_info=jira_error.value)
    with pytest.raises(WhatsAppAuthError) as wa_error:
        whatsapp.send_template(PHONE, "order_delivered_v1", "en", ["A", "B"])
    log.error("whatsapp call failed: %r", wa_error.value, exc_info=wa_error.value)
    # A careless line that formats the secrets straight into the message:
    log.debug("config dump token=%s basic=%s", WA_TOKEN, f"Basic {JIRA_BASIC}")
    log.info(f"headers={{'Authorization': 'Bearer {WA_TOKEN}'}}")

    captured = caplog.text + redaction.getvalue()
    captured += "\n".join(r.getMessage() for r in caplog.records)
    assert "jira call failed" in captured and "whatsapp call failed" in captured
    assert "HTTP Request: POST" in captured  # httpx's own logger was captured too
    assert "***" in captured
    for secret in SECRETS:
        assert secret not in captured
    assert PHONE not in captured and PHONE[3:] not in captured
