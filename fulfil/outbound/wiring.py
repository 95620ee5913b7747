"""Composition root of outbound delivery: which notifier, which ticket target, which stores.

Credentials decide the adapters: with WhatsApp / Jira credentials configured (environment
variables, or configs built from Prefect blocks and passed in) the real clients are used,
otherwise the local JSONL sinks under `settings.outbox_dir`, which is what the demo and the tests
run on. Everything a delivery run needs is bundled in `OutboundServices`, so flows, the CLI and
tests build it once and pass it around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fulfil.jira.config import JiraConfig
from fulfil.jira.sink import EscalationTarget, build_escalation_target
from fulfil.outbound.alerts import AlertSettings
from fulfil.outbound.retry import DeliveryLimits
from fulfil.settings import Settings
from fulfil.store.dynamo import DynamoDBClient, make_client
from fulfil.store.outbox import OutboxStore
from fulfil.store.outcomes import OutcomeLog
from fulfil.store.tickets import OrderTicketLinker, TicketRegistry
from fulfil.whatsapp.config import WhatsAppConfig
from fulfil.whatsapp.notifier import Notifier, build_notifier

__all__ = ["Outbound", "OutboundServices", "build_outbound", "build_services"]


@dataclass(frozen=True)
class Outbound:
    """The two delivery adapters."""

    notifier: Notifier
    target: EscalationTarget


def build_outbound(
    settings: Settings,
    http: httpx.Client | None = None,
    *,
    jira: JiraConfig | None = None,
    whatsapp: WhatsAppConfig | None = None,
) -> Outbound:
    """Notifier and escalation target; configs default to the `JIRA_*` / `WHATSAPP_*` env.

    `http` is shared by both clients (each request carries its own timeout); the caller owns
    and closes it.
    """
    sink_dir = Path(settings.outbox_dir)
    return Outbound(
        notifier=build_notifier(
            whatsapp if whatsapp is not None else WhatsAppConfig(), sink_dir, http
        ),
        target=build_escalation_target(jira if jira is not None else JiraConfig(), sink_dir, http),
    )


@dataclass(frozen=True)
class OutboundServices:
    """Stores, adapters and limits for one delivery run."""

    outbox: OutboxStore
    registry: TicketRegistry
    orders: OrderTicketLinker
    outcomes: OutcomeLog
    notifier: Notifier
    target: EscalationTarget
    limits: DeliveryLimits = field(default_factory=DeliveryLimits)
    alert_settings: AlertSettings = field(default_factory=AlertSettings)


def build_services(
    settings: Settings,
    *,
    client: DynamoDBClient | None = None,
    outbound: Outbound | None = None,
    http: httpx.Client | None = None,
    limits: DeliveryLimits | None = None,
    alert_settings: AlertSettings | None = None,
) -> OutboundServices:
    """Everything `deliver-outbound` needs, from settings (and the environment)."""
    dynamo = client or make_client(settings)
    adapters = outbound or build_outbound(settings, http)
    delivery_limits = limits or DeliveryLimits()
    return OutboundServices(
        outbox=OutboxStore(dynamo, settings.tables),
        registry=TicketRegistry(
            dynamo, settings.tables, claim_seconds=delivery_limits.ticket_claim_seconds
        ),
        orders=OrderTicketLinker(dynamo, settings.tables),
        outcomes=OutcomeLog(dynamo, settings.tables),
        notifier=adapters.notifier,
        target=adapters.target,
        limits=delivery_limits,
        alert_settings=alert_settings or AlertSettings(),
    )
