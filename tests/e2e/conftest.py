"""End-to-end tests run under the session's Prefect server; a block document left there by
another test would be applied by every flow run, so none may exist while they run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


def _delete_documented_blocks() -> None:
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
def no_blocks(prefect_harness: None) -> Iterator[None]:
    _delete_documented_blocks()
    yield
