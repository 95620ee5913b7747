"""Operations tests share the session's Prefect server with every flow test, so the block
documents they save must not outlive them: a leftover `fulfilment-settings` block would be
applied by every later flow run (and point it at another table prefix)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def delete_documented_blocks() -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    from blocks.loading import BLOCK_TYPES

    with get_client(sync_client=True) as client:
        for name, cls in BLOCK_TYPES.items():
            try:
                doc = client.read_block_document_by_name(
                    name, cls.get_block_type_slug(), include_secrets=False
                )
            except ObjectNotFound:
                continue
            client.delete_block_document(doc.id)


@pytest.fixture(autouse=True)
def no_leftover_blocks(prefect_harness: None) -> Iterator[None]:
    delete_documented_blocks()
    yield
    delete_documented_blocks()
