"""The `/__sim/` control API: config, reset, clock, order dump, duplicate counter, scenarios."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_config_get_masks_password(sim: Any) -> None:
    config = sim.ctl("GET", "config").json()
    assert config["api_password"] == "***"
    assert config["seed"] == 7
    assert config["token_ttl_seconds"] == 864000
    assert config["faults"]["drop_after_apply"] == 0


def test_config_patch_merges_nested_and_keeps_password(sim: Any) -> None:
    current = sim.ctl("GET", "config").json()
    patched = sim.ctl(
        "PATCH", "config", json={**current, "latency": {"jitter_ms": 5}, "strict_pickups": True}
    ).json()
    assert patched["latency"] == {"fixed_ms": 0.0, "jitter_ms": 5.0}
    assert patched["strict_pickups"] is True
    sim.login()  # the masked "***" did not overwrite the real password


def test_config_patch_rejects_invalid_values(sim: Any) -> None:
    response = sim.ctl("PATCH", "config", json={"faults": {"http_500": 2}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["faults", "http_500"]
    assert sim.ctl("PATCH", "config", json={"nope": 1}).status_code == 422


def test_config_put_replaces_everything(sim: Any) -> None:
    config = sim.ctl("PUT", "config", json={"seed": 9}).json()
    assert config["seed"] == 9
    assert config["strict_pickups"] is False


def test_patch_faults_takes_effect_live(sim: Any) -> None:
    sim.ctl("PATCH", "config", json={"faults": {"http_500": 1.0, "operations": ["orders.list"]}})
    assert sim.api("GET", "orders").status_code == 500
    sim.ctl("PATCH", "config", json={"faults": {"http_500": 0.0}})
    assert sim.api("GET", "orders").status_code == 200


def test_reset_clears_state_and_can_replace_config(sim: Any) -> None:
    sim.create("TT-1")
    sim.advance(days=1)
    response = sim.ctl("POST", "reset", json={"config": {"seed": 3, "strict_pickups": True}})
    assert response.json()["now_ist"] == "2025-01-06 09:00:00"
    assert sim.ctl("GET", "orders").json() == {"orders": []}
    assert sim.ctl("GET", "stats").json()["total_calls"] == 0
    assert sim.ctl("GET", "config").json()["strict_pickups"] is True


def test_clock_read_and_advance(sim: Any) -> None:
    assert sim.ctl("GET", "clock").json()["now_ist"] == "2025-01-06 09:00:00"
    moved = sim.ctl("POST", "clock/advance", json={"seconds": 30, "hours": 1}).json()
    assert moved["now_ist"] == "2025-01-06 10:00:30"
    assert sim.ctl("POST", "clock/advance", json={"seconds": -1}).status_code == 400


def test_clock_start_is_configurable(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(start_time="2025-03-01T12:00:00+05:30")
    assert sim.ctl("GET", "clock").json()["now_ist"] == "2025-03-01 12:00:00"


def test_order_dump_lists_every_order(sim: Any) -> None:
    first = sim.create("TT-2")
    awb = sim.assign(first["shipment_id"], courier_id=142)["response"]["data"]["awb_code"]
    second = sim.create("TT-3")
    sim.api("POST", "orders/cancel", json={"ids": [second["order_id"]]})
    orders = sim.ctl("GET", "orders").json()["orders"]
    assert [(o["channel_order_id"], o["status"], o["awb"], o["courier_name"]) for o in orders] == [
        ("TT-2", "LIVE", awb, "Amazon Surface"),
        ("TT-3", "CANCELED", None, None),
    ]
    assert orders[0]["status_code"] == 3
    assert orders[1]["status_code"] == 5


def test_duplicate_counter_counts_suffixed_recreations(sim: Any) -> None:
    first = sim.create("TT-4")
    sim.api("POST", "orders/cancel", json={"ids": [first["order_id"]]})
    sim.create("TT-4-r1")
    sim.create("TT-40")
    count = sim.ctl("GET", "orders/count", params={"channel_order_id": "TT-4"}).json()
    assert count["channel_order_id"] == "TT-4"
    assert (count["total"], count["live"], count["cancelled"]) == (1, 0, 1)
    assert (count["related_total"], count["related_live"]) == (1, 1)
    assert count["related_channel_order_ids"] == ["TT-4-r1"]
    unknown = sim.ctl("GET", "orders/count", params={"channel_order_id": "nope"}).json()
    assert (unknown["total"], unknown["live"]) == (0, 0)


def test_force_scenario_validation(sim: Any) -> None:
    bad = sim.ctl("POST", "scenario", json={"awb": "1", "scenario": "teleport"})
    assert bad.status_code == 400
    assert "happy" in bad.json()["allowed"]
    assert sim.ctl("POST", "scenario", json={"scenario": "rto"}).status_code == 400


def test_force_fault_validation_and_listing(sim: Any) -> None:
    assert sim.ctl("POST", "faults/force", json={"kind": "meteor"}).status_code == 400
    bad_op = sim.ctl("POST", "faults/force", json={"kind": "timeout", "operation": "x"})
    assert bad_op.status_code == 400
    sim.ctl("POST", "faults/force", json={"kind": "timeout", "operation": "orders.list"})
    listed = sim.ctl("GET", "faults").json()
    assert listed["forced"] == [{"kind": "timeout", "operation": "orders.list", "remaining": 1}]
    assert "orders.create" in listed["operations"]
    assert sim.ctl("DELETE", "faults/force").status_code == 204
    assert sim.ctl("GET", "faults").json()["forced"] == []


def test_timeline_shows_future_scans(sim: Any) -> None:
    _, awb = sim.ship("TT-5", "lost")
    timeline = sim.ctl("GET", f"shipments/{awb}/timeline").json()
    assert timeline["scenario"] == "lost"
    assert not any(scan["visible"] for scan in timeline["scans"])
    assert timeline["scans"][-1]["sr-status"] == "12"
    assert sim.ctl("GET", "shipments/0/timeline").status_code == 404


def test_control_calls_bypass_auth_rate_limit_and_faults(make_sim: Callable[..., Any]) -> None:
    sim = make_sim(rate_limit={"calls_per_minute": 1}, faults={"http_500": 1.0})
    for _ in range(3):
        assert sim.ctl("GET", "stats").status_code == 200
    assert sim.ctl("GET", "stats").json()["total_calls"] == 0


def test_unknown_api_path_uses_shiprocket_404(sim: Any) -> None:
    response = sim.api("GET", "no/such/endpoint")
    assert response.status_code == 404
    assert response.json() == {"message": "404 Not Found", "status_code": 404}
    wrong_method = sim.api("GET", "orders/create/adhoc")
    assert wrong_method.status_code == 405
