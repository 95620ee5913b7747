"""Scenario timelines are pure: check their shape without any HTTP."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from fulfil.simulator.config import IST, SCENARIOS, ScenarioName
from fulfil.simulator.scenarios import build_timeline, current_code, pick_scenario, visible

START = datetime(2025, 1, 6, 10, 0, tzinfo=IST)


def _build(scenario: ScenarioName, seed: str = "x") -> list[object]:
    return list(
        build_timeline(
            scenario,
            start=START,
            rng=random.Random(seed),
            origin="New Delhi",
            destination="Pune",
            transit_days=3,
        )
    )


def _codes(scenario: ScenarioName) -> list[int]:
    scans = build_timeline(
        scenario, start=START, rng=random.Random(1), origin="A", destination="B", transit_days=3
    )
    codes = [s.sr_code for s in scans if s.sr_code is not None]
    return [c for i, c in enumerate(codes) if i == 0 or codes[i - 1] != c]


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("happy", [5, 19, 42, 6, 18, 38, 17, 7]),
        ("noisy", [5, 19, 42, 6, 18, 38, 18, 17, 7]),
        ("ndr", [5, 19, 42, 6, 18, 38, 17, 21, 17, 7]),
        ("rto", [5, 19, 42, 6, 18, 38, 17, 21, 17, 21, 9, 46, 10]),
        ("lost", [5, 19, 42, 6, 18, 12]),
    ],
)
def test_scenario_status_sequences(scenario: ScenarioName, expected: list[int]) -> None:
    assert _codes(scenario) == expected


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scans_arrive_in_time_order_after_start(scenario: ScenarioName) -> None:
    scans = build_timeline(
        scenario, start=START, rng=random.Random(2), origin="A", destination="B", transit_days=4
    )
    arrivals = [s.visible_at for s in scans]
    assert arrivals == sorted(arrivals)
    assert arrivals[0] > START
    assert all(s.sr_status == "NA" or s.sr_status.isdigit() for s in scans)


def test_noisy_late_scan_is_dated_before_its_predecessor() -> None:
    scans = build_timeline(
        "noisy", start=START, rng=random.Random(3), origin="A", destination="B", transit_days=3
    )
    late = [i for i in range(1, len(scans)) if scans[i].date < scans[i - 1].date]
    assert len(late) == 1
    assert current_code(scans) == 7


def test_current_code_uses_latest_dated_mapped_scan() -> None:
    scans = build_timeline(
        "noisy", start=START, rng=random.Random(3), origin="A", destination="B", transit_days=3
    )
    late_index = next(i for i in range(1, len(scans)) if scans[i].date < scans[i - 1].date)
    seen = scans[: late_index + 1]
    assert seen[-1].sr_code == 18
    assert current_code(seen) == 38


def test_visible_filters_by_arrival() -> None:
    scans = build_timeline(
        "happy", start=START, rng=random.Random(4), origin="A", destination="B", transit_days=2
    )
    assert visible(scans, START) == []
    assert visible(scans, START + timedelta(days=30)) == scans


def test_timelines_are_deterministic() -> None:
    assert _build("rto", "same") == _build("rto", "same")
    assert _build("rto", "same") != _build("rto", "other")


def test_pick_scenario_is_deterministic_and_follows_mix() -> None:
    mix: dict[ScenarioName, float] = {"happy": 0.5, "lost": 0.5}
    picks = [pick_scenario(mix, 1, f"AWB{i}") for i in range(200)]
    assert picks == [pick_scenario(mix, 1, f"AWB{i}") for i in range(200)]
    assert set(picks) == {"happy", "lost"}
    assert pick_scenario({"rto": 1.0}, 1, "X") == "rto"
    assert pick_scenario({}, 1, "X") == "happy"
