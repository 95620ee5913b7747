"""End-to-end tests run under the session's Prefect server; a block document left there by
another test would be applied by every flow run, so none may exist while they run."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest


@pytest.fixture(autouse=True)
def no_blocks(delete_documented_blocks: Callable[[], None]) -> Iterator[None]:
    delete_documented_blocks()
    yield
