"""Keyed pseudonyms for personal data, and a scrubber for free text, for the analytics copy.

Analysts need to join and count by customer, phone or address ("repeat buyers", "one phone, many
accounts") but never to read them. A keyed hash (HMAC-SHA256) gives a stable, joinable token
that cannot be reversed or brute-forced without the key, unlike a plain hash of a 10-digit phone.
Values are normalised first (phones to E.164, emails and names case-folded, spaces collapsed), so
"+91 98765 43210" in an address and "9876543210" in a customer row give the same token, and each
kind of value is hashed in its own domain so a phone token never equals an email token.

The key comes from `FULFIL_PSEUDONYMISATION_KEY` (or a Prefect Secret block, read by the flow).
Without it a fixed development key is used and a warning says so: fine for the demo, useless as
protection, and `key_id` (recorded in every snapshot) shows which key made the tokens.

`scrub_text` masks emails and phone numbers in free text we do copy (vendor error messages,
escalation summaries). It cannot recognise names or streets, which is why the snapshot never
copies the free-text fields that may hold them (`plan`, `detail`, `params`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass
from enum import StrEnum

from fulfil.domain.contact import ContactError, normalize_indian_mobile

__all__ = [
    "DEV_KEY",
    "KEY_ENV",
    "PiiKind",
    "Pseudonymiser",
    "scrub_text",
]

log = logging.getLogger(__name__)

KEY_ENV = "FULFIL_PSEUDONYMISATION_KEY"
DEV_KEY = "tt-fulfilment-development-key-not-a-secret"
_TOKEN_HEX = 32  # 128 bits: collisions are not a concern at any shop's scale
_MIN_KEY_LENGTH = 16
_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s().-]")
_SIMPLE_MOBILE = re.compile(r"^(?:\+91|91|0)?([6-9]\d{9})$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Indian mobiles as people type them: optional +91/91/0, ten digits, maybe split 5+5 or 3+3+4.
_PHONE = re.compile(
    r"(?<![\d+])(?:\+?91[\s-]?|0)?[6-9]\d{2}[\s-]?\d{2}[\s-]?\d{5}(?!\d)"
    r"|(?<![\d+])(?:\+?91[\s-]?|0)?[6-9]\d{2}[\s-]?\d{3}[\s-]?\d{4}(?!\d)"
)


class PiiKind(StrEnum):
    """Hash domains: one per kind of personal value."""

    CUSTOMER = "customer"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"
    STREET = "street"
    ADDRESS = "address"


@dataclass(frozen=True)
class Pseudonymiser:
    """HMAC-SHA256 tokens under one key. Build with `from_env()` or `Pseudonymiser(key)`."""

    key: bytes
    dev_key: bool = False

    @classmethod
    def from_env(cls, key: str | None = None) -> Pseudonymiser:
        """Use `key`, else the env variable, else the development key (logged as a warning)."""
        raw = key if key is not None else os.environ.get(KEY_ENV, "")
        if raw.strip():
            if len(raw.strip()) < _MIN_KEY_LENGTH:
                raise ValueError(f"the pseudonymisation key must have {_MIN_KEY_LENGTH}+ chars")
            return cls(raw.strip().encode("utf-8"))
        log.warning(
            "%s is not set: using the built-in DEVELOPMENT pseudonymisation key. Tokens in this "
            "snapshot protect nothing; set the variable (or the flow's key block) in production.",
            KEY_ENV,
        )
        return cls(DEV_KEY.encode("utf-8"), dev_key=True)

    @property
    def key_id(self) -> str:
        """A short public id of the key (itself an HMAC), so snapshots can say which key."""
        return hmac.new(self.key, b"key-id", hashlib.sha256).hexdigest()[:12]

    def token(self, kind: PiiKind, value: object) -> str | None:
        """The pseudonym of `value` as `kind`; None for a missing or blank value."""
        text = _normalise(kind, value)
        if not text:
            return None
        digest = hmac.new(self.key, f"{kind.value}\x1f{text}".encode(), hashlib.sha256)
        return digest.hexdigest()[:_TOKEN_HEX]


def _normalise(kind: PiiKind, value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if kind is PiiKind.PHONE:
        simple = _SIMPLE_MOBILE.match(_SEPARATORS.sub("", text))
        if simple:  # the common shapes, without phonenumbers' ~0.4 ms parse
            return "+91" + simple.group(1)
        try:
            return normalize_indian_mobile(value)
        except ContactError:
            digits = re.sub(r"\D", "", text)
            return digits or text
    if kind in (PiiKind.EMAIL, PiiKind.NAME, PiiKind.STREET):
        return _SPACES.sub(" ", text.casefold())
    return text


def scrub_text(text: object, limit: int = 1000) -> str | None:
    """Free text with emails and phone numbers masked, cut to `limit` chars; None stays None."""
    if text is None:
        return None
    cleaned = _EMAIL.sub("<email>", str(text))
    cleaned = _PHONE.sub("<phone>", cleaned)
    return cleaned[:limit]
