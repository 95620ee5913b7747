"""The `fulfil` command line: argument parsing only; each command's work lives in `commands/`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from fulfil.settings import load_settings


def _init_tables(args: argparse.Namespace) -> int:
    from fulfil.store.dynamo import init_tables

    created = init_tables(load_settings())
    print(f"created {len(created)} tables" + (f": {', '.join(created)}" if created else ""))
    return 0


def _seed(args: argparse.Namespace) -> int:
    from fulfil.seed import generate
    from fulfil.store.dynamo import make_client
    from fulfil.store.writer import write_seed

    settings = load_settings()
    data = generate(args.orders, seed=args.seed, history=args.history)
    counts = write_seed(make_client(settings), settings.tables, data)
    print("seeded " + ", ".join(f"{n} {t}" for t, n in counts.items()))
    return 0


def _plan(args: argparse.Namespace) -> int:
    from fulfil.commands.plan import build_plan, render_text
    from fulfil.store.dynamo import make_client
    from fulfil.store.source import SourceReader

    settings = load_settings()
    reader = SourceReader(make_client(settings), settings.tables)
    report = build_plan(reader, settings, order_ids=args.order_id or None, limit=args.limit)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(render_text(report))
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from flows.fulfil_paid_orders import fulfil_paid_orders

    counts = fulfil_paid_orders(
        order_ids=args.order_id or None,
        limit=args.limit,
        dry_run=args.dry_run,
        batch_size=args.batch_size,
        max_concurrency=args.max_concurrency,
        deliver_outbound=not args.no_deliver,
    )
    print(json.dumps(counts, indent=2) if args.json else _counts_text(counts))
    return 0


def _counts_text(counts: dict[str, int]) -> str:
    return "\n".join(f"{k.replace('_', ' '):>20}: {v}" for k, v in counts.items())


def _track(args: argparse.Namespace) -> int:
    if args.awb:
        from fulfil.tracking.service import render_timeline

        print(render_timeline(load_settings(), args.awb))
        return 0
    from flows.sync_tracking import sync_tracking

    report = sync_tracking(awbs=args.awbs or None, dry_run=args.dry_run)
    print(json.dumps(report.counts(), indent=2) if args.json else report.summary_markdown())
    return 0


def _webhook(args: argparse.Namespace) -> int:
    import uvicorn

    from fulfil.tracking.service import create_webhook_app

    uvicorn.run(
        create_webhook_app(load_settings()), host=args.host, port=args.port, log_level="warning"
    )
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    from fulfil.analytics.run import describe_snapshot, run_snapshot

    result, parquet = run_snapshot(load_settings(), full=args.full, parquet_dir=args.parquet)
    print(describe_snapshot(result, parquet))
    return 0


def _report(args: argparse.Namespace) -> int:
    from fulfil.analytics.run import describe_report, run_report

    print(describe_report(run_report(load_settings(), out_path=args.out, days=args.days)))
    return 0


def _setup(args: argparse.Namespace) -> int:
    from fulfil.commands.setup import run_setup

    try:
        run_setup(work_pool=args.work_pool)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _serve(args: argparse.Namespace) -> int:
    from fulfil.commands.serve import run_serve

    return run_serve(
        embedded=not args.no_embedded,
        start_server=not args.no_server,
        orders=args.orders,
        seed=args.seed,
        limit=args.limit,
    )


def _sandbox(args: argparse.Namespace) -> int:
    from fulfil.simulator.config import SimulatorConfig
    from fulfil.simulator.server import run_sandbox

    config = SimulatorConfig(seed=args.seed, clock_speed=args.clock_speed)
    run_sandbox(host="127.0.0.1", port=args.port, config=config)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from fulfil.commands.demo import run_demo

    return run_demo(orders=args.orders, seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fulfil", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    add("init-tables", _init_tables, "Create the source tables and the project's own (idempotent).")
    seed = add("seed", _seed, "Write sample orders the way checkout and the payment webhook do.")
    seed.add_argument("--orders", type=int, default=40, help="orders to write (default 40)")
    seed.add_argument("--seed", type=int, default=7, help="random seed (deterministic output)")
    seed.add_argument("--history", type=int, default=0, help="old delivered/cancelled orders")
    plan = add("plan", _plan, "Show what a sweep would do now (reads only).")
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    plan.add_argument("--order-id", action="append", help="plan only this order (repeatable)")
    plan.add_argument("--limit", type=int, default=None, help="at most this many candidates")
    sweep = add("sweep", _sweep, "Run the fulfil-paid-orders flow once (ship due orders).")
    sweep.add_argument("--order-id", action="append", help="only this order (repeatable)")
    sweep.add_argument("--limit", type=int, default=None, help="at most this many orders/shipments")
    sweep.add_argument("--dry-run", action="store_true", help="plan and validate; write nothing")
    sweep.add_argument("--batch-size", type=int, default=50, help="shipments per task (default 50)")
    sweep.add_argument("--max-concurrency", type=int, default=8, help="calls in flight per batch")
    sweep.add_argument("--no-deliver", action="store_true", help="skip deliver-outbound at the end")
    sweep.add_argument("--json", action="store_true", help="print the counts as JSON")
    track = add("track", _track, "Run the sync-tracking flow once, or show one AWB's timeline.")
    track.add_argument("--awb", help="print this shipment's timeline and tracking URL (reads only)")
    track.add_argument("--awbs", nargs="+", help="sync only these AWBs")
    track.add_argument("--dry-run", action="store_true", help="track and report; write nothing")
    track.add_argument("--json", action="store_true", help="print the counts as JSON")
    hook = add(
        "webhook", _webhook, "Serve the tracking webhook receiver (POST /hooks/tracking-events)."
    )
    hook.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    hook.add_argument("--port", type=int, default=8080)
    snap = add("snapshot", _snapshot, "Copy DynamoDB into the analysts' DuckDB file (PII-safe).")
    snap.add_argument("--full", action="store_true", help="full copy, not from the watermark")
    snap.add_argument("--parquet", help="also write Parquet files partitioned by day here")
    rep = add("report", _report, "Write the self-contained HTML fulfilment report.")
    rep.add_argument("--out", help="HTML path (default: beside the DuckDB file)")
    rep.add_argument("--days", type=int, default=30, help="days covered (default 30)")
    setup = add(
        "setup",
        _setup,
        "Blocks from env, work pool, Shiprocket rate limit, automations (idempotent).",
    )
    setup.add_argument("--work-pool", default=None, help="process work pool name")
    serve = add(
        "serve",
        _serve,
        "Run every deployment on its schedule in this process (embedded stack by default).",
    )
    serve.add_argument(
        "--no-embedded",
        action="store_true",
        help="use the configured DynamoDB and Shiprocket, not the local stack",
    )
    serve.add_argument(
        "--no-server",
        action="store_true",
        help="do not start a Prefect server (PREFECT_API_URL must be set)",
    )
    serve.add_argument("--orders", type=int, default=24, help="orders seeded in embedded mode")
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--limit", type=int, default=None)
    sandbox = add("sandbox", _sandbox, "Serve the Shiprocket simulator on 127.0.0.1 (foreground).")
    sandbox.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    sandbox.add_argument("--seed", type=int, default=0)
    sandbox.add_argument(
        "--clock-speed",
        type=float,
        default=0.0,
        help="simulated seconds per real second (0 = only explicit advances)",
    )
    demo = add("demo", _demo, "Run the pipeline end to end on the embedded local stack.")
    demo.add_argument("--orders", type=int, default=24)
    demo.add_argument("--seed", type=int, default=7)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
