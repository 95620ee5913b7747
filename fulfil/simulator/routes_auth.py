"""`auth/login`, `auth/logout` and the bearer check every other route depends on."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fulfil.simulator import tokens
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.state import TokenRecord
from fulfil.simulator.validation import Bag
from fulfil.simulator.wire import ShiprocketError, fail, invalid, read_object

ISSUER = "https://apiv2.shiprocket.in/v1/external/auth/login"
UNAUTHENTICATED: dict[str, Any] = {"message": "Unauthenticated."}


def authenticate(rt: Runtime, request: Request) -> TokenRecord:
    """The token record behind the request's bearer, or a 401 exactly as Shiprocket sends it."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ShiprocketError(401, dict(UNAUTHENTICATED))
    claims = tokens.decode(token.strip(), rt.token_secret)
    record = rt.store.tokens.get(str(claims.get("jti"))) if claims else None
    if record is None or record.revoked or record.expires_at <= rt.now():
        raise ShiprocketError(401, dict(UNAUTHENTICATED))
    return record


def expire_all(rt: Runtime) -> int:
    """Make every live token invalid now (the "token expiry mid-run" switch)."""
    count = 0
    for record in rt.store.tokens.values():
        if not record.revoked and record.expires_at > rt.now():
            record.revoked = True
            count += 1
    return count


def router(rt: Runtime) -> APIRouter:
    api = APIRouter()

    @api.post("/auth/login")
    async def login(request: Request) -> JSONResponse:
        body = await read_object(request)
        bag = Bag()
        bag.required(body, "email")
        bag.required(body, "password")
        if bag:
            raise invalid(bag.errors)
        config = rt.config
        if body["email"] != config.api_email or body["password"] != config.api_password:
            raise fail(400, "Invalid email and password combination")
        now = rt.now()
        async with rt.store.lock:
            serial = len(rt.store.tokens) + 1
            jti = hashlib.sha256(f"{rt.store.seed}|{rt.epoch}|{serial}".encode()).hexdigest()[:16]
            expires = now + timedelta(seconds=config.token_ttl_seconds)
            rt.store.tokens[jti] = TokenRecord(jti=jti, issued_at=now, expires_at=expires)
        issued = int(now.timestamp())
        claims = {
            "iss": ISSUER,
            "iat": issued,
            "nbf": issued,
            "exp": int(expires.timestamp()),
            "jti": jti,
            "sub": config.api_user_id,
            "prv": hashlib.sha1(b"App\\User").hexdigest(),
        }
        return JSONResponse(
            {
                "company_id": config.company_id,
                "created_at": "2024-05-14 11:32:07",
                "email": config.api_email,
                "first_name": "API",
                "id": config.api_user_id,
                "last_name": "User",
                "token": tokens.encode(claims, rt.token_secret),
            }
        )

    @api.post("/auth/logout")
    async def logout(request: Request) -> JSONResponse:
        record = authenticate(rt, request)
        record.revoked = True
        return JSONResponse({"message": "Logged out successfully"})

    return api
