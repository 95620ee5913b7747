"""WhatsAppCloudClient and CloudApiNotifier against a MockTransport speaking Graph API shapes."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from fulfil.domain.notifications import Notification, NotificationKind, build_notification
from fulfil.whatsapp.client import WhatsAppCloudClient
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.errors import (
    WhatsAppAuthError,
    WhatsAppError,
    WhatsAppRateLimitError,
    WhatsAppRecipientError,
    WhatsAppTemplateError,
    WhatsAppTransientError,
)
from fulfil.whatsapp.notifier import CloudApiNotifier, DeliveryOutcome

TOKEN = "EAAGm0PX4ZCpsBA-whatsapp-token"
PHONE_ID = "106540352242922"
Handler = Callable[[httpx.Request], httpx.Response]


def config() -> WhatsAppConfig:
    return WhatsAppConfig(token=SecretStr(TOKEN), phone_number_id=PHONE_ID)


def client(handler: Handler) -> WhatsAppCloudClient:
    return WhatsAppCloudClient(httpx.Client(transport=httpx.MockTransport(handler)), config())


def graph_error(status: int, code: int, message: str, details: str = "") -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        error: dict[str, object] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "A1b2C3d4",
        }
        if details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": details}
        return httpx.Response(status, json={"error": error})

    return handler


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "contacts": [{"input": "919876543210", "wa_id": "919876543210"}],
                "messages": [{"id": "wamid.HBgLOTE5ODc2NTQzMjEwFQIAERgS"}],
            },
        )


def test_send_template_posts_to_the_versioned_messages_endpoint() -> None:
    recorder = Recorder()
    result = client(recorder).send_template(
        "+919876543210", "order_delivered_v1", "en", ["Asha", "#3F9A1C0D"]
    )
    assert result.message_id == "wamid.HBgLOTE5ODc2NTQzMjEwFQIAERgS"
    assert result.wa_id == "919876543210"
    (request,) = recorder.requests
    assert str(request.url) == f"https://graph.facebook.com/v21.0/{PHONE_ID}/messages"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    body = json.loads(request.content)
    assert body["to"] == "919876543210"
    assert body["template"]["name"] == "order_delivered_v1"
    assert [p["text"] for p in body["template"]["components"][0]["parameters"]] == [
        "Asha",
        "#3F9A1C0D",
    ]


def test_api_version_and_base_url_come_from_config() -> None:
    recorder = Recorder()
    cfg = WhatsAppConfig(
        token=SecretStr(TOKEN),
        phone_number_id=PHONE_ID,
        api_version="v19.0",
        base_url="https://graph.example.test/",
    )
    WhatsAppCloudClient(httpx.Client(transport=httpx.MockTransport(recorder)), cfg).send_template(
        "+919876543210", "t", "en", []
    )
    assert str(recorder.requests[0].url) == f"https://graph.example.test/v19.0/{PHONE_ID}/messages"


@pytest.mark.parametrize(
    ("handler", "cls", "code"),
    [
        (graph_error(429, 130429, "(#130429) Rate limit hit"), WhatsAppRateLimitError, 130429),
        (
            graph_error(400, 131026, "Message undeliverable", "Message Undeliverable."),
            WhatsAppRecipientError,
            131026,
        ),
        (
            graph_error(
                400,
                132000,
                "(#132000) Number of parameters does not match the expected number of params",
                "body: number of localizable_params (0) does not match the expected number of "
                "params (1)",
            ),
            WhatsAppTemplateError,
            132000,
        ),
        (graph_error(500, 131000, "Something went wrong"), WhatsAppTransientError, 131000),
        (
            graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token"),
            WhatsAppAuthError,
            190,
        ),
    ],
)
def test_graph_errors_are_classified(handler: Handler, cls: type[WhatsAppError], code: int) -> None:
    with pytest.raises(cls) as info:
        client(handler).send_template("+919876543210", "order_delivered_v1", "en", ["A", "B"])
    assert info.value.code == code
    assert info.value.fbtrace_id == "A1b2C3d4"
    assert TOKEN not in str(info.value) and "9876543210" not in str(info.value)


def test_timeouts_are_transient() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(WhatsAppTransientError) as info:
        client(slow).send_template("+919876543210", "t", "en", [])
    assert info.value.__cause__ is None  # no httpx request (and its headers) attached


def notification(phone: str | None = "+919876543210") -> Notification:
    return build_notification(
        NotificationKind.SHIPPED,
        order_id="3f9a1c0d-0000",
        shipment_key="shp-1",
        recipient_e164=phone,
        context={"customer_name": "Asha", "courier_name": "Delhivery", "awb": "1411"},
    )


def test_notifier_sends_params_in_template_order() -> None:
    recorder = Recorder()
    result = CloudApiNotifier(client(recorder)).send(notification())
    assert result.outcome is DeliveryOutcome.SENT
    assert result.message_id and result.provider == "whatsapp-cloud"
    params = json.loads(recorder.requests[0].content)["template"]["components"][0]["parameters"]
    assert [p["text"] for p in params] == [
        "Asha",
        "#3F9A1C0D",
        "Delhivery",
        "1411",
        "https://shiprocket.co/tracking/1411",
    ]


@pytest.mark.parametrize(
    ("handler", "outcome", "code"),
    [
        (graph_error(429, 130429, "(#130429) Rate limit hit"), DeliveryOutcome.RETRY, "130429"),
        (graph_error(500, 131000, "Something went wrong"), DeliveryOutcome.RETRY, "131000"),
        (graph_error(400, 131026, "Message undeliverable"), DeliveryOutcome.FAILED, "131026"),
        (graph_error(400, 132000, "Param mismatch"), DeliveryOutcome.FAILED, "132000"),
        (graph_error(401, 190, "Invalid OAuth access token"), DeliveryOutcome.FAILED, "190"),
    ],
)
def test_notifier_turns_errors_into_outcomes(
    handler: Handler, outcome: DeliveryOutcome, code: str
) -> None:
    result = CloudApiNotifier(client(handler)).send(notification())
    assert result.outcome is outcome
    assert result.retryable is (outcome is DeliveryOutcome.RETRY)
    assert result.error_code == code
    assert result.reason and TOKEN not in result.reason


def test_notifier_skips_orders_without_a_valid_mobile_without_calling_meta() -> None:
    recorder = Recorder()
    result = CloudApiNotifier(client(recorder)).send(notification(phone="022 1234 5678"))
    assert result.outcome is DeliveryOutcome.SKIPPED and not result.retryable
    assert recorder.requests == []


def test_client_refuses_missing_credentials() -> None:
    with pytest.raises(ValueError):
        WhatsAppCloudClient(httpx.Client(), WhatsAppConfig(token=None, phone_number_id=PHONE_ID))


def test_notifier_retries_after_a_timeout_without_an_error_code() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    result = CloudApiNotifier(client(slow)).send(notification())
    assert result.outcome is DeliveryOutcome.RETRY and result.error_code is None
