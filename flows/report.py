"""Flow `report`: the daily HTML report and its headline as a Prefect markdown artifact.

Orchestration only: one task renders the self-contained HTML file from the current snapshot
(run the `snapshot` flow first for fresh numbers); the flow publishes the same headline KPIs as
a markdown artifact so they show in the Prefect UI without opening the file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from pydantic import Field

from blocks.loading import apply_blocks
from fulfil.analytics.report import headline_markdown
from tasks.analytics import render_report_task

__all__ = ["ARTIFACT_KEY", "FLOW_NAME", "SCHEDULE_CRON", "SCHEDULE_TIMEZONE", "report"]

FLOW_NAME = "report"
ARTIFACT_KEY = "fulfilment-headline"
SCHEDULE_CRON = "30 7 * * *"  # daily, 07:30 India time
SCHEDULE_TIMEZONE = "Asia/Kolkata"


@flow(name=FLOW_NAME, log_prints=False, validate_parameters=True)
def report(
    out_path: str | None = None,
    days: Annotated[int, Field(ge=1, le=366)] = 30,
    as_of: datetime | None = None,
) -> str:
    """Render the fulfilment report and publish its headline.

    Args:
        out_path: where to write the HTML (default: next to the DuckDB file).
        days: length of the KPI window, ending at `as_of`.
        as_of: end of the window (default: when the current snapshot was taken).

    Returns:
        The path of the HTML file.
    """
    apply_blocks()  # block values (if any) into the env the settings read
    result = render_report_task(out_path=out_path, days=days, as_of=as_of)
    create_markdown_artifact(
        key=ARTIFACT_KEY,
        markdown=headline_markdown(result.headline) + f"\nFull report: `{result.path}`\n",
        description="Fulfilment headline KPIs",
    )
    return str(result.path)
