"""Status and transport failures -> the right branch of the error tree."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from fulfil.shiprocket import errors as e
from fulfil.shiprocket.classify import (
    classify_http_error,
    classify_transport_error,
    decode_body,
    embedded_status,
    error_message,
)
from fulfil.shiprocket.operations import WRITE_OPERATIONS, Operation

CREATE = Operation.CREATE_ADHOC_ORDER
TRACK = Operation.TRACK_AWBS


def test_write_operations() -> None:
    assert {str(o) for o in WRITE_OPERATIONS} == {
        "create_adhoc_order", "assign_awb", "generate_pickup", "cancel_orders",
        "cancel_shipments_by_awbs",
    }  # fmt: skip


def test_429_with_retry_after_seconds() -> None:
    err = classify_http_error(TRACK, 429, {"Retry-After": "7"}, {"message": "slow"})
    assert isinstance(err, e.ShiprocketRateLimited)
    assert err.retry_after == 7.0
    assert err.message == "slow"


def test_429_with_http_date_and_without_header() -> None:
    now = datetime(2024, 6, 28, 10, 0, 0, tzinfo=UTC)
    headers = {"retry-after": "Fri, 28 Jun 2024 10:00:30 GMT"}
    err = classify_http_error(TRACK, 429, headers, None, now=now)
    assert isinstance(err, e.ShiprocketRateLimited) and err.retry_after == 30.0
    bare = classify_http_error(TRACK, 429, {}, None)
    assert isinstance(bare, e.ShiprocketRateLimited) and bare.retry_after is None


@pytest.mark.parametrize(
    ("operation", "status", "cls"),
    [
        (TRACK, 500, e.ShiprocketServerError),
        (TRACK, 502, e.ShiprocketServerError),
        (TRACK, 504, e.ShiprocketServerError),
        (CREATE, 500, e.ShiprocketServerError),
        (CREATE, 503, e.ShiprocketServerError),
        (CREATE, 502, e.ShiprocketUncertainError),
        (Operation.ASSIGN_AWB, 504, e.ShiprocketUncertainError),
        (TRACK, 408, e.ShiprocketServerError),
        (TRACK, 401, e.ShiprocketAuthError),
        (TRACK, 403, e.ShiprocketAuthError),
        (TRACK, 404, e.ShiprocketNotFound),
        (TRACK, 405, e.ShiprocketPermanentError),
        (CREATE, 400, e.ShiprocketBusinessError),
        (CREATE, 422, e.ShiprocketValidationError),
        (TRACK, 302, e.ShiprocketUnexpectedResponse),
    ],
)
def test_status_to_class(operation: Operation, status: int, cls: type[e.ShiprocketError]) -> None:
    err = classify_http_error(operation, status, {}, None, correlation_id="rid")
    assert type(err) is cls
    assert (err.status_code, err.correlation_id, err.message) == (status, "rid", f"HTTP {status}")


@pytest.mark.parametrize(
    ("exc", "operation", "cls"),
    [
        (httpx.ConnectError("refused"), CREATE, e.ShiprocketConnectionError),
        (httpx.ConnectTimeout("slow dns"), CREATE, e.ShiprocketConnectionError),
        (httpx.PoolTimeout("pool"), CREATE, e.ShiprocketConnectionError),
        (httpx.ReadTimeout("read"), CREATE, e.ShiprocketUncertainError),
        (httpx.WriteTimeout("write"), Operation.GENERATE_PICKUP, e.ShiprocketUncertainError),
        (httpx.RemoteProtocolError("eof"), Operation.ASSIGN_AWB, e.ShiprocketUncertainError),
        (httpx.ReadError("reset"), Operation.CANCEL_ORDERS, e.ShiprocketUncertainError),
        (httpx.ReadTimeout("read"), TRACK, e.ShiprocketConnectionError),
        (httpx.RemoteProtocolError("eof"), Operation.GENERATE_LABEL, e.ShiprocketConnectionError),
        (httpx.UnsupportedProtocol("ftp"), TRACK, e.ShiprocketPermanentError),
    ],
)
def test_transport_errors(
    exc: httpx.HTTPError, operation: Operation, cls: type[e.ShiprocketError]
) -> None:
    err = classify_transport_error(exc, operation, correlation_id="rid")
    assert type(err) is cls
    assert err.correlation_id == "rid"
    assert err.status_code is None


def test_connect_errors_are_never_uncertain() -> None:
    for operation in WRITE_OPERATIONS:
        err = classify_transport_error(httpx.ConnectError("x"), operation)
        assert not isinstance(err, e.ShiprocketUncertainError)
        assert isinstance(err, e.ShiprocketTransientError)


def test_message_shapes() -> None:
    assert error_message({"message": "a"}, 400) == "a"
    assert error_message({"message": ["a", "b"]}, 400) == "a; b"
    assert error_message({"message": {"0": "a"}}, 400) == "a"
    assert error_message(["a", "", "b"], 400) == "a; b"
    assert error_message({"error": "boom"}, 400) == "boom"
    assert error_message({"status_code": 400}, 400) == "HTTP 400"
    assert error_message("<html>" + "x" * 1000, 403).startswith("<html>")
    assert len(error_message("x" * 1000, 403)) <= 300


def test_embedded_status_ignores_order_status_codes() -> None:
    assert embedded_status({"status": "NEW", "status_code": 1}) is None
    assert embedded_status({"status": 200}) is None
    assert embedded_status({"status": 1, "manifest_url": ""}) is None
    assert embedded_status({"status": 404}) == 404
    assert embedded_status({"status_code": 400}) == 400
    assert embedded_status({"status": True}) is None


def test_decode_body() -> None:
    assert decode_body(b"") is None
    assert decode_body(b"  ") is None
    assert decode_body(b'{"a": 1}') == {"a": 1}
    assert decode_body(b"<html>blocked</html>") == "<html>blocked</html>"
