"""An escalation: something a person has to look at, independent of where the ticket lives.

Flows raise escalations; adapters (Jira, a local JSONL sink) turn them into tickets. The
fingerprint is what makes "one open ticket per problem" possible: it depends only on *what*
failed and *for what* (category, stage, reason, order or scope), never on wording, timestamps or
vendor text, so the same failure seen again maps to the same ticket and becomes a comment.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "FINGERPRINT_LABEL_PREFIX",
    "Category",
    "Escalation",
    "Severity",
    "fingerprint_of",
    "jira_priority",
]

FINGERPRINT_LABEL_PREFIX = "fp-"
_FINGERPRINT_HEX = 16


class Category(StrEnum):
    """Failure categories, as the existing system names them."""

    DELIVERY = "delivery"
    PAYMENT = "payment"
    STOCK = "stock"
    DATABASE = "database"
    API = "api"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    """How urgently a person must act; drives the ticket priority."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


_PRIORITY = {
    Severity.CRITICAL: "Highest",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
}


def jira_priority(severity: Severity) -> str:
    """Jira's default priority scheme name for a severity (Highest, High, Medium, Low)."""
    return _PRIORITY[Severity(severity)]


def fingerprint_of(category: str, stage: str, reason_code: str, subject: str) -> str:
    """First 16 hex digits of sha256(`category|stage|reason|subject`).

    64 bits keep labels short (Jira labels are capped at 255 chars and cannot hold spaces) while
    collisions among a shop's open tickets stay vanishingly unlikely.
    """
    raw = f"{category}|{stage}|{reason_code}|{subject}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:_FINGERPRINT_HEX]


_NON_EMPTY = re.compile(r"\S")


class Escalation(BaseModel):
    """One failure that needs a person, with everything a ticket should say about it.

    `order_id` ties the escalation to one order; `scope` names a wider subject (a seller, a
    courier, an alert window) when there is no single order. Free text (`summary`, `detail`,
    `vendor_message`) is for people only and never enters the fingerprint.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: Category
    severity: Severity
    stage: str = Field(min_length=1, max_length=100)
    reason_code: str = Field(min_length=1, max_length=100)
    order_id: str | None = None
    scope: str | None = None
    summary: str = Field(min_length=1)
    detail: str = ""
    vendor_message: str | None = None
    flow_run_url: str | None = None
    occurred_at: AwareDatetime
    extra: dict[str, str] = Field(default_factory=dict)

    @field_validator("stage", "reason_code", "summary")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not _NON_EMPTY.search(value):
            raise ValueError("must not be blank")
        return value.strip()

    @property
    def subject(self) -> str:
        """What the failure is about: the order if there is one, else the scope, else ''."""
        return self.order_id or self.scope or ""

    @property
    def fingerprint(self) -> str:
        """Stable 16-hex id of (category, stage, reason, order or scope)."""
        return fingerprint_of(self.category, self.stage, self.reason_code, self.subject)

    @property
    def fingerprint_label(self) -> str:
        """The fingerprint as a Jira label: `fp-<16 hex>`."""
        return FINGERPRINT_LABEL_PREFIX + self.fingerprint

    @property
    def priority(self) -> str:
        """Jira priority name for this escalation's severity."""
        return jira_priority(self.severity)
