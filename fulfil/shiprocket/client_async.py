"""The async Shiprocket client: the same operations and errors as `ShiprocketClient`.

It shares builders, parsers and `ClientCore` with the sync client; only the awaits differ. An
`asyncio.Lock` in the token manager makes N concurrent first calls trigger one login.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Literal

import httpx

from fulfil.shiprocket import builders, parsers
from fulfil.shiprocket.auth import (
    AsyncTokenManager,
    CachedToken,
    Clock,
    InMemoryTokenStore,
    TokenStore,
    utc_now,
)
from fulfil.shiprocket.builders import RequestSpec
from fulfil.shiprocket.client_core import ClientCore, RawResponse, T, new_request_id, route_of
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.shiprocket.errors import ShiprocketError
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.ratelimit import AsyncRateLimiter
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


class AsyncShiprocketClient(ClientCore):
    """The async twin: same operations, same errors, one login for many concurrent calls."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        credentials: ShiprocketCredentials | None = None,
        config: ShiprocketConfig | None = None,
        token_store: TokenStore | None = None,
        rate_limiter: AsyncRateLimiter | None = None,
        before_request: Callable[[], Awaitable[object] | object] | None = None,
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
        self._tokens = AsyncTokenManager(token_store or InMemoryTokenStore(), clock=clock)
        rpm = self._config.requests_per_minute
        self._limiter = rate_limiter or (
            AsyncRateLimiter(rpm, burst=self._config.burst) if rpm > 0 else None
        )
        self._before_request = before_request

    # -- operations ---------------------------------------------------------------------------

    async def login(self) -> CachedToken:
        try:
            return await self._tokens.login_now(self._login)
        except ShiprocketError as err:
            self._scrub(err)
            raise

    async def check_serviceability(
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
        return await self._call(spec, partial(parsers.parse_serviceability, route=route_of(q)))

    async def create_adhoc_order(self, request: AdhocOrderRequest) -> CreatedOrder:
        spec = builders.build_create_adhoc_order(request)
        return await self._call(spec, parsers.parse_create_order)

    async def assign_awb(self, shipment_id: int, courier_id: int | None = None) -> AwbAssignment:
        spec = builders.build_assign_awb(shipment_id, courier_id)
        return await self._call(spec, parsers.parse_assign_awb)

    async def generate_pickup(
        self, shipment_id: int, pickup_date: date | None = None
    ) -> PickupResult:
        spec = builders.build_generate_pickup(shipment_id, pickup_date)
        return await self._call(spec, parsers.parse_generate_pickup)

    async def generate_label(self, shipment_ids: Iterable[int]) -> LabelResult:
        spec = builders.build_generate_label(shipment_ids)
        return await self._call(spec, parsers.parse_generate_label)

    async def generate_manifest(self, shipment_ids: Iterable[int]) -> ManifestResult:
        spec = builders.build_generate_manifest(shipment_ids)
        return await self._call(spec, parsers.parse_generate_manifest)

    async def track_awb(self, awb: str) -> TrackingResult:
        spec = builders.build_track_awb(awb)
        return await self._call(spec, partial(parsers.parse_track_awb, awb=str(awb).strip()))

    async def track_awbs(self, awbs: Iterable[str]) -> dict[str, TrackingResult]:
        spec = builders.build_track_awbs(awbs)
        return await self._call(spec, partial(parsers.parse_track_awbs, awbs=spec.json["awbs"]))

    async def find_orders_by_channel_order_id(self, channel_order_id: str) -> list[OrderSummary]:
        spec = builders.build_find_orders_by_channel_order_id(channel_order_id)
        parse = partial(parsers.parse_find_orders, channel_order_id=channel_order_id)
        return await self._call(spec, parse)

    async def cancel_orders(self, sr_order_ids: Iterable[int]) -> CancelResult:
        spec = builders.build_cancel_orders(sr_order_ids)
        return await self._call(spec, partial(parsers.parse_cancel, Operation.CANCEL_ORDERS))

    async def cancel_shipments_by_awbs(self, awbs: Iterable[str]) -> CancelResult:
        spec = builders.build_cancel_shipments_by_awbs(awbs)
        return await self._call(spec, partial(parsers.parse_cancel, Operation.CANCEL_SHIPMENTS))

    # -- plumbing -------------------------------------------------------------------------------

    async def _call(self, spec: RequestSpec, parse: Callable[..., T]) -> T:
        token: CachedToken | None = None
        try:
            raw, token = await self._send(spec)
            return parse(*raw[:3], correlation_id=raw.correlation_id)
        except ShiprocketError as err:
            self._scrub(err, token, self._tokens.current)
            raise

    async def _send(self, spec: RequestSpec) -> tuple[RawResponse, CachedToken | None]:
        token = await self._tokens.get(self._login) if spec.authenticated else None
        raw = await self._attempt(spec, token)
        if raw.status_code == 401 and token is not None:
            token = await self._tokens.refresh(token, self._login)
            raw = await self._attempt(spec, token)
        return raw, token

    async def _login(self) -> CachedToken:
        return self._issue(await self._attempt(builders.build_login(self._credentials), None))

    async def _attempt(self, spec: RequestSpec, token: CachedToken | None) -> RawResponse:
        if self._limiter is not None:
            await self._limiter.acquire()
        if self._before_request is not None:
            result = self._before_request()
            if inspect.isawaitable(result):
                await result
        rid = self._new_request_id()
        request = self._http.build_request(**self._request_args(spec, token, rid))
        t0 = time.monotonic()
        try:
            response = await self._http.send(request)
        except httpx.HTTPError as exc:
            raise self._transport_error(spec, exc, rid) from exc
        return self._raw(spec, response, rid, t0)
