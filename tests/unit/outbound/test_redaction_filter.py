"""The redacting filter scrubs messages, arguments and tracebacks; phones are masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from fulfil.redaction import (
    SecretRedactingFilter,
    clear_registered_secrets,
    mask_phone,
    redact,
    register_secret,
)

SECRET = "EAAG-super-secret-token-42"


@pytest.fixture(autouse=True)
def _registry() -> Iterator[None]:
    clear_registered_secrets()
    register_secret(SecretStr(SECRET))
    yield
    clear_registered_secrets()


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)


def test_registered_secret_in_message_and_args_is_replaced() -> None:
    rec = record("token=%s and %s", SECRET, "ok")
    assert SecretRedactingFilter().filter(rec) is True
    assert rec.getMessage() == "token=*** and ok"


def test_authorization_header_values_are_replaced() -> None:
    assert redact("Authorization: Bearer abcdefghijklmnop") == "Authorization: Bearer ***"
    assert redact("{'Authorization': 'Basic dXNlcjpwYXNz'}") == "{'Authorization': 'Basic ***'}"
    assert redact("sent Bearer zzzzzzzzzz to x") == "sent Bearer *** to x"


def test_traceback_text_is_scrubbed() -> None:
    try:
        raise RuntimeError(f"boom with {SECRET}")
    except RuntimeError as exc:
        rec = record("failed", exc=exc)
    SecretRedactingFilter().filter(rec)
    assert rec.exc_text is not None and SECRET not in rec.exc_text and "***" in rec.exc_text
    formatted = logging.Formatter().format(rec)
    assert SECRET not in formatted


def test_records_without_secrets_are_untouched() -> None:
    rec = record("order %s shipped", "o-1")
    SecretRedactingFilter().filter(rec)
    assert rec.args == ("o-1",)


def test_short_values_are_not_registered() -> None:
    register_secret("abc")
    register_secret(None)
    assert redact("abc") == "abc"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+919876543210", "+91******3210"),
        ("+4915112345678", "+49*******5678"),
        (None, "<none>"),
        ("+9112", "***"),
    ],
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked
