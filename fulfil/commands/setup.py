"""`fulfil setup`: a new installation in one command, and safe to run again.

Against the Prefect API in `PREFECT_API_URL` it:

1. registers the project's block types (what `prefect block register -m blocks` does);
2. creates or updates the five block documents from the environment (`overwrite=True`): the
   settings block always (holding only the `FULFIL_*` knobs that are set), each credentials
   block when its variables are set, the Shiprocket one as a Secrets Manager pointer when
   `SHIPROCKET_SECRET_ID` is set;
3. creates the process work pool `fulfilment-process` if it is missing;
4. creates the Shiprocket global rate limit named in `FULFIL_SHIPROCKET_GLOBAL_LIMIT` if it is
   missing (or corrects its numbers): slots decay at `SHIPROCKET_REQUESTS_PER_MINUTE / 60` per
   second, so every worker together stays within the account's budget, with `SHIPROCKET_BURST`
   calls allowed back to back;
5. creates or updates the two automations of `fulfil.commands.automations` (zombie runs marked
   Crashed; failed or crashed runs notified through the block named in `FULFIL_RUN_ALERT_BLOCK`).

It prints what it did per item and never prints a secret (only variable names).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from prefect.blocks.core import Block

__all__ = [
    "DEFAULT_GLOBAL_LIMIT_NAME",
    "SECRET_ID_ENV",
    "SetupReport",
    "blocks_from_env",
    "ensure_global_limit",
    "rate_limit_numbers",
    "run_setup",
]

DEFAULT_GLOBAL_LIMIT_NAME = "shiprocket-api"
SECRET_ID_ENV = "SHIPROCKET_SECRET_ID"
_DEFAULT_RPM = 120
_DEFAULT_BURST = 5


@dataclass
class SetupReport:
    """One line per item: what it is and what happened (`created`, `updated`, `skipped: ...`)."""

    items: dict[str, str] = field(default_factory=dict)

    def add(self, what: str, outcome: str, out: Callable[[str], None]) -> None:
        self.items[what] = outcome
        out(f"{what:<38} {outcome}")


def rate_limit_numbers(environ: Mapping[str, str]) -> tuple[int, float]:
    """(slots, decay per second) of the global limit: burst, and requests per minute / 60.

    A per-minute setting of 0 (client pacing off) still needs a positive rate here: 120/min.
    """
    rpm = int(environ.get("SHIPROCKET_REQUESTS_PER_MINUTE") or _DEFAULT_RPM) or _DEFAULT_RPM
    burst = max(1, int(environ.get("SHIPROCKET_BURST") or _DEFAULT_BURST))
    return burst, round(rpm / 60.0, 4)


def run_setup(
    *,
    environ: Mapping[str, str] | None = None,
    work_pool: str | None = None,
    out: Callable[[str], None] = print,
) -> SetupReport:
    """Register block types, save block documents, create the work pool and the rate limit.

    Raises RuntimeError when no Prefect API is configured (an ephemeral API would forget it all).
    """
    from prefect.settings import get_current_settings

    from deployments.schedules import WORK_POOL
    from fulfil.commands.automations import ensure_automations

    env = dict(os.environ if environ is None else environ)
    api_url = get_current_settings().api.url
    if not api_url:
        raise RuntimeError(
            "PREFECT_API_URL is not set: setup would write into a throwaway ephemeral API. "
            "Point it at your server, e.g. PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    out(f"Prefect API: {api_url}")
    report = SetupReport()
    _register_types(report, out)
    _save_blocks(env, report, out)
    _ensure_work_pool(work_pool or WORK_POOL, report, out)
    _ensure_global_limit(env, report, out)
    ensure_automations(env, lambda what, outcome: report.add(what, outcome, out))
    return report


def _register_types(report: SetupReport, out: Callable[[str], None]) -> None:
    from blocks.loading import BLOCK_TYPES

    for cls in BLOCK_TYPES.values():
        cls.register_type_and_schema(_sync=True)  # type: ignore[call-arg]
    report.add("block types", f"registered {len(BLOCK_TYPES)}", out)


def blocks_from_env(env: Mapping[str, str]) -> dict[str, tuple[Block | None, str]]:
    """Per documented name: the block to save and where its values came from, or (None, why)."""
    from blocks.credentials import (
        JiraCredentialsBlock,
        PseudonymisationKeyBlock,
        ShiprocketCredentialsBlock,
        WhatsAppCredentialsBlock,
    )
    from blocks.settings import ENV_VARS, FulfilmentSettingsBlock

    settings = FulfilmentSettingsBlock.from_env(env)
    found: dict[str, tuple[Block | None, str]] = {
        "fulfilment-settings": (
            settings,
            ", ".join(ENV_VARS[k] for k in settings.values()) or "nothing set: code defaults",
        )
    }
    if env.get(SECRET_ID_ENV):
        found["shiprocket-credentials"] = (
            ShiprocketCredentialsBlock(
                secrets_manager_secret_id=env[SECRET_ID_ENV],
                secrets_manager_region=env.get("AWS_REGION") or None,
            ),
            f"pointer to Secrets Manager secret {env[SECRET_ID_ENV]}",
        )
    elif env.get("SHIPROCKET_EMAIL") and env.get("SHIPROCKET_PASSWORD"):
        found["shiprocket-credentials"] = (
            ShiprocketCredentialsBlock(
                email=env["SHIPROCKET_EMAIL"], password=env["SHIPROCKET_PASSWORD"]
            ),
            "SHIPROCKET_EMAIL, SHIPROCKET_PASSWORD",
        )
    else:
        found["shiprocket-credentials"] = (
            None,
            f"set {SECRET_ID_ENV}, or SHIPROCKET_EMAIL and SHIPROCKET_PASSWORD",
        )
    if env.get("JIRA_BASE_URL") and env.get("JIRA_EMAIL") and env.get("JIRA_API_TOKEN"):
        found["jira-credentials"] = (
            JiraCredentialsBlock(
                base_url=env["JIRA_BASE_URL"],
                email=env["JIRA_EMAIL"],
                api_token=env["JIRA_API_TOKEN"],
                project_key=env.get("JIRA_PROJECT_KEY") or "OPS",
                issue_type=env.get("JIRA_ISSUE_TYPE") or "Bug",
            ),
            "JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY, JIRA_ISSUE_TYPE",
        )
    else:
        found["jira-credentials"] = (
            None,
            "JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN not all set (tickets: local file)",
        )
    if env.get("WHATSAPP_TOKEN") and env.get("WHATSAPP_PHONE_NUMBER_ID"):
        found["whatsapp-credentials"] = (
            WhatsAppCredentialsBlock(
                token=env["WHATSAPP_TOKEN"],
                phone_number_id=env["WHATSAPP_PHONE_NUMBER_ID"],
                api_version=env.get("WHATSAPP_API_VERSION") or "v21.0",
            ),
            "WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_API_VERSION",
        )
    else:
        found["whatsapp-credentials"] = (
            None,
            "WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID not both set (messages: local file)",
        )
    if env.get("FULFIL_PSEUDONYMISATION_KEY"):
        found["pseudonymisation-key"] = (
            PseudonymisationKeyBlock(key=env["FULFIL_PSEUDONYMISATION_KEY"]),
            "FULFIL_PSEUDONYMISATION_KEY",
        )
    else:
        found["pseudonymisation-key"] = (
            None,
            "FULFIL_PSEUDONYMISATION_KEY not set (snapshots use the development key)",
        )
    return found


def _save_blocks(env: Mapping[str, str], report: SetupReport, out: Callable[[str], None]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        for name, (block, source) in blocks_from_env(env).items():
            if block is None:
                report.add(f"block {name}", f"skipped: {source}", out)
                continue
            try:
                client.read_block_document_by_name(
                    name, block.get_block_type_slug(), include_secrets=False
                )
                existed = True
            except ObjectNotFound:
                existed = False
            block.save(name, overwrite=True, _sync=True)  # type: ignore[call-arg]
            report.add(f"block {name}", f"{'updated' if existed else 'created'} ({source})", out)


def _ensure_work_pool(name: str, report: SetupReport, out: Callable[[str], None]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
            report.add(f"work pool {name}", f"exists (type {pool.type})", out)
            return
        except ObjectNotFound:
            pass
        client.create_work_pool(
            WorkPoolCreate(
                name=name,
                type=ProcessWorker.type,
                description="Fulfilment flows as subprocesses of `prefect worker start`.",
                base_job_template=ProcessWorker.get_default_base_job_template(),
            )
        )
    report.add(f"work pool {name}", "created (type process)", out)


def ensure_global_limit(environ: Mapping[str, str], *, out: Callable[[str], None] = print) -> str:
    """Create (or correct) the Shiprocket global rate limit named in the environment.

    Returns what happened: `created`, `updated`, `exists` or `skipped`.
    """
    report = SetupReport()
    _ensure_global_limit(environ, report, out)
    return next(iter(report.items.values())).split(" ", 1)[0].rstrip(":")


def _ensure_global_limit(
    env: Mapping[str, str], report: SetupReport, out: Callable[[str], None]
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import (
        GlobalConcurrencyLimitCreate,
        GlobalConcurrencyLimitUpdate,
    )
    from prefect.exceptions import ObjectNotFound

    name = env.get("FULFIL_SHIPROCKET_GLOBAL_LIMIT")
    if not name:
        report.add(
            "global rate limit",
            "skipped: FULFIL_SHIPROCKET_GLOBAL_LIMIT not set "
            f"(with several workers set it, e.g. to {DEFAULT_GLOBAL_LIMIT_NAME})",
            out,
        )
        return
    slots, decay = rate_limit_numbers(env)
    numbers = f"limit {slots}, slot decay {decay}/s = {decay * 60:g} calls/min"
    with get_client(sync_client=True) as client:
        try:
            current = client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(
                    name=name, limit=slots, slot_decay_per_second=decay, active=True
                )
            )
            report.add(f"global rate limit {name}", f"created ({numbers})", out)
            return
        if (
            current.limit == slots
            and abs((current.slot_decay_per_second or 0.0) - decay) < 1e-9
            and current.active
        ):
            report.add(f"global rate limit {name}", f"exists ({numbers})", out)
            return
        client.update_global_concurrency_limit(
            name,
            GlobalConcurrencyLimitUpdate(limit=slots, slot_decay_per_second=decay, active=True),
        )
    report.add(f"global rate limit {name}", f"updated ({numbers})", out)
