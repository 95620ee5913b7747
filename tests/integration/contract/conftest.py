"""Contract fixtures: the real Shiprocket client wired to the in-process Shiprocket simulator.

Unlike `tests/integration/shiprocket` (scripted MockTransport answers) and
`tests/integration/simulator` (raw HTTP), these tests pin the *pair*: whatever the client sends,
the simulator must understand, and whatever the simulator answers, the client must parse into
the right model or error class. Each test gets a fresh simulator app; the control API is called
through the same transport (and the same httpx client) as the Shiprocket calls, so forced faults
and clock moves act on exactly the app the client talks to.

Test modules cannot import from here (rootdir-relative import mode, no packages), so every helper
is handed out by a fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from fulfil.shiprocket import (
    AdhocOrderItem,
    AdhocOrderRequest,
    AsyncShiprocketClient,
    AwbAssignment,
    CreatedOrder,
    ShiprocketClient,
    ShiprocketConfig,
    ShiprocketCredentials,
)
from fulfil.simulator import (
    SandboxServer,
    SimulatorAsyncTransport,
    SimulatorConfig,
    SimulatorTransport,
    create_app,
)

# Any non-real host: tests/conftest.py refuses real Shiprocket hosts, the transport never dials.
ROOT = "http://shiprocket.sim"
BASE_URL = f"{ROOT}/v1/external"
CONTROL = f"{ROOT}/__sim"
API_EMAIL = "api@example.test"
API_PASSWORD = "sandbox-password"
PICKUP_PIN = 110020  # the simulator's default pickup PIN
DELIVERY_PIN = 560001  # served by every simulated courier
NON_SERVICEABLE_PIN = 744101  # Andaman: prefix 744 is in the default non-serviceable list


def order_request(order_id: str = "CT-1001", **overrides: Any) -> AdhocOrderRequest:
    """A valid prepaid adhoc order for the simulator's "Primary" pickup location."""
    fields: dict[str, Any] = {
        "order_id": order_id,
        "order_date": date(2025, 1, 6),
        "pickup_location": "Primary",
        "billing_customer_name": "Asha",
        "billing_last_name": "Kumar",
        "billing_address": "12 MG Road",
        "billing_city": "Bengaluru",
        "billing_pincode": DELIVERY_PIN,
        "billing_state": "Karnataka",
        "billing_country": "India",
        "billing_email": "asha@example.com",
        "billing_phone": 9876543210,
        "shipping_is_billing": True,
        "order_items": [
            AdhocOrderItem(
                name="Blade", sku="BL-1", units=1, selling_price=Decimal("4200"), tax=Decimal(18)
            )
        ],
        "payment_method": "Prepaid",
        "sub_total": Decimal("4200"),
        "length": Decimal(30),
        "breadth": Decimal(20),
        "height": Decimal(5),
        "weight": Decimal("0.8"),
    }
    fields.update(overrides)
    return AdhocOrderRequest(**fields)


