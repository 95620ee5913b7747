"""Session-wide test set-up: no network, fake AWS credentials, DynamoDB backends, Prefect harness.

- Every socket connection to a non-loopback address fails loudly, and any request to a real
  Shiprocket, Jira or WhatsApp host is refused before it is sent: tests never touch the internet.
- `dynamo` is a fresh moto-backed DynamoDB with every table; `dynamo_backend` runs a contract
  test on moto and on DynamoDB Local (which must run in CI, where FULFIL_REQUIRE_DYNAMODB_LOCAL=1).
- `prefect_harness` is one `prefect_test_harness` for the whole session (it takes ~10 s to start).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "ap-south-1",
        "AWS_DEFAULT_REGION": "ap-south-1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
)
for _var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
    os.environ.pop(_var, None)

_REAL_VENDOR_HOSTS = ("shiprocket.in", "shiprocket.co", "atlassian.net", "graph.facebook.com")
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _guard_host(host: str) -> None:
    if any(host == h or host.endswith("." + h) for h in _REAL_VENDOR_HOSTS):
        raise RuntimeError(f"test tried to reach a real vendor host: {host}")


_orig_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host not in _LOOPBACK:
            raise RuntimeError(f"test tried to open a network connection to {host}")
    return _orig_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]

_orig_sync = httpx.HTTPTransport.handle_request
_orig_async = httpx.AsyncHTTPTransport.handle_async_request


def _sync_guard(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    _guard_host(request.url.host)
    return _orig_sync(self, request)


async def _async_guard(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
    _guard_host(request.url.host)
    return await _orig_async(self, request)


httpx.HTTPTransport.handle_request = _sync_guard  # type: ignore[method-assign]
httpx.AsyncHTTPTransport.handle_async_request = _async_guard  # type: ignore[method-assign]


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    from fulfil.settings import load_settings

    monkeypatch.setenv("FULFIL_TABLE_PREFIX", f"t{uuid.uuid4().hex[:8]}-")
    # Tests run on moto, whose TransactWriteItems races with concurrent writes (see
    # fulfil/local/dynamodb.py); the coalesced path is tested on DynamoDB Local.
    monkeypatch.setenv("FULFIL_WRITE_COALESCING", "false")
    return load_settings()


@pytest.fixture
def dynamo(settings: Any) -> Iterator[Any]:
    """A moto DynamoDB client with every table created (fresh per test)."""
    from moto import mock_aws

    from fulfil.store.dynamo import init_tables, make_client

    with mock_aws():
        client = make_client(settings)
        init_tables(settings, client)
        yield client


@pytest.fixture(scope="session")
def dynamodb_local_endpoint() -> Iterator[str | None]:
    from fulfil.local.dynamodb_local import DynamoDBLocal, available

    reason = available()
    if reason:
        if os.environ.get("FULFIL_REQUIRE_DYNAMODB_LOCAL") == "1":
            pytest.fail(f"DynamoDB Local is required here but cannot run: {reason}")
        yield None
        return
    with DynamoDBLocal() as server:
        yield server.endpoint


@pytest.fixture(params=["moto", pytest.param("dynamodb_local", marks=pytest.mark.dynamodb_local)])
def dynamo_backend(request: pytest.FixtureRequest, settings: Any) -> Iterator[Any]:
    """A DynamoDB client with every table, on moto and on DynamoDB Local."""
    from fulfil.store.dynamo import init_tables, make_client

    if request.param == "moto":
        from moto import mock_aws

        with mock_aws():
            client = make_client(settings)
            init_tables(settings, client)
            yield client
        return
    endpoint = request.getfixturevalue("dynamodb_local_endpoint")
    if endpoint is None:
        pytest.skip("DynamoDB Local unavailable (no Java or jar)")
    client = make_client(settings, endpoint_url=endpoint)
    init_tables(settings, client)
    yield client


def _delete_documented_blocks() -> None:
    """Delete the five documented block documents from the session's Prefect server, if saved."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    from blocks.loading import BLOCK_TYPES

    with get_client(sync_client=True) as client:
        for name, cls in BLOCK_TYPES.items():
            try:
                doc = client.read_block_document_by_name(
                    name, cls.get_block_type_slug(), include_secrets=False
                )
            except ObjectNotFound:
                continue
            client.delete_block_document(doc.id)


@pytest.fixture
def delete_documented_blocks(prefect_harness: None) -> Callable[[], None]:
    """A leftover block document would be applied by every later flow run of the session."""
    return _delete_documented_blocks


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
