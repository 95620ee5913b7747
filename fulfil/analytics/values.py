"""Value normalisers for analytics rows: DynamoDB values in, text for a typed column out.

Every function returns text (or None) that `schema.py` then casts to its column type, and never
raises on odd input: a malformed value becomes NULL rather than failing the hourly snapshot.
Timestamps come out as ISO-8601 with an offset. Ours carry `Z`; a naive one (Shiprocket's
"2026-12-03 18:00:00" ETAs) is India time; a bare date as an ETA means the end of that day.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["IST", "digits", "flag", "integer", "number", "pin3", "text", "timestamp"]

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def number(value: Any) -> str | None:
    """A decimal number as text (money, weights), or None when it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        parsed = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return str(parsed) if parsed.is_finite() else None


def integer(value: Any) -> str | None:
    parsed = number(value)
    return str(int(Decimal(parsed))) if parsed is not None else None


def flag(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return None


def timestamp(value: Any, *, end_of_day: bool = False) -> str | None:
    """ISO-8601 with offset; naive means IST; a bare date is its start (or end) in IST."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        seconds = float(value) / (1000 if value > 10**11 else 1)
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    raw = str(value).strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if len(raw) == 10 and end_of_day:
        moment = moment.replace(hour=23, minute=59, second=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment.isoformat()


def pin3(value: Any) -> str | None:
    found = digits(value)
    return found[:3] if len(found) == 6 else None


def digits(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else ""
    return re.sub(r"\D", "", str(value))
