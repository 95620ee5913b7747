"""The Shiprocket token, shared across flow runs and workers through the control table.

Logging in is rate limited like every other call (and Shiprocket's WAF has refused logins from
some networks), so one token serves every run for its ten-day life. Concurrent savers simply
overwrite each other: any valid token is as good as any other.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import SecretStr

from fulfil.settings import TableNames
from fulfil.shiprocket.auth import CachedToken
from fulfil.store.dynamo import DynamoDBClient


class DynamoTokenStore:
    """`TokenStore` backed by the control table item `token` / `shiprocket`."""

    def __init__(
        self, client: DynamoDBClient, tables: TableNames, name: str = "shiprocket"
    ) -> None:
        self._client = client
        self._table = tables.control
        self._key = {"pk": {"S": "token"}, "sk": {"S": name}}

    def load(self) -> CachedToken | None:
        item = self._client.get_item(TableName=self._table, Key=self._key, ConsistentRead=True)
        raw = item.get("Item")
        if not raw:
            return None
        return CachedToken(
            token=SecretStr(raw["token"]["S"]),
            obtained_at=datetime.fromisoformat(raw["obtainedAt"]["S"]),
            expires_at=datetime.fromisoformat(raw["expiresAt"]["S"]),
        )

    def save(self, token: CachedToken) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                **self._key,
                "token": {"S": token.token.get_secret_value()},
                "obtainedAt": {"S": token.obtained_at.isoformat()},
                "expiresAt": {"S": token.expires_at.isoformat()},
            },
        )
