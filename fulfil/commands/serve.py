"""`fulfil serve`: every deployment on its production schedule, in one local process, no work pool.

It registers `<flow>/local` deployments built from `deployments/schedules.py` (the schedules,
limits, tags and parameter defaults of `prefect.yaml`) and runs them with `prefect.serve`: each
run is a subprocess of this one, so a developer sees the schedules fire without a worker.

Two things it takes care of:

- **A server.** Schedules fire only on a real Prefect server: an ephemeral API (no
  `PREFECT_API_URL`) does not run the scheduler. Without `PREFECT_API_URL` it starts
  `prefect server start` on a free loopback port (history kept under `<workdir>/prefect`), or,
  with `start_server=False`, prints the commands and stops.
- **What it talks to.** Whatever the settings point at; by default (`AWS_ENDPOINT_URL_DYNAMODB`
  and `SHIPROCKET_BASE_URL` unset) the embedded stack of `fulfil demo`: moto's DynamoDB and the
  Shiprocket simulator on loopback, with tables and seeded orders. The simulator's clock runs
  fast (a simulated day per quarter hour), so the tracking syncs see shipments move. In embedded
  mode, stored blocks and Jira/WhatsApp credentials are ignored: a local run never messages real
  customers or files real tickets.

Schedules are not paused when it stops (`pause_on_shutdown=False`): a restart carries on.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deployments.schedules import DEPLOYMENTS, SERVE_DEPLOYMENT_NAME, DeploymentSpec
from fulfil.local.dynamodb_local import free_port

if TYPE_CHECKING:
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
    from prefect.deployments.runner import RunnerDeployment
    from prefect.flows import Flow

__all__ = [
    "build_deployments",
    "description_of",
    "load_flow",
    "local_prefect_server",
    "prefect_server_command",
    "run_serve",
    "schedule_of",
]

EMBEDDED_ENV = {
    "FULFIL_USE_BLOCKS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}
CREDENTIAL_ENV = (
    "JIRA_BASE_URL",
    "JIRA_EMAIL",
    "JIRA_API_TOKEN",
    "WHATSAPP_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
)
SIM_DAYS_BACK = 7  # the simulated clock starts a week back ...
SIM_CLOCK_SPEED = 96.0  # ... and runs a day per 15 real minutes, reaching "now" in ~1.75 h


def load_flow(spec: DeploymentSpec) -> Flow[Any, Any]:
    """Import the flow object named by a spec's entrypoint."""
    module_name, function = spec.module_and_function
    flow: Flow[Any, Any] = getattr(importlib.import_module(module_name), function)
    return flow


def description_of(flow: Flow[Any, Any]) -> str:
    """The first paragraph of the flow's docstring, on one line (prefect.yaml's description)."""
    doc = inspect.cleandoc(flow.fn.__doc__ or "")
    return " ".join(doc.split("\n\n")[0].split())


def schedule_of(spec: DeploymentSpec) -> IntervalSchedule | CronSchedule:
    """The Prefect schedule object equal to the spec's prefect.yaml entry."""
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

    sched = spec.schedule
    if sched.interval_seconds is not None:
        return IntervalSchedule(
            interval=timedelta(seconds=sched.interval_seconds),
            anchor_date=sched.anchor_date,
            timezone=sched.timezone,
        )
    assert sched.cron is not None
    return CronSchedule(cron=sched.cron, timezone=sched.timezone)


