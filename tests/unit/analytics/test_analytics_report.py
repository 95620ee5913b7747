"""The HTML report renders every section with inline SVG charts and nothing fetched from outside."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from fulfil.analytics.report import headline_markdown, load_report_data, render_report
from fulfil.analytics.report_html import render_html

AS_OF = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SECTIONS = (
    "headline",
    "daily-volume",
    "time-to-ship",
    "couriers",
    "rto-by-state",
    "sla",
    "stuck",
    "escalations",
    "about",
)


def test_report_file_has_every_section_and_its_charts(kpi_db_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    result = render_report(kpi_db_file, out, days=30)  # as_of defaults to the snapshot time
    html = out.read_text(encoding="utf-8")
    assert result.as_of == AS_OF
    assert result.sections == SECTIONS
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    charts = re.findall(r'<section id="([a-z-]+)">(?:(?!</section>).)*?<svg', html, re.S)
    assert charts == ["daily-volume", "time-to-ship", "couriers", "rto-by-state"]
    assert result.charts == html.count("<svg") == 4
    assert result.size_bytes == len(html.encode("utf-8"))


def test_report_is_self_contained(kpi_db_file: Path, tmp_path: Path) -> None:
    html = render_report(kpi_db_file, tmp_path / "r.html", as_of=AS_OF).path.read_text()
    assert "<script" not in html and "<link" not in html and "@import" not in html
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched


def test_report_shows_the_headline_numbers(kpi_db_file: Path, tmp_path: Path) -> None:
    result = render_report(kpi_db_file, tmp_path / "r.html", as_of=AS_OF, days=30)
    html = result.path.read_text()
    # 30 days before 03-10 12:00: every order of the fixture (L on 02-20 included)
    assert result.headline["orders"] == 9
    assert "83.3%" in html  # shipment creation success: 5 of 6 concluded
    assert "75.0%" in html  # first-attempt delivery: 3 of 4 delivered
    assert "₹9,699.00" in html
    assert "courier_unserviceable" in html  # a parked shipment with its reason
    assert "Delhivery" in html and "Maharashtra" in html


def test_the_window_is_applied_with_bound_parameters(
    kpi_db: duckdb.DuckDBPyConnection,
) -> None:
    data = load_report_data(kpi_db, since=AS_OF - timedelta(days=9, hours=12), until=AS_OF)
    assert data.headline["orders"] == 8  # L (02-20) is before 03-01 00:00
    assert len(data.daily) == 10  # 03-01 .. 03-10, India time, zero-filled
    assert [n for _, n, _ in data.daily] == [2, 2, 1, 1, 1, 0, 0, 1, 0, 0]
    assert len(data.ship_hours) == 5  # A-E have an AWB or a pickup time
    assert [c["courier_name"] for c in data.couriers] == ["Delhivery", "Blue Dart"]
    page = render_html(data, as_of=AS_OF)
    assert page.charts == 4


def test_headline_markdown_lists_the_kpis(kpi_db: duckdb.DuckDBPyConnection) -> None:
    data = load_report_data(kpi_db, since=AS_OF - timedelta(days=30), until=AS_OF)
    md = headline_markdown(data.headline)
    assert md.startswith("# Fulfilment headline")
    assert "| Orders | 9 |" in md
    assert "| Shipment creation success | 83.3% |" in md
    assert "| Paid → AWB, p50 | 2.0 h |" in md
    assert "| RTO rate | 20.0% |" in md
    assert "| Stuck or parked now | 4 |" in md


def test_an_empty_snapshot_still_renders(tmp_path: Path) -> None:
    from fulfil.analytics.duck import apply_schema, apply_views

    path = tmp_path / "empty.duckdb"
    with duckdb.connect(str(path)) as conn:
        apply_schema(conn)
        apply_views(conn)
    result = render_report(path, tmp_path / "r.html", as_of=AS_OF, days=7)
    html = result.path.read_text()
    # zero bars for the days; "no data" for the histogram, couriers and states
    assert result.charts == 4 and html.count("no data") == 3
    assert result.headline["orders"] == 0


@pytest.mark.parametrize("days", [1, 7])
def test_short_windows_render(kpi_db_file: Path, tmp_path: Path, days: int) -> None:
    result = render_report(kpi_db_file, tmp_path / f"r{days}.html", as_of=AS_OF, days=days)
    assert result.sections == SECTIONS
