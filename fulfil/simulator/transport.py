"""httpx transports that run the simulator in process, faults included.

`SimulatorAsyncTransport(app)` wraps `httpx.ASGITransport`; `SimulatorTransport(app)` gives sync
clients the same by running the app on a private event loop in a background thread. Both mark
their requests so the fault middleware answers lost responses with a marker instead of a broken
socket, and translate the marker into what a real client would get: `httpx.RemoteProtocolError`
for a dropped response (the write was applied) and `httpx.ReadTimeout` for a timeout (it was not).

A request that outlives the client's read timeout (e.g. configured latency) is not cancelled:
like a real server, the simulator finishes and applies it while the client sees `ReadTimeout`.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx

from fulfil.simulator.middleware import FAULT_HEADER, TRANSPORT_HEADER

_ASGIApp = Any


class SimulatorAsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self, app: _ASGIApp, *, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self._inner = httpx.ASGITransport(app=app, client=client)
        self._pending: set[asyncio.Task[httpx.Response]] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers[TRANSPORT_HEADER] = "in-process"
        timeouts = request.extensions.get("timeout") or {}
        read_timeout = timeouts.get("read")
        task = asyncio.ensure_future(self._inner.handle_async_request(request))
        try:
            response = await asyncio.wait_for(asyncio.shield(task), read_timeout)
        except TimeoutError:
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            raise httpx.ReadTimeout("simulated read timeout", request=request) from None
        fault = response.headers.get(FAULT_HEADER)
        if fault is None:
            return response
        await response.aclose()
        if fault == "drop":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        raise httpx.ReadTimeout("simulated read timeout", request=request)

    async def aclose(self) -> None:
        for task in list(self._pending):
            task.cancel()
        await self._inner.aclose()


class SimulatorTransport(httpx.BaseTransport):
    """Sync twin of `SimulatorAsyncTransport`; close it (or its client) to stop the thread."""

    def __init__(self, app: _ASGIApp, *, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="shiprocket-simulator", daemon=True
        )
        self._thread.start()
        self._async = SimulatorAsyncTransport(app, client=client)
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("SimulatorTransport is closed")
        content = request.read()
        inner = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=content,
            extensions=request.extensions,
        )
        future = asyncio.run_coroutine_threadsafe(self._send(inner), self._loop)
        try:
            status, headers, body = future.result()
        except httpx.TransportError as exc:
            raise type(exc)(str(exc), request=request) from exc
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._async.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        return response.status_code, response.headers.raw, body

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        asyncio.run_coroutine_threadsafe(self._async.aclose(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()