class Control:
    """The simulator's `/__sim` control API, called through the client's own httpx client."""

    def __init__(self, http: httpx.Client, root: str = ROOT) -> None:
        self._http = http
        self._root = root

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, f"{self._root}/__sim/{path}", **kwargs)
        assert response.status_code < 300, f"control {method} {path}: {response.text}"
        return response.json() if response.content else None

    def patch_config(self, **patch: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.call("PATCH", "config", json=patch)
        return result

    def advance(self, **units: float) -> None:
        self.call("POST", "clock/advance", json=units)

    def expire_tokens(self) -> int:
        expired: int = self.call("POST", "tokens/expire")["expired"]
        return expired

    def force_fault(self, kind: str, operation: str | None, count: int = 1) -> None:
        self.call(
            "POST", "faults/force", json={"kind": kind, "operation": operation, "count": count}
        )

    def force_scenario(self, scenario: str, *, channel_order_id: str) -> None:
        body = {"scenario": scenario, "channel_order_id": channel_order_id}
        self.call("POST", "scenario", json=body)

    def count(self, channel_order_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call(
            "GET", "orders/count", params={"channel_order_id": channel_order_id}
        )
        return result

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", "stats")
        return result

    def calls(self, operation: str) -> int:
        """How many calls of `operation` (simulator name, e.g. `auth.login`) arrived."""
        return int(self.stats()["calls"].get(operation, 0))


class AsyncControl:
    """The control API for async tests, through the async client's transport."""

    def __init__(self, http: httpx.AsyncClient, root: str = ROOT) -> None:
        self._http = http
        self._root = root

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._http.request(method, f"{self._root}/__sim/{path}", **kwargs)
        assert response.status_code < 300, f"control {method} {path}: {response.text}"
        return response.json() if response.content else None

    async def force_fault(self, kind: str, operation: str | None, count: int = 1) -> None:
        body = {"kind": kind, "operation": operation, "count": count}
        await self.call("POST", "faults/force", json=body)

    async def count(self, channel_order_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "GET", "orders/count", params={"channel_order_id": channel_order_id}
        )
        return result


@dataclass(frozen=True)
class Shipped:
    """An order taken through create -> assign AWB (-> pickup) by the client."""

    order: CreatedOrder
    assignment: AwbAssignment

    @property
    def awb(self) -> str:
        return self.assignment.awb_code

    @property
    def shipment_id(self) -> int:
        assert self.order.shipment_id is not None
        return self.order.shipment_id


@pytest.fixture
def sim_config() -> SimulatorConfig:
    """Override in a module to start the simulator differently (most tests PATCH instead)."""
    return SimulatorConfig(seed=7)


@pytest.fixture
def app(sim_config: SimulatorConfig) -> FastAPI:
    """A fresh simulated Shiprocket account per test."""
    return create_app(sim_config)


@pytest.fixture
def http(app: FastAPI) -> Iterator[httpx.Client]:
    """The sync httpx client over `SimulatorTransport` (its loop thread stops at teardown)."""
    with httpx.Client(transport=SimulatorTransport(app), timeout=5.0) as client:
        yield client


@pytest.fixture
def control(http: httpx.Client) -> Control:
    return Control(http)


@pytest.fixture
def credentials() -> ShiprocketCredentials:
    return ShiprocketCredentials(email=API_EMAIL, password=SecretStr(API_PASSWORD))


@pytest.fixture
def client_config() -> ShiprocketConfig:
    """Pacing off: tests that exercise the limiter inject their own."""
    return ShiprocketConfig(base_url=BASE_URL, requests_per_minute=0)


@pytest.fixture
def make_client(
    http: httpx.Client, credentials: ShiprocketCredentials, client_config: ShiprocketConfig
) -> Callable[..., ShiprocketClient]:
    """More sync clients on the same simulator: `make_client(token_store=store)`."""

    def make(**kwargs: Any) -> ShiprocketClient:
        kwargs.setdefault("credentials", credentials)
        kwargs.setdefault("config", client_config)
        return ShiprocketClient(http, **kwargs)

    return make


@pytest.fixture
def client(make_client: Callable[..., ShiprocketClient]) -> ShiprocketClient:
    return make_client()


@pytest.fixture
def make_async_client(
    app: FastAPI, credentials: ShiprocketCredentials, client_config: ShiprocketConfig
) -> Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient, AsyncControl]]:
    """An async client, its httpx client (close it in the test's loop) and its control API.

    Build it inside the coroutine that `asyncio.run` drives, then `async with http: ...`.
    """

    def make(**kwargs: Any) -> tuple[AsyncShiprocketClient, httpx.AsyncClient, AsyncControl]:
        http = httpx.AsyncClient(transport=SimulatorAsyncTransport(app), timeout=5.0)
        kwargs.setdefault("credentials", credentials)
        kwargs.setdefault("config", client_config)
        return AsyncShiprocketClient(http, **kwargs), http, AsyncControl(http)

    return make


@pytest.fixture
def sandbox(sim_config: SimulatorConfig) -> Iterator[SandboxServer]:
    """The simulator on a real loopback socket (uvicorn in a thread) for this test only.

    Timeout faults stall 0.5 s over a socket: a client with `read_timeout=0.2` sees a real
    `ReadTimeout` quickly, while a normal client keeps generous timeouts on a loaded machine.
    """
    config = sim_config.model_copy(update={"timeout_fault_seconds": 0.5})
    with SandboxServer(config) as server:
        yield server


@pytest.fixture
def make_loopback_client(
    sandbox: SandboxServer, credentials: ShiprocketCredentials
) -> Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient, AsyncControl]]:
    """Like `make_async_client`, but over TCP to `sandbox`: `make(read_timeout=0.2, ...)`."""

    def make(
        read_timeout: float = 5.0, **kwargs: Any
    ) -> tuple[AsyncShiprocketClient, httpx.AsyncClient, AsyncControl]:
        config = ShiprocketConfig(
            base_url=sandbox.base_url, requests_per_minute=0, read_timeout=read_timeout
        )
        http = httpx.AsyncClient(timeout=config.timeout())
        kwargs.setdefault("credentials", credentials)
        kwargs.setdefault("config", config)
        return AsyncShiprocketClient(http, **kwargs), http, AsyncControl(http, sandbox.root_url)

    return make


@pytest.fixture
def new_order() -> Callable[..., AdhocOrderRequest]:
    """Builder of a valid adhoc order: `new_order("CT-9", weight=Decimal("2"))`."""
    return order_request


@pytest.fixture
def ship(client: ShiprocketClient, control: Control) -> Callable[..., Shipped]:
    """Create an order, optionally force its tracking scenario, assign an AWB, request pickup."""

    def run(order_id: str, *, scenario: str | None = None, pickup: bool = True) -> Shipped:
        if scenario is not None:
            control.force_scenario(scenario, channel_order_id=order_id)
        order = client.create_adhoc_order(order_request(order_id))
        assert order.shipment_id is not None
        assignment = client.assign_awb(order.shipment_id)
        if pickup:
            client.generate_pickup(order.shipment_id)
        return Shipped(order, assignment)

    return run
