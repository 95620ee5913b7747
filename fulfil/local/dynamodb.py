"""A local DynamoDB for the demo and the tests: moto's server on 127.0.0.1, on a free port.

Pointing boto3 at it is done the way boto3 itself expects (`AWS_ENDPOINT_URL_DYNAMODB`), with
dummy credentials, so every component (CLI, flows, subprocess workers) finds it without any
project-specific plumbing.

Write coalescing (`FULFIL_WRITE_COALESCING`) is turned off against it: moto's TransactWriteItems
deep-copies every table it touches (slow) without a lock, so it races with concurrent writes.
DynamoDB Local and DynamoDB have neither problem.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

LOCAL_ENV = {
    "FULFIL_WRITE_COALESCING": "false",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_REGION": "ap-south-1",
    "AWS_DEFAULT_REGION": "ap-south-1",
}


@contextmanager
def local_dynamodb() -> Iterator[str]:
    """Start moto's DynamoDB server on loopback; yields its endpoint URL and sets the env vars."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per call
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    previous = {k: os.environ.get(k) for k in [*LOCAL_ENV, "AWS_ENDPOINT_URL_DYNAMODB"]}
    os.environ.update(LOCAL_ENV)
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    try:
        yield endpoint
    finally:
        server.stop()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
