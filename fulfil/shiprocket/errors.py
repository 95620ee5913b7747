"""Every failure the Shiprocket client raises, split by what the caller should do next.

The client does not retry (apart from one re-login on 401); the caller's retry policy reads the
branch of the tree and nothing else::

    ShiprocketError                      operation, status_code, message, field_errors,
    │                                    correlation_id
    ├── ShiprocketTransientError         try the same request again later
    │   ├── ShiprocketRateLimited        429; retry_after (seconds) from Retry-After when sent
    │   ├── ShiprocketServerError        5xx (and 408) on a read, or where nothing was applied
    │   ├── ShiprocketConnectionError    connect failure / timeout before or on a read
    │   ├── ShiprocketUnexpectedResponse a 2xx body we cannot read (WAF page, changed shape)
    │   └── ShiprocketUncertainError     a *write* whose outcome is unknown: read timeout or
    │                                    dropped connection after sending, 502/504, unreadable
    │                                    2xx body. Reconcile (find the order) before retrying.
    └── ShiprocketPermanentError         the same request will fail again; fix data or escalate
        ├── ShiprocketValidationError    422 with a field bag
        ├── ShiprocketBusinessError      400 refusal, or an error hidden in a 200 body
        │   ├── NotServiceable           no courier serves the route
        │   └── AwbAssignmentRefused     HTTP 400, or HTTP 200 with awb_assign_status 0
        │       └── AwbAlreadyAssigned   "AWB is already assigned": usually our own earlier call
        ├── ShiprocketAuthError          login refused, 401 after one re-login, 403
        └── ShiprocketNotFound           404, also {"status": 404} inside a 200

`correlation_id` is the uuid sent as `X-Request-Id` on the failing HTTP request; Shiprocket does
not echo it, but it ties our log lines to one attempt. Errors hold Shiprocket's message and field
bag only, never request bodies, headers, tokens or passwords (the client also scrubs any echo of
its secrets before raising).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class ShiprocketError(Exception):
    """Root of every error raised by `fulfil.shiprocket`."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status_code: int | None = None,
        field_errors: dict[str, list[str]] | None = None,
        correlation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.operation = str(operation)
        self.status_code = status_code
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})
        self.correlation_id = correlation_id

    def __str__(self) -> str:
        parts = [f"{self.operation}: "]
        if self.status_code is not None:
            parts.append(f"HTTP {self.status_code}: ")
        parts.append(self.message)
        if self.field_errors:
            bag = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(self.field_errors.items()))
            parts.append(f" [{bag}]")
        if self.correlation_id:
            parts.append(f" (request id {self.correlation_id})")
        return "".join(parts)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._repr_fields().items())
        return f"{type(self).__name__}({fields})"

    def _repr_fields(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "status_code": self.status_code,
            "message": self.message,
            "field_errors": self.field_errors,
            "correlation_id": self.correlation_id,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling; Prefect may pickle
        # exceptions (task results, retries), so rebuild from the instance state instead.
        return (_rebuild, (type(self), dict(self.__dict__)))

    def scrub(self, secrets: Iterable[str]) -> None:
        """Replace any echo of `secrets` in the message and field bag (defence in depth)."""
        for secret in secrets:
            if not secret:
                continue
            self.message = self.message.replace(secret, "***")
            self.field_errors = {
                key.replace(secret, "***"): [m.replace(secret, "***") for m in msgs]
                for key, msgs in self.field_errors.items()
            }
        self.args = (self.message,)


def _rebuild(cls: type[ShiprocketError], state: dict[str, Any]) -> ShiprocketError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class ShiprocketTransientError(ShiprocketError):
    """Retrying the same request later may succeed."""


class ShiprocketRateLimited(ShiprocketTransientError):
    """HTTP 429; `retry_after` is the server's hint in seconds, when it gave one."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status_code: int | None = 429,
        field_errors: dict[str, list[str]] | None = None,
        correlation_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            operation=operation,
            status_code=status_code,
            field_errors=field_errors,
            correlation_id=correlation_id,
        )
        self.retry_after = retry_after

    def _repr_fields(self) -> dict[str, Any]:
        return {**super()._repr_fields(), "retry_after": self.retry_after}


class ShiprocketServerError(ShiprocketTransientError):
    """5xx (or 408) where a retry is safe."""


class ShiprocketConnectionError(ShiprocketTransientError):
    """The request never got an answer, and either never left or was a read."""


class ShiprocketUnexpectedResponse(ShiprocketTransientError):
    """A success status with a body we cannot read (an HTML page, a changed shape)."""


class ShiprocketUncertainError(ShiprocketTransientError):
    """A write that may or may not have been applied; look before you retry."""


class ShiprocketPermanentError(ShiprocketError):
    """The same request will fail again."""


class ShiprocketValidationError(ShiprocketPermanentError):
    """HTTP 422: Shiprocket rejected fields; see `field_errors`."""


class ShiprocketBusinessError(ShiprocketPermanentError):
    """Shiprocket refused the request (HTTP 400, or an error reported inside a 200 body)."""


class NotServiceable(ShiprocketBusinessError):
    """No courier serves this pickup/delivery pair for the given weight and payment mode."""


class AwbAssignmentRefused(ShiprocketBusinessError):
    """Shiprocket would not assign an AWB (wallet, pincode, cancelled shipment, ...)."""


class AwbAlreadyAssigned(AwbAssignmentRefused):
    """The shipment already has an AWB; typically our own earlier, uncertain call succeeded."""


class ShiprocketAuthError(ShiprocketPermanentError):
    """Login refused, a 401 that survived one re-login, or a 403 (missing module/WAF)."""


class ShiprocketNotFound(ShiprocketPermanentError):
    """HTTP 404, or a 200 body whose own status says 404."""


__all__ = [
    "AwbAlreadyAssigned",
    "AwbAssignmentRefused",
    "NotServiceable",
    "ShiprocketAuthError",
    "ShiprocketBusinessError",
    "ShiprocketConnectionError",
    "ShiprocketError",
    "ShiprocketNotFound",
    "ShiprocketPermanentError",
    "ShiprocketRateLimited",
    "ShiprocketServerError",
    "ShiprocketTransientError",
    "ShiprocketUncertainError",
    "ShiprocketUnexpectedResponse",
    "ShiprocketValidationError",
]
