"""The `sync-tracking` flow under the Prefect test harness: moto, and a mocked Shiprocket."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from pydantic import SecretStr

import flows.sync_tracking as flow_module
from flows.sync_tracking import ARTIFACT_KEY, SyncTrackingParameters, sync_tracking
from fulfil.shiprocket.config import ShiprocketConfig, ShiprocketCredentials
from fulfil.store.dynamo import from_item, to_item
from fulfil.store.tracking import active_shard_of
from fulfil.sweep.context import MemoryRecorder
from fulfil.tracking.context import MemoryNotifier
from fulfil.tracking.scans import utc_iso

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow]

BASE = "http://shiprocket.mock/v1/external"
NOW = datetime.now(UTC)


def shiprocket(request: httpx.Request) -> httpx.Response:
    """Login, and bulk tracking that says every AWB was delivered an hour ago."""
    if request.url.path.endswith("/auth/login"):
        return httpx.Response(200, json={"id": 1, "company_id": 2, "token": "t.k.n"})
    awbs = json.loads(request.content)["awbs"]
    assert len(awbs) <= 50
    ist = timezone(timedelta(hours=5, minutes=30))
    when = (NOW - timedelta(hours=1)).astimezone(ist).strftime("%Y-%m-%d %H:%M:%S")
    body = {
        awb: {
            "tracking_data": {
                "track_status": 1,
                "shipment_status": 7,
                "shipment_track_activities": [
                    {
                        "date": when,
                        "status": "DLVD",
                        "activity": "Delivered",
                        "location": "Pune",
                        "sr-status": "7",
                        "sr-status-label": "DELIVERED",
                    }
                ],
                "track_url": f"https://shiprocket.co/tracking/{awb}",
            }
        }
        for awb in awbs
    }
    return httpx.Response(200, json=body)


def test_sync_tracking_flow_runs_one_task_per_chunk_and_publishes_changes(
    dynamo: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = []
    for i in range(60):
        order_id = f"ord-{i:03d}"
        items.append(
            {
                "orderId": order_id,
                "shipmentKey": "01",
                "shipmentId": f"shp-{order_id}-01",
                "status": "shipped",
                "awb": f"AWB{i:09d}",
                "trackingStatus": "in_transit",
                "activeShard": active_shard_of(order_id, settings.queue_shards),
                "lastScanAt": utc_iso(NOW - timedelta(hours=5)),
            }
        )
    for item in items:
        dynamo.put_item(TableName=settings.tables.fulfilment, Item=to_item(item))
    recorder, notifier = MemoryRecorder(), MemoryNotifier()
    real_build = flow_module.build_services

    def build(settings_: Any, **kwargs: Any) -> Any:
        services = real_build(
            settings_,
            http_factory=lambda: httpx.AsyncClient(transport=httpx.MockTransport(shiprocket)),
            config=ShiprocketConfig(base_url=BASE, requests_per_minute=0),
            credentials=ShiprocketCredentials(email="api@example.test", password=SecretStr("pw")),
            recorder=recorder,
            notifier=notifier,
            **kwargs,
        )
        return services

    monkeypatch.setattr(flow_module, "build_services", build)

    with pytest.raises(ValueError):
        SyncTrackingParameters(awbs=["not an awb!"])
    state = sync_tracking(return_state=True)

    assert state.is_completed()
    report = state.result()
    assert report.active == 60 and report.api_calls == 2 and report.status_changes == 60
    stored = [from_item(i) for i in dynamo.scan(TableName=settings.tables.fulfilment)["Items"]]
    assert {i["trackingStatus"] for i in stored} == {"delivered"}
    assert not any("activeShard" in i for i in stored)
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY]))
        )
    names = {r.name for r in runs}
    assert {"track-chunk-001-of-002", "track-chunk-002-of-002"} <= names
    assert "gather-active-shipments" in names
    assert any(a.type == "table" and "shiprocket.co/tracking/AWB" in str(a.data) for a in artifacts)
    assert any("fulfil track --awb" in str(a.data) for a in artifacts)
