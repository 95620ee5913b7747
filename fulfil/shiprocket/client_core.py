"""What the sync and async Shiprocket clients share: request shaping, decoding, scrubbing.

Kept apart from the two clients so each stays a short list of build -> send -> parse methods.
Nothing here sends a request.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

import httpx

from fulfil.shiprocket import parsers
from fulfil.shiprocket.auth import CachedToken, Clock
from fulfil.shiprocket.builders import RequestSpec
from fulfil.shiprocket.classify import classify_transport_error, decode_body
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.shiprocket.errors import ShiprocketError
from fulfil.shiprocket.schemas import ServiceabilityQuery

logger = logging.getLogger(__name__)

T = TypeVar("T")


def new_request_id() -> str:
    return str(uuid.uuid4())


def build_http_client(config: ShiprocketConfig | None = None) -> httpx.Client:
    """A pooled sync client with the configured timeouts (the caller closes it)."""
    return httpx.Client(timeout=(config or ShiprocketConfig()).timeout())


def build_async_http_client(config: ShiprocketConfig | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=(config or ShiprocketConfig()).timeout())


class RawResponse(NamedTuple):
    status_code: int
    headers: Mapping[str, str]
    body: Any
    correlation_id: str


class ClientCore:
    """What both clients share: config, credentials, request shaping, secret scrubbing."""

    def __init__(
        self,
        *,
        credentials: ShiprocketCredentials | None,
        config: ShiprocketConfig | None,
        request_id_factory: Callable[[], str],
        clock: Clock,
    ) -> None:
        self._config = config or ShiprocketConfig()
        self._credentials = credentials or self._config.credentials()
        self._new_request_id = request_id_factory
        self._clock = clock

    def _request_args(self, spec: RequestSpec, token: CachedToken | None, rid: str) -> Any:
        headers = {"Accept": "application/json", "X-Request-Id": rid}
        if token is not None:
            headers["Authorization"] = f"Bearer {token.token.get_secret_value()}"
        return {
            "method": spec.method,
            "url": self._config.url(spec.path),
            "params": spec.params,
            "json": spec.json,
            "headers": headers,
            "timeout": self._config.timeout(),
        }

    def _raw(self, spec: RequestSpec, response: httpx.Response, rid: str, t0: float) -> RawResponse:
        logger.debug(
            "shiprocket %s -> HTTP %s (request id %s, %.0f ms)",
            spec.operation,
            response.status_code,
            rid,
            (time.monotonic() - t0) * 1000,
        )
        return RawResponse(
            response.status_code, response.headers, decode_body(response.content), rid
        )

    def _transport_error(
        self, spec: RequestSpec, exc: httpx.HTTPError, rid: str
    ) -> ShiprocketError:
        logger.warning(
            "shiprocket %s failed: %s (request id %s)", spec.operation, type(exc).__name__, rid
        )
        return classify_transport_error(exc, spec.operation, correlation_id=rid)

    def _scrub(self, err: ShiprocketError, *tokens: CachedToken | None) -> None:
        secrets = [self._credentials.password.get_secret_value()]
        secrets += [t.token.get_secret_value() for t in tokens if t is not None]
        err.scrub(secrets)

    def _issue(self, raw: RawResponse) -> CachedToken:
        login = parsers.parse_login(*raw[:3], correlation_id=raw.correlation_id)
        return CachedToken.issued(login.token, self._clock())


def route_of(query: ServiceabilityQuery) -> str:
    return f"{query.pickup_postcode} -> {query.delivery_postcode}"
