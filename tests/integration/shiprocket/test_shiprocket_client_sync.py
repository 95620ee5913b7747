"""The sync client end to end over MockTransport: golden samples, auth, errors, pacing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from fulfil.domain.shipment_status import ShipmentStatus
from fulfil.shiprocket import (
    AdhocOrderItem,
    AdhocOrderRequest,
    CachedToken,
    InMemoryTokenStore,
    ShiprocketClient,
    TrackingState,
)
from fulfil.shiprocket import errors as e
from fulfil.shiprocket.ratelimit import RateLimiter

MakeClient = Callable[..., ShiprocketClient]
FakeShiprocket = Any  # the conftest fixture's class (not importable under importlib mode)


def an_order(order_id: str = "TT-2024-0001") -> AdhocOrderRequest:
    return AdhocOrderRequest(
        order_id=order_id,
        order_date=date(2024, 6, 28),
        pickup_location="Default Pickup",
        billing_customer_name="Asha",
        billing_address="12 MG Road",
        billing_city="Bengaluru",
        billing_pincode=560038,
        billing_state="Karnataka",
        billing_country="India",
        billing_email="asha@example.in",
        billing_phone=9876543210,
        shipping_is_billing=True,
        order_items=[AdhocOrderItem(name="Ball", sku="B3", units=6, selling_price=Decimal("50"))],
        payment_method="Prepaid",
        sub_total=Decimal("300"),
        length=Decimal("10"),
        breadth=Decimal("5"),
        height=Decimal("5"),
        weight=Decimal("0.5"),
    )


# -- golden samples through the whole stack ----------------------------------------------------


def test_shipping_one_order_end_to_end(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("GET", "courier/serviceability/", fake.reply(200, "serviceability_200.json"))
    fake.add("POST", "orders/create/adhoc", fake.reply(200, "create_order_200.json"))
    fake.add("POST", "courier/assign/awb", fake.reply(200, "assign_awb_200.json"))
    fake.add("POST", "courier/generate/pickup", fake.reply(200, "pickup_200.json"))
    fake.add("POST", "courier/generate/label", fake.reply(200, "label_200.json"))
    fake.add("POST", "manifests/generate", fake.reply(200, "manifest_200.json"))
    client = make_client()

    options = client.check_serviceability(
        pickup_postcode="400001", delivery_postcode="560038", weight_kg=Decimal("0.5"), cod=False
    )
    order = client.create_adhoc_order(an_order())
    awb = client.assign_awb(order.shipment_id or 0, options.recommended_courier_company_id)
    pickup = client.generate_pickup(order.shipment_id or 0, date(2021, 12, 11))
    label = client.generate_label([order.shipment_id or 0])
    manifest = client.generate_manifest([order.shipment_id or 0])

    assert (order.sr_order_id, awb.awb_code, pickup.status) == (16161616, "321055706540", 3)
    assert label.label_url.endswith(".pdf") and manifest.manifest_url
    assert len(fake.calls("auth/login")) == 1
    assert fake.body(path="courier/assign/awb") == {"shipment_id": 15151515, "courier_id": 142}
    assert fake.body(path="courier/generate/pickup") == {
        "shipment_id": [15151515], "pickup_date": ["2021-12-11"],
    }  # fmt: skip
    assert fake.body(path="orders/create/adhoc") == an_order().to_payload()
    serviceability = fake.calls("courier/serviceability/")[0]
    assert serviceability.url.params["cod"] == "0"
    assert serviceability.url.params["weight"] == "0.5"


def test_headers_token_and_request_ids(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add(
        "GET", "courier/track/awb/141123221084922", fake.reply(200, "track_awb_200_delivered.json")
    )
    client = make_client()
    result = client.track_awb("141123221084922")
    assert result.status is ShipmentStatus.DELIVERED
    login, track = fake.requests
    assert "authorization" not in login.headers
    assert track.headers["authorization"] == f"Bearer {fake.tokens[0]}"
    assert [r.headers["x-request-id"] for r in fake.requests] == ["rid-1", "rid-2"]


def test_track_awbs_no_data_and_no_activity(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("POST", "courier/track/awbs", fake.reply(200, "track_awbs_200.json"))
    awbs = fake.load("track_awbs_request")["awbs"]
    results = make_client().track_awbs(awbs)
    assert [r.state for r in results.values()] == [
        TrackingState.FOUND, TrackingState.NO_ACTIVITY, TrackingState.NO_DATA,
    ]  # fmt: skip
    assert fake.body(path="courier/track/awbs") == {"awbs": awbs}


def test_track_awbs_over_fifty_fails_before_any_request(
    fake: FakeShiprocket, make_client: MakeClient
) -> None:
    with pytest.raises(ValueError, match="at most 50"):
        make_client().track_awbs([str(n) for n in range(51)])
    assert fake.requests == []


def test_find_orders_and_cancel(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("GET", "orders", fake.reply(200, "orders_by_channel_order_id_200.json"))
    fake.add("POST", "orders/cancel", fake.reply(204))
    fake.add("POST", "orders/cancel/shipment/awbs", fake.reply(204, "cancel_awbs_204.json"))
    client = make_client()
    orders = client.find_orders_by_channel_order_id("TT-2024-0001")
    assert [o.sr_order_id for o in orders] == [281248157]
    assert dict(fake.calls("orders")[0].url.params) == {
        "filter_by": "channel_order_id", "filter": "TT-2024-0001", "per_page": "50",
    }  # fmt: skip
    assert client.cancel_orders([281248157]).status_code == 204
    assert fake.body(path="orders/cancel") == {"ids": [281248157]}
    cancelled = client.cancel_shipments_by_awbs(["321055706540"])
    assert cancelled.message is not None and "in progress" in cancelled.message


def test_duplicate_create_returns_the_cancelled_order(
    fake: FakeShiprocket, make_client: MakeClient
) -> None:
    fake.add(
        "POST", "orders/create/adhoc", fake.reply(200, "create_order_200_duplicate_canceled.json")
    )
    order = make_client().create_adhoc_order(an_order())
    assert order.shipment_status is ShipmentStatus.CANCELLED


def test_manifest_already_generated_is_success(
    fake: FakeShiprocket, make_client: MakeClient
) -> None:
    fake.add("POST", "manifests/generate", fake.reply(400, "manifest_400_already.json"))
    manifest = make_client().generate_manifest([16090281])
    assert manifest.already_generated and manifest.already_manifested_shipment_ids == [16090281]


@pytest.mark.parametrize(
    ("method", "path", "answer", "call", "cls"),
    [
        ("GET", "courier/serviceability/", (200, "serviceability_200_order_not_found"),
         "serviceability", e.NotServiceable),
        ("GET", "courier/serviceability/", (200, "serviceability_200_empty"),
         "serviceability", e.NotServiceable),
        ("POST", "orders/create/adhoc", (422, "create_order_422"), "create",
         e.ShiprocketValidationError),
        ("POST", "courier/assign/awb", (400, "assign_awb_400_message_list"), "assign",
         e.AwbAssignmentRefused),
        ("POST", "courier/assign/awb", (200, "assign_awb_200_refused"), "assign",
         e.AwbAssignmentRefused),
        ("POST", "courier/generate/label", (200, "label_200_not_created"), "label",
         e.ShiprocketBusinessError),
        ("POST", "manifests/generate", (200, "manifest_200_empty_url"), "manifest",
         e.ShiprocketBusinessError),
        ("POST", "orders/create/adhoc", (503, "server_error_502"), "create",
         e.ShiprocketServerError),
        ("POST", "orders/create/adhoc", (502, "server_error_502"), "create",
         e.ShiprocketUncertainError),
        ("POST", "orders/create/adhoc", httpx.ReadTimeout("read"), "create",
         e.ShiprocketUncertainError),
        ("POST", "orders/create/adhoc", httpx.RemoteProtocolError("eof"), "create",
         e.ShiprocketUncertainError),
        ("POST", "courier/assign/awb", httpx.WriteTimeout("write"), "assign",
         e.ShiprocketUncertainError),
        ("POST", "orders/create/adhoc", httpx.ConnectError("refused"), "create",
         e.ShiprocketConnectionError),
        ("POST", "orders/create/adhoc", httpx.ConnectTimeout("dns"), "create",
         e.ShiprocketConnectionError),
        ("GET", "courier/serviceability/", httpx.ReadTimeout("read"), "serviceability",
         e.ShiprocketConnectionError),
    ],
)  # fmt: skip
def test_failures_map_to_the_tree(
    fake: FakeShiprocket,
    make_client: MakeClient,
    method: str,
    path: str,
    answer: tuple[int, str] | Exception,
    call: str,
    cls: type[e.ShiprocketError],
) -> None:
    if isinstance(answer, Exception):
        fake.add(method, path, answer)
    else:
        fake.add(method, path, fake.reply(answer[0], f"{answer[1]}.json"))
    client = make_client()
    calls: dict[str, Callable[[], object]] = {
        "serviceability": lambda: client.check_serviceability(
            pickup_postcode=400001, delivery_postcode=560038, weight_kg=Decimal("1"), cod=True
        ),
        "create": lambda: client.create_adhoc_order(an_order()),
        "assign": lambda: client.assign_awb(16090281),
        "label": lambda: client.generate_label([16090281]),
        "manifest": lambda: client.generate_manifest([16090281]),
    }
    with pytest.raises(cls) as info:
        calls[call]()
    assert type(info.value) is cls
    # The error names the very request that failed (the last one sent).
    assert info.value.correlation_id == fake.requests[-1].headers["x-request-id"]
    assert len(fake.calls(path)) == 1  # the client never retries by itself


def test_connect_error_is_not_uncertain(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("POST", "orders/create/adhoc", httpx.ConnectError("refused"))
    with pytest.raises(e.ShiprocketTransientError) as info:
        make_client().create_adhoc_order(an_order())
    assert not isinstance(info.value, e.ShiprocketUncertainError)


def test_429_with_retry_after(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add(
        "POST",
        "courier/track/awbs",
        fake.reply(429, "rate_limited_429.json", {"Retry-After": "20"}),
    )
    with pytest.raises(e.ShiprocketRateLimited) as info:
        make_client().track_awbs(["141123221084922"])
    assert info.value.retry_after == 20.0
    assert info.value.message == "You have exceeded the API call rate limit."
    assert len(fake.calls("courier/track/awbs")) == 1


# -- auth --------------------------------------------------------------------------------------


def test_401_relogs_in_once_then_succeeds(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add(
        "POST",
        "courier/assign/awb",
        fake.reply(401, "unauthenticated_401.json"),
        fake.reply(200, "assign_awb_200.json"),
    )
    store = InMemoryTokenStore()
    awb = make_client(token_store=store).assign_awb(16090281)
    assert awb.awb_code == "321055706540"
    assert len(fake.calls("auth/login")) == 2
    first, second = fake.calls("courier/assign/awb")
    assert first.headers["authorization"] == f"Bearer {fake.tokens[0]}"
    assert second.headers["authorization"] == f"Bearer {fake.tokens[1]}"
    saved = store.load()
    assert saved is not None and saved.token.get_secret_value() == fake.tokens[1]


def test_second_401_is_an_auth_error(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("GET", "orders", fake.reply(401, "unauthenticated_401.json"))
    with pytest.raises(e.ShiprocketAuthError) as info:
        make_client().find_orders_by_channel_order_id("TT-1")
    assert info.value.operation == "find_orders_by_channel_order_id"
    assert info.value.status_code == 401
    assert len(fake.calls("orders")) == 2
    assert len(fake.calls("auth/login")) == 2


def test_failed_relogin_is_an_auth_error(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("GET", "orders", fake.reply(401, "unauthenticated_401.json"))
    fake.add(
        "POST",
        "auth/login",
        fake.reply(200, {"token": fake.tokens[0]}),
        fake.reply(400, "login_400_invalid.json"),
    )
    with pytest.raises(e.ShiprocketAuthError, match="Invalid email and password") as info:
        make_client().find_orders_by_channel_order_id("TT-1")
    assert info.value.operation == "login"
    assert len(fake.calls("orders")) == 1


def test_shared_store_avoids_logins(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("POST", "courier/track/awbs", fake.reply(200, {}))
    store = InMemoryTokenStore()
    make_client(token_store=store).track_awbs(["A1"])
    make_client(token_store=store).track_awbs(["A1"])
    assert len(fake.calls("auth/login")) == 1


def test_token_near_expiry_triggers_login(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("POST", "courier/track/awbs", fake.reply(200, {}))
    now = datetime(2024, 6, 10, tzinfo=UTC)
    old = CachedToken.issued("old-token", now - timedelta(days=9, hours=13))
    store = InMemoryTokenStore(old)
    make_client(token_store=store, clock=lambda: now).track_awbs(["A1"])
    assert len(fake.calls("auth/login")) == 1
    assert (
        fake.calls("courier/track/awbs")[0].headers["authorization"] == f"Bearer {fake.tokens[0]}"
    )


def test_explicit_login_returns_a_safe_token(fake: FakeShiprocket, make_client: MakeClient) -> None:
    token = make_client().login()
    assert token.token.get_secret_value() == fake.tokens[0]
    assert fake.tokens[0] not in repr(token)
    assert fake.body(path="auth/login") == {
        "email": "api-user@example.in",
        "password": fake.password,
    }


# -- secrets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [("courier/track/awbs", 400), ("courier/track/awbs", 422), ("courier/track/awbs", 500),
     ("courier/track/awbs", 429), ("courier/track/awbs", 404), ("courier/track/awbs", 403),
     ("courier/track/awbs", 200)],
)  # fmt: skip
def test_errors_never_carry_token_or_password(
    fake: FakeShiprocket,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    path: str,
    status: int,
) -> None:
    echo = f"echo Bearer {fake.tokens[0]} password={fake.password}"
    body = {"message": echo, "errors": {"token": [echo]}, "status_code": max(status, 400)}
    fake.add("POST", path, fake.reply(status, body))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(e.ShiprocketError) as info:
        make_client().track_awbs(["A1"])
    rendered = [str(info.value), repr(info.value), str(info.value.args), caplog.text]
    for text in rendered:
        assert fake.tokens[0] not in text and fake.password not in text


def test_login_failure_echo_is_scrubbed(fake: FakeShiprocket, make_client: MakeClient) -> None:
    fake.add("POST", "auth/login", fake.reply(400, {"message": f"bad password {fake.password}"}))
    with pytest.raises(e.ShiprocketAuthError) as info:
        make_client().track_awbs(["A1"])
    assert fake.password not in str(info.value) + repr(info.value)
    assert "***" in str(info.value)


# -- pacing ------------------------------------------------------------------------------------


def test_limiter_and_hook_run_before_every_request(
    fake: FakeShiprocket, make_client: MakeClient
) -> None:
    fake.add("POST", "courier/track/awbs", fake.reply(200, {}))
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    hook_calls: list[int] = []
    limiter = RateLimiter(60, burst=1, clock=lambda: now[0], sleep=sleep)
    client = make_client(rate_limiter=limiter, before_request=lambda: hook_calls.append(1))
    for _ in range(3):
        client.track_awbs(["A1"])
    assert len(fake.requests) == 4  # one login + three calls
    assert len(hook_calls) == 4
    assert slept == pytest.approx([1.0, 1.0, 1.0])
