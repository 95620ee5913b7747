"""DynamoDB wire JSON (AttributeValue maps) to Python values, without botocore.

The snapshot reads every item of the storefront's tables, and botocore's response parser (which
walks each value against the service model) is most of the cost of a large read (integrations.md
§5). The wire format is plain JSON with one type tag per value, so after `json.loads` a few lines
turn it into the very objects `boto3.dynamodb.types.TypeDeserializer` produces: `str`, `Decimal`
for numbers (never float: money stays exact), `bytes` for binary (equal to boto3's `Binary`),
`set`s for the set types, `None` for NULL.

Pure: no boto3, no I/O. A unit test checks the output against `TypeDeserializer` on generated
values.
"""

from __future__ import annotations

from base64 import b64decode
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["AttributeValueError", "deserialize_item", "deserialize_value"]


class AttributeValueError(ValueError):
    """A value that is not a well-formed DynamoDB AttributeValue."""


def deserialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """One item (attribute name -> AttributeValue) to plain Python values."""
    return {name: deserialize_value(value) for name, value in item.items()}


def deserialize_value(value: Mapping[str, Any]) -> Any:
    """One AttributeValue (`{"S": "x"}`, `{"N": "1.5"}`, ...) to its Python value."""
    # The common tags first: most attributes are strings and numbers.
    for tag, raw in value.items():
        if tag == "S":
            return raw
        if tag == "N":
            return Decimal(raw)
        if tag == "M":
            return {k: deserialize_value(v) for k, v in raw.items()}
        if tag == "L":
            return [deserialize_value(v) for v in raw]
        if tag == "BOOL":
            return bool(raw)
        if tag == "NULL":
            return None
        if tag == "SS":
            return set(raw)
        if tag == "NS":
            return {Decimal(v) for v in raw}
        if tag == "B":
            return b64decode(raw)
        if tag == "BS":
            return {b64decode(v) for v in raw}
        raise AttributeValueError(f"unknown AttributeValue type {tag!r}")
    raise AttributeValueError("empty AttributeValue")
