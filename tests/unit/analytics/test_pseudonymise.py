"""Keyed pseudonyms are stable, joinable across spellings, key-dependent; free text is scrubbed."""

from __future__ import annotations

import logging

import pytest

from fulfil.analytics.pseudonymise import KEY_ENV, PiiKind, Pseudonymiser, scrub_text

KEY = "test-key-0123456789abcdef"


def test_one_phone_typed_five_ways_gives_one_token() -> None:
    p = Pseudonymiser.from_env(KEY)
    typed = ["9876543210", "+91 98765 43210", "09876543210", "98765-43210", "+919876543210"]
    tokens = {p.token(PiiKind.PHONE, t) for t in typed}
    assert len(tokens) == 1
    token = tokens.pop()
    assert token is not None and len(token) == 32 and "9876543210" not in token


def test_tokens_depend_on_the_key_and_the_kind() -> None:
    a, b = Pseudonymiser.from_env(KEY), Pseudonymiser.from_env(KEY + "-other")
    assert a.token(PiiKind.EMAIL, "x@y.in") != b.token(PiiKind.EMAIL, "x@y.in")
    assert a.token(PiiKind.CUSTOMER, "abc") != a.token(PiiKind.NAME, "abc")
    assert a.token(PiiKind.EMAIL, " X@Y.in ") == a.token(PiiKind.EMAIL, "x@y.in")
    assert a.key_id != b.key_id


def test_blank_values_have_no_token() -> None:
    p = Pseudonymiser.from_env(KEY)
    assert p.token(PiiKind.PHONE, None) is None
    assert p.token(PiiKind.STREET, "   ") is None


def test_the_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    from_env = Pseudonymiser.from_env()
    assert not from_env.dev_key
    assert from_env.token(PiiKind.EMAIL, "a@b.in") == Pseudonymiser.from_env(KEY).token(
        PiiKind.EMAIL, "a@b.in"
    )


def test_without_a_key_the_dev_key_is_used_and_said_loudly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    with caplog.at_level(logging.WARNING, logger="fulfil.analytics.pseudonymise"):
        p = Pseudonymiser.from_env()
    assert p.dev_key
    assert "DEVELOPMENT pseudonymisation key" in caplog.text


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16"):
        Pseudonymiser.from_env("short")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("call 9876543210 now", "call <phone> now"),
        ("+91 98765 43210 is invalid", "<phone> is invalid"),
        ("phone 098765-43210", "phone <phone>"),
        ("987 654 3210", "<phone>"),
        ("mail priya.ab12cd@mail.in please", "mail <email> please"),
        ("AWB 141123456789012 assigned", "AWB 141123456789012 assigned"),
        ("PIN 400001 unknown", "PIN 400001 unknown"),
    ],
)
def test_scrub_text_masks_phones_and_emails_only(raw: str, expected: str) -> None:
    assert scrub_text(raw) == expected


def test_scrub_text_caps_length_and_keeps_none() -> None:
    assert scrub_text(None) is None
    assert scrub_text("x" * 5000, limit=10) == "x" * 10
