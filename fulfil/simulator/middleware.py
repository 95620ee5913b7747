"""Raw ASGI middleware that makes the simulator misbehave like a real network service.

For each Shiprocket call (control calls pass straight through) it counts the call, sleeps the
configured latency, enforces the rolling-minute rate limit and draws a fault. Faults that lose
the response need two renditions:

* over a socket (uvicorn), a drop starts the response and returns mid-body, so uvicorn closes the
  connection and the client sees `RemoteProtocolError`; a timeout stalls
  `timeout_fault_seconds` and then answers 504 without applying the call;
* in process (`transport.py` marks its requests with `TRANSPORT_HEADER`), there is no socket to
  break, so the middleware answers with `FAULT_HEADER` and the transport raises the exception a
  real client would see, without making tests wait.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fulfil.simulator.operations import operation_for
from fulfil.simulator.runtime import Runtime

TRANSPORT_HEADER = "x-simulator-transport"
FAULT_HEADER = "x-simulator-fault"
RATE_LIMITED = {"message": "You have exceeded the API call rate limit."}
_NGINX_PAGE = (
    "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

Headers = list[tuple[bytes, bytes]]


async def _send_body(
    send: Send, status: int, body: bytes, content_type: str, headers: Headers
) -> None:
    all_headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(send: Send, status: int, data: dict[str, Any], headers: Headers) -> None:
    await _send_body(send, status, json.dumps(data).encode(), "application/json", headers)


async def _send_html(send: Send, status: int, title: str, headers: Headers) -> None:
    page = _NGINX_PAGE.format(f"{status} {title}").encode()
    await _send_body(send, status, page, "text/html", headers)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.rt = runtime
        self._latency_rng = random.Random(f"latency|{runtime.config.seed}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        operation = operation_for(scope["method"], scope["path"])
        if operation is None:
            await self.app(scope, receive, send)
            return
        rt = self.rt
        rt.stats.record_call(operation)
        in_process = any(k.lower() == TRANSPORT_HEADER.encode() for k, _ in scope["headers"])
        await self._latency()
        extra: Headers = []
        limit = rt.config.rate_limit
        if limit.calls_per_minute is not None:
            decision = rt.limiter.check(rt.clock.monotonic(), limit.calls_per_minute)
            if limit.send_headers:
                extra += [
                    (b"x-ratelimit-limit", str(decision.limit).encode()),
                    (b"x-ratelimit-remaining", str(decision.remaining).encode()),
                ]
            if not decision.allowed:
                rt.stats.record_rate_limited(operation)
                rt.stats.record_status(operation, 429)
                if limit.send_retry_after:
                    extra.append((b"retry-after", str(decision.retry_after).encode()))
                await _send_json(send, 429, RATE_LIMITED, extra)
                return
        fault = rt.faults.draw(operation)
        if fault is None:
            await self.app(scope, receive, self._recording(send, operation, extra))
            return
        rt.stats.record_fault(operation, fault)
        if fault == "drop_after_apply":
            await self._drop(scope, receive, send, in_process)
        elif fault == "timeout":
            await self._timeout(send, in_process, operation)
        else:
            await self._canned(fault, send, operation, extra)

    async def _latency(self) -> None:
        latency = self.rt.config.latency
        delay_ms = latency.fixed_ms + self._latency_rng.uniform(0, latency.jitter_ms)
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000)

    def _recording(self, send: Send, operation: str, extra: Headers) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.rt.stats.record_status(operation, message["status"])
                if extra:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return wrapped

    async def _canned(self, fault: str, send: Send, operation: str, extra: Headers) -> None:
        if fault == "http_500":
            self.rt.stats.record_status(operation, 500)
            await _send_json(send, 500, {"message": "Server Error"}, extra)
        elif fault == "http_502":
            self.rt.stats.record_status(operation, 502)
            await _send_html(send, 502, "Bad Gateway", extra)
        elif fault == "http_503":
            self.rt.stats.record_status(operation, 503)
            await _send_html(send, 503, "Service Temporarily Unavailable", extra)
        else:  # http_429
            self.rt.stats.record_status(operation, 429)
            headers = list(extra)
            if self.rt.config.retry_after_seconds > 0:
                headers.append((b"retry-after", str(self.rt.config.retry_after_seconds).encode()))
            await _send_json(send, 429, RATE_LIMITED, headers)

    async def _timeout(self, send: Send, in_process: bool, operation: str) -> None:
        """The call is NOT applied; the client waits in vain."""
        if in_process:
            await _send_body(send, 504, b"", "text/plain", [(FAULT_HEADER.encode(), b"timeout")])
            return
        await asyncio.sleep(self.rt.config.timeout_fault_seconds)
        self.rt.stats.record_status(operation, 504)
        await _send_html(send, 504, "Gateway Time-out", [])

    async def _drop(self, scope: Scope, receive: Receive, send: Send, in_process: bool) -> None:
        """The call IS applied, then the response is lost on the way back."""
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, receive, capture)
        if in_process:
            await _send_body(send, 502, b"", "text/plain", [(FAULT_HEADER.encode(), b"drop")])
            return
        body = b"".join(m.get("body", b"") for m in captured if m["type"] == "http.response.body")
        declared = str(len(body) + 64).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", declared)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        # Returning now leaves the response incomplete: uvicorn closes the connection.
