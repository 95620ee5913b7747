"""WhatsApp send failures, split by what the caller should do next.

    WhatsAppError                      code, http_status, details, fbtrace_id, retry_after
    +-- WhatsAppTransientError         retry with backoff: 131000, 2, 1, 133004, 131016,
    |   |                              131048/131049 (spam/marketing limits), 5xx, timeouts
    |   +-- WhatsAppRateLimitError     130429 (throughput), 131056 (pair rate), 4, 80007, 429
    +-- WhatsAppPermanentError         never retry the same message: 131047, other 4xx
        +-- WhatsAppRecipientError     131026 undeliverable (not on WhatsApp, old client...)
        +-- WhatsAppTemplateError      132000-class (params, name/locale, format), 100, 131008
        +-- WhatsAppAuthError          190 / 0 / 10 / 3 / 200-299, HTTP 401 and 403

Meta's code (and `details`) is the key, not the HTTP status: the same 400 carries both bugs and
undeliverable numbers. Errors hold no token and no request object, and phone-like digit runs in
Meta's text are masked, so an error can be logged, pickled into a Prefect state or written to a
ticket as it is.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

__all__ = [
    "WhatsAppAuthError",
    "WhatsAppError",
    "WhatsAppPermanentError",
    "WhatsAppRateLimitError",
    "WhatsAppRecipientError",
    "WhatsAppTemplateError",
    "WhatsAppTransientError",
    "error_class_for",
    "scrub_phone_numbers",
]

_PHONE_RUN = re.compile(r"\+?\d[\d -]{8,}\d")


def scrub_phone_numbers(text: str) -> str:
    """Mask digit runs long enough to be phone numbers (keep the last four digits)."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "*" * max(len(digits) - 4, 0) + digits[-4:]

    return _PHONE_RUN.sub(_mask, text)


class WhatsAppError(Exception):
    """A send that did not go through; `retryable` says whether trying again can help."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        details: str | None = None,
        fbtrace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = scrub_phone_numbers(message)
        self.code = code
        self.http_status = http_status
        self.details = scrub_phone_numbers(details) if details else None
        self.fbtrace_id = fbtrace_id
        self.retry_after = retry_after
        super().__init__(self.message)

    def _fields(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "http_status": self.http_status,
            "details": self.details,
            "fbtrace_id": self.fbtrace_id,
            "retry_after": self.retry_after,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._fields()))

    def __str__(self) -> str:
        parts = [f"code={self.code}"] if self.code is not None else []
        if self.http_status is not None:
            parts.append(f"http={self.http_status}")
        if self.details:
            parts.append(f"details={self.details!r}")
        if self.fbtrace_id:
            parts.append(f"fbtrace_id={self.fbtrace_id}")
        return f"{self.message} ({', '.join(parts)})" if parts else self.message


def _rebuild(cls: type[WhatsAppError], message: str, fields: dict[str, Any]) -> WhatsAppError:
    return cls(message, **fields)


class WhatsAppTransientError(WhatsAppError):
    """Meta or the network failed for now; the same message may succeed later."""

    retryable = True


class WhatsAppRateLimitError(WhatsAppTransientError):
    """Throughput or pair-rate limit: back off (for this recipient, for 131056)."""


class WhatsAppPermanentError(WhatsAppError):
    """The message as built will never be accepted; note it and move on."""


class WhatsAppRecipientError(WhatsAppPermanentError):
    """The number cannot receive WhatsApp messages (131026); another channel is needed."""


class WhatsAppTemplateError(WhatsAppPermanentError):
    """The template or its parameters do not match what Meta approved: a bug to fix."""


class WhatsAppAuthError(WhatsAppPermanentError):
    """The token is invalid, expired or lacks permission: fix the credentials."""


_RATE_LIMIT_CODES = frozenset({130429, 131056, 4, 80007})
_TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 133004, 131048, 131049})
_RECIPIENT_CODES = frozenset({131026})
_TEMPLATE_CODES = frozenset({100, 131008, 131009})
_AUTH_CODES = frozenset({0, 3, 10, 190})


def error_class_for(code: int | None, http_status: int | None) -> type[WhatsAppError]:
    """Pick the error class from Meta's code first, the HTTP status second."""
    if code is not None:
        if code in _RATE_LIMIT_CODES:
            return WhatsAppRateLimitError
        if code in _TRANSIENT_CODES:
            return WhatsAppTransientError
        if code in _RECIPIENT_CODES:
            return WhatsAppRecipientError
        if code in _TEMPLATE_CODES or 132000 <= code <= 132999:
            return WhatsAppTemplateError
        if code in _AUTH_CODES or 200 <= code <= 299:
            return WhatsAppAuthError
    if http_status is None:
        return WhatsAppTransientError
    if http_status == 429:
        return WhatsAppRateLimitError
    if http_status >= 500:
        return WhatsAppTransientError
    if http_status in (401, 403):
        return WhatsAppAuthError
    return WhatsAppPermanentError
