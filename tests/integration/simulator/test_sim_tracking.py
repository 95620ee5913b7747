"""Tracking timelines on the simulator clock, per scenario, plus bulk and by-order tracking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NO_ACTIVITY = (
    "Aahh! There is no activities found in our DB. Please have some patience it will be updated "
    "soon."
)


def _codes(data: dict[str, Any]) -> list[str]:
    """sr-status values oldest first, unmapped "NA" scans included."""
    return [a["sr-status"] for a in reversed(data["shipment_track_activities"])]


def _mapped(data: dict[str, Any]) -> list[int]:
    codes = [int(c) for c in _codes(data) if c != "NA"]
    return [c for i, c in enumerate(codes) if i == 0 or codes[i - 1] != c]


def test_no_scans_before_pickup_is_track_status_0(sim: Any) -> None:
    created = sim.create("TT-1")
    awb = sim.assign(created["shipment_id"])["response"]["data"]["awb_code"]
    assert sim.track(awb) == {"track_status": 0, "error": NO_ACTIVITY}


def test_happy_path_advances_with_the_clock(sim: Any) -> None:
    created, awb = sim.ship("TT-2", "happy")
    assert sim.track(awb)["track_status"] == 0
    sim.advance(hours=2)
    early = sim.track(awb)
    assert early["track_status"] == 1
    assert early["shipment_status"] == 5
    sim.advance(days=2)
    moving = sim.track(awb)
    assert moving["shipment_status"] in (6, 18)
    assert moving["shipment_track"][0]["pickup_date"] is not None
    sim.advance(days=10)
    done = sim.track(awb)
    assert done["shipment_status"] == 7
    assert _mapped(done)[:4] == [5, 19, 42, 6]
    assert _mapped(done)[-4:] == [18, 38, 17, 7]
    latest = done["shipment_track_activities"][0]
    assert (latest["status"], latest["sr-status"], latest["sr-status-label"]) == (
        "DLVD",
        "7",
        "DELIVERED",
    )
    track = done["shipment_track"][0]
    assert track["awb_code"] == awb
    assert track["current_status"] == "Delivered"
    assert track["delivered_date"] == latest["date"]
    assert track["order_id"] == created["order_id"]
    assert done["track_url"].endswith(awb)
    assert done["etd"]
    order = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert (order["status"], order["status_code"]) == ("DELIVERED", 7)


def test_activities_are_newest_first_with_string_sr_status(sim: Any) -> None:
    _, awb = sim.ship("TT-3", "happy")
    sim.advance(days=12)
    activities = sim.track(awb)["shipment_track_activities"]
    dates = [a["date"] for a in activities]
    assert dates == sorted(dates, reverse=True)
    for item in activities:
        assert set(item) == {
            "date",
            "status",
            "activity",
            "location",
            "sr-status",
            "sr-status-label",
        }
        assert isinstance(item["sr-status"], str)


def test_ndr_then_reattempt_delivers(sim: Any) -> None:
    _, awb = sim.ship("TT-4", "ndr")
    sim.advance(days=14)
    data = sim.track(awb)
    assert _mapped(data)[-4:] == [17, 21, 17, 7]
    undelivered = [a for a in data["shipment_track_activities"] if a["sr-status"] == "21"]
    assert undelivered[0]["activity"].startswith("Undelivered - ")
    assert data["shipment_status"] == 7


def test_rto_ends_rto_delivered(sim: Any) -> None:
    created, awb = sim.ship("TT-5", "rto")
    sim.advance(days=30)
    data = sim.track(awb)
    assert _mapped(data)[-7:] == [17, 21, 17, 21, 9, 46, 10]
    assert _mapped(data)[-3:] == [9, 46, 10]
    assert data["shipment_status"] == 10
    order = sim.api("GET", f"orders/show/{created['order_id']}").json()["data"]
    assert order["status_code"] == 16


def test_lost(sim: Any) -> None:
    _, awb = sim.ship("TT-6", "lost")
    sim.advance(days=12)
    data = sim.track(awb)
    assert data["shipment_status"] == 12
    assert _mapped(data)[-1] == 12


def test_noisy_scans_have_na_repeats_and_out_of_order_dates(sim: Any) -> None:
    _, awb = sim.ship("TT-7", "noisy")
    sim.advance(days=12)
    data = sim.track(awb)
    activities = data["shipment_track_activities"]
    assert "NA" in _codes(data)
    na = next(a for a in activities if a["sr-status"] == "NA")
    assert na["sr-status-label"] == "NA"
    keys = [tuple(sorted(a.items())) for a in activities]
    assert len(keys) != len(set(keys)), "expected an exact repeated scan"
    dates = [a["date"] for a in activities]
    assert dates != sorted(dates, reverse=True), "expected an out-of-order timestamp"
    assert data["shipment_status"] == 7


def test_scenario_forced_by_awb_rebuilds_timeline(sim: Any) -> None:
    _, awb = sim.ship("TT-8", "happy")
    response = sim.ctl("POST", "scenario", json={"awb": awb, "scenario": "lost"})
    assert response.json()["rebuilt_awbs"] == [awb]
    sim.advance(days=12)
    assert sim.track(awb)["shipment_status"] == 12


def test_scenarios_are_deterministic_per_seed(make_sim: Callable[..., Any]) -> None:
    runs = []
    for _ in range(2):
        sim = make_sim(seed=11)
        sim.login()
        _, awb = sim.ship("TT-9")
        sim.advance(days=20)
        runs.append(sim.track(awb))
    assert runs[0] == runs[1]


def test_bulk_tracking_keyed_by_awb(sim: Any) -> None:
    _, shipped = sim.ship("TT-10", "happy")
    created = sim.create("TT-11")
    quiet = sim.assign(created["shipment_id"])["response"]["data"]["awb_code"]
    sim.advance(days=1)
    response = sim.api("POST", "courier/track/awbs", json={"awbs": [shipped, quiet, "0000"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {shipped, quiet, "0000"}
    assert body["0000"] == {}
    assert body[quiet] == {"tracking_data": {"track_status": 0, "error": NO_ACTIVITY}}
    assert body[shipped]["tracking_data"]["track_status"] == 1


def test_bulk_tracking_errors(sim: Any) -> None:
    not_array = sim.api("POST", "courier/track/awbs", json={"awbs": "123"})
    assert not_array.status_code == 500
    assert not_array.json()["message"] == "Invalid argument supplied for foreach()"
    too_many = sim.api("POST", "courier/track/awbs", json={"awbs": [str(i) for i in range(51)]})
    assert too_many.status_code == 422
    fifty = sim.api("POST", "courier/track/awbs", json={"awbs": [str(i) for i in range(50)]})
    assert fifty.status_code == 200


def test_track_by_shipment_and_by_channel_order_id(sim: Any) -> None:
    created, awb = sim.ship("TT-12", "happy")
    sim.advance(days=1)
    by_shipment = sim.api("GET", f"courier/track/shipment/{created['shipment_id']}").json()
    assert by_shipment["tracking_data"]["shipment_track"][0]["awb_code"] == awb
    by_order = sim.api("GET", "courier/track", params={"order_id": "TT-12"}).json()
    assert isinstance(by_order, list)
    assert by_order[0]["tracking_data"]["shipment_track"][0]["awb_code"] == awb


def test_cancelled_before_pickup_stops_timeline(sim: Any) -> None:
    created, awb = sim.ship("TT-13", "happy")
    sim.advance(hours=2)
    sim.api("POST", "orders/cancel", json={"ids": [created["order_id"]]})
    sim.advance(days=10)
    data = sim.track(awb)
    assert data["shipment_status"] == 8
    assert _mapped(data) == [5]
