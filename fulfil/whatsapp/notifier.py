"""The notifier port the flows use, its Cloud API adapter and its local file sink.

Flows only see `Notifier.send(notification) -> DeliveryResult`; a second provider (Twilio,
MSG91) is another class with the same method. `send` does not raise for vendor failures: it
returns an outcome the outbox can store (sent / skipped / retry / failed) with a reason that is
safe to log and to show to operators (never a token, never a full phone number).
"""

from __future__ import annotations

import fcntl
import json
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx
from pydantic import BaseModel, ConfigDict

from fulfil.domain.notifications import TEMPLATES, Notification, NotificationKind, TemplateSpec
from fulfil.domain.notifications import render_message as render
from fulfil.redaction import mask_phone
from fulfil.whatsapp.client import WhatsAppCloudClient
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.errors import WhatsAppError

__all__ = [
    "CloudApiNotifier",
    "DeliveryOutcome",
    "DeliveryResult",
    "FileSinkNotifier",
    "Notifier",
    "build_notifier",
]

logger = logging.getLogger(__name__)

SINK_FILENAME = "whatsapp-messages.jsonl"


class DeliveryOutcome(StrEnum):
    """What became of one notification attempt."""

    SENT = "sent"  # accepted by the provider (or written by the sink)
    SKIPPED = "skipped"  # no valid mobile: noted, never retried
    RETRY = "retry"  # transient failure: try again later
    FAILED = "failed"  # permanent failure: never retry this message


class DeliveryResult(BaseModel):
    """Outcome of `Notifier.send`, ready to be stored on the outbox item."""

    model_config = ConfigDict(frozen=True)

    outcome: DeliveryOutcome
    provider: str
    message_id: str | None = None
    error_code: str | None = None
    reason: str | None = None
    retry_after_seconds: float | None = None

    @property
    def retryable(self) -> bool:
        return self.outcome is DeliveryOutcome.RETRY


@runtime_checkable
class Notifier(Protocol):
    """Anything that can deliver a `Notification` (Cloud API, file sink, a future BSP)."""

    def send(self, notification: Notification) -> DeliveryResult: ...


def _skipped(provider: str) -> DeliveryResult:
    return DeliveryResult(
        outcome=DeliveryOutcome.SKIPPED, provider=provider, reason="no valid mobile number"
    )


def _ordered_params(spec: TemplateSpec, notification: Notification) -> list[str] | None:
    if any(name not in notification.params for name in spec.params):
        return None
    return [notification.params[name] for name in spec.params]


class CloudApiNotifier:
    """Delivers notifications as approved templates through Meta's Cloud API."""

    provider = "whatsapp-cloud"

    def __init__(
        self,
        client: WhatsAppCloudClient,
        templates: Mapping[NotificationKind, TemplateSpec] = TEMPLATES,
    ) -> None:
        self._client = client
        self._templates = templates

    def send(self, notification: Notification) -> DeliveryResult:
        if notification.recipient_e164 is None:
            return _skipped(self.provider)
        spec = self._templates[notification.kind]
        params = _ordered_params(spec, notification)
        if params is None:
            return DeliveryResult(
                outcome=DeliveryOutcome.FAILED,
                provider=self.provider,
                reason=f"notification lacks parameters of template {spec.name}",
            )
        try:
            sent = self._client.send_template(
                notification.recipient_e164, spec.name, spec.language, params
            )
        except WhatsAppError as exc:
            return DeliveryResult(
                outcome=DeliveryOutcome.RETRY if exc.retryable else DeliveryOutcome.FAILED,
                provider=self.provider,
                error_code=_error_code(exc),
                reason=f"{type(exc).__name__}: {exc}",
                retry_after_seconds=exc.retry_after,
            )
        return DeliveryResult(
            outcome=DeliveryOutcome.SENT, provider=self.provider, message_id=sent.message_id
        )


class FileSinkNotifier:
    """Appends one JSON line per message that would be sent; the default without credentials.

    Each line holds the template, its parameters, the text the recipient would read and a
    masked phone. Sending the same `dedupe_key` twice writes one line (a replayed outbox item
    is not a second message), which holds across processes thanks to a file lock.
    """

    provider = "file-sink"

    def __init__(
        self,
        path: Path,
        *,
        templates: Mapping[NotificationKind, TemplateSpec] = TEMPLATES,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.path = Path(path)
        self._templates = templates
        self._clock = clock

    def send(self, notification: Notification) -> DeliveryResult:
        if notification.recipient_e164 is None:
            return _skipped(self.provider)
        spec = self._templates[notification.kind]
        if _ordered_params(spec, notification) is None:
            return DeliveryResult(
                outcome=DeliveryOutcome.FAILED,
                provider=self.provider,
                reason=f"notification lacks parameters of template {spec.name}",
            )
        message_id = f"local-{notification.dedupe_key}"
        record = {
            "at": self._clock().isoformat(),
            "message_id": message_id,
            "dedupe_key": notification.dedupe_key,
            "kind": str(notification.kind),
            "order_id": notification.order_id,
            "to": mask_phone(notification.recipient_e164),
            "template": spec.name,
            "language": spec.language,
            "params": {name: notification.params[name] for name in spec.params},
            "text": render(notification.kind, notification.params),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.seek(0)
                if not any(_dedupe_key_of(line) == notification.dedupe_key for line in fh):
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        logger.info("whatsapp sink wrote %s for %s", spec.name, record["to"])
        return DeliveryResult(
            outcome=DeliveryOutcome.SENT, provider=self.provider, message_id=message_id
        )


def _error_code(exc: WhatsAppError) -> str | None:
    if exc.code is not None:
        return str(exc.code)
    return f"http-{exc.http_status}" if exc.http_status is not None else None


def _dedupe_key_of(line: str) -> str | None:
    try:
        value = json.loads(line).get("dedupe_key")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def build_notifier(
    config: WhatsAppConfig | None, sink_dir: Path | str, http: httpx.Client | None = None
) -> Notifier:
    """The Cloud API notifier when credentials are configured, else the file sink.

    `http` lets callers share (and close) one client; without it a client with the configured
    timeout is created and lives as long as the notifier.
    """
    if config is not None and config.configured:
        client = http or httpx.Client(timeout=config.timeout_seconds)
        return CloudApiNotifier(WhatsAppCloudClient(client, config))
    path = Path(sink_dir) / SINK_FILENAME
    logger.info("no WhatsApp credentials configured: writing messages to %s", path)
    return FileSinkNotifier(path)
