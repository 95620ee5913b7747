"""Indian phone numbers and PIN codes, normalised with libraries built for the job.

`phonenumbers` (Google's libphonenumber) parses what customers type ("+91 98765 43210",
"09876543210", "98765-43210") into E.164. A number it calls valid can still be a landline
(`6123456789` is a Patna fixed line without its trunk 0), and Shiprocket and WhatsApp need a
mobile, so we also require the MOBILE / FIXED_LINE_OR_MOBILE type and a 6-9 leading digit.

`indian-pincode` ships India Post's PIN directory offline, so a PIN is checked for existence (not
just six digits) and the state is looked up from it: checkout writes addresses without a state, and
the old code defaulted every order to Maharashtra.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import indian_pincode
import phonenumbers
from phonenumbers import PhoneNumberType

from fulfil.domain.rejections import ReasonCode

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_MAX_PHONE_TEXT = 40
# Small words stay lower case when the directory's upper-case state names are title-cased.
_STATE_SMALL_WORDS = {"and", "of"}


class ContactError(ValueError):
    """A phone or PIN that cannot be used, with the reason code to park the order under."""

    def __init__(self, code: ReasonCode, message: str) -> None:
        self.code = code
        super().__init__(message)


def normalize_indian_mobile(raw: object) -> str:
    """Return the E.164 form (`+919876543210`) of an Indian mobile number, or raise ContactError.

    Accepts the shapes checkout stores: 10 digits, `+91` with spaces, a leading trunk `0`, dashes,
    and numbers stored as DynamoDB numbers. Landlines and junk are rejected with `invalid_phone`;
    an empty value is `missing_phone`.
    """
    if raw is None:
        raise ContactError(ReasonCode.MISSING_PHONE, "no phone number")
    if isinstance(raw, bool):
        raise ContactError(ReasonCode.INVALID_PHONE, "phone is a boolean")
    if isinstance(raw, int | Decimal):
        try:
            text = str(int(raw))
        except (ValueError, OverflowError, InvalidOperation) as exc:
            raise ContactError(ReasonCode.INVALID_PHONE, "phone is not a whole number") from exc
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        raise ContactError(ReasonCode.INVALID_PHONE, f"phone has type {type(raw).__name__}")
    if not text:
        raise ContactError(ReasonCode.MISSING_PHONE, "phone is empty")
    if len(text) > _MAX_PHONE_TEXT:
        raise ContactError(ReasonCode.INVALID_PHONE, "phone text is too long")
    try:
        parsed = phonenumbers.parse(text, "IN")
    except phonenumbers.NumberParseException as exc:
        raise ContactError(ReasonCode.INVALID_PHONE, "phone cannot be parsed") from exc
    if parsed.country_code != 91:
        raise ContactError(ReasonCode.INVALID_PHONE, "phone is not an Indian number")
    national = str(parsed.national_number)
    if not phonenumbers.is_valid_number(parsed) or len(national) != 10:
        raise ContactError(ReasonCode.INVALID_PHONE, "phone is not a valid Indian number")
    if national[0] not in "6789" or phonenumbers.number_type(parsed) not in _MOBILE_TYPES:
        raise ContactError(ReasonCode.INVALID_PHONE, "phone is not a mobile number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str:
    """Keep only the last four digits, for logs and artifacts (`+91******3210`)."""
    if not e164:
        return ""
    return e164[:3] + "*" * max(len(e164) - 7, 0) + e164[-4:]


_PIN_TEXT = re.compile(r"^[0-9][0-9 ]{0,10}$")


def normalize_pincode(raw: object) -> str:
    """Return a six-digit PIN that exists in India Post's directory, or raise ContactError.

    PINs arrive as strings ("400001", "400 001"), as numbers, or empty.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ContactError(ReasonCode.MISSING_PINCODE, "no PIN code")
    if isinstance(raw, bool):
        raise ContactError(ReasonCode.INVALID_PINCODE, "PIN code is a boolean")
    if isinstance(raw, int | Decimal):
        try:
            if isinstance(raw, Decimal) and raw != raw.to_integral_value():
                raise ContactError(ReasonCode.INVALID_PINCODE, "PIN code is not a whole number")
            text = str(int(raw))
        except (ValueError, OverflowError, InvalidOperation) as exc:
            raise ContactError(ReasonCode.INVALID_PINCODE, "PIN code is not a number") from exc
    elif isinstance(raw, str):
        text = raw.strip()
        if not _PIN_TEXT.match(text):
            raise ContactError(
                ReasonCode.INVALID_PINCODE, "PIN code has characters other than digits"
            )
        text = text.replace(" ", "")
    else:
        raise ContactError(ReasonCode.INVALID_PINCODE, f"PIN code has type {type(raw).__name__}")
    if len(text) != 6 or not indian_pincode.is_well_formed(text):
        raise ContactError(
            ReasonCode.INVALID_PINCODE, f"PIN code must be six digits, got {len(text)}"
        )
    if not indian_pincode.validate(text):
        raise ContactError(ReasonCode.UNKNOWN_PINCODE, "PIN code is not in India Post's directory")
    return text


def state_for_pincode(pincode: str) -> str | None:
    """The state (title case, as Shiprocket spells it) that India Post files the PIN under."""
    state = indian_pincode.get_state(pincode)
    if not state:
        return None
    words = state.replace("_", " ").split()
    return " ".join(
        w.lower() if i and w.lower() in _STATE_SMALL_WORDS else w.capitalize()
        for i, w in enumerate(words)
    )
