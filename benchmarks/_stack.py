"""A DynamoDB for benchmarks: DynamoDB Local when Java and the jar are there, else moto's server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

SERVER_PIDS: dict[str, int] = {}  # name -> pid of the local stand-ins, for CPU accounting


@contextmanager
def benchmark_dynamodb(prefer: str = "local") -> Iterator[tuple[str, str]]:
    """Yields (endpoint, backend name) and points boto3 at it with a unique table prefix."""
    from fulfil.local.dynamodb_local import DynamoDBLocal, available

    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": "ap-south-1",
            "AWS_DEFAULT_REGION": "ap-south-1",
            "FULFIL_TABLE_PREFIX": f"bench{uuid.uuid4().hex[:6]}-",
        }
    )
    if prefer == "local" and available() is None:
        with DynamoDBLocal() as server:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = server.endpoint
            if server.pid is not None:
                SERVER_PIDS["dynamodb"] = server.pid
            yield server.endpoint, "DynamoDB Local"
        return
    from fulfil.local.dynamodb import local_dynamodb

    with local_dynamodb() as endpoint:
        yield endpoint, "moto server"


def cpu_seconds(pid: int | None = None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc); this process when None."""
    if pid is None:
        import time

        return time.process_time()
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
