"""A local stand-in for Jira: tickets and comments as JSON lines, for the demo and for tests.

Each record carries the same fields the Jira payload would (summary, priority, labels, the ADF
description or comment body) plus the escalation itself, so a reviewer can read exactly what
would have been filed. Keys are `LOCAL-<n>` with `n` counted from the file under an exclusive
lock, so numbering is stable across processes and restarts.
"""

from __future__ import annotations

import fcntl
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import httpx

from fulfil.domain.escalation import Escalation
from fulfil.jira.builders import build_comment, build_create_issue, fingerprint_label
from fulfil.jira.client import JiraClient
from fulfil.jira.config import JiraConfig
from fulfil.jira.errors import JiraNotFoundError
from fulfil.jira.parsers import CommentRef, IssueRef

__all__ = ["SINK_FILENAME", "EscalationTarget", "JiraFileSink", "build_escalation_target"]

logger = logging.getLogger(__name__)

SINK_FILENAME = "jira-issues.jsonl"
LOCAL_PROJECT = "LOCAL"


@runtime_checkable
class EscalationTarget(Protocol):
    """Where escalations become tickets: `JiraClient` or `JiraFileSink`."""

    def create_issue(self, esc: Escalation) -> IssueRef: ...

    def add_comment(self, key: str, esc: Escalation) -> CommentRef: ...

    def find_open_by_fingerprint(self, fingerprint: str) -> IssueRef | None: ...


class JiraFileSink:
    """Appends `create` and `comment` records to a JSONL file; reads them back for searches."""

    def __init__(
        self,
        path: Path | str,
        *,
        project_key: str = "OPS",
        issue_type: str = "Bug",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.path = Path(path)
        self._project_key = project_key
        self._issue_type = issue_type
        self._clock = clock

    def create_issue(self, esc: Escalation) -> IssueRef:
        fields = build_create_issue(esc, self._project_key, self._issue_type).model_dump(
            mode="json"
        )["fields"]
        with self._locked() as fh:
            records = list(_records(fh))
            number = 1 + sum(1 for r in records if r.get("op") == "create")
            ref = IssueRef(key=f"{LOCAL_PROJECT}-{number}", id=str(number), url=self._url(number))
            _append(
                fh,
                {
                    "op": "create",
                    "at": self._clock().isoformat(),
                    "key": ref.key,
                    "id": ref.id,
                    "url": ref.url,
                    "fingerprint": esc.fingerprint_label,
                    **fields,
                    "escalation": esc.model_dump(mode="json"),
                },
            )
        logger.info("jira sink created %s for %s", ref.key, esc.fingerprint_label)
        return ref

    def add_comment(self, key: str, esc: Escalation) -> CommentRef:
        body = build_comment(esc).model_dump(mode="json")["body"]
        with self._locked() as fh:
            records = list(_records(fh))
            if not any(r.get("op") == "create" and r.get("key") == key for r in records):
                raise JiraNotFoundError(f"no local issue {key}", status=404)
            number = 1 + sum(1 for r in records if r.get("op") == "comment")
            ref = CommentRef(id=str(number), issue_key=key)
            _append(
                fh,
                {
                    "op": "comment",
                    "at": self._clock().isoformat(),
                    "key": key,
                    "comment_id": ref.id,
                    "fingerprint": esc.fingerprint_label,
                    "body": body,
                    "escalation": esc.model_dump(mode="json"),
                },
            )
        logger.info("jira sink commented on %s for %s", key, esc.fingerprint_label)
        return ref

    def find_open_by_fingerprint(self, fingerprint: str) -> IssueRef | None:
        """Newest local ticket with this fingerprint (local tickets never close)."""
        label = fingerprint_label(fingerprint)
        if not self.path.exists():
            return None
        with self._locked() as fh:
            found = [
                r for r in _records(fh) if r.get("op") == "create" and label in r.get("labels", [])
            ]
        if not found:
            return None
        last = found[-1]
        return IssueRef(key=str(last["key"]), id=str(last["id"]), url=str(last["url"]))

    def _url(self, number: int) -> str:
        return f"{self.path.resolve().as_uri()}#{LOCAL_PROJECT}-{number}"

    @contextmanager
    def _locked(self) -> Iterator[IO[str]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.seek(0)
                yield fh
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _records(fh: IO[str]) -> Iterator[dict[str, Any]]:
    for line in fh:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            yield record


def _append(fh: IO[str], record: dict[str, Any]) -> None:
    fh.seek(0, 2)
    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    fh.flush()


def build_escalation_target(
    config: JiraConfig | None, sink_dir: Path | str, http: httpx.Client | None = None
) -> EscalationTarget:
    """The Jira client when credentials are configured, else the local JSONL sink."""
    if config is not None and config.configured:
        client = http or httpx.Client(timeout=config.timeout_seconds)
        return JiraClient(client, config)
    path = Path(sink_dir) / SINK_FILENAME
    logger.info("no Jira credentials configured: writing tickets to %s", path)
    project = config.project_key if config is not None else "OPS"
    issue_type = config.issue_type if config is not None else "Bug"
    return JiraFileSink(path, project_key=project, issue_type=issue_type)
