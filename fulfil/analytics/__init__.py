"""Analytics: DuckDB snapshots of DynamoDB, analyst views, and the daily HTML report.

Modules, in data-flow order:

- `fastscan` / `attrvalue`: parallel Scan/Query through the low-level client, decoded from the
  raw JSON body (botocore's shape parser skipped);
- `rows` / `values` / `pseudonymise`: items to typed rows; personal data only as keyed
  pseudonyms;
- `schema` / `duck` / `views.sql`: the DuckDB tables, loads, watermarks and analyst views;
- `snapshot`: one atomic snapshot (`take_snapshot`); `parquet`: optional day-partitioned export;
- `report` / `report_model` / `report_html` / `charts`: the self-contained HTML report;
- `run`: plain entry points for the CLI, the demo and the flows (`run_snapshot`, `run_report`);
- `samples`: synthetic project-table items for tests and the benchmark.

Nothing is imported here, so the pure modules load without DuckDB or boto3.
"""
