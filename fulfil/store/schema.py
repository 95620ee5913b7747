"""Table definitions: the source system's tables exactly as it defines them, plus the project's own.

The source tables are the contract (see `shared/reference/source-system.md`): same keys, same GSIs,
on-demand billing, ALL projections. The project's tables use deterministic keys and sparse GSIs:
an item is in an index only while it carries the index's key attributes, so "what is due" and
"what is active" are cheap queries whose cost follows the work, not the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fulfil.settings import TableNames


@dataclass(frozen=True)
class Index:
    name: str
    pk: str
    sk: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table's keys and global secondary indexes (every key attribute is a string)."""

    name: str
    pk: str
    sk: str | None = None
    indexes: tuple[Index, ...] = field(default_factory=tuple)
    source: bool = False
    ttl_attribute: str | None = None  # garbage collection only: never the lease clock

    def create_request(self) -> dict[str, object]:
        attrs = {self.pk, *([self.sk] if self.sk else [])}
        for ix in self.indexes:
            attrs.add(ix.pk)
            if ix.sk:
                attrs.add(ix.sk)
        request: dict[str, object] = {
            "TableName": self.name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": a, "AttributeType": "S"} for a in sorted(attrs)
            ],
            "KeySchema": _key_schema(self.pk, self.sk),
        }
        if self.indexes:
            request["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": ix.name,
                    "KeySchema": _key_schema(ix.pk, ix.sk),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for ix in self.indexes
            ]
        return request


def _key_schema(pk: str, sk: str | None) -> list[dict[str, str]]:
    keys = [{"AttributeName": pk, "KeyType": "HASH"}]
    if sk:
        keys.append({"AttributeName": sk, "KeyType": "RANGE"})
    return keys


# Index names of the project's own tables (used by the store modules).
DUE_INDEX = "DueIndex"
ACTIVE_INDEX = "ActiveIndex"
AWB_INDEX = "AwbIndex"
CHANGES_INDEX = "ChangesIndex"
PENDING_INDEX = "PendingIndex"


def all_tables(names: TableNames) -> list[TableSpec]:
    """Every table the pipeline needs, source tables first."""
    return [
        TableSpec(
            names.orders,
            "orderId",
            "createdAt",
            source=True,
            indexes=(
                Index("CustomerOrdersIndex", "customerId", "createdAt"),
                Index("StatusIndex", "status", "createdAt"),
            ),
        ),
        TableSpec(
            names.customers,
            "customerId",
            "email",
            source=True,
            indexes=(Index("PhoneIndex", "phone"),),
        ),
        TableSpec(
            names.addresses, "addressId", source=True, indexes=(Index("OwnerIndex", "ownerId"),)
        ),
        TableSpec(
            names.payments,
            "paymentId",
            "orderId",
            source=True,
            indexes=(Index("RazorpayIndex", "razorpayOrderId"),),
        ),
        TableSpec(
            names.products,
            "productId",
            "sellerId",
            source=True,
            indexes=(
                Index("CategoryIndex", "category", "name"),
                Index("BrandIndex", "brand", "name"),
            ),
        ),
        TableSpec(names.sellers, "sellerId", source=True, indexes=(Index("EmailIndex", "email"),)),
        TableSpec(
            names.shipments,
            "shipmentId",
            "orderId",
            source=True,
            indexes=(
                Index("ShiprocketIndex", "shiprocketOrderId"),
                Index("TrackingIndex", "trackingNumber"),
            ),
        ),
        # One item per planned shipment: the claim, the resumable chain, retry schedule, tracking.
        TableSpec(
            names.fulfilment,
            "orderId",
            "shipmentKey",
            indexes=(
                Index(DUE_INDEX, "dueShard", "dueAt"),
                Index(ACTIVE_INDEX, "activeShard", "lastScanAt"),
                Index(AWB_INDEX, "awb"),
                Index(CHANGES_INDEX, "changeDay", "updatedAt"),
            ),
        ),
        # Tracking scans, one item per (AWB, status, scan time): dedupe by key.
        TableSpec(
            names.events,
            "awb",
            "eventKey",
            indexes=(Index(CHANGES_INDEX, "changeDay", "updatedAt"),),
        ),
        # Notifications and escalations to deliver; sparse PendingIndex holds the undelivered.
        TableSpec(
            names.outbox,
            "outboxId",
            indexes=(
                Index(PENDING_INDEX, "pendingKind", "dueAt"),
                Index(CHANGES_INDEX, "changeDay", "updatedAt"),
            ),
        ),
        # Small shared state: token cache, ticket fingerprints, watermarks, webhook inbox.
        TableSpec(
            names.control,
            "pk",
            "sk",
            indexes=(Index(PENDING_INDEX, "pendingKind", "dueAt"),),
            ttl_attribute="ttl",  # outcome events expire; TTL only collects garbage
        ),
    ]
