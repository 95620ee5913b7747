"""Pure parsing of Jira responses: created issue, comment, `/search/jql` page, error bodies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fulfil.jira.errors import JiraError, JiraTransientError, error_class_for

__all__ = [
    "CommentRef",
    "FoundIssue",
    "IssueRef",
    "SearchPage",
    "browse_url",
    "parse_comment",
    "parse_created_issue",
    "parse_error",
    "parse_retry_after",
    "parse_search",
]


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore")


class IssueRef(BaseModel):
    """A ticket as the rest of the pipeline knows it."""

    model_config = ConfigDict(frozen=True)

    key: str
    id: str
    url: str


class CommentRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    issue_key: str


class _CreatedIssue(_Response):
    id: str
    key: str
    self_: str | None = Field(None, alias="self")


class _Comment(_Response):
    id: str


class _StatusCategory(_Response):
    key: str | None = None


class _Status(_Response):
    name: str | None = None
    status_category: _StatusCategory | None = Field(None, alias="statusCategory")


class _IssueFields(_Response):
    summary: str | None = None
    status: _Status | None = None
    labels: list[str] = Field(default_factory=list)


class _SearchIssue(_Response):
    id: str
    key: str
    fields: _IssueFields = Field(default_factory=_IssueFields)


class _SearchResponse(_Response):
    issues: list[_SearchIssue] = Field(default_factory=list)
    is_last: bool | None = Field(None, alias="isLast")
    next_page_token: str | None = Field(None, alias="nextPageToken")


class _ErrorBody(_Response):
    error_messages: list[str] = Field(default_factory=list, alias="errorMessages")
    errors: dict[str, str] = Field(default_factory=dict)
    message: str | None = None


class FoundIssue(BaseModel):
    model_config = ConfigDict(frozen=True)

    ref: IssueRef
    summary: str | None
    status: str | None
    done: bool
    labels: tuple[str, ...]


class SearchPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    issues: tuple[FoundIssue, ...]
    is_last: bool
    next_page_token: str | None


def browse_url(site_url: str, key: str) -> str:
    return f"{site_url.rstrip('/')}/browse/{key}"


def _unexpected(what: str) -> JiraTransientError:
    return JiraTransientError(f"unexpected Jira response to {what}")


def parse_created_issue(body: Any, site_url: str) -> IssueRef:
    """`201 {"id","key","self"}` -> `IssueRef` with a browse URL people can click."""
    try:
        created = _CreatedIssue.model_validate(body)
    except ValidationError:
        raise _unexpected("create issue") from None
    return IssueRef(key=created.key, id=created.id, url=browse_url(site_url, created.key))


def parse_comment(body: Any, issue_key: str) -> CommentRef:
    try:
        comment = _Comment.model_validate(body)
    except ValidationError:
        raise _unexpected("add comment") from None
    return CommentRef(id=comment.id, issue_key=issue_key)


def parse_search(body: Any, site_url: str) -> SearchPage:
    """A `/search/jql` page: `issues`, `isLast`, `nextPageToken` (no `total`, no `startAt`)."""
    try:
        page = _SearchResponse.model_validate(body)
    except ValidationError:
        raise _unexpected("search") from None
    issues = tuple(
        FoundIssue(
            ref=IssueRef(key=i.key, id=i.id, url=browse_url(site_url, i.key)),
            summary=i.fields.summary,
            status=i.fields.status.name if i.fields.status else None,
            done=bool(
                i.fields.status
                and i.fields.status.status_category
                and i.fields.status.status_category.key == "done"
            ),
            labels=tuple(i.fields.labels),
        )
        for i in page.issues
    )
    is_last = page.is_last if page.is_last is not None else page.next_page_token is None
    return SearchPage(issues=issues, is_last=is_last, next_page_token=page.next_page_token)


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds: either a number or an HTTP date (relative to `now`)."""
    raw = headers.get("retry-after") or headers.get("Retry-After")
    if raw is None or not raw.strip():
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def parse_error(
    status: int, body: Any, headers: Mapping[str, str] | None = None, *, what: str = "request"
) -> JiraError:
    """A non-2xx response -> the matching `JiraError` subclass, with Jira's own messages."""
    retry_after = parse_retry_after(headers or {})
    try:
        parsed = _ErrorBody.model_validate(body) if isinstance(body, dict) else _ErrorBody()
    except ValidationError:
        parsed = _ErrorBody()
    messages = list(parsed.error_messages)
    if parsed.message and parsed.message not in messages:
        messages.append(parsed.message)
    cls = error_class_for(status, retry_after)
    return cls(
        f"Jira {what} failed",
        status=status,
        error_messages=messages,
        field_errors=parsed.errors,
        retry_after=retry_after,
    )
