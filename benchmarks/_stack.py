"""A DynamoDB for benchmarks: DynamoDB Local when Java and the jar are there, else moto's server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


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
            yield server.endpoint, "DynamoDB Local"
        return
    from fulfil.local.dynamodb import local_dynamodb

    with local_dynamodb() as endpoint:
        yield endpoint, "moto server"
