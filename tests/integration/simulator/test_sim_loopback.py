"""One end-to-end pass over a real loopback socket: faults look like network failures there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fulfil.simulator import SandboxServer, SimulatorConfig


def test_sandbox_server_over_loopback(payload: Callable[..., dict[str, Any]]) -> None:
    config = SimulatorConfig(seed=1, timeout_fault_seconds=0.5)
    with SandboxServer(config) as server, httpx.Client(timeout=0.25) as http:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.base_url.endswith("/v1/external")
        base = server.base_url + "/"
        login = http.post(
            base + "auth/login", json={"email": "api@example.test", "password": "sandbox-password"}
        )
        assert login.status_code == 200
        http.headers["Authorization"] = f"Bearer {login.json()['token']}"

        created = http.post(base + "orders/create/adhoc", json=payload("LB-1"))
        assert created.status_code == 200

        http.post(server.control_url + "/faults/force", json={"kind": "drop_after_apply"})
        with pytest.raises(httpx.RemoteProtocolError):
            http.post(base + "orders/create/adhoc", json=payload("LB-2"))

        http.post(server.control_url + "/faults/force", json={"kind": "timeout"})
        with pytest.raises(httpx.ReadTimeout):
            http.post(base + "orders/create/adhoc", json=payload("LB-3"))

        counts = {
            cid: http.get(
                server.control_url + "/orders/count", params={"channel_order_id": cid}
            ).json()["total"]
            for cid in ("LB-1", "LB-2", "LB-3")
        }
        assert counts == {"LB-1": 1, "LB-2": 1, "LB-3": 0}
        stats = http.get(server.control_url + "/stats").json()
        assert stats["faults"]["orders.create"] == {"drop_after_apply": 1, "timeout": 1}
