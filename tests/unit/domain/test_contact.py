"""Phones and PIN codes as checkout stores them (source-system.md 'Quirks worth a test each')."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fulfil.domain.contact import (
    ContactError,
    mask_phone,
    normalize_indian_mobile,
    normalize_pincode,
    state_for_pincode,
)
from fulfil.domain.rejections import ReasonCode


@pytest.mark.parametrize(
    "raw",
    [
        "9876543210",
        "+91 98765 43210",
        "09876543210",
        "98765-43210",
        "919876543210",
        Decimal("9876543210"),
        9876543210,
    ],
)
def test_typed_mobiles_become_e164(raw: object) -> None:
    assert normalize_indian_mobile(raw) == "+919876543210"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", ReasonCode.MISSING_PHONE),
        (None, ReasonCode.MISSING_PHONE),
        ("   ", ReasonCode.MISSING_PHONE),
        ("2223334444", ReasonCode.INVALID_PHONE),  # landline-like, starts with 2
        ("5876543210", ReasonCode.INVALID_PHONE),  # libphonenumber calls it a valid fixed line
        ("6123456789", ReasonCode.INVALID_PHONE),  # Patna landline without its trunk 0
        ("022 2345 6789", ReasonCode.INVALID_PHONE),
        ("98765", ReasonCode.INVALID_PHONE),
        ("+1 415 555 0100", ReasonCode.INVALID_PHONE),
        ("call me", ReasonCode.INVALID_PHONE),
        ("9" * 200, ReasonCode.INVALID_PHONE),
        (True, ReasonCode.INVALID_PHONE),
        ([], ReasonCode.INVALID_PHONE),
    ],
)
def test_bad_phones_are_rejected_with_a_reason(raw: object, code: ReasonCode) -> None:
    with pytest.raises(ContactError) as info:
        normalize_indian_mobile(raw)
    assert info.value.code is code


@pytest.mark.parametrize("raw", ["400001", "400 001", " 400001 ", 400001, Decimal("400001")])
def test_pincode_shapes(raw: object) -> None:
    assert normalize_pincode(raw) == "400001"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", ReasonCode.MISSING_PINCODE),
        (None, ReasonCode.MISSING_PINCODE),
        ("40001", ReasonCode.INVALID_PINCODE),  # five digits
        ("4000011", ReasonCode.INVALID_PINCODE),
        ("400-001", ReasonCode.INVALID_PINCODE),
        ("040001", ReasonCode.INVALID_PINCODE),  # leading zero is never a PIN
        ("999999", ReasonCode.UNKNOWN_PINCODE),  # well formed, not in India Post's directory
        (Decimal("400001.5"), ReasonCode.INVALID_PINCODE),
        (True, ReasonCode.INVALID_PINCODE),
    ],
)
def test_bad_pincodes(raw: object, code: ReasonCode) -> None:
    with pytest.raises(ContactError) as info:
        normalize_pincode(raw)
    assert info.value.code is code


@pytest.mark.parametrize(
    ("pin", "state"),
    [
        ("400001", "Maharashtra"),
        ("110001", "Delhi"),
        ("560001", "Karnataka"),
        ("600001", "Tamil Nadu"),
        ("781001", "Assam"),
        ("744101", "Andaman and Nicobar Islands"),
    ],
)
def test_state_comes_from_the_pin_not_a_default(pin: str, state: str) -> None:
    assert state_for_pincode(pin) == state


def test_mask_phone_keeps_last_four() -> None:
    assert mask_phone("+919876543210") == "+91******3210"
    assert mask_phone(None) == ""
