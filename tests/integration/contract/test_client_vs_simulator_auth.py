"""Auth against the simulator: tokens that die mid-run, a shared token store, bad passwords.

The simulator answers a revoked or expired bearer with 401 `{"message": "Unauthenticated."}`
(fact sheet §1); the client must log in again exactly once and retry, and never let the password
or a token reach an error's text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from fulfil.shiprocket import (
    AdhocOrderRequest,
    AsyncShiprocketClient,
    InMemoryTokenStore,
    ShiprocketClient,
    ShiprocketCredentials,
)
from fulfil.shiprocket import errors as e

Control = Any
AsyncControl = Any
NewOrder = Callable[..., AdhocOrderRequest]
MakeClient = Callable[..., ShiprocketClient]
MakeAsync = Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient, AsyncControl]]

WRONG_PASSWORD = "hunter2-WRONG-do-not-leak"


def _statuses(control: Control, operation: str) -> dict[str, int]:
    statuses: dict[str, int] = control.stats()["statuses"].get(operation, {})
    return statuses


def test_token_expiry_mid_run_relogs_in_once(
    client: ShiprocketClient, control: Control, new_order: NewOrder
) -> None:
    created = client.create_adhoc_order(new_order("CT-AUTH-1"))
    assert control.calls("auth.login") == 1
    assert control.expire_tokens() == 1

    found = client.find_orders_by_channel_order_id("CT-AUTH-1")

    assert [o.sr_order_id for o in found] == [created.sr_order_id]
    assert control.calls("auth.login") == 2
    assert _statuses(control, "orders.list") == {"200": 1, "401": 1}
    client.find_orders_by_channel_order_id("CT-AUTH-1")  # the new token sticks
    assert control.calls("auth.login") == 2


def test_token_expiry_through_the_simulator_clock(
    client: ShiprocketClient, control: Control
) -> None:
    """A token past its 10 simulated days is refused like a revoked one."""
    client.find_orders_by_channel_order_id("CT-ANY")
    control.advance(days=10, seconds=1)

    assert client.find_orders_by_channel_order_id("CT-ANY") == []
    assert control.calls("auth.login") == 2


def test_shared_store_sees_the_new_token(
    make_client: MakeClient, control: Control, new_order: NewOrder
) -> None:
    store = InMemoryTokenStore()
    first, second = make_client(token_store=store), make_client(token_store=store)
    first.create_adhoc_order(new_order("CT-AUTH-2"))
    second.find_orders_by_channel_order_id("CT-AUTH-2")
    old = store.load()
    assert old is not None and control.calls("auth.login") == 1  # the second reused it

    control.expire_tokens()
    first.find_orders_by_channel_order_id("CT-AUTH-2")
    new = store.load()
    assert new is not None and not new.same_as(old)
    assert store.saves == 2

    # The second client's in-memory token is dead too: on its 401 it takes the stored one.
    assert len(second.find_orders_by_channel_order_id("CT-AUTH-2")) == 1
    assert control.calls("auth.login") == 2


def test_async_client_relogs_in_once_for_concurrent_calls(
    make_async_client: MakeAsync, control: Control
) -> None:
    async def run() -> list[Any]:
        client, http, _ = make_async_client()
        async with http:
            await client.login()
            control.expire_tokens()
            return await asyncio.gather(
                *(client.find_orders_by_channel_order_id(f"CT-{n}") for n in range(5))
            )

    assert asyncio.run(run()) == [[]] * 5
    assert control.calls("auth.login") == 2  # the lock made five 401s share one re-login


def test_wrong_password_is_an_auth_error_without_the_password(
    make_client: MakeClient, control: Control
) -> None:
    bad = ShiprocketCredentials(email="api@example.test", password=SecretStr(WRONG_PASSWORD))
    client = make_client(credentials=bad)

    for call in (client.login, lambda: client.find_orders_by_channel_order_id("CT-ANY")):
        with pytest.raises(e.ShiprocketAuthError) as info:
            call()
        err = info.value
        assert err.operation == "login"
        assert isinstance(err, e.ShiprocketPermanentError)
        for text in (str(err), repr(err), *map(str, err.args)):
            assert WRONG_PASSWORD not in text
        assert "Invalid email and password" in err.message
    assert WRONG_PASSWORD not in repr(bad)
    assert control.calls("orders.list") == 0  # no call went out without a token


def test_password_changed_while_the_token_expired(
    client: ShiprocketClient, control: Control
) -> None:
    """401, then the one re-login is refused: an auth error, not a retry loop."""
    client.find_orders_by_channel_order_id("CT-ANY")
    control.patch_config(api_password="rotated-elsewhere")
    control.expire_tokens()

    with pytest.raises(e.ShiprocketAuthError) as info:
        client.find_orders_by_channel_order_id("CT-ANY")

    assert "sandbox-password" not in str(info.value) + repr(info.value)
    assert control.calls("auth.login") == 2
    assert control.calls("orders.list") == 2
