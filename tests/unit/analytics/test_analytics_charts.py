"""Inline SVG charts: well-formed, escaped, readable when empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fulfil.analytics.charts import bar_chart, bucket_counts, grouped_bar_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_valid_svg_with_one_bar_per_point() -> None:
    svg = bar_chart([("01 Mar", 2.0), ("02 Mar", 5.0), ("03 Mar", 0.0)], title="Orders")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Orders"  # type: ignore[union-attr]
    assert len(root.findall(f"{SVG}rect")) == 3


def test_grouped_bars_have_a_legend_and_skip_missing_values() -> None:
    svg = grouped_bar_chart(
        ["Blue Dart", "Delhivery"],
        [("on time", [0.5, None]), ("RTO", [0.0, 0.5])],
        title="Couriers",
    )
    root = ET.fromstring(svg)
    bars = [r for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 3  # Delhivery has no on-time rate
    assert "on time" in svg and "RTO" in svg


def test_labels_from_data_are_escaped() -> None:
    svg = hbar_chart([("<b>Goa & Co</b>", 0.25, "(1/4)")], title="RTO <by> state")
    ET.fromstring(svg)  # still well-formed
    assert "&lt;b&gt;Goa &amp; Co&lt;/b&gt;" in svg and "<b>" not in svg
    assert "25.0% (1/4)" in svg


def test_empty_series_draw_a_no_data_frame() -> None:
    for svg in (bar_chart([], title="x"), hbar_chart([], title="y")):
        assert "no data" in ET.tostring(ET.fromstring(svg), encoding="unicode")


def test_bucket_counts() -> None:
    edges = (0.0, 2.0, 4.0, 8.0)
    # [0,2): 0.5, 1.9 | [2,4): 2 | [4,8): none | 8+: 8, 100 | below 0 goes first: -1
    assert bucket_counts([0.5, 1.9, 2.0, 8.0, 100.0, -1.0], edges) == [3, 1, 0, 2]
