"""Jira failures, split by what the caller should do next.

    JiraError                        status, error_messages, field_errors, retry_after
    +-- JiraTransientError           try again later: 5xx, 408, timeouts, network errors
    |   +-- JiraRateLimitError       429 (and 503) with Retry-After: wait at least that long
    +-- JiraPermanentError           the same request will fail again
        +-- JiraBadRequestError      400 with `errorMessages` / `errors` (field -> message)
        +-- JiraAuthError            401, 403: fix the credentials or the project permissions
        +-- JiraNotFoundError        404: unknown issue or project
        +-- JiraGoneError            410: a retired endpoint (the old /rest/api/3/search)

`may_have_succeeded` is True when a *create* timed out after the request was sent: Jira may have
filed the issue, so the caller must look for it (by fingerprint) before creating again. Errors
hold no credentials and no request object, so they can be logged and pickled as they are.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "JiraAuthError",
    "JiraBadRequestError",
    "JiraError",
    "JiraGoneError",
    "JiraNotFoundError",
    "JiraPermanentError",
    "JiraRateLimitError",
    "JiraTransientError",
    "error_class_for",
]


class JiraError(Exception):
    """A Jira call that did not do what was asked."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_messages: list[str] | None = None,
        field_errors: dict[str, str] | None = None,
        retry_after: float | None = None,
        may_have_succeeded: bool = False,
    ) -> None:
        self.message = message
        self.status = status
        self.error_messages = list(error_messages or [])
        self.field_errors = dict(field_errors or {})
        self.retry_after = retry_after
        self.may_have_succeeded = may_have_succeeded
        super().__init__(message)

    def _fields(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "error_messages": self.error_messages,
            "field_errors": self.field_errors,
            "retry_after": self.retry_after,
            "may_have_succeeded": self.may_have_succeeded,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._fields()))

    def __str__(self) -> str:
        parts = [f"http={self.status}"] if self.status is not None else []
        if self.error_messages:
            parts.append("; ".join(self.error_messages))
        if self.field_errors:
            parts.append(", ".join(f"{k}: {v}" for k, v in sorted(self.field_errors.items())))
        if self.retry_after is not None:
            parts.append(f"retry after {self.retry_after:g}s")
        return f"{self.message} ({' | '.join(parts)})" if parts else self.message


def _rebuild(cls: type[JiraError], message: str, fields: dict[str, Any]) -> JiraError:
    return cls(message, **fields)


class JiraTransientError(JiraError):
    retryable = True


class JiraRateLimitError(JiraTransientError):
    """Honour `retry_after` (retrying earlier gets the same or a longer wait)."""


class JiraPermanentError(JiraError):
    pass


class JiraBadRequestError(JiraPermanentError):
    pass


class JiraAuthError(JiraPermanentError):
    pass


class JiraNotFoundError(JiraPermanentError):
    pass


class JiraGoneError(JiraPermanentError):
    pass


def error_class_for(status: int, retry_after: float | None = None) -> type[JiraError]:
    """Status (plus the presence of Retry-After on a 503) -> error class."""
    if status == 429 or (status == 503 and retry_after is not None):
        return JiraRateLimitError
    if status >= 500 or status == 408:
        return JiraTransientError
    if status in (401, 403):
        return JiraAuthError
    if status == 404:
        return JiraNotFoundError
    if status == 410:
        return JiraGoneError
    if status == 400:
        return JiraBadRequestError
    return JiraPermanentError
