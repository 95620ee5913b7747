"""The analytics database's tables: typed columns, keys, and the SQL that loads them.

One definition per table drives everything: the `CREATE TABLE`, the typed load from a staged
NDJSON file (every value arrives as text and is `TRY_CAST` to its column type here, so a stray
malformed value becomes NULL instead of failing the hourly snapshot), and the key used to upsert
the incrementally copied tables. Timestamps are `TIMESTAMPTZ`, money `DECIMAL(12,2)`.

All SQL text here is built from these constants (identifiers and types), never from data; values
always travel as bound parameters or through the staged file.

Bump `SCHEMA_VERSION` whenever a table changes: a snapshot that finds another version in the
previous file rebuilds from scratch instead of upserting into the old shape.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONTROL_TABLES",
    "DATA_TABLES",
    "SCHEMA_VERSION",
    "Column",
    "TableDef",
    "control_ddl",
    "table",
]

SCHEMA_VERSION = 1

TS = "TIMESTAMPTZ"
MONEY = "DECIMAL(12,2)"
TEXT = "VARCHAR"
INT = "INTEGER"
BOOL = "BOOLEAN"


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class TableDef:
    """A typed table; `key` names the columns that identify a row (for upserts)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def ddl(self) -> str:
        cols = ",\n  ".join(f"{c.name} {c.type}" for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {cols}\n)"

    def select_from_json(self) -> str:
        """`SELECT` of typed columns from `read_json(?)` (the staged file path is bound)."""
        columns = ", ".join(f"'{c.name}': 'VARCHAR'" for c in self.columns)
        casts = ", ".join(
            c.name if c.type == TEXT else f"TRY_CAST({c.name} AS {c.type}) AS {c.name}"
            for c in self.columns
        )
        return (
            f"SELECT {casts} FROM read_json(?, format = 'newline_delimited', "
            f"columns = {{{columns}}})"
        )


def _t(name: str, key: tuple[str, ...], spec: str) -> TableDef:
    """Columns as `name TYPE` lines (types: ts, money, int, bool, text, or a literal SQL type)."""
    aliases = {"ts": TS, "money": MONEY, "int": INT, "bool": BOOL, "text": TEXT}
    cols = []
    for line in spec.strip().splitlines():
        col, kind = line.split(maxsplit=1)
        cols.append(Column(col, aliases.get(kind.strip(), kind.strip())))
    return TableDef(name, tuple(cols), key)


