"""Operations tests share the session's Prefect server with every flow test, so the block
documents they save must not outlive them: a leftover `fulfilment-settings` block would be
applied by every later flow run (and point it at another table prefix)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest


@pytest.fixture(autouse=True)
def no_leftover_blocks(delete_documented_blocks: Callable[[], None]) -> Iterator[None]:
    delete_documented_blocks()
    yield
    delete_documented_blocks()
