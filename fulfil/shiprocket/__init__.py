"""Shiprocket connector (client side): thin I/O over pure builders, parsers and models.

Start with `ShiprocketClient(httpx.Client(...), credentials=...)` (or the async twin), catch by
the branches of `errors`, and map statuses with `fulfil.domain.shipment_status`.
"""

from __future__ import annotations

from fulfil.shiprocket.auth import CachedToken, InMemoryTokenStore, TokenStore
from fulfil.shiprocket.client import (
    AsyncShiprocketClient,
    ShiprocketClient,
    build_async_http_client,
    build_http_client,
)
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.shiprocket.errors import (
    AwbAlreadyAssigned,
    AwbAssignmentRefused,
    NotServiceable,
    ShiprocketAuthError,
    ShiprocketBusinessError,
    ShiprocketConnectionError,
    ShiprocketError,
    ShiprocketNotFound,
    ShiprocketPermanentError,
    ShiprocketRateLimited,
    ShiprocketServerError,
    ShiprocketTransientError,
    ShiprocketUncertainError,
    ShiprocketUnexpectedResponse,
    ShiprocketValidationError,
)
from fulfil.shiprocket.operations import Operation
from fulfil.shiprocket.ratelimit import AsyncRateLimiter, RateLimiter, backoff_delay
from fulfil.shiprocket.schemas import (
    AdhocOrderItem,
    AdhocOrderRequest,
    AwbAssignment,
    CancelResult,
    CourierOption,
    CreatedOrder,
    LabelResult,
    ManifestResult,
    OrderShipmentSummary,
    OrderSummary,
    PickupResult,
    ServiceabilityResult,
    TrackingActivity,
    TrackingResult,
    TrackingState,
)

__all__ = [
    "AdhocOrderItem",
    "AdhocOrderRequest",
    "AsyncRateLimiter",
    "AsyncShiprocketClient",
    "AwbAlreadyAssigned",
    "AwbAssignment",
    "AwbAssignmentRefused",
    "CachedToken",
    "CancelResult",
    "CourierOption",
    "CreatedOrder",
    "InMemoryTokenStore",
    "LabelResult",
    "ManifestResult",
    "NotServiceable",
    "Operation",
    "OrderShipmentSummary",
    "OrderSummary",
    "PickupResult",
    "RateLimiter",
    "ServiceabilityResult",
    "ShiprocketAuthError",
    "ShiprocketBusinessError",
    "ShiprocketClient",
    "ShiprocketConfig",
    "ShiprocketConnectionError",
    "ShiprocketCredentials",
    "ShiprocketError",
    "ShiprocketNotFound",
    "ShiprocketPermanentError",
    "ShiprocketRateLimited",
    "ShiprocketServerError",
    "ShiprocketTransientError",
    "ShiprocketUncertainError",
    "ShiprocketUnexpectedResponse",
    "ShiprocketValidationError",
    "TokenStore",
    "TrackingActivity",
    "TrackingResult",
    "TrackingState",
    "backoff_delay",
    "build_async_http_client",
    "build_http_client",
]
