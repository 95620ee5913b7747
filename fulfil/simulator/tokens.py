"""JWT-shaped bearer tokens signed with HMAC-SHA256 from the standard library.

Shiprocket hands out JWTs; clients sometimes decode the payload to read `exp`, so the simulator
issues real three-part base64url tokens with `iat`/`nbf`/`exp` in simulated epoch seconds. The
signature only proves the token came from this simulator instance; whether it is still valid
(expired on the simulated clock, revoked, wiped by a reset) is decided by the store's record.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(claims: dict[str, Any], secret: bytes) -> str:
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = _b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def decode(token: str, secret: bytes) -> dict[str, Any] | None:
    """The claims if the signature checks out, else None (never raises on garbage)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header, payload, signature = parts
    expected = _b64(
        hmac.new(secret, f"{header}.{payload}".encode("ascii"), hashlib.sha256).digest()
    )
    if not hmac.compare_digest(expected, signature):
        return None
    try:
        claims = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def secret_for(seed: int, epoch: int) -> bytes:
    """Per-instance signing key; `epoch` changes on reset so old tokens stop verifying."""
    return hashlib.sha256(f"shiprocket-simulator|{seed}|{epoch}".encode()).digest()
