"""The only code that talks to Jira Cloud over HTTP (REST v3, basic auth with an API token).

One attempt per call, classified errors out; retry policy lives with the caller. Two Jira facts
shape this class: creating an issue is not idempotent (a timed-out create is reported with
`may_have_succeeded=True` so the caller searches before creating again), and search is
`/rest/api/3/search/jql` only (the old `/search` answers 410).
"""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

import httpx

from fulfil.domain.escalation import Escalation
from fulfil.jira.builders import build_comment, build_create_issue, build_fingerprint_search
from fulfil.jira.config import JiraConfig
from fulfil.jira.errors import JiraError, JiraTransientError
from fulfil.jira.parsers import (
    CommentRef,
    IssueRef,
    parse_comment,
    parse_created_issue,
    parse_error,
    parse_search,
)
from fulfil.redaction import register_secret

__all__ = ["ISSUE_PATH", "SEARCH_PATH", "JiraClient"]

logger = logging.getLogger(__name__)

ISSUE_PATH = "/rest/api/3/issue"
SEARCH_PATH = "/rest/api/3/search/jql"
_ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]*-\d+|\d+")


class JiraClient:
    """Create, comment on and find fulfilment tickets in one Jira project."""

    def __init__(self, http: httpx.Client, config: JiraConfig) -> None:
        if not config.configured or config.api_token is None or config.email is None:
            raise ValueError("Jira base URL, email and API token are required")
        register_secret(config.api_token)
        self._http = http
        self._config = config
        credentials = f"{config.email}:{config.api_token.get_secret_value()}".encode()
        encoded = base64.b64encode(credentials).decode("ascii")
        register_secret(encoded)
        self._headers = {"Authorization": f"Basic {encoded}", "Accept": "application/json"}

    def create_issue(self, esc: Escalation) -> IssueRef:
        """File a new ticket for `esc`; raises a `JiraError` subclass on failure."""
        payload = build_create_issue(esc, self._config.project_key, self._config.issue_type)
        body = self._post(ISSUE_PATH, payload.model_dump(mode="json"), "create issue")
        ref = parse_created_issue(body, self._config.site_url)
        logger.info("jira created %s for %s", ref.key, esc.fingerprint_label)
        return ref

    def add_comment(self, key: str, esc: Escalation) -> CommentRef:
        """Record a recurrence of `esc` on the existing ticket `key`."""
        if not _ISSUE_KEY.fullmatch(key):
            raise ValueError("not a Jira issue key or id")
        payload = build_comment(esc)
        body = self._post(
            f"{ISSUE_PATH}/{key}/comment", payload.model_dump(mode="json"), "add comment"
        )
        ref = parse_comment(body, key)
        logger.info("jira commented on %s for %s", key, esc.fingerprint_label)
        return ref

    def find_open_by_fingerprint(self, fingerprint: str) -> IssueRef | None:
        """Newest not-done ticket labelled with `fingerprint` (bare or `fp-`), if any.

        Search is eventually consistent: a ticket created seconds ago may be missing, which is
        why the caller claims the fingerprint in its own store before creating.
        """
        payload = build_fingerprint_search(self._config.project_key, fingerprint)
        body = self._post(SEARCH_PATH, payload.model_dump(mode="json"), "search")
        page = parse_search(body, self._config.site_url)
        open_issues = [i for i in page.issues if not i.done]
        return open_issues[0].ref if open_issues else None

    def _post(self, path: str, payload: dict[str, Any], what: str) -> Any:
        url = self._config.site_url + path
        try:
            response = self._http.post(
                url,
                json=payload,
                headers=self._headers,
                timeout=self._config.timeout_seconds,
            )
        except httpx.TransportError as exc:
            # Only a refused or never-made connection proves nothing reached Jira.
            unsent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
            kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "network error"
            raise JiraTransientError(
                f"Jira {what} failed: {kind} ({type(exc).__name__})",
                may_have_succeeded=what == "create issue" and not unsent,
            ) from None
        body = _json_or_none(response)
        if response.is_success:
            return body
        error: JiraError = parse_error(response.status_code, body, response.headers, what=what)
        logger.warning("jira %s failed: %s", what, error)
        raise error


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
