"""Latency, rate limit and injected faults through the in-process transports."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fulfil.simulator import SimulatorAsyncTransport, SimulatorConfig, create_app

Payload = Callable[..., dict[str, Any]]
RATE_LIMITED = {"message": "You have exceeded the API call rate limit."}


def _count(sim: Any, channel_order_id: str) -> dict[str, Any]:
    result: dict[str, Any] = sim.ctl(
        "GET", "orders/count", params={"channel_order_id": channel_order_id}
    ).json()
    return result


def _force(sim: Any, kind: str, operation: str | None = "orders.create", count: int = 1) -> None:
    body = {"kind": kind, "operation": operation, "count": count}
    assert sim.ctl("POST", "faults/force", json=body).status_code == 200


def test_latency_is_applied(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(latency={"fixed_ms": 60})
    started = time.monotonic()
    sim.login()
    assert time.monotonic() - started >= 0.06


def test_rate_limit_gives_429_until_the_window_rolls(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(rate_limit={"calls_per_minute": 3})
    sim.login()
    first = sim.api("GET", "orders")
    assert first.headers["x-ratelimit-limit"] == "3"
    assert first.headers["x-ratelimit-remaining"] == "1"
    assert sim.api("GET", "orders").status_code == 200
    limited = sim.api("GET", "orders")
    assert limited.status_code == 429
    assert limited.json() == RATE_LIMITED
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert sim.ctl("GET", "stats").json()["rate_limited"] == {"orders.list": 1}
    sim.advance(seconds=61, relogin=False)
    assert sim.api("GET", "orders").status_code == 200


def test_rate_limit_without_retry_after(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(rate_limit={"calls_per_minute": 1, "send_retry_after": False})
    sim.login()
    limited = sim.api("GET", "orders")
    assert limited.status_code == 429
    assert "retry-after" not in limited.headers


@pytest.mark.parametrize(
    ("kind", "status", "content_type"),
    [
        ("http_500", 500, "application/json"),
        ("http_502", 502, "text/html"),
        ("http_503", 503, "text/html"),
        ("http_429", 429, "application/json"),
    ],
)
def test_http_faults_are_not_applied(
    sim: Any, payload: Payload, kind: str, status: int, content_type: str
) -> None:
    _force(sim, kind)
    response = sim.api("POST", "orders/create/adhoc", json=payload("TT-1"))
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)
    if kind == "http_429":
        assert response.json() == RATE_LIMITED
        assert response.headers["retry-after"] == "30"
    assert _count(sim, "TT-1")["total"] == 0
    assert sim.api("POST", "orders/create/adhoc", json=payload("TT-1")).status_code == 200


def test_timeout_fault_is_a_read_timeout_and_not_applied(sim: Any, payload: Payload) -> None:
    _force(sim, "timeout")
    with pytest.raises(httpx.ReadTimeout):
        sim.api("POST", "orders/create/adhoc", json=payload("TT-2"))
    assert _count(sim, "TT-2")["total"] == 0


def test_drop_after_apply_loses_response_but_order_exists(sim: Any, payload: Payload) -> None:
    _force(sim, "drop_after_apply")
    with pytest.raises(httpx.RemoteProtocolError):
        sim.api("POST", "orders/create/adhoc", json=payload("TT-3"))
    count = _count(sim, "TT-3")
    assert (count["total"], count["live"]) == (1, 1)
    retried = sim.create("TT-3")
    assert retried["order_id"] == count["order_ids"][0]
    assert _count(sim, "TT-3")["total"] == 1


def test_drop_after_apply_on_awb_assignment(sim: Any) -> None:
    created = sim.create("TT-4")
    _force(sim, "drop_after_apply", "courier.assign_awb")
    with pytest.raises(httpx.RemoteProtocolError):
        sim.api("POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"]})
    again = sim.api("POST", "courier/assign/awb", json={"shipment_id": created["shipment_id"]})
    assert again.json()["response"]["data"]["awb_assign_error"] == "AWB is already assigned"
    rows = sim.api("GET", "orders", params={"filter_by": "channel_order_id", "filter": "TT-4"})
    assert rows.json()["data"][0]["shipments"][0]["awb"]


def test_forced_fault_counts_and_any_operation(sim: Any) -> None:
    _force(sim, "http_503", operation=None, count=2)
    assert sim.api("GET", "orders").status_code == 503
    assert sim.api("GET", "courier/track/awb/1").status_code == 503
    assert sim.api("GET", "orders").status_code == 200


def test_random_faults_are_seeded_and_restricted(make_sim: Callable[..., Any]) -> None:
    faults = {"http_500": 0.5, "seed": 3, "operations": ["orders.list"]}
    sequences = []
    for _ in range(2):
        sim = make_sim(faults=faults)
        sim.login()
        sequences.append([sim.api("GET", "orders").status_code for _ in range(20)])
        assert sim.api("GET", "courier/track/awb/1").status_code == 200
    assert sequences[0] == sequences[1]
    assert set(sequences[0]) == {200, 500}


def test_stats_count_calls_statuses_and_faults(sim: Any, payload: Payload) -> None:
    _force(sim, "http_500")
    sim.api("POST", "orders/create/adhoc", json=payload("TT-5"))
    sim.api("POST", "orders/create/adhoc", json=payload("TT-5"))
    stats = sim.ctl("GET", "stats").json()
    assert stats["calls"]["orders.create"] == 2
    assert stats["statuses"]["orders.create"] == {"200": 1, "500": 1}
    assert stats["faults"]["orders.create"] == {"http_500": 1}
    assert stats["calls"]["auth.login"] == 1


def test_latency_beyond_client_timeout_still_applies(
    make_sim: Callable[..., Any], payload: Payload
) -> None:
    sim = make_sim(latency={"fixed_ms": 200})
    sim.login()
    with pytest.raises(httpx.ReadTimeout):
        sim.api("POST", "orders/create/adhoc", json=payload("TT-6"), timeout=0.05)
    deadline = time.monotonic() + 2
    while _count(sim, "TT-6")["total"] == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _count(sim, "TT-6")["total"] == 1


@pytest.mark.anyio
async def test_async_transport_faults_and_concurrent_duplicates(payload: Payload) -> None:
    app = create_app(SimulatorConfig(seed=5))
    async with httpx.AsyncClient(
        transport=SimulatorAsyncTransport(app), base_url="http://sim.test"
    ) as client:
        login = await client.post(
            "/v1/external/auth/login",
            json={"email": "api@example.test", "password": "sandbox-password"},
        )
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        await client.post("/__sim/faults/force", json={"kind": "drop_after_apply"})
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/v1/external/orders/create/adhoc", json=payload("TT-A"))
        await client.post("/__sim/faults/force", json={"kind": "timeout"})
        with pytest.raises(httpx.ReadTimeout):
            await client.post("/v1/external/orders/create/adhoc", json=payload("TT-B"))

        responses = await asyncio.gather(
            *(
                client.post("/v1/external/orders/create/adhoc", json=payload("TT-C"))
                for _ in range(20)
            )
        )
        assert {r.json()["order_id"] for r in responses} == {responses[0].json()["order_id"]}
        dump = (await client.get("/__sim/orders")).json()["orders"]
        assert sorted(o["channel_order_id"] for o in dump) == ["TT-A", "TT-C"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
