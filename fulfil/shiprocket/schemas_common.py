"""Field types shared by the Shiprocket wire models.

Two directions, two attitudes. What we *send* is strict: money is `Decimal` (never float) and is
written as a JSON number, pincodes and phones are the ints Shiprocket documents, so a bad record
fails here instead of as a 422 on the real account. What we *receive* is lenient: Shiprocket
sends the same field as `3`, `"3"`, `""` or `"NA"` depending on endpoint and age, and one odd
value must not sink a whole response, so the `Loose*` types turn anything unreadable into None.
Dates are naive strings on the wire and documented as IST; we return aware datetimes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

IST = timezone(timedelta(hours=5, minutes=30), "IST")

_BLANKS = {"", "na", "n/a", "null", "none", "-"}


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _BLANKS)


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: integral amounts as ints, others as the shortest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_AS_NUMBER = PlainSerializer(json_number, return_type=int | float, when_used="json")

# Money (INR, GST inclusive) and measures (kg, cm): Decimal in, JSON number out.
Money = Annotated[Decimal, Field(ge=0, decimal_places=2), _AS_NUMBER]
Measure = Annotated[Decimal, _AS_NUMBER]
Pincode = Annotated[int, Field(ge=100000, le=999999)]
Phone = Annotated[int, Field(ge=1_000_000_000, le=9_999_999_999)]


def loose_int(value: Any) -> int | None:
    if _is_blank(value) or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else None


def _loose_decimal(value: Any) -> Decimal | None:
    if _is_blank(value) or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _loose_float(value: Any) -> float | None:
    number = _loose_decimal(value)
    return float(number) if number is not None else None


def _loose_str(value: Any) -> str | None:
    if _is_blank(value):
        return None
    if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
        return str(value).strip()
    return None


def _loose_bool(value: Any) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y"}:
        return True
    if text in {"0", "false", "no", "n"}:
        return False
    return None


def parse_ist_datetime(value: Any) -> datetime | None:
    """Shiprocket's `YYYY-MM-DD HH:MM:SS[.ffffff]`, `{"date": ...}` or `DD MM YYYY HH:MM:SS`.

    Naive values are IST (the fact sheet: other responses state Asia/Kolkata). Unreadable
    values, including `0000-00-00 00:00:00`, become None.
    """
    if isinstance(value, dict):
        value = value.get("date")
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and not _is_blank(value):
        parsed = _parse_datetime_text(value.strip())
    else:
        parsed = None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=IST)


def _parse_datetime_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%d %m %Y %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%d %b %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


LooseInt = Annotated[int | None, BeforeValidator(loose_int)]
# A required identifier that Shiprocket sometimes sends as a number (AWB codes).
Code = Annotated[str, BeforeValidator(_loose_str), Field(min_length=1)]
LooseDecimal = Annotated[Decimal | None, BeforeValidator(_loose_decimal)]
LooseFloat = Annotated[float | None, BeforeValidator(_loose_float)]
LooseStr = Annotated[str | None, BeforeValidator(_loose_str)]
LooseBool = Annotated[bool | None, BeforeValidator(_loose_bool)]
IstDateTime = Annotated[datetime | None, BeforeValidator(parse_ist_datetime)]


class WireModel(BaseModel):
    """Base of every response model: unknown fields are ignored, instances are frozen."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class RequestModel(BaseModel):
    """Base of every request model: unknown fields are a bug in our code, so they fail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_payload(self) -> dict[str, Any]:
        """The JSON body: money as numbers, unset optional fields left out."""
        return self.model_dump(mode="json", exclude_none=True)
