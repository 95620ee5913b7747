"""Wire models of the Shiprocket API, gathered in one import.

The models live in one module per area (`schemas_orders`, `schemas_courier`,
`schemas_tracking`; shared field types in `schemas_common`). This module adds the login answer
and re-exports the rest, so callers write `from fulfil.shiprocket.schemas import CreatedOrder`.
"""

from __future__ import annotations

from pydantic import SecretStr

from fulfil.shiprocket.schemas_common import LooseInt, LooseStr, WireModel
from fulfil.shiprocket.schemas_courier import (
    AwbAssignment,
    CancelResult,
    CourierOption,
    LabelResult,
    ManifestResult,
    PickupResult,
    ServiceabilityQuery,
    ServiceabilityResult,
)
from fulfil.shiprocket.schemas_orders import (
    AdhocOrderItem,
    AdhocOrderRequest,
    CreatedOrder,
    OrderShipmentSummary,
    OrderSummary,
)
from fulfil.shiprocket.schemas_tracking import (
    ShipmentTrack,
    TrackingActivity,
    TrackingResult,
    TrackingState,
)


class LoginResponse(WireModel):
    """Answer to `auth/login` (fields as read by third-party clients; [PM] shows none).

    The token is a `SecretStr` from the moment it is parsed, so no repr or log can leak it.
    """

    token: SecretStr
    id: LooseInt = None
    first_name: LooseStr = None
    last_name: LooseStr = None
    email: LooseStr = None
    company_id: LooseInt = None
    created_at: LooseStr = None


__all__ = [
    "AdhocOrderItem",
    "AdhocOrderRequest",
    "AwbAssignment",
    "CancelResult",
    "CourierOption",
    "CreatedOrder",
    "LabelResult",
    "LoginResponse",
    "ManifestResult",
    "OrderShipmentSummary",
    "OrderSummary",
    "PickupResult",
    "ServiceabilityQuery",
    "ServiceabilityResult",
    "ShipmentTrack",
    "TrackingActivity",
    "TrackingResult",
    "TrackingState",
]
