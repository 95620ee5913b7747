"""Delivery limits and the retry arithmetic, kept pure so the policy is testable on its own.

One retry layer: the vendor clients make one attempt per call and classify the failure; the
outbox decides when to try again. Backoff is exponential (`base * 2**(attempt-1)`, capped) with
jitter so that many items failed by one outage do not all come due at the same second, and a
vendor's `Retry-After` is honoured when it asks for longer.
"""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DeliveryLimits", "backoff_seconds", "is_retryable_error"]

_MAX_RETRY_AFTER = 24 * 3600.0
_PERMANENT_AWS_CODES = frozenset(
    {
        "ValidationException",
        "ResourceNotFoundException",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "SerializationException",
    }
)


class DeliveryLimits(BaseSettings):
    """Knobs of `deliver-outbound`; each can be set as `FULFIL_OUTBOX_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="FULFIL_OUTBOX_", extra="ignore", frozen=True)

    batch_size: int = Field(50, ge=1, le=500, description="Items per delivery task run.")
    lease_seconds: int = Field(
        120, ge=10, description="How long a delivery run holds an item it is sending."
    )
    base_seconds: float = Field(30.0, gt=0, description="First retry delay; doubles per try.")
    cap_seconds: float = Field(900.0, gt=0, description="Longest retry delay.")
    jitter: float = Field(0.2, ge=0, le=1, description="Share of a delay randomly taken off.")
    max_attempts: int = Field(
        20, ge=1, description="Transient failures before an item is marked failed."
    )
    breaker_threshold: int = Field(
        5,
        ge=0,
        description="Consecutive transient failures after which a run stops calling that "
        "provider (the rest waits for the next run); 0 disables.",
    )
    claim_wait_seconds: float = Field(
        15.0, gt=0, description="Retry delay while another run is creating the same ticket."
    )
    ticket_claim_seconds: int = Field(
        600, ge=30, description="How long a fingerprint claim without a ticket key holds."
    )
    verify_open_after_seconds: int = Field(
        900,
        ge=0,
        description="Re-check in Jira that a registered ticket is still open when it was last "
        "confirmed longer ago than this (search is eventually consistent, so not sooner).",
    )


def backoff_seconds(
    attempts: int,
    limits: DeliveryLimits,
    rng: random.Random | None = None,
    retry_after: float | None = None,
) -> float:
    """Delay before the next try after `attempts` failed tries (1 = the first failure)."""
    exponent = min(max(attempts, 1) - 1, 60)
    delay = min(limits.cap_seconds, limits.base_seconds * 2.0**exponent)
    draw = (rng or random).random()
    delay *= 1.0 - limits.jitter * draw
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, _MAX_RETRY_AFTER))
    return delay


def is_retryable_error(exc: BaseException | None) -> bool:
    """Would running the same step again help? Used by the Prefect tasks' retry condition.

    Vendor errors say so themselves (`retryable`); AWS errors are transient unless their code
    names a bug or a missing resource; programming and data errors are never retried.
    """
    if exc is None:
        return True
    retryable = getattr(type(exc), "retryable", None)
    if isinstance(retryable, bool):
        return retryable
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return code not in _PERMANENT_AWS_CODES
    return not isinstance(exc, ValueError | TypeError | KeyError | AttributeError | LookupError)
