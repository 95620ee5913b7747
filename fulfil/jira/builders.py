"""Pure Jira payloads from an `Escalation`: create-issue, comment and fingerprint search.

Every free-text value passes through `redact` (registered secrets, auth header values) before it
can reach a ticket, and is trimmed to Jira's limits (summary: 255 characters, one line).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fulfil.domain.escalation import FINGERPRINT_LABEL_PREFIX, Escalation
from fulfil.jira import adf
from fulfil.redaction import redact

__all__ = [
    "SEARCH_FIELDS",
    "CommentRequest",
    "CreateIssueRequest",
    "SearchJqlRequest",
    "build_comment",
    "build_create_issue",
    "build_description",
    "build_fingerprint_search",
    "fingerprint_jql",
    "fingerprint_label",
    "issue_labels",
    "issue_summary",
]

SEARCH_FIELDS = ("summary", "status", "labels", "created")
BASE_LABEL = "fulfilment"
_SUMMARY_LIMIT = 255
_TEXT_LIMIT = 8000
_FP_LABEL = re.compile(r"^fp-[0-9a-f]{16}$")


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyRef(_Request):
    key: str


class NameRef(_Request):
    name: str


class IssueFields(_Request):
    project: KeyRef
    issuetype: NameRef
    summary: str
    priority: NameRef
    labels: list[str]
    description: dict[str, Any]


class CreateIssueRequest(_Request):
    """Body of `POST /rest/api/3/issue`."""

    fields: IssueFields


class CommentRequest(_Request):
    """Body of `POST /rest/api/3/issue/{key}/comment`."""

    body: dict[str, Any]


class SearchJqlRequest(_Request):
    """Body of `POST /rest/api/3/search/jql` (the only search endpoint still alive)."""

    model_config = ConfigDict(
        populate_by_name=True, serialize_by_alias=True, extra="forbid", frozen=True
    )

    jql: str
    fields: list[str]
    max_results: int = Field(2, alias="maxResults", ge=1, le=100)


def _one_line(value: str, limit: int) -> str:
    flat = " ".join(redact(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _block(value: str) -> str:
    cleaned = redact(value).strip()
    return cleaned if len(cleaned) <= _TEXT_LIMIT else cleaned[:_TEXT_LIMIT] + "\n… (truncated)"


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-")[:100] or "none"


def fingerprint_label(fingerprint: str) -> str:
    """`fp-<16 hex>` from either the bare fingerprint or the label; rejects anything else."""
    label = (
        fingerprint
        if fingerprint.startswith(FINGERPRINT_LABEL_PREFIX)
        else (FINGERPRINT_LABEL_PREFIX + fingerprint)
    )
    if not _FP_LABEL.fullmatch(label):
        raise ValueError("fingerprint must be 16 lowercase hex digits (optionally 'fp-' first)")
    return label


def issue_summary(esc: Escalation) -> str:
    """One line, at most 255 characters: `[category] summary`."""
    return _one_line(f"[{esc.category}] {esc.summary}", _SUMMARY_LIMIT)


def issue_labels(esc: Escalation) -> list[str]:
    """Labels for filtering boards; the fingerprint label is what de-duplication searches."""
    return [
        BASE_LABEL,
        f"category-{esc.category}",
        f"severity-{esc.severity}",
        f"stage-{_slug(esc.stage)}",
        esc.fingerprint_label,
    ]


def _field(label: str, value: str) -> adf.AdfNode:
    return adf.paragraph(adf.text(f"{label}: ", strong=True), _one_line(value, 1000) or "-")


def _flow_run(url: str) -> adf.AdfNode:
    if re.fullmatch(r"https?://\S+", url):
        return adf.paragraph(adf.text("Prefect flow run: ", strong=True), adf.link(url, url))
    return _field("Prefect flow run", url)


def _common_blocks(esc: Escalation) -> list[adf.AdfNode]:
    blocks = [
        _field("Order", esc.order_id) if esc.order_id else _field("Scope", esc.scope or "-"),
        _field("Stage", esc.stage),
        _field("Reason", esc.reason_code),
        _field("Category / severity", f"{esc.category} / {esc.severity}"),
        _field("Occurred at", esc.occurred_at.isoformat()),
    ]
    blocks += [adf.paragraph(line) for line in _block(esc.detail).splitlines() if line.strip()]
    if esc.vendor_message:
        blocks += [adf.heading("Vendor message", 4), adf.code_block(_block(esc.vendor_message))]
    if esc.flow_run_url:
        blocks.append(_flow_run(esc.flow_run_url))
    blocks += [_field(key, value) for key, value in sorted(esc.extra.items())]
    return blocks


def build_description(esc: Escalation) -> adf.AdfNode:
    """What failed, the order (or scope), the stage, the vendor's message, the flow-run link."""
    return adf.doc(
        _field("What failed", esc.summary),
        *_common_blocks(esc),
        _field("Fingerprint", esc.fingerprint_label),
    )


def build_create_issue(esc: Escalation, project_key: str, issue_type: str) -> CreateIssueRequest:
    return CreateIssueRequest(
        fields=IssueFields(
            project=KeyRef(key=project_key),
            issuetype=NameRef(name=issue_type),
            summary=issue_summary(esc),
            priority=NameRef(name=esc.priority),
            labels=issue_labels(esc),
            description=build_description(esc),
        )
    )


def build_comment(esc: Escalation) -> CommentRequest:
    """A recurrence: the same fingerprint failed again; say when and with what details."""
    return CommentRequest(
        body=adf.doc(
            _field("Seen again", f"{esc.occurred_at.isoformat()} ({esc.severity})"),
            _field("What failed", esc.summary),
            *_common_blocks(esc),
        )
    )


def fingerprint_jql(project_key: str, fingerprint: str) -> str:
    """Open tickets of the project carrying this fingerprint label, newest first."""
    if not re.fullmatch(r"[A-Z][A-Z0-9_]+", project_key):
        raise ValueError("invalid Jira project key")
    return (
        f'project = {project_key} AND labels = "{fingerprint_label(fingerprint)}" '
        "AND statusCategory != Done ORDER BY created DESC"
    )


def build_fingerprint_search(project_key: str, fingerprint: str) -> SearchJqlRequest:
    return SearchJqlRequest(
        jql=fingerprint_jql(project_key, fingerprint), fields=list(SEARCH_FIELDS), max_results=2
    )
