"""Names of the simulated Shiprocket operations, derived from method and path.

The fault middleware runs before FastAPI routes a request, yet faults can be restricted to some
operations and the stats count calls per operation; this table gives both a stable name for
each endpoint (also the names to use in `FaultConfig.operations`).
"""

from __future__ import annotations

import re

API_PREFIX = "/v1/external"
CONTROL_PREFIX = "/__sim"

_TABLE: tuple[tuple[str, str, str], ...] = (
    ("POST", r"auth/login", "auth.login"),
    ("POST", r"auth/logout", "auth.logout"),
    ("GET", r"courier/serviceability/?", "courier.serviceability"),
    ("POST", r"orders/create/adhoc", "orders.create"),
    ("POST", r"courier/assign/awb", "courier.assign_awb"),
    ("POST", r"courier/generate/pickup", "courier.generate_pickup"),
    ("POST", r"courier/generate/label", "courier.generate_label"),
    ("POST", r"manifests/generate", "manifests.generate"),
    ("POST", r"manifests/print", "manifests.print"),
    ("GET", r"courier/track/awb/[^/]+", "courier.track_awb"),
    ("POST", r"courier/track/awbs", "courier.track_awbs"),
    ("GET", r"courier/track/shipment/[^/]+", "courier.track_shipment"),
    ("GET", r"courier/track", "courier.track_order"),
    ("GET", r"orders", "orders.list"),
    ("GET", r"orders/show/[^/]+", "orders.show"),
    ("POST", r"orders/cancel", "orders.cancel"),
    ("POST", r"orders/cancel/shipment/awbs", "orders.cancel_shipments"),
)
_COMPILED = tuple((method, re.compile(f"^{pattern}$"), name) for method, pattern, name in _TABLE)
OPERATIONS: tuple[str, ...] = tuple(name for _, _, name in _TABLE)


def operation_for(method: str, path: str) -> str | None:
    """The operation of a request path, "unknown" for other API paths, None outside the API."""
    if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
        return None
    rest = path[len(API_PREFIX) :].strip("/")
    for op_method, pattern, name in _COMPILED:
        if op_method == method.upper() and pattern.match(rest):
            return name
    return "unknown"
