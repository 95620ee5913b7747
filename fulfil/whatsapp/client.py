"""The only code that talks to the Cloud API over HTTP.

The client does one attempt per call and raises a classified `WhatsAppError`; whether and when to
try again is the outbox's decision (one retry layer, driven by `error.retryable`). The token is
added per request and registered for log redaction when the client is built; nothing here logs
headers, full phone numbers or response bodies.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import httpx

from fulfil.redaction import mask_phone, register_secret
from fulfil.whatsapp.builders import build_template_message
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.errors import WhatsAppError, WhatsAppTransientError
from fulfil.whatsapp.parsers import SendResult, parse_error, parse_send_response

__all__ = ["WhatsAppCloudClient"]

logger = logging.getLogger(__name__)


class WhatsAppCloudClient:
    """Send approved template messages from one business phone number."""

    def __init__(self, http: httpx.Client, config: WhatsAppConfig) -> None:
        if not config.configured or config.token is None:
            raise ValueError("WhatsApp token and phone number id are required")
        register_secret(config.token)
        self._http = http
        self._config = config

    def send_template(
        self, to_e164: str, name: str, language: str, params: Sequence[str]
    ) -> SendResult:
        """Send template `name` in `language` with positional body `params` to `to_e164`.

        Raises a `WhatsAppError` subclass on any failure (see `fulfil.whatsapp.errors`).
        """
        payload = build_template_message(to_e164, name, language, params)
        token = self._config.token.get_secret_value() if self._config.token else ""
        try:
            response = self._http.post(
                self._config.messages_url,
                json=payload.model_dump(mode="json"),
                headers={"Authorization": f"Bearer {token}"},
                timeout=self._config.timeout_seconds,
            )
        except httpx.TimeoutException as exc:
            raise WhatsAppTransientError(
                f"timeout calling WhatsApp ({type(exc).__name__})"
            ) from None
        except httpx.TransportError as exc:
            raise WhatsAppTransientError(
                f"network error calling WhatsApp ({type(exc).__name__})"
            ) from None
        if response.is_success:
            result = parse_send_response(_json_or_none(response))
            logger.info("whatsapp template %s accepted for %s", name, mask_phone(to_e164))
            return result
        error: WhatsAppError = parse_error(
            response.status_code, _json_or_none(response), response.headers
        )
        logger.warning("whatsapp template %s to %s failed: %s", name, mask_phone(to_e164), error)
        raise error


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