ORDERS = _t(
    "orders",
    ("order_id",),
    """
    order_id text
    created_at ts
    customer_key text
    status text
    payment_method text
    payment_status text
    total_amount money
    line_count int
    unit_count int
    ship_address_key text
    ship_street_key text
    ship_city text
    ship_state text
    ship_pin3 text
    awb text
    shipment_status text
    shipment_created_at ts
    shipped_at ts
    delivered_at ts
    eta ts
    jira_ticket_key text
    fulfilment_updated_at ts
    """,
)
ORDER_LINES = _t(
    "order_lines",
    ("order_id", "line_no"),
    """
    order_id text
    line_no int
    product_id text
    product_name text
    brand text
    category text
    seller_id text
    quantity int
    unit_price money
    line_amount money
    """,
)
PAYMENTS = _t(
    "payments",
    ("payment_id", "order_id"),
    """
    payment_id text
    order_id text
    customer_key text
    status text
    method text
    amount money
    currency text
    created_at ts
    updated_at ts
    """,
)
CUSTOMERS = _t(
    "customers",
    ("customer_key",),
    """
    customer_key text
    email_key text
    phone_key text
    name_key text
    has_phone bool
    """,
)
SHIPMENTS = _t(
    "shipments",
    ("shipment_id", "order_id"),
    """
    shipment_id text
    order_id text
    sr_order_id text
    sr_shipment_id text
    awb text
    courier_name text
    courier_id text
    status text
    shipping_cost money
    payment_method text
    cod_amount money
    pickup_scheduled_at ts
    created_at ts
    updated_at ts
    ok bool
    error text
    """,
)
FULFILMENT = _t(
    "fulfilment",
    ("order_id", "shipment_key"),
    """
    order_id text
    shipment_key text
    shipment_id text
    order_created_at ts
    status text
    seller_id text
    payment_method text
    pickup_location text
    destination_city text
    destination_state text
    destination_pin3 text
    declared_value money
    cod_amount money
    weight_kg DECIMAL(10,3)
    channel_version int
    channel_order_id text
    sr_order_id text
    sr_shipment_id text
    courier_id text
    courier_name text
    shipping_cost money
    awb text
    awb_assigned_at ts
    pickup_scheduled_at ts
    documents_done bool
    attempts int
    next_attempt_at ts
    uncertain bool
    last_error_code text
    last_error_message text
    rejection_codes text
    version_history text
    tracking_status text
    tracking_updated_at ts
    last_event_at ts
    eta ts
    picked_up_at ts
    delivered_at ts
    ndr_count int
    rto_initiated_at ts
    rto_delivered_at ts
    retired_at ts
    created_at ts
    shipped_at ts
    updated_at ts
    change_day DATE
    """,
)
TRACKING_EVENTS = _t(
    "tracking_events",
    ("awb", "event_key"),
    """
    awb text
    event_key text
    order_id text
    shipment_key text
    status text
    raw_status text
    sr_status text
    sr_status_label text
    activity text
    location text
    scan_at ts
    source text
    recorded_at ts
    updated_at ts
    """,
)
NOTIFICATIONS = _t(
    "notifications",
    ("outbox_id",),
    """
    outbox_id text
    notification_kind text
    order_id text
    shipment_key text
    recipient_key text
    state text
    attempts int
    next_attempt_at ts
    last_error text
    provider_message_id text
    created_at ts
    sent_at ts
    updated_at ts
    """,
)
ESCALATIONS = _t(
    "escalations",
    ("outbox_id",),
    """
    outbox_id text
    category text
    severity text
    stage text
    reason_code text
    order_id text
    order_created_at ts
    scope text
    summary text
    vendor_message text
    fingerprint text
    state text
    ticket_key text
    action text
    attempts int
    occurred_at ts
    created_at ts
    delivered_at ts
    updated_at ts
    """,
)

DATA_TABLES: tuple[TableDef, ...] = (
    ORDERS,
    ORDER_LINES,
    PAYMENTS,
    CUSTOMERS,
    SHIPMENTS,
    FULFILMENT,
    TRACKING_EVENTS,
    NOTIFICATIONS,
    ESCALATIONS,
)
_BY_NAME = {t.name: t for t in DATA_TABLES}


def table(name: str) -> TableDef:
    return _BY_NAME[name]


# Bookkeeping: one metadata row per snapshot, the incremental watermarks, SLA targets, and the
# hash of the views.sql text applied to this file.
CONTROL_TABLES = ("snapshot_meta", "snapshot_watermarks", "sla_targets", "snapshot_views")
_CONTROL_DDL = (
    """CREATE TABLE IF NOT EXISTS snapshot_meta (
  snapshot_id VARCHAR PRIMARY KEY,
  taken_at TIMESTAMPTZ NOT NULL,
  mode VARCHAR NOT NULL,
  schema_version INTEGER NOT NULL,
  duration_s DOUBLE NOT NULL,
  row_counts JSON NOT NULL,
  items_read JSON NOT NULL,
  key_id VARCHAR NOT NULL,
  dev_key BOOLEAN NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS snapshot_watermarks (
  table_name VARCHAR PRIMARY KEY,
  watermark TIMESTAMPTZ NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS sla_targets (
  sla VARCHAR PRIMARY KEY,
  target_hours DOUBLE NOT NULL,
  description VARCHAR NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS snapshot_views (sha VARCHAR NOT NULL)""",
)

# Defaults, inserted only where a row is missing: an analyst may tune them in the file, and
# incremental snapshots keep the tuned values.
SLA_DEFAULTS: tuple[tuple[str, float, str], ...] = (
    ("paid_to_awb", 24.0, "AWB assigned within this many hours of payment"),
    ("paid_to_pickup", 48.0, "courier pickup within this many hours of payment"),
    ("pickup_to_delivery", 120.0, "delivered within this many hours of pickup"),
    ("tracking_stale", 72.0, "a moving parcel with no scan for this long counts as stuck"),
)


def control_ddl() -> tuple[str, ...]:
    return _CONTROL_DDL
