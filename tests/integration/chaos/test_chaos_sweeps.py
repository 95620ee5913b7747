"""Chaos: 4 sweep processes, 20 % faults of every kind, one SIGKILL, a token expiry mid-run.

Then sweeps until quiet, and the invariants: exactly one live Shiprocket order per planned
shipment, every order shipped or parked with a reason, no lease left held. Small numbers here;
`benchmarks/chaos.py` runs the same harness larger.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from fulfil.local.chaos import run_chaos

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]


@pytest.fixture(autouse=True)
def _restore_env() -> Any:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.dynamodb_local
def test_chaos_on_dynamodb_local(dynamodb_local_endpoint: str | None) -> None:
    if dynamodb_local_endpoint is None:
        pytest.skip("DynamoDB Local unavailable (no Java or jar)")
    result = run_chaos(dynamodb_local_endpoint, orders=16, seed=5)
    assert result.violations == []
    assert result.shipped >= result.shippable  # every shippable order shipped (some split)
    assert result.calls["faults"], "the simulator injected no faults"
    assert result.calls["calls"]["auth.login"] >= 2  # the token expiry forced a re-login


@pytest.mark.extended
def test_chaos_on_moto_server() -> None:
    from fulfil.local.dynamodb import local_dynamodb

    with local_dynamodb() as endpoint:
        result = run_chaos(endpoint, orders=10, seed=9, workers=4)
    assert result.violations == []
    assert result.shipped >= result.shippable
