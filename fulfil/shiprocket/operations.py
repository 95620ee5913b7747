"""The named operations of the Shiprocket client, and which of them change state.

Errors carry the operation name so a log line says *what* failed without the request body. The
write set matters for one decision only: a timeout or a dropped connection during a write means
the request may have been applied (Shiprocket has no idempotency key), so the caller must
reconcile before retrying, whereas the same failure during a read is simply transient.
"""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    """One Shiprocket API call, as the client exposes it."""

    LOGIN = "login"
    CHECK_SERVICEABILITY = "check_serviceability"
    CREATE_ADHOC_ORDER = "create_adhoc_order"
    ASSIGN_AWB = "assign_awb"
    GENERATE_PICKUP = "generate_pickup"
    GENERATE_LABEL = "generate_label"
    GENERATE_MANIFEST = "generate_manifest"
    TRACK_AWB = "track_awb"
    TRACK_AWBS = "track_awbs"
    FIND_ORDERS = "find_orders_by_channel_order_id"
    CANCEL_ORDERS = "cancel_orders"
    CANCEL_SHIPMENTS = "cancel_shipments_by_awbs"


# Label and manifest generation are repeatable without harm (the same document comes back, or
# "already generated"), so a retry after a timeout needs no reconciliation: they are not here.
WRITE_OPERATIONS: frozenset[Operation] = frozenset(
    {
        Operation.CREATE_ADHOC_ORDER,
        Operation.ASSIGN_AWB,
        Operation.GENERATE_PICKUP,
        Operation.CANCEL_ORDERS,
        Operation.CANCEL_SHIPMENTS,
    }
)


def is_write(operation: str) -> bool:
    """True when a lost response to `operation` leaves its effect unknown."""
    return operation in WRITE_OPERATIONS
