"""The `snapshot` and `report` flows under the Prefect test harness, on moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.report import ARTIFACT_KEY as REPORT_KEY
from flows.report import report
from flows.snapshot import ARTIFACT_KEY as SNAPSHOT_KEY
from flows.snapshot import snapshot
from fulfil.analytics.samples import project_items
from fulfil.seed import generate
from fulfil.store.writer import put_all, write_seed

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.flow]


def test_snapshot_then_report_publish_their_artifacts(
    dynamo: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = tmp_path / "fulfilment.duckdb"
    monkeypatch.setenv("FULFIL_DUCKDB_PATH", str(db))
    monkeypatch.setenv("FULFIL_PSEUDONYMISATION_KEY", "flow-test-key-0123456789")
    data = generate(12, seed=9, now=datetime.now(UTC) - timedelta(hours=3))
    write_seed(dynamo, settings.tables, data)
    extra = project_items(data, updated=datetime.now(UTC) - timedelta(hours=1))
    put_all(dynamo, settings.tables.fulfilment, extra.fulfilment)
    put_all(dynamo, settings.tables.outbox, extra.outbox)

    state = snapshot(return_state=True)
    assert state.is_completed()
    assert state.result()["orders"] == len(data.orders)
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM snapshot_meta").fetchone() == (1,)

    html_path = report(out_path=str(tmp_path / "report.html"), days=7, return_state=True)
    assert html_path.is_completed()
    html = Path(html_path.result()).read_text(encoding="utf-8")
    assert html.count("<svg") == 4

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[SNAPSHOT_KEY, REPORT_KEY]))
        )
    kinds = {a.key: a for a in artifacts}
    assert kinds[SNAPSHOT_KEY].type == "table" and "orders" in str(kinds[SNAPSHOT_KEY].data)
    assert kinds[REPORT_KEY].type == "markdown"
    assert f"| Orders | {len(data.orders)} |" in str(kinds[REPORT_KEY].data)
