"""The tracking webhook receiver: check the key, cap the body, store it raw, answer 200.

Shiprocket signs nothing; it sends the token configured in its panel as `x-api-key`. The key is
compared in constant time (digests of equal length, `hmac.compare_digest`), and a receiver with
no key configured refuses everything. The checks run cheapest and safest first: the key (401),
the declared then the actual size (413, read no further than the cap), JSON (400). Only then is
anything stored, and storing is all that happens here: the state machine runs in the tracking
sync (`apply_inbox`), so a slow database or a surprising body never turns into a slow or failed
answer that Shiprocket might retry or give up on.

Paths must avoid the words the panel refuses (`shiprocket`, `kartrocket`, `sr`, `kr`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from fulfil.shiprocket.schemas_common import loose_int
from fulfil.store.inbox import InboxStore
from fulfil.tracking.config import path_is_acceptable

__all__ = ["build_webhook_app", "key_matches"]

log = logging.getLogger(__name__)


def key_matches(expected: SecretStr | None, given: str | None) -> bool:
    """Constant-time comparison of the configured key and the header (no key: never)."""
    if expected is None or not expected.get_secret_value() or given is None:
        return False
    want = hashlib.sha256(expected.get_secret_value().encode("utf-8")).digest()
    got = hashlib.sha256(given.encode("utf-8")).digest()
    return hmac.compare_digest(want, got)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


async def _read_capped(request: Request, cap: int) -> bytes | None:
    """The body, or None as soon as it grows past `cap` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _awb_of(payload: dict[str, object]) -> str | None:
    raw = payload.get("awb")
    if isinstance(raw, str) and raw.strip():
        return raw.strip()[:64]
    number = loose_int(raw)
    return str(number) if number is not None else None


def build_webhook_app(
    *,
    inbox: InboxStore,
    api_key: SecretStr | None,
    clock: Callable[[], datetime],
    max_body_bytes: int = 64 * 1024,
    path: str = "/hooks/tracking-events",
) -> FastAPI:
    """A FastAPI app with one POST route at `path` (and `GET /healthz`)."""
    if not path_is_acceptable(path):
        raise ValueError(f"webhook path {path!r} contains a word Shiprocket's panel refuses")
    app = FastAPI(title="tracking webhook", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"ok": True})

    @app.post(path)
    async def receive(request: Request) -> JSONResponse:
        if not key_matches(api_key, request.headers.get("x-api-key")):
            log.warning("tracking webhook: missing or wrong x-api-key")
            return _error(401, "unauthorised")
        declared = loose_int(request.headers.get("content-length"))
        if declared is not None and declared > max_body_bytes:
            return _error(413, "body too large")
        body = await _read_capped(request, max_body_bytes)
        if body is None:
            return _error(413, "body too large")
        try:
            payload = json.loads(body.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError and JSONDecodeError are both ValueErrors
            return _error(400, "body is not JSON")
        if not isinstance(payload, dict):
            return _error(400, "body is not a JSON object")
        awb = _awb_of(payload)
        event_id, new = await run_in_threadpool(inbox.put, body, awb, clock())
        return JSONResponse({"received": True, "duplicate": not new, "id": event_id[:16]})

    return app
