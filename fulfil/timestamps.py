"""The project's one timestamp format: UTC ISO-8601 with milliseconds and a `Z`.

`2026-11-29T22:47:02.699Z`: fixed width, so string order is time order (DynamoDB sort keys and
`dueAt <= :now` conditions rely on that). Every store, the tracking sync and the snapshot write
times through `iso` and read them back through `parse_iso`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def change_stamp(now: datetime) -> dict[str, str]:
    """`updatedAt` and `changeDay` (its date): stamped on every write, read by ChangesIndex."""
    return {"updatedAt": iso(now), "changeDay": iso(now)[:10]}
