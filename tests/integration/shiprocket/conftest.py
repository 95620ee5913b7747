"""A scripted fake Shiprocket behind `httpx.MockTransport`, and client factories.

Each route holds a queue of answers (an `httpx.Response`, an exception to raise, or a callable
taking the request); the last answer repeats. Every request is recorded for assertions.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from fulfil.shiprocket import (
    AsyncShiprocketClient,
    ShiprocketClient,
    ShiprocketConfig,
    ShiprocketCredentials,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "shiprocket"
BASE = "https://sr.test/v1/external"
PASSWORD = "pw-s3cret-DO-NOT-LEAK"
TOKENS = ["tok-first-0123456789", "tok-second-0123456789", "tok-third-0123456789"]

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def reply(status: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    if isinstance(body, str) and body.endswith(".json"):
        body = load(body.removesuffix(".json"))
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


class FakeShiprocket:
    """The scripted server; test modules reach the helpers through it (no conftest imports)."""

    tokens = TOKENS
    password = PASSWORD
    load = staticmethod(load)
    reply = staticmethod(reply)

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[httpx.Request] = []
        tokens = iter(TOKENS)
        self.add(
            "POST", "auth/login", lambda _: reply(200, {**load("login_200"), "token": next(tokens)})
        )

    def add(self, method: str, path: str, *answers: Answer) -> FakeShiprocket:
        self.routes[(method, f"/v1/external/{path}")] = list(answers)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return reply(404, {"message": "404 Not Found", "status_code": 404})
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == f"/v1/external/{path}"]

    def body(self, index: int = -1, path: str | None = None) -> Any:
        requests = self.calls(path) if path else self.requests
        return json.loads(requests[index].content)


@pytest.fixture
def fake() -> FakeShiprocket:
    return FakeShiprocket()


@pytest.fixture
def credentials() -> ShiprocketCredentials:
    return ShiprocketCredentials(email="api-user@example.in", password=SecretStr(PASSWORD))


@pytest.fixture
def config() -> ShiprocketConfig:
    return ShiprocketConfig(base_url=BASE, requests_per_minute=0)


@pytest.fixture
def request_ids() -> Iterator[str]:
    return (f"rid-{n}" for n in itertools.count(1))


@pytest.fixture
def make_client(
    fake: FakeShiprocket,
    credentials: ShiprocketCredentials,
    config: ShiprocketConfig,
    request_ids: Iterator[str],
) -> Iterator[Callable[..., ShiprocketClient]]:
    opened: list[httpx.Client] = []

    def make(**kwargs: Any) -> ShiprocketClient:
        http = httpx.Client(transport=httpx.MockTransport(fake))
        opened.append(http)
        kwargs.setdefault("credentials", credentials)
        kwargs.setdefault("config", config)
        kwargs.setdefault("request_id_factory", lambda: next(request_ids))
        return ShiprocketClient(http, **kwargs)

    yield make
    for http in opened:
        http.close()


@pytest.fixture
def make_async_client(
    fake: FakeShiprocket,
    credentials: ShiprocketCredentials,
    config: ShiprocketConfig,
    request_ids: Iterator[str],
) -> Callable[..., tuple[AsyncShiprocketClient, httpx.AsyncClient]]:
    def make(**kwargs: Any) -> tuple[AsyncShiprocketClient, httpx.AsyncClient]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
        kwargs.setdefault("credentials", credentials)
        kwargs.setdefault("config", config)
        kwargs.setdefault("request_id_factory", lambda: next(request_ids))
        return AsyncShiprocketClient(http, **kwargs), http

    return make
