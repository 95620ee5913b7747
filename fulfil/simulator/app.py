"""`create_app(config)`: the simulator as one FastAPI application.

Shiprocket routes live under `/v1/external`, the control API under `/__sim`. Errors leave the
handlers as `ShiprocketError` and unknown paths get Shiprocket's own 404 envelope rather than
FastAPI's `{"detail": ...}`, so a client never sees a body shape the real API would not send.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from fulfil.simulator import (
    routes_auth,
    routes_control,
    routes_courier,
    routes_orders,
    routes_shipping,
    routes_tracking,
)
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.middleware import FaultMiddleware
from fulfil.simulator.operations import API_PREFIX, CONTROL_PREFIX
from fulfil.simulator.runtime import Runtime
from fulfil.simulator.wire import ShiprocketError


def create_app(config: SimulatorConfig | None = None) -> FastAPI:
    """A fresh simulated Shiprocket account; the app's `state.runtime` holds its live state."""
    runtime = Runtime(config or SimulatorConfig())
    app = FastAPI(title="Shiprocket simulator", docs_url=None, redoc_url=None, openapi_url=None)
    for module in (routes_auth, routes_orders, routes_courier, routes_shipping, routes_tracking):
        app.include_router(module.router(runtime), prefix=API_PREFIX)
    app.include_router(routes_control.router(runtime), prefix=CONTROL_PREFIX)

    @app.exception_handler(ShiprocketError)
    async def shiprocket_error(request: Request, exc: ShiprocketError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers or None)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        phrase = HTTPStatus(exc.status_code).phrase
        body = {"message": f"{exc.status_code} {phrase}", "status_code": exc.status_code}
        return JSONResponse(body, status_code=exc.status_code)

    app.add_middleware(FaultMiddleware, runtime=runtime)
    app.state.runtime = runtime
    return app


def runtime_of(app: FastAPI) -> Runtime:
    """The live state behind an app made by `create_app` (for in-process tests and tools)."""
    runtime = app.state.runtime
    assert isinstance(runtime, Runtime)
    return runtime
