"""The exception tree: branches, messages, pickling, and no secret in any rendering."""

from __future__ import annotations

import pickle

import pytest

from fulfil.shiprocket import errors as e

TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-token.sig"
PASSWORD = "pw-s3cret-DO-NOT-LEAK"

ALL_ERRORS = [getattr(e, name) for name in e.__all__]


def test_tree_branches() -> None:
    transient = {e.ShiprocketRateLimited, e.ShiprocketServerError, e.ShiprocketConnectionError,
                 e.ShiprocketUnexpectedResponse, e.ShiprocketUncertainError}  # fmt: skip
    permanent = {e.ShiprocketValidationError, e.ShiprocketBusinessError, e.NotServiceable,
                 e.AwbAssignmentRefused, e.AwbAlreadyAssigned, e.ShiprocketAuthError,
                 e.ShiprocketNotFound}  # fmt: skip
    assert all(issubclass(c, e.ShiprocketTransientError) for c in transient)
    assert all(issubclass(c, e.ShiprocketPermanentError) for c in permanent)
    assert not any(issubclass(c, e.ShiprocketPermanentError) for c in transient)
    assert issubclass(e.NotServiceable, e.ShiprocketBusinessError)
    assert issubclass(e.AwbAlreadyAssigned, e.AwbAssignmentRefused)
    assert all(issubclass(c, e.ShiprocketError) for c in ALL_ERRORS)


def test_str_names_operation_status_fields_and_request_id() -> None:
    err = e.ShiprocketValidationError(
        "Oops! Invalid Data.",
        operation="create_adhoc_order",
        status_code=422,
        field_errors={"order_id": ["The order id field is required."]},
        correlation_id="rid-1",
    )
    assert str(err) == (
        "create_adhoc_order: HTTP 422: Oops! Invalid Data. "
        "[order_id: The order id field is required.] (request id rid-1)"
    )
    assert repr(err).startswith("ShiprocketValidationError(operation='create_adhoc_order'")


def test_rate_limited_carries_retry_after() -> None:
    err = e.ShiprocketRateLimited("slow down", operation="track_awbs", retry_after=12.0)
    assert err.status_code == 429
    assert err.retry_after == 12.0
    assert "retry_after=12.0" in repr(err)


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_pickles_and_scrubs(cls: type[e.ShiprocketError]) -> None:
    err = cls(
        f"echo Bearer {TOKEN} and {PASSWORD}",
        operation="login",
        status_code=400,
        field_errors={"password": [f"{PASSWORD} is wrong"]},
        correlation_id="rid-2",
    )
    err.scrub([TOKEN, PASSWORD, ""])
    for text in (str(err), repr(err), str(err.args)):
        assert TOKEN not in text
        assert PASSWORD not in text
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is cls
    assert str(clone) == str(err)
    assert clone.field_errors == {"password": ["*** is wrong"]}
