"""AWS DynamoDB Local (the Java emulator) on loopback, for contract and chaos tests.

Its jar ships inside the npm package `amplify-dynamodb-simulator` (pinned in
`tools/dynamodb-local/package-lock.json`). It is more faithful than moto where it matters to us:
conditional writes are atomic under real concurrency, and it enforces the 25-item batch cap.
It has no bind option, so it listens on all interfaces of a free port; we only ever connect via
127.0.0.1. We pass `-sharedDb`: without it each access key + region gets its own database, and a
process whose boto3 session cached other credentials would silently see other tables.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = ROOT / "tools/dynamodb-local/node_modules/amplify-dynamodb-simulator/emulator"


def available() -> str | None:
    """None when DynamoDB Local can run here, else why not."""
    if shutil.which("java") is None:
        return "java is not installed"
    if not (EMULATOR_DIR / "DynamoDBLocal.jar").exists():
        return f"DynamoDB Local jar not found under {EMULATOR_DIR} (run `make test` once)"
    return None


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (for the local stand-ins: DynamoDB Local, the simulator)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DynamoDBLocal:
    """Context manager: runs `DynamoDBLocal.jar -inMemory` and waits until it answers."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The Java process (benchmarks read its CPU time)."""
        return self._proc.pid if self._proc is not None else None

    def __enter__(self) -> DynamoDBLocal:
        reason = available()
        if reason:
            raise RuntimeError(reason)
        self._proc = subprocess.Popen(
            [
                "java",
                "-Djava.library.path=./DynamoDBLocal_lib",
                "-jar",
                "DynamoDBLocal.jar",
                "-inMemory",
                "-sharedDb",
                "-disableTelemetry",
                "-port",
                str(self.port),
            ],
            cwd=EMULATOR_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"DynamoDB Local exited with {self._proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise TimeoutError("DynamoDB Local did not start within 60 s")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            self._proc = None
