"""`fulfil demo`: the embedded default, end to end, with no credentials and no network.

Starts a local DynamoDB (moto server on loopback), creates the tables, seeds orders the way the
storefront writes them, and runs the pipeline as far as it goes, printing a readable summary.
"""

from __future__ import annotations

from fulfil.commands.plan import build_plan, render_text
from fulfil.local.dynamodb import local_dynamodb
from fulfil.seed import generate
from fulfil.settings import load_settings
from fulfil.store.dynamo import init_tables, make_client
from fulfil.store.source import SourceReader
from fulfil.store.writer import write_seed


def run_demo(*, orders: int = 24, seed: int = 7) -> int:
    with local_dynamodb() as endpoint:
        print(f"[1/3] local DynamoDB (moto) at {endpoint}")
        settings = load_settings()
        client = make_client(settings)
        created = init_tables(settings, client)
        print(f"      created {len(created)} tables")
        counts = write_seed(client, settings.tables, generate(orders, seed=seed))
        print("[2/3] seeded " + ", ".join(f"{n} {t}" for t, n in counts.items()))
        report = build_plan(SourceReader(client, settings.tables), settings)
        print("[3/3] " + render_text(report))
    return 0
