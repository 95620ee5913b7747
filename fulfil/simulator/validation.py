"""Laravel-style request validation, producing Shiprocket's 422 error bags.

Shiprocket runs on Laravel, so its 422s are `{"errors": {"field": ["The field name field is
required."]}}` with Laravel's wording: the attribute is the key with underscores turned into
spaces, nested items keep their dotted path (`order_items.0.sku`). Type rules follow PHP's
leniency: "integer" and "numeric" accept numeric strings, "boolean" accepts 0/1/"0"/"1".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

_INT_RE = re.compile(r"^\s*[+-]?\d+\s*$")
_NUM_RE = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def attr(key: str) -> str:
    return key.replace("_", " ")


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | dict):
        return len(value) == 0
    return False


def is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and bool(_INT_RE.match(value))


def is_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(_NUM_RE.match(value))


def as_float(value: Any) -> float:
    return float(value.strip() if isinstance(value, str) else value)


def int_text(value: Any) -> str:
    """An integer-valued field as digits (PHP would cast 560001.0 and " 560001" alike)."""
    if isinstance(value, float):
        return str(int(value))
    return str(value).strip().lstrip("+")


def is_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    return value in (0, 1, "0", "1") and not isinstance(value, float)


def truthy(value: Any) -> bool:
    return value in (True, 1, "1")


def is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    for fmt in _DATE_FORMATS:
        try:
            datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return True
    return False


class Bag:
    """Collects `field -> [messages]` in rule order, the way Laravel's validator does."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def __bool__(self) -> bool:
        return bool(self.errors)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def required(self, data: dict[str, Any], key: str, *, path: str | None = None) -> bool:
        """Adds the required error and returns False when the field is missing or blank."""
        name = path or key
        if is_blank(data.get(key)):
            self.add(name, f"The {attr(name)} field is required.")
            return False
        return True

    def string(self, value: Any, key: str, *, min_len: int = 0, max_len: int = 0) -> None:
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.add(key, f"The {attr(key)} must be a string.")
            return
        text = str(value)
        if min_len and len(text) < min_len:
            self.add(key, f"The {attr(key)} must be at least {min_len} characters.")
        if max_len and len(text) > max_len:
            self.add(key, f"The {attr(key)} may not be greater than {max_len} characters.")

    def integer(self, value: Any, key: str) -> None:
        if not is_integer(value):
            self.add(key, f"The {attr(key)} must be an integer.")

    def numeric(self, value: Any, key: str, *, gt: float | None = None) -> None:
        if not is_numeric(value):
            self.add(key, f"The {attr(key)} must be a number.")
        elif gt is not None and as_float(value) <= gt:
            self.add(key, f"The {attr(key)} must be greater than {gt:g}.")

    def boolean(self, value: Any, key: str) -> None:
        if not is_boolean(value):
            self.add(key, f"The {attr(key)} field must be true or false.")

    def email(self, value: Any, key: str) -> None:
        if not isinstance(value, str) or not _EMAIL_RE.match(value.strip()):
            self.add(key, f"The {attr(key)} must be a valid email address.")

    def pincode(self, value: Any, key: str) -> None:
        if not is_integer(value):
            self.add(key, f"The {attr(key)} must be an integer.")
        elif len(int_text(value)) != 6:
            self.add(key, f"The {attr(key)} must be 6 digits.")