def build_deployments(
    specs: Sequence[DeploymentSpec] = DEPLOYMENTS, *, name: str = SERVE_DEPLOYMENT_NAME
) -> list[RunnerDeployment]:
    """`flow.to_deployment(...)` per spec: same schedule, limit, tags, parameters as the YAML.

    Entrypoints are module paths (`flows.sync_tracking.sync_tracking`), so the served runs
    import the flows from the installed project whatever the current directory is.
    """
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.types.entrypoint import EntrypointType

    deployments: list[RunnerDeployment] = []
    for spec in specs:
        flow = load_flow(spec)
        deployments.append(
            flow.to_deployment(  # type: ignore[call-arg,arg-type]
                _sync=True,
                name=name,
                schedules=[
                    DeploymentScheduleCreate(
                        schedule=schedule_of(spec), active=True, slug=spec.schedule.slug
                    )
                ],
                concurrency_limit=ConcurrencyLimitConfig(
                    limit=spec.concurrency_limit,
                    collision_strategy=ConcurrencyLimitStrategy(spec.collision_strategy),
                    grace_period_seconds=spec.grace_period_seconds,
                ),
                parameters=dict(spec.parameters),
                tags=[*spec.tags, "serve"],
                description=description_of(flow),
                enforce_parameter_schema=True,
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return deployments


def prefect_server_command(port: int = 4200) -> list[str]:
    return [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
            "--port", str(port)]  # fmt: skip


@contextmanager
def local_prefect_server(home: Path, *, timeout: float = 90.0) -> Iterator[str]:
    """`prefect server start` on a free loopback port, with its own PREFECT_HOME; yields the
    API URL and stops the server on exit. Its output goes to `<home>/server.log`."""
    import httpx

    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    url = f"http://127.0.0.1:{port}/api"
    with (home / "server.log").open("ab") as log:
        proc = subprocess.Popen(
            prefect_server_command(port), env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"prefect server exited early; see {home / 'server.log'}")
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"prefect server did not start in {timeout:.0f}s")
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _embedded_stack(
    stack: ExitStack, workdir: Path, *, orders: int, seed: int, out: Callable[[str], None]
) -> None:
    """Start moto DynamoDB and/or the simulator for whichever endpoint is unset."""
    from fulfil.settings import load_settings

    need_dynamo = not (os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get(
        "AWS_ENDPOINT_URL"))  # fmt: skip
    need_sim = not os.environ.get("SHIPROCKET_BASE_URL")
    if not (need_dynamo or need_sim):
        return
    for var in CREDENTIAL_ENV:  # never real customers or real tickets from a local stack
        os.environ.pop(var, None)
    os.environ.update(EMBEDDED_ENV)
    os.environ.setdefault("FULFIL_OUTBOX_DIR", str(workdir / "outbox"))
    os.environ.setdefault("FULFIL_DUCKDB_PATH", str(workdir / "fulfilment.duckdb"))
    if need_sim:
        from fulfil.simulator.config import SimulatorConfig
        from fulfil.simulator.server import SandboxServer

        start = datetime.now(UTC) - timedelta(days=SIM_DAYS_BACK)
        config = SimulatorConfig(seed=seed, start_time=start, clock_speed=SIM_CLOCK_SPEED)
        sandbox = stack.enter_context(SandboxServer(config))
        os.environ["SHIPROCKET_BASE_URL"] = sandbox.base_url
        os.environ["SHIPROCKET_EMAIL"] = "api@example.test"
        os.environ["SHIPROCKET_PASSWORD"] = "sandbox-password"
        out(f"Shiprocket simulator: {sandbox.base_url} (control API {sandbox.control_url})")
    if need_dynamo:
        from fulfil.local.dynamodb import local_dynamodb
        from fulfil.seed import generate
        from fulfil.store.dynamo import init_tables, make_client
        from fulfil.store.writer import write_seed

        endpoint = stack.enter_context(local_dynamodb())
        settings = load_settings()
        client = make_client(settings)
        init_tables(settings, client)
        counts = write_seed(client, settings.tables, generate(orders, seed=seed))
        out(f"local DynamoDB (moto): {endpoint}; seeded {counts['orders']} orders")
    out(f"local sinks (WhatsApp, Jira): {os.environ['FULFIL_OUTBOX_DIR']}; blocks not loaded")


def run_serve(
    *,
    embedded: bool = True,
    start_server: bool = True,
    orders: int = 24,
    seed: int = 7,
    workdir: str = "var/serve",
    limit: int | None = None,
    out: Callable[[str], None] = print,
) -> int:
    """Serve every deployment until interrupted; returns the exit code.

    `embedded=False` never starts local stand-ins (unset endpoints then mean real AWS and the
    real Shiprocket). `limit` caps concurrent runs (Prefect's default is 5).
    """
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from fulfil.commands.setup import ensure_global_limit

    base = Path(workdir).resolve()
    api_url = get_current_settings().api.url
    if not api_url and not start_server:
        out(
            "Schedules fire only on a real Prefect server: without PREFECT_API_URL, Prefect "
            "uses an ephemeral API that does not run the scheduler. Start one and point at it:\n"
            "  prefect server start --host 127.0.0.1 --port 4200\n"
            "  PREFECT_API_URL=http://127.0.0.1:4200/api fulfil serve"
        )
        return 2
    with ExitStack() as stack:
        if not api_url:
            out(
                "PREFECT_API_URL is not set and schedules need a real server (an ephemeral API "
                "does not schedule): starting `prefect server start` on loopback ..."
            )
            api_url = stack.enter_context(local_prefect_server(base / "prefect"))
            out(f"Prefect server: {api_url.removesuffix('/api')} (UI), log {base / 'prefect'}")
        os.environ["PREFECT_API_URL"] = api_url
        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
        if embedded:
            _embedded_stack(stack, base, orders=orders, seed=seed, out=out)
        if os.environ.get("FULFIL_SHIPROCKET_GLOBAL_LIMIT"):
            ensure_global_limit(dict(os.environ), out=out)
        deployments = build_deployments()
        for spec in DEPLOYMENTS:
            sched = spec.schedule
            when = (
                f"every {sched.interval_seconds // 60} min"
                if sched.interval_seconds
                else f"cron '{sched.cron}'"
            )
            out(f"  {spec.flow_name}/{SERVE_DEPLOYMENT_NAME}: {when} ({sched.timezone})")
        with suppress(KeyboardInterrupt):
            serve(*deployments, pause_on_shutdown=False, limit=limit)
        out("stopped; the schedules stay active for the next start")
    return 0
