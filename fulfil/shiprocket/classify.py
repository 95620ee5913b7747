"""Pure error classification: an HTTP answer or a transport failure in, a `ShiprocketError` out.

Shiprocket reports errors in three places: the HTTP status, a status *inside* a 200 body
(`{"status": 404, ...}`, `{"status_code": 400, ...}`), and operation-specific flags
(`awb_assign_status: 0`, `label_created: 0`) that the operation parsers handle. Messages arrive
as a string, a list of strings, or not at all; field errors as `{"field": ["msg", ...]}`.
Only the message and field bag are kept, never bodies, so an error cannot leak customer data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx
from pydantic import ValidationError

from fulfil.shiprocket.errors import (
    ShiprocketAuthError,
    ShiprocketBusinessError,
    ShiprocketConnectionError,
    ShiprocketError,
    ShiprocketNotFound,
    ShiprocketPermanentError,
    ShiprocketRateLimited,
    ShiprocketServerError,
    ShiprocketUncertainError,
    ShiprocketUnexpectedResponse,
    ShiprocketValidationError,
)
from fulfil.shiprocket.operations import Operation, is_write
from fulfil.shiprocket.ratelimit import parse_retry_after

Headers = Mapping[str, str]
MAX_TEXT = 300

# A gateway error on a write may hide a request the origin already applied.
_UNCERTAIN_GATEWAY_STATUSES = frozenset({502, 504})


def decode_body(content: bytes) -> Any:
    """JSON when it parses; otherwise the start of the text (WAF pages are HTML); None if empty."""
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content[:MAX_TEXT].decode("utf-8", errors="replace")


def header(headers: Headers, name: str) -> str | None:
    """Case-insensitive header lookup that works for plain dicts too."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def error_message(body: Any, status_code: int) -> str:
    """Shiprocket's message, whatever its shape; `HTTP <status>` when there is none."""
    found: list[str] = []
    if isinstance(body, dict):
        for key in ("message", "error", "errors_message"):
            found.extend(_texts(body.get(key)))
            if found:
                break
    elif isinstance(body, list | str):
        found.extend(_texts(body))
    text = "; ".join(found)
    return text[:MAX_TEXT] if text else f"HTTP {status_code}"


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    return []


def field_errors(body: Any) -> dict[str, list[str]]:
    """The `errors` bag of a validation answer, normalised to `{field: [messages]}`."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, dict):
        return {}
    return {str(key): _texts(value) or [str(value)] for key, value in errors.items()}


def embedded_status(body: Any) -> int | None:
    """An error status reported inside a 2xx body (`status`/`status_code` >= 400), if any."""
    if not isinstance(body, dict):
        return None
    for key in ("status_code", "status"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 400:
            return value
    return None


def classify_http_error(
    operation: Operation,
    status_code: int,
    headers: Headers,
    body: Any,
    *,
    correlation_id: str | None = None,
    now: datetime | None = None,
) -> ShiprocketError:
    """The error for a non-success answer (or a success whose body carries an error status)."""
    message = error_message(body, status_code)
    kwargs: dict[str, Any] = {
        "operation": operation,
        "status_code": status_code,
        "field_errors": field_errors(body),
        "correlation_id": correlation_id,
    }
    if status_code == 429:
        retry_after = parse_retry_after(header(headers, "retry-after"), now=now)
        return ShiprocketRateLimited(message, retry_after=retry_after, **kwargs)
    if operation is Operation.LOGIN and status_code in (400, 401, 403, 422):
        return ShiprocketAuthError(message, **kwargs)
    error_class = _class_for_status(operation, status_code)
    return error_class(message, **kwargs)


def _class_for_status(operation: Operation, status_code: int) -> type[ShiprocketError]:
    if status_code in (401, 403):
        return ShiprocketAuthError
    if status_code == 404:
        return ShiprocketNotFound
    if status_code == 422:
        return ShiprocketValidationError
    if status_code == 400:
        return ShiprocketBusinessError
    if status_code >= 500 or status_code == 408:
        if is_write(operation) and status_code in _UNCERTAIN_GATEWAY_STATUSES:
            return ShiprocketUncertainError
        return ShiprocketServerError
    if 400 <= status_code < 500:
        return ShiprocketPermanentError
    return ShiprocketUnexpectedResponse


def classify_transport_error(
    exc: httpx.HTTPError, operation: Operation, *, correlation_id: str | None = None
) -> ShiprocketError:
    """Map an httpx failure by whether the request may have reached Shiprocket.

    Connect errors and pool timeouts never left this process: plain transient. A read/write
    timeout or a dropped connection on a write may have been applied: uncertain.
    """
    kwargs: dict[str, Any] = {"operation": operation, "correlation_id": correlation_id}
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return ShiprocketConnectionError(f"request not sent ({name})", **kwargs)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.InvalidURL):
        return ShiprocketPermanentError(f"request could not be built ({name})", **kwargs)
    if isinstance(exc, httpx.TooManyRedirects):
        return ShiprocketPermanentError(f"too many redirects ({name})", **kwargs)
    if isinstance(exc, httpx.ProxyError):
        return ShiprocketConnectionError(f"proxy refused the request ({name})", **kwargs)
    if is_write(operation):
        return ShiprocketUncertainError(
            f"no answer after sending ({name}); the request may have been applied", **kwargs
        )
    return ShiprocketConnectionError(f"no answer ({name})", **kwargs)


def unreadable(
    operation: Operation,
    status_code: int,
    problem: str | ValidationError,
    *,
    correlation_id: str | None = None,
) -> ShiprocketError:
    """A 2xx we cannot read: uncertain for writes (it probably worked), transient otherwise.

    Pydantic's own message quotes input values (phones, tokens), so only locations are kept.
    """
    if isinstance(problem, ValidationError):
        where = ", ".join(
            ".".join(str(p) for p in e["loc"]) or "body" for e in problem.errors()[:5]
        )
        problem = f"unexpected response shape at {where}"
    error_class = ShiprocketUncertainError if is_write(operation) else ShiprocketUnexpectedResponse
    return error_class(
        problem, operation=operation, status_code=status_code, correlation_id=correlation_id
    )
