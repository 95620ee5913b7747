"""Fixtures for the Shiprocket simulator tests: an in-process app and raw httpx clients.

The tests speak raw HTTP on purpose (no Shiprocket client library): they pin the wire format the
simulator promises, which is what any faithful client is written against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from fulfil.simulator import SimulatorConfig, SimulatorTransport, create_app

ROOT = "http://sim.test"
BASE = f"{ROOT}/v1/external/"
CREDENTIALS = {"email": "api@example.test", "password": "sandbox-password"}


def order_payload(order_id: str = "TT-1001", **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "order_id": order_id,
        "order_date": "2025-01-06 10:00",
        "pickup_location": "Primary",
        "billing_customer_name": "Asha",
        "billing_last_name": "Kumar",
        "billing_address": "12 MG Road",
        "billing_city": "Bengaluru",
        "billing_pincode": 560001,
        "billing_state": "Karnataka",
        "billing_country": "India",
        "billing_email": "asha@example.com",
        "billing_phone": 9876543210,
        "shipping_is_billing": True,
        "order_items": [
            {"name": "Blade", "sku": "BL-1", "units": 1, "selling_price": 4200, "tax": 18}
        ],
        "payment_method": "Prepaid",
        "sub_total": 4200,
        "length": 30,
        "breadth": 20,
        "height": 5,
        "weight": 0.8,
    }
    payload.update(overrides)
    return payload


class Sim:
    """A raw client bundle: `api` (Shiprocket paths, bearer set) and `ctl` (control API)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        transport = SimulatorTransport(app)
        self.http = httpx.Client(transport=transport, base_url=ROOT, timeout=5.0)

    def login(self) -> str:
        response = self.http.post(BASE + "auth/login", json=CREDENTIALS)
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        return token

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, BASE + path, **kwargs)

    def ctl(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, f"{ROOT}/__sim/{path}", **kwargs)

    def advance(self, *, relogin: bool = True, **units: float) -> None:
        """Move the sim clock; by default log in again, since tokens live 10 simulated days."""
        assert self.ctl("POST", "clock/advance", json=units).status_code == 200
        if relogin and "Authorization" in self.http.headers:
            self.login()

    def create(self, order_id: str = "TT-1001", **overrides: Any) -> dict[str, Any]:
        response = self.api(
            "POST", "orders/create/adhoc", json=order_payload(order_id, **overrides)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def assign(self, shipment_id: int, **extra: Any) -> dict[str, Any]:
        response = self.api(
            "POST", "courier/assign/awb", json={"shipment_id": shipment_id, **extra}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert body["awb_assign_status"] == 1, body
        return body

    def ship(self, order_id: str, scenario: str | None = None) -> tuple[dict[str, Any], str]:
        """Create, force a scenario (optional), assign an AWB and request the pickup."""
        if scenario:
            forced = {"channel_order_id": order_id, "scenario": scenario}
            assert self.ctl("POST", "scenario", json=forced).status_code == 200
        created = self.create(order_id)
        awb: str = self.assign(created["shipment_id"])["response"]["data"]["awb_code"]
        response = self.api(
            "POST", "courier/generate/pickup", json={"shipment_id": [created["shipment_id"]]}
        )
        assert response.status_code == 200, response.text
        return created, awb

    def track(self, awb: str) -> dict[str, Any]:
        response = self.api("GET", f"courier/track/awb/{awb}")
        assert response.status_code == 200
        data: dict[str, Any] = response.json()["tracking_data"]
        return data


@pytest.fixture
def make_sim() -> Iterator[Callable[..., Sim]]:
    made: list[Sim] = []

    def factory(**config: Any) -> Sim:
        sim = Sim(create_app(SimulatorConfig(**config)))
        made.append(sim)
        return sim

    yield factory
    for sim in made:
        sim.http.close()


@pytest.fixture
def sim(make_sim: Callable[..., Sim]) -> Sim:
    """A logged-in simulator with default config and seed 7."""
    instance = make_sim(seed=7)
    instance.login()
    return instance


@pytest.fixture
def payload() -> Callable[..., dict[str, Any]]:
    """Builder of a valid `orders/create/adhoc` body: `payload("TT-9", weight=2)`."""
    return order_payload
