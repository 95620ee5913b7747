"""Pure parts of outbound delivery: backoff arithmetic, retry classification, report merging."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import ClientError

from fulfil.jira.errors import JiraBadRequestError, JiraRateLimitError
from fulfil.outbound.report import DeliveryReport, FailureLine, Outcome
from fulfil.outbound.retry import DeliveryLimits, backoff_seconds, is_retryable_error
from fulfil.whatsapp.errors import WhatsAppRecipientError, WhatsAppTransientError


def limits(**overrides: object) -> DeliveryLimits:
    return DeliveryLimits(**overrides)  # type: ignore[arg-type]


def test_backoff_doubles_from_the_base_up_to_the_cap_without_jitter() -> None:
    policy = limits(base_seconds=30, cap_seconds=900, jitter=0)
    assert [backoff_seconds(n, policy) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]
    assert backoff_seconds(500, policy) == 900  # no overflow on absurd attempt counts


def test_jitter_only_shortens_the_delay_within_its_share() -> None:
    policy = limits(base_seconds=100, cap_seconds=1000, jitter=0.25)
    rng = random.Random(3)
    draws = [backoff_seconds(1, policy, rng) for _ in range(200)]
    assert all(75 <= d <= 100 for d in draws)
    assert len({round(d, 3) for d in draws}) > 100  # actually spread out


def test_retry_after_wins_when_it_asks_for_longer() -> None:
    policy = limits(base_seconds=30, cap_seconds=60, jitter=0)
    assert backoff_seconds(1, policy, retry_after=120) == 120
    assert backoff_seconds(2, policy, retry_after=5) == 60
    assert backoff_seconds(1, policy, retry_after=10**9) == 24 * 3600


def test_limits_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FULFIL_OUTBOX_BASE_SECONDS", "5")
    monkeypatch.setenv("FULFIL_OUTBOX_MAX_ATTEMPTS", "3")
    policy = DeliveryLimits()
    assert (policy.base_seconds, policy.max_attempts, policy.cap_seconds) == (5, 3, 900)


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}}, "UpdateItem")


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (JiraRateLimitError("slow down", status=429), True),
        (JiraBadRequestError("bad", status=400), False),
        (WhatsAppTransientError("later", code=131000), True),
        (WhatsAppRecipientError("not on WhatsApp", code=131026), False),
        (_client_error("ProvisionedThroughputExceededException"), True),
        (_client_error("InternalServerError"), True),
        (_client_error("ValidationException"), False),
        (_client_error("ResourceNotFoundException"), False),
        (ValueError("bad data"), False),
        (KeyError("orderId"), False),
        (TimeoutError("socket"), True),
        (None, True),
    ],
)
def test_task_retry_condition_follows_the_error_class(
    error: BaseException | None, retryable: bool
) -> None:
    assert is_retryable_error(error) is retryable


def test_reports_merge_counts_and_cap_failure_lines() -> None:
    line = FailureLine(
        kind="notification", outbox_id="ntf#k", outcome=Outcome.FAILED, attempts=1, reason="x"
    )
    first = DeliveryReport(kind="notification", seen=3)
    first.add(Outcome.SENT)
    first.add(Outcome.BUSY)
    first.add(Outcome.FAILED, line)
    second = DeliveryReport(kind="notification", seen=60, circuit_open=True)
    for _ in range(60):
        second.add(Outcome.RETRY, line)
    merged = first.merged(second)
    assert merged.counts == {"sent": 1, "busy": 1, "failed": 1, "retry": 60}
    assert (merged.seen, merged.claimed, merged.circuit_open) == (63, 62, True)
    assert len(merged.failures) == 61
    big = merged.merged(second)
    assert len(big.failures) == 100  # capped for the artifact
    assert first.merged(DeliveryReport(kind="escalation")).kind == "notification+escalation"
