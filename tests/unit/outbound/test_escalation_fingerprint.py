"""Fingerprints identify *what failed for what*, and nothing else; priorities follow severity."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from fulfil.domain.escalation import (
    Category,
    Escalation,
    Severity,
    fingerprint_of,
    jira_priority,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def make(**overrides: object) -> Escalation:
    base: dict[str, object] = {
        "category": Category.DELIVERY,
        "severity": Severity.HIGH,
        "stage": "create_shipment",
        "reason_code": "courier_422",
        "order_id": "ord-1042",
        "summary": "Shipment creation failed",
        "occurred_at": T0,
    }
    return Escalation.model_validate(base | overrides)


def test_fingerprint_is_first_16_hex_of_sha256_of_the_four_parts() -> None:
    esc = make()
    expected = hashlib.sha256(b"delivery|create_shipment|courier_422|ord-1042").hexdigest()[:16]
    assert esc.fingerprint == expected
    assert esc.fingerprint_label == f"fp-{expected}"
    assert fingerprint_of("delivery", "create_shipment", "courier_422", "ord-1042") == expected


def test_fingerprint_ignores_wording_time_severity_and_vendor_text() -> None:
    first = make()
    again = make(
        summary="Different words",
        detail="more",
        vendor_message="HTTP 422 {...}",
        occurred_at=T0 + timedelta(hours=3),
        severity=Severity.CRITICAL,
        flow_run_url="https://prefect.example/runs/1",
        extra={"attempt": "3"},
    )
    assert first.fingerprint == again.fingerprint


@pytest.mark.parametrize(
    "change",
    [
        {"category": Category.API},
        {"stage": "assign_awb"},
        {"reason_code": "courier_500"},
        {"order_id": "ord-1043"},
    ],
)
def test_fingerprint_changes_with_each_identifying_part(change: dict[str, object]) -> None:
    assert make(**change).fingerprint != make().fingerprint


def test_scope_is_the_subject_when_there_is_no_order() -> None:
    scoped = make(order_id=None, scope="seller:s-9")
    assert scoped.subject == "seller:s-9"
    assert scoped.fingerprint == fingerprint_of(
        "delivery", "create_shipment", "courier_422", "seller:s-9"
    )
    assert make(order_id=None, scope="seller:s-8").fingerprint != scoped.fingerprint


def test_order_wins_over_scope() -> None:
    assert make(scope="seller:s-9").fingerprint == make().fingerprint


@pytest.mark.parametrize(
    ("severity", "priority"),
    [
        (Severity.CRITICAL, "Highest"),
        (Severity.HIGH, "High"),
        (Severity.MEDIUM, "Medium"),
        (Severity.LOW, "Low"),
    ],
)
def test_priority_from_severity(severity: Severity, priority: str) -> None:
    assert jira_priority(severity) == priority
    assert make(severity=severity).priority == priority


def test_categories_are_the_existing_systems() -> None:
    assert [c.value for c in Category] == [
        "delivery",
        "payment",
        "stock",
        "database",
        "api",
        "unknown",
    ]


def test_naive_timestamps_and_blank_stage_are_rejected() -> None:
    with pytest.raises(ValidationError):
        make(occurred_at=datetime(2026, 3, 1, 10, 0))
    with pytest.raises(ValidationError):
        make(stage="   ")
