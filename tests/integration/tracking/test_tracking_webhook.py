"""The webhook receiver (key, size, JSON, inbox) and applying its events through the machine."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from fulfil.tracking.config import TrackingSettings
from fulfil.tracking.service import create_webhook_app

KEY = "panel-token-123"
PATH = "/hooks/tracking-events"


class Hook:
    """A tiny sync client over the ASGI app (no network, no TestClient)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def post(
        self, path: str, *, content: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hook") as client:
                return await client.post(path, content=content, headers=headers)

        return asyncio.run(send())


@pytest.fixture
def hook(th: Any) -> Iterator[Hook]:
    th.tracking = TrackingSettings(webhook_api_key=KEY, webhook_max_body_bytes=4096)
    app = create_webhook_app(
        th.settings, tracking=th.tracking, dynamo=th.dynamo, clock=lambda: th.now
    )
    yield Hook(app)


def inbox(th: Any) -> list[dict[str, Any]]:
    return [i for i in th.table("control") if i["pk"] == "inbox"]


def event(awb: str, scans: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "awb": awb,
        "courier_name": "Delhivery Surface",
        "current_status": "IN TRANSIT",
        "current_status_id": 20,
        "shipment_status": "IN TRANSIT",
        "shipment_status_id": 18,
        "current_timestamp": "29 11 2026 18:00:00",
        "scans": scans,
        **extra,
    }


def scan(date: str, code: str, activity: str, sr: str) -> dict[str, str]:
    return {
        "date": date,
        "status": code,
        "activity": activity,
        "location": "Delhi Hub",
        "sr-status": sr,
        "sr-status-label": "NA",
    }


def test_refusals_store_nothing(th: Any, hook: Hook) -> None:
    body = json.dumps(event("1", []))
    assert hook.post(PATH, content=body).status_code == 401
    assert hook.post(PATH, content=body, headers={"x-api-key": "wrong"}).status_code == 401
    big = json.dumps(event("1", [], padding="x" * 5000))
    assert hook.post(PATH, content=big, headers={"x-api-key": KEY}).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: capped while reading
        yield b'{"awb": "1", "padding": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    streamed = hook.post(PATH, content=chunks(), headers={"x-api-key": KEY})
    assert streamed.status_code == 413
    assert hook.post(PATH, content=b"not json{", headers={"x-api-key": KEY}).status_code == 400
    assert hook.post(PATH, content=b"[1, 2]", headers={"x-api-key": KEY}).status_code == 400
    assert hook.post(PATH, content=b"\xff\xfe", headers={"x-api-key": KEY}).status_code == 400
    assert inbox(th) == []


def test_unknown_awb_is_stored_reported_and_settled_once(th: Any, hook: Hook) -> None:
    body = json.dumps(event("NOSUCHAWB", [scan("2026-11-29 17:00:00", "X-PPOM", "Picked", "42")]))
    first = hook.post(PATH, content=body, headers={"x-api-key": KEY})
    again = hook.post(PATH, content=body, headers={"x-api-key": KEY})
    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True
    assert len(inbox(th)) == 1 and inbox(th)[0]["pendingKind"] == "inbox"
    report = th.sync()
    assert report.inbox_unknown_awb == 1
    assert [line.awb for line in report.lines if line.what == "unknown_awb"] == ["NOSUCHAWB"]
    stored = inbox(th)[0]
    assert stored["state"] == "unknown_awb" and "pendingKind" not in stored
    assert th.sync().inbox_unknown_awb == 0  # never an error loop


def test_valid_event_moves_a_real_shipment_through_the_machine(th: Any, hook: Hook) -> None:
    shipped = th.ship(2, seed=1)
    awb = shipped[0]["awb"]
    picked = scan("2026-11-29 17:00:00", "X-PPOM", "In Transit - Shipment picked up", "42")
    transit = scan("2026-11-30 09:00:00", "X-ILL1F", "In Transit - Arrived at hub", "18")
    late = scan("2026-11-29 16:00:00", "X-ASP", "Out for Pickup", "19")
    for scans in ([picked, transit], [late, picked]):  # then an older and a repeated scan
        response = hook.post(
            PATH, content=json.dumps(event(awb, scans)), headers={"x-api-key": KEY}
        )
        assert response.status_code == 200
    report = th.sync(awbs=None)
    assert report.inbox_applied == 2
    item = th.item(awb)
    assert item["trackingStatus"] == "in_transit"  # the late scan did not move it back
    events = th.events(awb)
    assert {e["source"] for e in events} == {"webhook"}
    assert len(events) == 3  # picked up stored once
    assert th.order(item["orderId"])["status"] == "shipped"
    assert any(n.kind.value == "shipped" for n in th.notifier.notifications)
    assert all("pendingKind" not in i for i in inbox(th))
