"""The hand-written AttributeValue deserializer matches boto3's TypeDeserializer exactly."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer
from hypothesis import given, settings
from hypothesis import strategies as st

from fulfil.analytics.attrvalue import AttributeValueError, deserialize_item, deserialize_value

_BOTO = TypeDeserializer()

numbers = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12
).map(lambda d: str(d.normalize()))
blobs = st.binary(max_size=16)
scalars = st.one_of(
    st.text(max_size=12).map(lambda s: {"S": s}),
    numbers.map(lambda n: {"N": n}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    blobs.map(lambda b: {"B": b}),
    st.sets(st.text(min_size=1, max_size=6), min_size=1, max_size=4).map(
        lambda s: {"SS": sorted(s)}
    ),
    st.sets(numbers, min_size=1, max_size=4).map(lambda s: {"NS": sorted(s)}),
    st.sets(blobs, min_size=1, max_size=3).map(lambda s: {"BS": sorted(s)}),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda v: {"L": v}),
        st.dictionaries(st.text(max_size=6), inner, max_size=4).map(lambda v: {"M": v}),
    ),
    max_leaves=12,
)


def _wire(value: dict[str, Any]) -> dict[str, Any]:
    """The JSON body's form: binary as base64 text (botocore decodes it for boto3)."""
    ((tag, raw),) = value.items()
    if tag == "B":
        return {"B": base64.b64encode(raw).decode()}
    if tag == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in raw]}
    if tag == "L":
        return {"L": [_wire(v) for v in raw]}
    if tag == "M":
        return {"M": {k: _wire(v) for k, v in raw.items()}}
    return value


@settings(max_examples=300, deadline=None)
@given(values)
def test_matches_type_deserializer_on_generated_values(value: dict[str, Any]) -> None:
    assert deserialize_value(_wire(value)) == _BOTO.deserialize(value)


def test_numbers_are_decimals_and_keep_their_exact_value() -> None:
    item = {"price": {"N": "14999.50"}, "big": {"N": "123456789012345678901234567890"}}
    out = deserialize_item(item)
    assert out == {"price": Decimal("14999.50"), "big": Decimal("123456789012345678901234567890")}
    assert all(isinstance(v, Decimal) for v in out.values())


def test_an_order_item_as_the_storefront_writes_it() -> None:
    raw = {
        "orderId": {"S": "o-1"},
        "orderItems": {"L": [{"M": {"productId": {"S": "prod-001"}, "quantity": {"N": "2"}}}]},
        "awb": {"NULL": True},
        "tags": {"SS": ["gift", "cod"]},
        "isdefault": {"BOOL": True},
    }
    assert deserialize_item(raw) == {
        "orderId": "o-1",
        "orderItems": [{"productId": "prod-001", "quantity": Decimal(2)}],
        "awb": None,
        "tags": {"gift", "cod"},
        "isdefault": True,
    }


@pytest.mark.parametrize("bad", [{}, {"X": "1"}])
def test_malformed_values_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(AttributeValueError):
        deserialize_value(bad)
