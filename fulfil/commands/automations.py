"""The two automations a production server needs, as code (created by `fulfil setup`).

- **Failed or crashed run -> notification.** Any run of a fulfilment deployment (tag
  `fulfilment`) that ends `Failed`, `Crashed` or `TimedOut` sends a message through a
  notification block the operator already has (Slack, Teams, e-mail via SendGrid, a webhook),
  named in `FULFIL_RUN_ALERT_BLOCK` as `<block-type-slug>/<name>`, e.g. `slack-webhook/ops-alerts`.
  Automations, not `on_failure` hooks: hooks run in the flow's own process and never fire when
  that process is killed, which is exactly the crash worth hearing about.
- **Zombie runs -> Crashed.** A worker host that dies leaves its run `Running` forever, holding
  the deployment's concurrency slot, and with `CANCEL_NEW` every later sweep would be cancelled.
  Flow runs send a heartbeat (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`, 180 s by default); when three
  heartbeats in a row are missing and no final state came, the run is marked `Crashed`, which
  frees the slot and also triggers the notification above (Prefect's documented recipe,
  scoped to this project's runs).

Both work on a self-hosted server (event triggers; no Cloud-only metric trigger).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from prefect.automations import Automation

__all__ = [
    "ALERT_BLOCK_ENV",
    "FAILURE_AUTOMATION",
    "ZOMBIE_AUTOMATION",
    "ensure_automations",
    "failure_automation",
    "zombie_automation",
]

ALERT_BLOCK_ENV = "FULFIL_RUN_ALERT_BLOCK"
FAILURE_AUTOMATION = "fulfilment: failed or crashed run"
ZOMBIE_AUTOMATION = "fulfilment: mark unresponsive runs crashed"
PROJECT_TAG = "fulfilment"
_OUR_RUNS = {"prefect.resource.role": "tag", "prefect.resource.id": f"prefect.tag.{PROJECT_TAG}"}
_BODY = (
    "{{ flow.name }} run {{ flow_run.name }} ended {{ flow_run.state.name }}"
    "{% if deployment %} (deployment {{ deployment.name }}){% endif %}.\n"
    "{{ flow_run.state.message }}\n"
    "{{ flow_run|ui_url }}"
)


def failure_automation(block_document_id: UUID) -> Automation:
    """Notify through the given notification block when one of our runs fails or crashes."""
    from prefect.automations import Automation
    from prefect.events.actions import SendNotification
    from prefect.events.schemas.automations import EventTrigger, Posture

    return Automation(
        name=FAILURE_AUTOMATION,
        description="A fulfilment run ended Failed, Crashed or TimedOut: tell the operators.",
        enabled=True,
        trigger=EventTrigger(
            expect={f"prefect.flow-run.{state}" for state in ("Failed", "Crashed", "TimedOut")},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related=_OUR_RUNS,
            posture=Posture.Reactive,
            threshold=1,
            within=timedelta(0),
        ),
        actions=[
            SendNotification(
                block_document_id=block_document_id,
                subject="tt-fulfilment: {{ flow.name }} {{ flow_run.state.name }}",
                body=_BODY,
            )
        ],
    )


def zombie_automation(heartbeat_seconds: int = 180) -> Automation:
    """Mark one of our runs Crashed when its heartbeats stop without a final state."""
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture

    return Automation(
        name=ZOMBIE_AUTOMATION,
        description="No heartbeat for three intervals and no final state: the worker is gone.",
        enabled=True,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related=_OUR_RUNS,
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=3 * heartbeat_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"No heartbeat for {3 * heartbeat_seconds} s: marked Crashed.",
            )
        ],
    )


def _upsert(wanted: Automation) -> str:
    from prefect.automations import Automation

    try:
        current: Automation = Automation.read(name=wanted.name, _sync=True)  # type: ignore[call-overload]
    except ValueError:
        wanted.create(_sync=True)  # type: ignore[call-arg]
        return "created"
    wanted.id = current.id
    wanted.update(_sync=True)  # type: ignore[call-arg]
    return "updated"


def ensure_automations(environ: Mapping[str, str], record: Callable[[str, str], None]) -> None:
    """Create or update both automations; `record(what, outcome)` reports each."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    heartbeat = int(environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY") or 180)
    record(f"automation '{ZOMBIE_AUTOMATION}'", _upsert(zombie_automation(heartbeat)))
    ref = environ.get(ALERT_BLOCK_ENV, "")
    what = f"automation '{FAILURE_AUTOMATION}'"
    if "/" not in ref:
        record(
            what,
            f"skipped: set {ALERT_BLOCK_ENV}=<block-type-slug>/<name> of a notification block "
            "(e.g. slack-webhook/ops-alerts)",
        )
        return
    slug, name = ref.split("/", 1)
    with get_client(sync_client=True) as client:
        try:
            doc = client.read_block_document_by_name(name, slug, include_secrets=False)
        except ObjectNotFound:
            record(what, f"skipped: no {slug} block named {name!r} on this server")
            return
    record(what, f"{_upsert(failure_automation(doc.id))} (notifies via {ref})")
