"""Shiprocket's wire conventions shared by all routes: error envelopes, dates, body parsing.

Routes raise `ShiprocketError` with the exact body the vendor sends (some errors carry a
`status_code` field, some do not, some arrive inside HTTP 200s) and the app turns it into the
response; that keeps each handler a straight line of checks.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request

from fulfil.simulator.config import IST

INVALID_DATA = "Oops! Invalid Data."
REQUIRED_MISSING = "Required field missing"


class ShiprocketError(Exception):
    """An error answer: HTTP status plus the vendor's JSON body (never logged with secrets)."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(f"HTTP {status}: {body.get('message', '')}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def fail(status: int, message: Any, *, with_code: bool = True, **extra: Any) -> ShiprocketError:
    body: dict[str, Any] = {"message": message}
    if with_code:
        body["status_code"] = status
    body.update(extra)
    return ShiprocketError(status, body)


def invalid(errors: dict[str, list[str]], message: str = INVALID_DATA) -> ShiprocketError:
    return ShiprocketError(422, {"message": message, "errors": errors, "status_code": 422})


async def read_json(request: Request) -> Any:
    """The decoded body; an empty or undecodable body reads as `{}` (Laravel sees no input)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}


async def read_object(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    return body if isinstance(body, dict) else {}


def fmt(dt: datetime | None) -> str | None:
    """Shiprocket's `YYYY-MM-DD HH:MM:SS`, in IST."""
    return None if dt is None else dt.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S")


def php_date(dt: datetime) -> dict[str, Any]:
    """A PHP DateTime serialised the Laravel way (`assigned_date_time`, `pickup_generated_date`)."""
    local = dt.astimezone(IST)
    return {
        "date": local.strftime("%Y-%m-%d %H:%M:%S.%f"),
        "timezone_type": 3,
        "timezone": "Asia/Kolkata",
    }


def as_id_list(value: Any, *, allow_scalar: bool = False) -> list[int] | None:
    """An id array (ints or numeric strings); None when it is not an array at all."""
    if allow_scalar and isinstance(value, int | str) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        return None
    out: list[int] = []
    for item in value:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            out.append(item)
        elif isinstance(item, str) and item.strip().isdigit():
            out.append(int(item.strip()))
    return out
