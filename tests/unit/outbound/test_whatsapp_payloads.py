"""Pure Cloud API payloads, response parsing and the error-code table."""

from __future__ import annotations

import pickle

import pytest

from fulfil.whatsapp.builders import build_template_message, to_wire_number
from fulfil.whatsapp.errors import (
    WhatsAppAuthError,
    WhatsAppError,
    WhatsAppPermanentError,
    WhatsAppRateLimitError,
    WhatsAppRecipientError,
    WhatsAppTemplateError,
    WhatsAppTransientError,
    error_class_for,
)
from fulfil.whatsapp.parsers import parse_error, parse_send_response


def test_template_message_matches_the_documented_body() -> None:
    body = build_template_message(
        "+919876543210", "order_shipped_v1", "en", ["Asha", "#3F9A1C0D"]
    ).model_dump(mode="json")
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "919876543210",
        "type": "template",
        "template": {
            "name": "order_shipped_v1",
            "language": {"code": "en", "policy": "deterministic"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Asha"},
                        {"type": "text", "text": "#3F9A1C0D"},
                    ],
                }
            ],
        },
    }


def test_template_without_params_sends_no_components() -> None:
    body = build_template_message("+919876543210", "hello", "en", []).model_dump()
    assert body["template"]["components"] == []


@pytest.mark.parametrize("bad", ["9876543210", "+0919876543210", "+91 98765 43210", ""])
def test_only_e164_numbers_are_accepted(bad: str) -> None:
    with pytest.raises(ValueError):
        to_wire_number(bad)


def test_parse_send_response_reads_message_id_and_wa_id() -> None:
    result = parse_send_response(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": "919876543210", "wa_id": "919876543210"}],
            "messages": [{"id": "wamid.HBgM", "message_status": "accepted"}],
        }
    )
    assert (result.message_id, result.wa_id, result.message_status) == (
        "wamid.HBgM",
        "919876543210",
        "accepted",
    )


def test_a_200_without_a_message_id_is_transient() -> None:
    with pytest.raises(WhatsAppTransientError):
        parse_send_response({"messaging_product": "whatsapp", "messages": []})
    with pytest.raises(WhatsAppTransientError):
        parse_send_response(None)


@pytest.mark.parametrize(
    ("code", "status", "cls"),
    [
        (130429, 429, WhatsAppRateLimitError),
        (131056, 400, WhatsAppRateLimitError),
        (131000, 500, WhatsAppTransientError),
        (2, 503, WhatsAppTransientError),
        (131026, 400, WhatsAppRecipientError),
        (132000, 400, WhatsAppTemplateError),
        (132001, 404, WhatsAppTemplateError),
        (132012, 400, WhatsAppTemplateError),
        (100, 400, WhatsAppTemplateError),
        (131008, 400, WhatsAppTemplateError),
        (131047, 400, WhatsAppPermanentError),
        (190, 401, WhatsAppAuthError),
        (None, 401, WhatsAppAuthError),
        (None, 403, WhatsAppAuthError),
        (None, 429, WhatsAppRateLimitError),
        (None, 502, WhatsAppTransientError),
        (None, 400, WhatsAppPermanentError),
        (None, None, WhatsAppTransientError),
        (999999, 500, WhatsAppTransientError),
    ],
)
def test_error_table(code: int | None, status: int | None, cls: type[WhatsAppError]) -> None:
    assert error_class_for(code, status) is cls


def test_parse_error_keeps_code_details_and_trace_and_masks_numbers() -> None:
    error = parse_error(
        400,
        {
            "error": {
                "message": "(#131026) Message undeliverable",
                "type": "OAuthException",
                "code": 131026,
                "error_data": {
                    "messaging_product": "whatsapp",
                    "details": "Recipient 919876543210 cannot be reached",
                },
                "fbtrace_id": "AbCdEf123",
            }
        },
        {},
    )
    assert isinstance(error, WhatsAppRecipientError) and not error.retryable
    assert (error.code, error.http_status, error.fbtrace_id) == (131026, 400, "AbCdEf123")
    assert error.details == "Recipient ********3210 cannot be reached"
    assert "9876543210" not in str(error)


def test_errors_survive_pickling_with_their_fields() -> None:
    error = parse_error(
        429,
        {"error": {"message": "(#130429) Rate limit hit", "code": 130429}},
        {"Retry-After": "4"},
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is WhatsAppRateLimitError
    assert (copy.code, copy.http_status, copy.retry_after) == (130429, 429, 4.0)


def test_non_graph_error_body_is_classified_by_status() -> None:
    assert isinstance(parse_error(502, "<html>bad gateway</html>"), WhatsAppTransientError)
