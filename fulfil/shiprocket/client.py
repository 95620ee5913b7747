"""Thin I/O over the pure builders and parsers: sync `ShiprocketClient` (async twin in
`client_async`, re-exported here).

Each operation is build (pure) -> send -> parse (pure). Sending adds what is not pure: pacing
(client-side limiter, then the optional `before_request` hook for Prefect's global
`rate_limit`), the bearer token, a fresh `X-Request-Id` per HTTP request, and exactly one
re-login + retry on a 401. Nothing else is retried here: retry policy belongs to the caller,
which reads the error class (see `errors`). Both clients take an injected httpx client, so
tests pass `httpx.MockTransport` and production passes a pooled client from
`build_http_client`; the caller owns (and closes) it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Literal

import httpx

from fulfil.shiprocket import builders, parsers
from fulfil.shiprocket.auth import (
    CachedToken,
    Clock,
    InMemoryTokenStore,
    TokenManager,
    TokenStore,
    utc_now,
)
from fulfil.shiprocket.builders import RequestSpec
from fulfil.shiprocket.client_async import AsyncShiprocketClient
from fulfil.shiprocket.client_core import (
    ClientCore,
    RawResponse,
    T,
    build_async_http_client,
    build_http_client,
    new_request_id,
    route_of,
)
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.shiprocket.errors import ShiprocketError
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.ratelimit import RateLimiter
from fulfil.shiprocket.schemas import (
    AdhocOrderRequest,
    AwbAssignment,
    CancelResult,
    CreatedOrder,
    LabelResult,
    ManifestResult,
    OrderSummary,
    PickupResult,
    ServiceabilityQuery,
    ServiceabilityResult,
    TrackingResult,
)

__all__ = [
    "AsyncShiprocketClient",
    "RawResponse",
    "ShiprocketClient",
    "build_async_http_client",
    "build_http_client",
]


class ShiprocketClient(ClientCore):
    """Synchronous Shiprocket client; thread-safe if the injected `httpx.Client` is."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        credentials: ShiprocketCredentials | None = None,
        config: ShiprocketConfig | None = None,
        token_store: TokenStore | None = None,
        rate_limiter: RateLimiter | None = None,
        before_request: Callable[[], object] | None = None,
        request_id_factory: Callable[[], str] = new_request_id,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(
            credentials=credentials,
            config=config,
            request_id_factory=request_id_factory,
            clock=clock,
        )
        self._http = http
        self._tokens = TokenManager(token_store or InMemoryTokenStore(), clock=clock)
        rpm = self._config.requests_per_minute
        self._limiter = rate_limiter or (
            RateLimiter(rpm, burst=self._config.burst) if rpm > 0 else None
        )
        self._before_request = before_request

    # -- operations ---------------------------------------------------------------------------

    def login(self) -> CachedToken:
        """Log in now (normally implicit) and share the token through the store."""
        try:
            return self._tokens.login_now(self._login)
        except ShiprocketError as err:
            self._scrub(err)
            raise

    def check_serviceability(
        self,
        *,
        pickup_postcode: int | str,
        delivery_postcode: int | str,
        weight_kg: Decimal,
        cod: bool,
        length_cm: Decimal | None = None,
        breadth_cm: Decimal | None = None,
        height_cm: Decimal | None = None,
        declared_value: Decimal | None = None,
        mode: Literal["Surface", "Air"] | None = None,
    ) -> ServiceabilityResult:
        """Couriers for a route; raises `NotServiceable` when there are none."""
        q = ServiceabilityQuery(
            pickup_postcode=pickup_postcode,
            delivery_postcode=delivery_postcode,
            weight_kg=weight_kg,
            cod=cod,
            length_cm=length_cm,
            breadth_cm=breadth_cm,
            height_cm=height_cm,
            declared_value=declared_value,
            mode=mode,
        )
        spec = builders.build_check_serviceability(q)
        return self._call(spec, partial(parsers.parse_serviceability, route=route_of(q)))

    def create_adhoc_order(self, request: AdhocOrderRequest) -> CreatedOrder:
        """Create an order. A reused `order_id` returns the existing order (maybe CANCELED)."""
        return self._call(builders.build_create_adhoc_order(request), parsers.parse_create_order)

    def assign_awb(self, shipment_id: int, courier_id: int | None = None) -> AwbAssignment:
        """Assign an AWB (Shiprocket bills here); the default courier when `courier_id` is None."""
        spec = builders.build_assign_awb(shipment_id, courier_id)
        return self._call(spec, parsers.parse_assign_awb)

    def generate_pickup(self, shipment_id: int, pickup_date: date | None = None) -> PickupResult:
        """Request a pickup for one shipment (needs an AWB), optionally on a future date."""
        spec = builders.build_generate_pickup(shipment_id, pickup_date)
        return self._call(spec, parsers.parse_generate_pickup)

    def generate_label(self, shipment_ids: Iterable[int]) -> LabelResult:
        """A label PDF URL; `label_created: 0` raises `ShiprocketBusinessError`."""
        spec = builders.build_generate_label(shipment_ids)
        return self._call(spec, parsers.parse_generate_label)

    def generate_manifest(self, shipment_ids: Iterable[int]) -> ManifestResult:
        """A manifest URL, or `already_generated=True` (idempotent for us)."""
        spec = builders.build_generate_manifest(shipment_ids)
        return self._call(spec, parsers.parse_generate_manifest)

    def track_awb(self, awb: str) -> TrackingResult:
        """Tracking for one AWB; no scans yet is `TrackingState.NO_ACTIVITY`, not an error."""
        spec = builders.build_track_awb(awb)
        return self._call(spec, partial(parsers.parse_track_awb, awb=str(awb).strip()))

    def track_awbs(self, awbs: Iterable[str]) -> dict[str, TrackingResult]:
        """Bulk tracking, at most 50 AWBs (ValueError above); one result per AWB."""
        spec = builders.build_track_awbs(awbs)
        return self._call(spec, partial(parsers.parse_track_awbs, awbs=spec.json["awbs"]))

    def find_orders_by_channel_order_id(self, channel_order_id: str) -> list[OrderSummary]:
        """Orders whose channel order id is exactly ours: the reconciliation read."""
        spec = builders.build_find_orders_by_channel_order_id(channel_order_id)
        parse = partial(parsers.parse_find_orders, channel_order_id=channel_order_id)
        return self._call(spec, parse)

    def cancel_orders(self, sr_order_ids: Iterable[int]) -> CancelResult:
        """Cancel orders by Shiprocket order id (204 on success)."""
        spec = builders.build_cancel_orders(sr_order_ids)
        return self._call(spec, partial(parsers.parse_cancel, Operation.CANCEL_ORDERS))

    def cancel_shipments_by_awbs(self, awbs: Iterable[str]) -> CancelResult:
        """Cancel shipments by AWB; Shiprocket processes the batch in the background."""
        spec = builders.build_cancel_shipments_by_awbs(awbs)
        return self._call(spec, partial(parsers.parse_cancel, Operation.CANCEL_SHIPMENTS))

    # -- plumbing -------------------------------------------------------------------------------

    def _call(self, spec: RequestSpec, parse: Callable[..., T]) -> T:
        token: CachedToken | None = None
        try:
            raw, token = self._send(spec)
            return parse(*raw[:3], correlation_id=raw.correlation_id)
        except ShiprocketError as err:
            self._scrub(err, token, self._tokens.current)
            raise

    def _send(self, spec: RequestSpec) -> tuple[RawResponse, CachedToken | None]:
        token = self._tokens.get(self._login) if spec.authenticated else None
        raw = self._attempt(spec, token)
        if raw.status_code == 401 and token is not None:
            token = self._tokens.refresh(token, self._login)
            raw = self._attempt(spec, token)
        return raw, token

    def _login(self) -> CachedToken:
        return self._issue(self._attempt(builders.build_login(self._credentials), None))

    def _attempt(self, spec: RequestSpec, token: CachedToken | None) -> RawResponse:
        if self._limiter is not None:
            self._limiter.acquire()
        if self._before_request is not None:
            self._before_request()
        rid = self._new_request_id()
        request = self._http.build_request(**self._request_args(spec, token, rid))
        t0 = time.monotonic()
        try:
            response = self._http.send(request)
        except httpx.HTTPError as exc:
            raise self._transport_error(spec, exc, rid) from exc
        return self._raw(spec, response, rid, t0)
