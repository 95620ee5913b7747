"""Serve the simulator over real loopback sockets with uvicorn.

`run_sandbox` blocks (the `fulfil sandbox` CLI and `python -m fulfil.simulator` use it);
`SandboxServer` runs uvicorn in a background thread for tests that need a real socket, e.g. to
see a dropped connection exactly as a production client would.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from fulfil.simulator.app import create_app, runtime_of
from fulfil.simulator.config import SimulatorConfig
from fulfil.simulator.operations import API_PREFIX, CONTROL_PREFIX
from fulfil.simulator.runtime import Runtime


class _IntendedDropFilter(logging.Filter):
    """Hide uvicorn's error line for responses the fault middleware cut off on purpose.

    A `drop_after_apply` fault works by leaving the response incomplete, which uvicorn reports
    as an error; the drop is already counted in `/__sim/stats`, so the line is only noise.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


_DROP_FILTER = _IntendedDropFilter()


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _server(app: FastAPI, log_level: str) -> uvicorn.Server:
    logger = logging.getLogger("uvicorn.error")
    if _DROP_FILTER not in logger.filters:
        logger.addFilter(_DROP_FILTER)
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    return uvicorn.Server(config)


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    config: SimulatorConfig | None = None,
    *,
    log_level: str = "warning",
) -> None:
    """Serve a simulator until interrupted; prints the base URL once listening."""
    sock = _bind(host, port)
    actual = sock.getsockname()[1]
    print(f"Shiprocket simulator: base URL http://{host}:{actual}{API_PREFIX}", flush=True)
    print(f"control API: http://{host}:{actual}{CONTROL_PREFIX}", flush=True)
    _server(create_app(config), log_level).run(sockets=[sock])


class SandboxServer:
    """A simulator on a free loopback port for the duration of a `with` block."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        startup_timeout: float = 10.0,
    ) -> None:
        self.app = create_app(config)
        self._host = host
        self._port = port
        self._server = _server(self.app, log_level)
        self._thread: threading.Thread | None = None
        self._startup_timeout = startup_timeout
        self.port = 0

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.app)

    @property
    def root_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + API_PREFIX

    @property
    def control_url(self) -> str:
        return self.root_url + CONTROL_PREFIX

    def start(self) -> SandboxServer:
        sock = _bind(self._host, self._port)
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Shiprocket simulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
