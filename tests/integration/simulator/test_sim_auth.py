"""Auth: login shape, credential errors, bearer checks and token expiry on the sim clock."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

BASE = "http://sim.test/v1/external/"
CREDS = {"email": "api@example.test", "password": "sandbox-password"}
UNAUTH = {"message": "Unauthenticated."}


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return data


def test_login_returns_documented_fields_and_jwt_like_token(make_sim: Callable[..., Any]) -> None:
    sim = make_sim()
    response = sim.http.post(BASE + "auth/login", json=CREDS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "token",
        "id",
        "first_name",
        "last_name",
        "email",
        "company_id",
        "created_at",
    }
    assert body["email"] == CREDS["email"]
    assert len(body["token"].split(".")) == 3
    claims = _claims(body["token"])
    assert claims["exp"] - claims["iat"] == 10 * 24 * 3600


@pytest.mark.parametrize(
    "creds",
    [
        {"email": "api@example.test", "password": "wrong"},
        {"email": "someone@example.test", "password": "sandbox-password"},
    ],
)
def test_wrong_credentials_give_400(make_sim: Callable[..., Any], creds: dict[str, str]) -> None:
    response = make_sim().http.post(BASE + "auth/login", json=creds)
    assert response.status_code == 400
    assert response.json() == {
        "message": "Invalid email and password combination",
        "status_code": 400,
    }


def test_missing_login_fields_give_422_bag(make_sim: Callable[..., Any]) -> None:
    response = make_sim().http.post(BASE + "auth/login", json={})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "email": ["The email field is required."],
        "password": ["The password field is required."],
    }


def test_configured_credentials_are_used(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(api_email="ops@tt.test", api_password="s3cret")
    assert sim.http.post(BASE + "auth/login", json=CREDS).status_code == 400
    ok = sim.http.post(BASE + "auth/login", json={"email": "ops@tt.test", "password": "s3cret"})
    assert ok.status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer not.a.token", "Basic abc", "Token x"])
def test_missing_or_invalid_bearer_gives_401(
    make_sim: Callable[..., Any], header: str | None
) -> None:
    sim = make_sim()
    headers = {"Authorization": header} if header is not None else {}
    response = sim.http.get(BASE + "orders", headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTH


def test_token_from_another_instance_is_rejected(make_sim: Callable[..., Any]) -> None:
    first, second = make_sim(seed=1), make_sim(seed=2)
    token = first.login()
    response = second.http.get(BASE + "orders", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_expires_after_ttl_on_sim_clock(sim: Any) -> None:
    assert sim.api("GET", "orders").status_code == 200
    sim.advance(days=9, hours=23, relogin=False)
    assert sim.api("GET", "orders").status_code == 200
    sim.advance(hours=1, relogin=False)
    response = sim.api("GET", "orders")
    assert response.status_code == 401
    assert response.json() == UNAUTH
    sim.login()
    assert sim.api("GET", "orders").status_code == 200


def test_short_ttl_from_config(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(token_ttl_seconds=60)
    sim.login()
    sim.advance(seconds=61, relogin=False)
    assert sim.api("GET", "orders").status_code == 401


def test_control_expires_all_tokens_mid_run(sim: Any) -> None:
    response = sim.ctl("POST", "tokens/expire")
    assert response.json() == {"expired": 1}
    assert sim.api("GET", "orders").status_code == 401
    sim.login()
    assert sim.api("GET", "orders").status_code == 200


def test_logout_revokes_token(sim: Any) -> None:
    response = sim.api("POST", "auth/logout")
    assert response.json() == {"message": "Logged out successfully"}
    assert sim.api("GET", "orders").status_code == 401


def test_reset_invalidates_tokens(sim: Any) -> None:
    assert sim.ctl("POST", "reset").status_code == 200
    assert sim.api("GET", "orders").status_code == 401


def test_login_never_returns_password(make_sim: Callable[..., Any]) -> None:
    response = make_sim().http.post(BASE + "auth/login", json=CREDS)
    assert "sandbox-password" not in response.text
