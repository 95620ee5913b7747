"""Reads the storefront's tables: candidate orders and everything one order points at.

Cost rules this module keeps:
- candidates come from `StatusIndex` (a Query per status, paginated and streamed), never a Scan;
- a bundle's records are fetched with BatchGetItem where the full key is known (addresses are
  keyed by `addressId` alone) and with Query where it is not (customers are keyed
  `(customerId, email)` and products `(productId, sellerId)`, but an order knows only the first
  half); products and customers are cached for the life of the reader, since carts repeat them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from fulfil.domain.bundle import OrderBundle
from fulfil.settings import TableNames
from fulfil.store.dynamo import DynamoDBClient, from_item

BATCH_GET_MAX = 100
QUERY_THREADS = 8  # half-key Queries in flight at once while loading bundles


@dataclass
class ReadStats:
    """Round trips and items read, for the benchmarks and the run artifact."""

    calls: int = 0
    items: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)

    def record(self, operation: str, items: int) -> None:
        self.calls += 1
        self.items += items
        self.by_operation[operation] = self.by_operation.get(operation, 0) + 1


class SourceReader:
    """Read-only access to the source tables (orders, customers, addresses, products)."""

    def __init__(
        self, client: DynamoDBClient, tables: TableNames, *, query_threads: int = QUERY_THREADS
    ) -> None:
        self._client = client
        self._tables = tables
        self._query_threads = max(1, query_threads)
        self.stats = ReadStats()
        self._products: dict[str, list[dict[str, Any]]] = {}
        self._customers: dict[str, dict[str, Any] | None] = {}
        self._sellers: dict[str, dict[str, Any]] = {}

    def iter_orders_by_status(
        self, status: str, *, page_size: int = 200, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream orders in one storefront status, oldest first, from `StatusIndex`."""
        kwargs: dict[str, Any] = {
            "TableName": self._tables.orders,
            "IndexName": "StatusIndex",
            "KeyConditionExpression": "#s = :s",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":s": {"S": status}},
            "Limit": page_size,
        }
        seen = 0
        while True:
            page = self._client.query(**kwargs)
            items = page.get("Items", [])
            self.stats.record("query", len(items))
            for raw in items:
                yield from_item(raw)
                seen += 1
                if limit is not None and seen >= limit:
                    return
            last = page.get("LastEvaluatedKey")
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    def get_orders(self, order_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Orders by id alone: the key is (orderId, createdAt), so this is a Query per id."""
        out: list[dict[str, Any]] = []
        for order_id in dict.fromkeys(order_ids):
            page = self._client.query(
                TableName=self._tables.orders,
                KeyConditionExpression="orderId = :o",
                ExpressionAttributeValues={":o": {"S": order_id}},
            )
            items = page.get("Items", [])
            self.stats.record("query", len(items))
            out.extend(from_item(i) for i in items)
        return out

    def load_bundles(self, orders: Sequence[Mapping[str, Any]]) -> list[OrderBundle]:
        """Gather each order's address, customer, products and the sellers' pickup addresses."""
        address_ids = {
            o["shippingAddressId"] for o in orders if _is_key(o.get("shippingAddressId"))
        }
        product_ids = {
            i["productId"] for o in orders for i in _items(o) if _is_key(i.get("productId"))
        }
        self._load_products(product_ids)
        pickup_ids = {
            p["addressId"]
            for pid in product_ids
            for p in self._products.get(pid, [])
            if _is_key(p.get("addressId"))
        }
        addresses = self.batch_get(self._tables.addresses, "addressId", address_ids | pickup_ids)
        seller_ids = {
            p["sellerId"]
            for pid in product_ids
            for p in self._products.get(pid, [])
            if _is_key(p.get("sellerId"))
        }
        self._load_sellers(seller_ids)
        customer_ids = {o["customerId"] for o in orders if _is_key(o.get("customerId"))}
        self._load_customers(customer_ids)
        bundles = []
        for order in orders:
            products = {
                pid: self._products[pid][0]
                for pid in {i.get("productId") for i in _items(order)}
                if isinstance(pid, str) and self._products.get(pid)
            }
            seller_addresses = {
                p["addressId"]: addresses[p["addressId"]]
                for p in products.values()
                if _is_key(p.get("addressId")) and p["addressId"] in addresses
            }
            sellers = {
                str(p["sellerId"]): self._sellers[str(p["sellerId"])]
                for p in products.values()
                if self._sellers.get(str(p.get("sellerId")))
            }
            addr_id = str(order.get("shippingAddressId") or "")
            cust_id = str(order.get("customerId") or "")
            bundles.append(
                OrderBundle(
                    order=order,
                    address=addresses.get(addr_id) if _is_key(addr_id) else None,
                    customer=self._customers.get(cust_id) if _is_key(cust_id) else None,
                    products=products,
                    seller_addresses=seller_addresses,
                    sellers=sellers,
                )
            )
        return bundles

    def batch_get(self, table: str, key: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """BatchGetItem for single-attribute keys, 100 keys a call, unprocessed keys retried."""
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), BATCH_GET_MAX):
            request: dict[str, Any] = {
                table: {"Keys": [{key: {"S": k}} for k in wanted[start : start + BATCH_GET_MAX]]}
            }
            while request:
                page = self._client.batch_get_item(RequestItems=request)
                items = page.get("Responses", {}).get(table, [])
                self.stats.record("batch_get_item", len(items))
                for raw in items:
                    item = from_item(raw)
                    found[str(item[key])] = item
                request = page.get("UnprocessedKeys") or {}
        return found

    def _load_products(self, product_ids: set[str]) -> None:
        found = self._query_each(
            self._tables.products, "productId", product_ids - self._products.keys()
        )
        for pid, items in found.items():
            self._products[pid] = [from_item(i) for i in items]

    def _load_sellers(self, seller_ids: set[str]) -> None:
        missing = seller_ids - self._sellers.keys()
        if missing:
            self._sellers.update(self.batch_get(self._tables.sellers, "sellerId", missing))

    def _load_customers(self, customer_ids: set[str]) -> None:
        found = self._query_each(
            self._tables.customers, "customerId", customer_ids - self._customers.keys(), limit=1
        )
        for cid, items in found.items():
            self._customers[cid] = from_item(items[0]) if items else None

    def _query_each(
        self, table: str, key: str, ids: set[str], *, limit: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """One Query per partition key (the key is only half known), several in flight at once.

        These tables are keyed by (id, something the order does not carry), so BatchGetItem
        cannot be used; running the queries side by side keeps intake's wall time to a fraction
        of their summed latency.
        """

        def one(value: str) -> list[dict[str, Any]]:
            request: dict[str, Any] = {
                "TableName": table,
                "KeyConditionExpression": f"{key} = :k",
                "ExpressionAttributeValues": {":k": {"S": value}},
            }
            if limit is not None:
                request["Limit"] = limit
            items: list[dict[str, Any]] = self._client.query(**request).get("Items", [])
            return items

        ordered = sorted(ids)
        if len(ordered) <= 1 or self._query_threads == 1:
            results = [one(v) for v in ordered]
        else:
            with ThreadPoolExecutor(min(self._query_threads, len(ordered))) as pool:
                results = list(pool.map(one, ordered))
        for items in results:
            self.stats.record("query", len(items))
        return dict(zip(ordered, results, strict=True))


def _is_key(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= 1024


def _items(order: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = order.get("orderItems")
    return [i for i in raw if isinstance(i, Mapping)] if isinstance(raw, list) else []
