"""Pure response parsing: a 200 body into `SendResult`, an error body into a `WhatsAppError`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from fulfil.whatsapp.errors import WhatsAppError, WhatsAppTransientError, error_class_for
from fulfil.whatsapp.schemas import GraphErrorEnvelope, SendMessageResponse

__all__ = ["SendResult", "parse_error", "parse_retry_after", "parse_send_response"]


class SendResult(BaseModel):
    """Meta accepted the message (not yet delivered: delivery arrives on the webhook)."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    wa_id: str | None = None
    message_status: str | None = None


def parse_send_response(body: Any) -> SendResult:
    """Read `messages[0].id` and `contacts[0].wa_id` from a 200 response.

    A 200 without a message id is not a success we can record, and is reported as transient
    (Meta's side misbehaved; a retry may be accepted).
    """
    try:
        parsed = SendMessageResponse.model_validate(body)
    except ValidationError:
        raise WhatsAppTransientError("unexpected 200 response without a message id") from None
    if not parsed.messages:
        raise WhatsAppTransientError("200 response listed no message")
    contact = parsed.contacts[0] if parsed.contacts else None
    return SendResult(
        message_id=parsed.messages[0].id,
        wa_id=contact.wa_id if contact else None,
        message_status=parsed.messages[0].message_status,
    )


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a numeric `Retry-After` header, if present and sane."""
    raw = headers.get("retry-after") or headers.get("Retry-After")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def parse_error(status: int, body: Any, headers: Mapping[str, str] | None = None) -> WhatsAppError:
    """Turn a non-2xx response into the matching `WhatsAppError` subclass."""
    retry_after = parse_retry_after(headers or {})
    try:
        error = GraphErrorEnvelope.model_validate(body).error
    except ValidationError:
        cls = error_class_for(None, status)
        return cls(
            f"HTTP {status} without a Graph error body", http_status=status, retry_after=retry_after
        )
    cls = error_class_for(error.code, status)
    return cls(
        error.message or f"HTTP {status}",
        code=error.code,
        http_status=status,
        details=error.error_data.details if error.error_data else None,
        fbtrace_id=error.fbtrace_id,
        retry_after=retry_after,
    )
